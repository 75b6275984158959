/*
 * xml.c - libxml2's streaming reader, set up for hostile input.
 *
 * Options are NONET|NOERROR|NOWARNING|IGNORE_ENC and nothing else.
 * IGNORE_ENC: a part is read as the UTF-8 OPC and ODF require, whatever
 * its declaration says; libxml2 would otherwise switch to a declared
 * Latin-1 (wrong values) or EBCDIC (bytes the DOCTYPE scan below cannot
 * read) after the declaration.  No NOENT (it loads
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

/*
 * libxml2 2.9.14 checks a start tag's attributes for duplicates pairwise:
 * 100,000 attributes on one element, 228 KB zipped, take 20 s to parse.
 * So the bytes are watched as they pass for a start tag with more than
 * max_attributes '=' signs (attributes and namespace declarations), cheaply:
 * only a tag still open at the end of a chunk is counted, whole, across
 * chunks; a tag within one chunk of 4 KB has room for some 800 attributes
 * (' a=""' each), which is why the limit is at least 1000 and then exact.
 * Text is not counted: it lies between '>' and '<'.
 */
struct attr_watch {
	int in_tag;	/* a '<' at the end of the last chunk still open */
	size_t equals;	/* '=' seen in that tag so far */
};

static size_t count_equals(const char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += p[i] == '=';
	return c;
}

/* Returns 0, or -1 once a start tag has too many attributes (scan failed). */
static int attr_watch_feed(struct attr_watch *w, const char *buf, size_t n,
			   struct extract_scan *scan)
{
	size_t max = scan->limits->max_attributes;
	const char *start = buf;
	if (w->in_tag) {
		const char *gt = memchr(buf, '>', n);
		w->equals += count_equals(buf, gt ? (size_t)(gt - buf) : n);
		if (w->equals > max)
			return extract_fail(scan, "too_many_attributes",
					    "%s: an element with more than %zu attributes",
					    scan->part, max);
		if (!gt)
			return 0;
		w->in_tag = 0;
		start = gt + 1;
	}
	size_t rest = n - (size_t)(start - buf);
	const char *lt = memrchr(start, '<', rest);
	if (lt && !memchr(lt, '>', n - (size_t)(lt - buf))) {
		w->in_tag = 1;
		w->equals = count_equals(lt, n - (size_t)(lt - buf));
		if (w->equals > max)
			return extract_fail(scan, "too_many_attributes",
					    "%s: an element with more than %zu attributes",
					    scan->part, max);
	}
	return 0;
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
	struct attr_watch watch = {0};
	for (size_t off = 0; off < len; off += 4096)
		if (attr_watch_feed(&watch, buf + off, len - off < 4096 ? len - off : 4096, scan) < 0)
			return NULL;
	xmlTextReaderPtr reader =
	    xmlReaderForMemory(buf, (int)len, NULL, "UTF-8",
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			       XML_PARSE_IGNORE_ENC);
	if (!reader) {
		extract_fail(scan, "xml_error", "%s: cannot start the XML reader", scan->part);
		return NULL;
	}
	xmlTextReaderSetStructuredErrorHandler(reader, on_error, scan);
	return reader;
}

/* What the streaming reader reads from: one zip part, watched as it passes. */
struct part_input {
	struct extract_zip_stream *zs;
	struct extract_scan *scan;
	char tail[16]; /* the end of the last chunk: a DOCTYPE may straddle two */
	size_t tail_len;
	int first;
	struct attr_watch attrs;
};

static int part_read(void *ctx, char *buf, int len)
{
	struct part_input *in = ctx;
	struct extract_scan *scan = in->scan;
	if (len <= 0)
		return 0;
	long n = extract_zip_stream_read(in->zs, buf, (size_t)len);
	if (n <= 0)
		return n < 0 ? -1 : 0;
	if (in->first) {
		in->first = 0;
		if (n >= 2 && (((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff) ||
			       ((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
			       buf[0] == '\0' || buf[1] == '\0'))
			return extract_fail(scan, "xml_error", "%s: not UTF-8", scan->part);
	}
	/*
	 * Refuse a DTD before libxml2 parses it, as extract_xml_reader does on
	 * a whole buffer: here on the bytes as they pass, with the end of the
	 * previous chunk in front so a declaration split in two is seen.
	 */
	char window[16 + 4096];
	for (long off = 0; off < n; off += 4096) {
		size_t piece = (size_t)(n - off) < 4096 ? (size_t)(n - off) : 4096;
		memcpy(window, in->tail, in->tail_len);
		memcpy(window + in->tail_len, buf + off, piece);
		size_t wlen = in->tail_len + piece;
		if (memmem(window, wlen, "<!DOCTYPE", 9) || memmem(window, wlen, "<!ENTITY", 8))
			return extract_fail(scan, "doctype",
					    "%s: document type declaration (DOCTYPE)", scan->part);
		if (attr_watch_feed(&in->attrs, buf + off, piece, scan) < 0)
			return -1;
		in->tail_len = wlen < 8 ? wlen : 8;
		memcpy(in->tail, window + wlen - in->tail_len, in->tail_len);
	}
	return (int)n;
}

static int part_close(void *ctx)
{
	struct part_input *in = ctx;
	extract_zip_stream_close(in->zs);
	free(in);
	return 0;
}

xmlTextReaderPtr extract_xml_reader_zip(struct extract_zip *zip, const char *name,
					struct extract_scan *scan, int *missing)
{
	struct extract_zip_stream *zs;
	*missing = 0;
	int r = extract_zip_stream_open(zip, name, scan, &zs);
	if (r != 0) {
		*missing = r > 0;
		return NULL;
	}
	struct part_input *in = calloc(1, sizeof *in);
	if (!in) {
		extract_zip_stream_close(zs);
		extract_fail(scan, "out_of_memory", "%s: out of memory", name);
		return NULL;
	}
	in->zs = zs;
	in->scan = scan;
	in->first = 1;
	/* The reader owns in from here: part_close frees it, also on failure. */
	xmlTextReaderPtr reader =
	    xmlReaderForIO(part_read, part_close, in, NULL, "UTF-8",
			   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			       XML_PARSE_IGNORE_ENC);
	if (!reader) {
		extract_fail(scan, "xml_error", "%s: cannot start the XML reader", name);
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
