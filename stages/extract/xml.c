/*
 * xml.c - libxml2's streaming reader, set up for hostile input.
 *
 * Options are NONET|NOERROR|NOWARNING and nothing else: no NOENT (it loads
 * external entities even with NONET), no DTD loading or validation, no
 * XINCLUDE, no HUGE (in 2.9.14 it also switches the entity checks off).
 * Any DOCTYPE is refused (OPC M1.18 says a DTD is an error), which takes
 * billion laughs, quadratic blowup and XXE off the table before a single
 * entity is referenced; the external entity loader fails anyway, in case
 * something slips past.  The reader never builds the whole tree: we see a
 * stream of nodes and keep only what we need, so memory stays flat as
 * documents grow.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "extract.h"

static xmlParserInputPtr no_entities(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

void extract_xml_setup(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(no_entities);
	xmlSetGenericErrorFunc(NULL, quiet);
}

static void on_error(void *arg, xmlErrorPtr error)
{
	struct extract_scan *scan = arg;
	if (!error || error->level < XML_ERR_ERROR || extract_failed(scan))
		return;
	char text[200];
	snprintf(text, sizeof text, "%s", error->message ? error->message : "error");
	text[strcspn(text, "\n")] = '\0'; /* libxml2 adds a second line with the bytes */
	size_t n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	if (error->code == XML_ERR_NO_MEMORY)
		extract_fail(scan, "out_of_memory", "%s: %s", scan->part, text);
	else if (strstr(text, "Excessive depth") || strstr(text, "depth"))
		extract_fail(scan, "xml_too_deep", "%s: line %d: %s", scan->part, error->line,
			     text);
	else
		extract_fail(scan, "xml_error", "%s: line %d: %s", scan->part, error->line, text);
}

xmlTextReaderPtr extract_xml_reader(const char *buf, size_t len, struct extract_scan *scan)
{
	/* An empty part is an empty strbuf, whose data is NULL (make fuzz:
	 * fixtures/extract/fuzz/empty-rels.docx). */
	if (!buf) {
		buf = "";
		len = 0;
	}
	/* UTF-16 parts exist in theory (OPC allows them); no word processor writes them. */
	if (len >= 2 && (((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff) ||
			 ((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
			 buf[0] == '\0' || buf[1] == '\0')) {
		extract_fail(scan, "xml_error", "%s: not UTF-8", scan->part);
		return NULL;
	}
	/*
	 * Refuse a DTD before libxml2 parses it: its internal subset is parsed
	 * while the reader moves to the first node, and we want no entity
	 * declaration stored at all.  The check on the node type below stays
	 * for anything this misses.
	 */
	if (memmem(buf, len, "<!DOCTYPE", 9) || memmem(buf, len, "<!ENTITY", 8)) {
		extract_fail(scan, "doctype", "%s: document type declaration (DOCTYPE)",
			     scan->part);
		return NULL;
	}
	if (len > (size_t)0x7fffffff) {
		extract_fail(scan, "too_large", "%s: part too large", scan->part);
		return NULL;
	}
	xmlTextReaderPtr reader =
	    xmlReaderForMemory(buf, (int)len, NULL, "UTF-8",
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!reader) {
		extract_fail(scan, "xml_error", "%s: cannot start the XML reader", scan->part);
		return NULL;
	}
	xmlTextReaderSetStructuredErrorHandler(reader, on_error, scan);
	return reader;
}

int extract_xml_next(xmlTextReaderPtr reader, struct extract_scan *scan)
{
	int ret = xmlTextReaderRead(reader);
	if (ret < 0) {
		if (!extract_failed(scan))
			extract_fail(scan, "xml_error", "%s: not well-formed XML", scan->part);
		return -1;
	}
	if (ret == 0) {
		/* The reader ends quietly at some errors; our handler has the reason. */
		return extract_failed(scan) ? -1 : 0;
	}
	if (extract_failed(scan))
		return -1;
	int type = xmlTextReaderNodeType(reader);
	if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
	    type == XML_READER_TYPE_ENTITY) {
		extract_fail(scan, "doctype", "%s: document type declaration (DOCTYPE)",
			     scan->part);
		return -1;
	}
	if (type == XML_READER_TYPE_ELEMENT &&
	    xmlTextReaderDepth(reader) >= scan->limits->max_depth) {
		extract_fail(scan, "xml_too_deep", "%s: nesting deeper than %d", scan->part,
			     scan->limits->max_depth);
		return -1;
	}
	return 1;
}

void extract_xml_reader_free(xmlTextReaderPtr reader)
{
	if (reader)
		xmlFreeTextReader(reader);
}

char *extract_xml_attr(xmlTextReaderPtr reader, const char *ns, const char *local)
{
	xmlChar *value = ns ? xmlTextReaderGetAttributeNs(reader, BAD_CAST local, BAD_CAST ns)
			    : xmlTextReaderGetAttribute(reader, BAD_CAST local);
	if (!value)
		return NULL;
	/* xmlChar is malloc'd by xmlMalloc, which is malloc unless someone swapped it. */
	char *copy = strdup((const char *)value);
	xmlFree(value);
	return copy;
}
