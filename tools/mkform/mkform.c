/*
 * mkform.c - writes an offer's application form, blank or filled in, as
 * DOCX or ODT, from its definition (forms/<id>/offer.xml).
 *
 * usage: mkform [--fill VALUES.json] [--plain] [--no-properties]
 *               -o OUT.docx|OUT.odt OFFER.xml
 *
 * The form and the definition cannot drift apart because the form is made
 * from the definition: every field becomes one row of a two-column table,
 * the printed label on the left and an input on the right.
 *
 * Encodings (docs/offer-format.md, "Blank forms"), chosen for what survives
 * the editors applicants use:
 *   DOCX: a run-level content control per field, w:tag = field name,
 *         w:alias = label; w14:checkbox, w:dropDownList, w:date by type.
 *   ODT:  a LibreOffice content control (loext:content-control) per field,
 *         loext:tag/loext:alias = name/label, checkbox/dropdown/date by type.
 *   Both: custom properties skema.form and skema.version (they survive every
 *         LibreOffice save), the offer's title as document title, and the
 *         label/value table, which is what remains readable when an editor
 *         drops the tags (LibreOffice 7.4 drops content-control tags on load).
 *
 * --fill VALUES.json writes a filled-in form: an object of field name ->
 * value (string, number or boolean), used by tests, the demo and the
 * benchmark to make submissions.  --plain leaves out the controls (a form
 * retyped by hand: only the table remains), --no-properties the custom
 * properties (a form that lost its identity: only the title remains).
 *
 * Output is deterministic (fixed zip times), so regenerating an unchanged
 * blank form leaves git clean.
 *
 * Exit codes: 0 written, 64 usage, 65 bad fill values, 78 bad definition,
 * 73/70 cannot write.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>
#include <zip.h>

#include "clock.h"
#include "msg.h"
#include "normalize.h"
#include "offer.h"
#include "strbuf.h"

/* 2021-01-01 00:00 UTC: every entry's time, so the bytes only change with the content. */
#define MKFORM_ZIP_TIME 1609459200

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W14_NS "http://schemas.microsoft.com/office/word/2010/wordml"
#define R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"

#define TEXT_PLACEHOLDER "Klik eller tryk her for at skrive tekst."
#define CHOICE_PLACEHOLDER "Vælg et element."
#define DATE_PLACEHOLDER "Klik eller tryk for at angive en dato."

struct mkform_options {
	const char *output;
	const char *fill_path;
	int plain;
	int no_properties;
};

/* One field's value in a filled form: text as shown, and for a date its ISO form. */
struct cell_value {
	const char *text;   /* NULL: blank (placeholder shown) */
	int checked;        /* checkboxes */
	char iso[11];       /* dates that parse; "" otherwise */
};

static int write_docx(const struct offer *offer, json_t *values, const struct mkform_options *opt,
		      zip_t *za);
static int write_odt(const struct offer *offer, json_t *values, const struct mkform_options *opt,
		     zip_t *za);

static void usage(FILE *out)
{
	fprintf(out, "usage: mkform [--fill VALUES.json] [--plain] [--no-properties] -o OUT.docx|OUT.odt OFFER.xml\n"
		     "Writes an offer's application form (blank, or filled in with --fill) as DOCX or ODT.\n"
		     "  -o, --output FILE    where to write; the extension picks the format\n"
		     "  --fill FILE          JSON object: field name -> value\n"
		     "  --plain              no input controls, only the label/value table\n"
		     "  --no-properties      leave out the skema.form/skema.version properties\n"
		     "  -h, --help           this text\n"
		     "  -V, --version        the version\n");
}

static const char *extension(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : "";
}

/* ---- zip ----------------------------------------------------------------- */

/* Adds a finished writer buffer as entry name; takes the buffer.  Returns 0 or -1. */
static int zip_add_buffer(zip_t *za, const char *name, xmlBufferPtr buf, int store)
{
	size_t len = (size_t)xmlBufferLength(buf);
	void *copy = malloc(len ? len : 1);
	if (!copy) {
		xmlBufferFree(buf);
		return -1;
	}
	memcpy(copy, xmlBufferContent(buf), len);
	xmlBufferFree(buf);
	zip_source_t *src = zip_source_buffer(za, copy, len, 1);
	if (!src) {
		free(copy);
		return -1;
	}
	zip_int64_t idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		zip_source_free(src);
		return -1;
	}
	zip_set_file_compression(za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0);
	zip_file_set_mtime(za, (zip_uint64_t)idx, MKFORM_ZIP_TIME, 0);
	return 0;
}

static int zip_add_string(zip_t *za, const char *name, const char *text, int store)
{
	xmlBufferPtr buf = xmlBufferCreate();
	if (!buf)
		return -1;
	xmlBufferCat(buf, (const xmlChar *)text);
	return zip_add_buffer(za, name, buf, store);
}

/* ---- xml writer shorthands ------------------------------------------------ */

static void el(xmlTextWriterPtr w, const char *name)
{
	xmlTextWriterStartElement(w, (const xmlChar *)name);
}

static void end(xmlTextWriterPtr w)
{
	xmlTextWriterEndElement(w);
}

static void at(xmlTextWriterPtr w, const char *name, const char *value)
{
	xmlTextWriterWriteAttribute(w, (const xmlChar *)name, (const xmlChar *)value);
}

static void txt(xmlTextWriterPtr w, const char *text)
{
	xmlTextWriterWriteString(w, (const xmlChar *)text);
}

/* <NAME VAL="value"/>, the OOXML idiom. */
static void val(xmlTextWriterPtr w, const char *name, const char *attr_name, const char *value)
{
	el(w, name);
	at(w, attr_name, value);
	end(w);
}

static xmlTextWriterPtr writer_new(xmlBufferPtr *buf)
{
	*buf = xmlBufferCreate();
	if (!*buf)
		return NULL;
	xmlTextWriterPtr w = xmlNewTextWriterMemory(*buf, 0);
	if (!w) {
		xmlBufferFree(*buf);
		return NULL;
	}
	xmlTextWriterStartDocument(w, "1.0", "UTF-8", "yes");
	return w;
}

/* Ends the document; returns the buffer (caller passes it to zip_add_buffer). */
static xmlBufferPtr writer_finish(xmlTextWriterPtr w, xmlBufferPtr buf)
{
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	return buf;
}

/* ---- the definition's texts ---------------------------------------------- */

static const xmlNode *child_element(const xmlNode *node, const char *name)
{
	for (const xmlNode *c = node ? node->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static char *attr_copy(const xmlNode *node, const char *name)
{
	xmlChar *v = node ? xmlGetProp(node, (const xmlChar *)name) : NULL;
	char *copy = v ? strdup((const char *)v) : NULL;
	xmlFree(v);
	return copy;
}

/* "Ansøgningsfrist: 13. september 2021 kl. 12.00" or "Løbende optag"; caller frees. */
static char *deadline_text(const struct offer *offer)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	if (offer->rolling || !offer->deadline) {
		strbuf_puts(&sb, "Løbende optag: ansøgninger behandles i den rækkefølge, de modtages.");
	} else {
		char date[CLOCK_ISO_SIZE];
		clock_format_danish(offer->deadline_at, date);
		strbuf_printf(&sb, "Ansøgningsfrist: %s", date);
		if (strlen(offer->deadline) >= 16)
			strbuf_printf(&sb, " kl. %.2s.%.2s", offer->deadline + 11, offer->deadline + 14);
		strbuf_putc(&sb, '.');
	}
	return strbuf_detach(&sb);
}

/* ---- fill values ---------------------------------------------------------- */

static int cell_value_get(const struct offer_field *field, json_t *values, struct cell_value *cv,
			  char *scratch, size_t scratch_size)
{
	json_t *v = values ? json_object_get(values, field->name) : NULL;
	memset(cv, 0, sizeof *cv);
	if (!v || json_is_null(v))
		return 0;
	if (json_is_boolean(v)) {
		cv->checked = json_is_true(v);
		snprintf(scratch, scratch_size, "%s", cv->checked ? "☒" : "☐");
	} else if (json_is_integer(v)) {
		snprintf(scratch, scratch_size, "%lld", (long long)json_integer_value(v));
	} else if (json_is_string(v)) {
		snprintf(scratch, scratch_size, "%s", json_string_value(v));
	} else {
		return -1;
	}
	cv->text = scratch;
	if (field->type == FIELD_CHECKBOX && !json_is_boolean(v)) {
		int flag = 0;
		if (normalize_checkbox(scratch, &flag) < 0)
			return -1;
		cv->checked = flag;
		snprintf(scratch, scratch_size, "%s", flag ? "☒" : "☐");
	}
	if (field->type == FIELD_DATE && normalize_date(scratch, cv->iso) < 0)
		cv->iso[0] = '\0';
	return 0;
}

/* ---- what the DOCX and the ODT form share ---------------------------------- */

/* The fill value of a row; a value that does not fit the field is reported and marks the run bad. */
static void row_value(const struct offer_field *f, json_t *values, struct cell_value *cv,
		      char *scratch, size_t size, int *bad)
{
	if (cell_value_get(f, values, cv, scratch, size) < 0) {
		msg_error("%s: fill value is not usable for a %s field", f->name, field_type_name(f->type));
		*bad = 1;
	}
}

/* The text an input shows: the box, the value, or the placeholder for its type. */
static const char *input_shown(const struct offer_field *f, const struct cell_value *cv)
{
	if (f->type == FIELD_CHECKBOX)
		return cv->checked ? "☒" : "☐";
	if (cv->text)
		return cv->text;
	if (f->type == FIELD_CHOICE || f->type == FIELD_KOMMUNE)
		return CHOICE_PLACEHOLDER;
	if (f->type == FIELD_DATE)
		return DATE_PLACEHOLDER;
	return TEXT_PLACEHOLDER;
}

/* Item i of a drop-down (the field's choices, or every kommune); NULL past the last. */
static const char *input_item(const struct offer_field *f, size_t i)
{
	if (f->type == FIELD_CHOICE)
		return i < f->nchoices ? f->choices[i] : NULL;
	return kommune_name_at(i);
}

/*
 * The DOCX and the ODT form say the same things around the field tables;
 * only how a paragraph is written and what the heading style is called
 * differ.  So the text above and below the tables is written once, with
 * the format's paragraph writer passed in.
 */
typedef void form_para_fn(xmlTextWriterPtr w, const char *style, const char *text);

/* Paragraphs <p> of a definition element (intro, apply), in the body style. */
static void form_paragraphs_of(xmlTextWriterPtr w, form_para_fn *para, const xmlNode *node)
{
	for (const xmlNode *c = node ? node->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "p") != 0)
			continue;
		char *text = offer_node_text(c);
		para(w, NULL, text ? text : "");
		free(text);
	}
}

/* Above the tables: who offers what, the deadline, how to apply. */
static void form_front(xmlTextWriterPtr w, form_para_fn *para, const char *heading,
		       const struct offer *offer)
{
	const xmlNode *root = xmlDocGetRootElement(offer->doc);
	char *authority = offer_node_text(child_element(root, "authority"));
	para(w, "Authority", authority && *authority ? authority : "Ansøgningsskema");
	free(authority);
	char *subtitle = offer_node_text(child_element(root, "subtitle"));
	para(w, "Subtitle", subtitle && *subtitle ? subtitle : "Ansøgningsskema");
	free(subtitle);
	para(w, "Title", offer->title);
	form_paragraphs_of(w, para, child_element(root, "intro"));
	char *deadline = deadline_text(offer);
	para(w, "Deadline", deadline);
	free(deadline);
	const xmlNode *apply = child_element(root, "apply");
	if (apply) {
		char *title = attr_copy(apply, "title");
		para(w, heading, title ? title : "Sådan ansøger I");
		free(title);
		form_paragraphs_of(w, para, apply);
	}
	para(w, "Small", "Felter markeret med * skal udfyldes. Sæt kryds i de felter, der passer.");
}

/* Below the tables: whom to ask, and the form's id and version. */
static void form_back(xmlTextWriterPtr w, form_para_fn *para, const char *heading,
		      const struct offer *offer)
{
	const xmlNode *root = xmlDocGetRootElement(offer->doc);
	para(w, heading, "Kontakt");
	const xmlNode *contact = child_element(root, "contact");
	if (contact) {
		char *name = attr_copy(contact, "name"), *title = attr_copy(contact, "title");
		char *email = attr_copy(contact, "email"), *phone = attr_copy(contact, "phone");
		struct strbuf sb;
		strbuf_init(&sb, 0);
		strbuf_printf(&sb, "Har I spørgsmål til skemaet, kan I kontakte %s%s%s", name ? name : "",
			      title ? ", " : "", title ? title : "");
		if (email)
			strbuf_printf(&sb, ", e-mail %s", email);
		if (phone)
			strbuf_printf(&sb, ", telefon %s", phone);
		strbuf_putc(&sb, '.');
		para(w, NULL, strbuf_str(&sb));
		strbuf_release(&sb);
		free(name);
		free(title);
		free(email);
		free(phone);
	}
	char footer[256];
	snprintf(footer, sizeof footer, "Skema-id: %s, version %s. Skemaet læses maskinelt; ændr ikke i tabellens venstre kolonne.",
		 offer->id, offer->version);
	para(w, "Small", footer);
}

/* ---- DOCX ------------------------------------------------------------------ */

static const char docx_content_types[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	"<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
	"<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
	"<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
	"<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
	"<Override PartName=\"/docProps/custom.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.custom-properties+xml\"/>"
	"</Types>\n";

static const char docx_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties\" Target=\"docProps/custom.xml\"/>"
	"</Relationships>\n";

static const char docx_document_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>"
	"</Relationships>\n";

static const char docx_settings[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:settings xmlns:w=\"" W_NS "\"><w:defaultTabStop w:val=\"1304\"/>"
	"<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat>"
	"<w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>"
	"</w:compat></w:settings>\n";

/* The look: Arial-like sans, a dark blue title, grey label cells. */
static const char docx_styles[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:styles xmlns:w=\"" W_NS "\">"
	"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:eastAsia=\"Arial\" w:cs=\"Arial\"/>"
	"<w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/><w:lang w:val=\"da-DK\"/></w:rPr></w:rPrDefault>"
	"<w:pPrDefault><w:pPr><w:spacing w:after=\"100\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
	"<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Authority\"><w:name w:val=\"Myndighed\"/><w:basedOn w:val=\"Normal\"/>"
	"<w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"4\" w:color=\"1F3864\"/></w:pBdr><w:spacing w:after=\"240\"/></w:pPr>"
	"<w:rPr><w:b/><w:caps/><w:color w:val=\"1F3864\"/><w:spacing w:val=\"20\"/><w:sz w:val=\"18\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/><w:basedOn w:val=\"Normal\"/>"
	"<w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:color w:val=\"595959\"/><w:sz w:val=\"22\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>"
	"<w:pPr><w:spacing w:before=\"40\" w:after=\"200\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"1F3864\"/><w:sz w:val=\"36\"/><w:szCs w:val=\"36\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
	"<w:pPr><w:keepNext/><w:spacing w:before=\"320\" w:after=\"120\"/><w:outlineLvl w:val=\"1\"/></w:pPr>"
	"<w:rPr><w:b/><w:color w:val=\"1F3864\"/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Deadline\"><w:name w:val=\"Frist\"/><w:basedOn w:val=\"Normal\"/>"
	"<w:pPr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"DEEAF6\"/><w:spacing w:before=\"120\" w:after=\"120\"/><w:ind w:left=\"113\" w:right=\"113\"/></w:pPr>"
	"<w:rPr><w:b/></w:rPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Small\"><w:name w:val=\"Lille\"/><w:basedOn w:val=\"Normal\"/>"
	"<w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:rPr><w:color w:val=\"595959\"/><w:sz w:val=\"16\"/></w:rPr></w:style>"
	"<w:style w:type=\"character\" w:styleId=\"PlaceholderText\"><w:name w:val=\"Placeholder Text\"/><w:rPr><w:color w:val=\"808080\"/></w:rPr></w:style>"
	"<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
	"<w:tblPr><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
	"</w:styles>\n";

static void docx_para(xmlTextWriterPtr w, const char *style, const char *text)
{
	el(w, "w:p");
	if (style) {
		el(w, "w:pPr");
		val(w, "w:pStyle", "w:val", style);
		end(w);
	}
	el(w, "w:r");
	el(w, "w:t");
	at(w, "xml:space", "preserve");
	txt(w, text);
	end(w);
	end(w);
	end(w);
}

static void docx_run(xmlTextWriterPtr w, const char *text, int placeholder, const char *font)
{
	el(w, "w:r");
	if (placeholder || font) {
		el(w, "w:rPr");
		if (placeholder) {
			val(w, "w:rStyle", "w:val", "PlaceholderText");
			/* Direct colour too: LibreOffice ignores the style in a plain-text control. */
			val(w, "w:color", "w:val", "808080");
		}
		if (font) {
			el(w, "w:rFonts");
			at(w, "w:ascii", font);
			at(w, "w:hAnsi", font);
			at(w, "w:eastAsia", font);
			end(w);
		}
		end(w);
	}
	/* Line breaks in long text become w:br, as Word writes them. */
	const char *p = text;
	while (p) {
		const char *nl = strchr(p, '\n');
		el(w, "w:t");
		at(w, "xml:space", "preserve");
		if (nl) {
			char *part = strndup(p, (size_t)(nl - p));
			txt(w, part ? part : "");
			free(part);
		} else {
			txt(w, p);
		}
		end(w);
		if (nl) {
			el(w, "w:br");
			end(w);
		}
		p = nl ? nl + 1 : NULL;
	}
	end(w);
}

static void docx_cell_start(xmlTextWriterPtr w, int width, const char *fill)
{
	el(w, "w:tc");
	el(w, "w:tcPr");
	el(w, "w:tcW");
	char buf[16];
	snprintf(buf, sizeof buf, "%d", width);
	at(w, "w:w", buf);
	at(w, "w:type", "dxa");
	end(w);
	if (fill) {
		el(w, "w:shd");
		at(w, "w:val", "clear");
		at(w, "w:color", "auto");
		at(w, "w:fill", fill);
		end(w);
	}
	end(w);
}

/* The input: a content control (or, --plain, the bare text) in the value cell. */
static void docx_input(xmlTextWriterPtr w, const struct offer_field *f, const struct cell_value *cv,
		       const struct mkform_options *opt, int id)
{
	const char *shown = input_shown(f, cv);
	int blank = cv->text == NULL;
	char idbuf[16];

	if (opt->plain) {
		if (f->type == FIELD_CHECKBOX || !blank)
			docx_run(w, shown, 0, NULL);
		return;
	}
	el(w, "w:sdt");
	el(w, "w:sdtPr");
	val(w, "w:alias", "w:val", f->label);
	val(w, "w:tag", "w:val", f->name);
	snprintf(idbuf, sizeof idbuf, "%d", 1000 + id);
	val(w, "w:id", "w:val", idbuf);
	if (f->type != FIELD_CHECKBOX && blank) {
		el(w, "w:showingPlcHdr");
		end(w);
	}
	switch (f->type) {
	case FIELD_CHECKBOX:
		el(w, "w14:checkbox");
		val(w, "w14:checked", "w14:val", cv->checked ? "1" : "0");
		el(w, "w14:checkedState");
		at(w, "w14:val", "2612");
		at(w, "w14:font", "MS Gothic");
		end(w);
		el(w, "w14:uncheckedState");
		at(w, "w14:val", "2610");
		at(w, "w14:font", "MS Gothic");
		end(w);
		end(w);
		break;
	case FIELD_CHOICE:
	case FIELD_KOMMUNE:
		el(w, "w:dropDownList");
		for (size_t i = 0;; i++) {
			const char *item = input_item(f, i);
			if (!item)
				break;
			el(w, "w:listItem");
			at(w, "w:displayText", item);
			at(w, "w:value", item);
			end(w);
		}
		end(w);
		break;
	case FIELD_DATE:
		el(w, "w:date");
		if (cv->iso[0]) {
			char full[32];
			snprintf(full, sizeof full, "%sT00:00:00Z", cv->iso);
			at(w, "w:fullDate", full);
		}
		val(w, "w:dateFormat", "w:val", "dd-MM-yyyy");
		val(w, "w:lid", "w:val", "da-DK");
		val(w, "w:storeMappedDataAs", "w:val", "dateTime");
		val(w, "w:calendar", "w:val", "gregorian");
		end(w);
		break;
	case FIELD_LONGTEXT:
		/* Rich text (no type child): LibreOffice turns a plain-text
		 * control into a text-input field, which loses line breaks. */
		break;
	default:
		el(w, "w:text");
		end(w);
		break;
	}
	end(w); /* sdtPr */
	el(w, "w:sdtContent");
	docx_run(w, shown, blank && f->type != FIELD_CHECKBOX,
		 f->type == FIELD_CHECKBOX ? "MS Gothic" : NULL);
	end(w);
	end(w); /* sdt */
}

static void docx_field_row(xmlTextWriterPtr w, const struct offer_field *f, json_t *values,
			   const struct mkform_options *opt, int id, int *bad)
{
	struct cell_value cv;
	char scratch[8192];
	row_value(f, values, &cv, scratch, sizeof scratch, bad);
	el(w, "w:tr");
	el(w, "w:trPr");
	el(w, "w:cantSplit");
	end(w);
	end(w);
	docx_cell_start(w, 3600, "F2F2F2");
	el(w, "w:p");
	el(w, "w:pPr");
	el(w, "w:spacing");
	at(w, "w:before", "60");
	at(w, "w:after", "60");
	end(w);
	end(w);
	el(w, "w:r");
	el(w, "w:rPr");
	el(w, "w:b");
	end(w);
	end(w);
	el(w, "w:t");
	at(w, "xml:space", "preserve");
	txt(w, f->label);
	end(w);
	end(w);
	if (f->required) {
		el(w, "w:r");
		el(w, "w:rPr");
		val(w, "w:color", "w:val", "C00000");
		end(w);
		el(w, "w:t");
		at(w, "xml:space", "preserve");
		txt(w, " *");
		end(w);
		end(w);
	}
	end(w); /* p */
	end(w); /* tc */
	docx_cell_start(w, 6038, NULL);
	el(w, "w:p");
	el(w, "w:pPr");
	el(w, "w:spacing");
	at(w, "w:before", "60");
	at(w, "w:after", "60");
	end(w);
	end(w);
	docx_input(w, f, &cv, opt, id);
	end(w); /* p */
	end(w); /* tc */
	end(w); /* tr */
	/* The hint gets its own full-width row: in the label cell it would make
	 * the label differ from the definition's, and labels are how a form that
	 * lost its tags is still read. */
	if (f->help && *f->help) {
		el(w, "w:tr");
		el(w, "w:tc");
		el(w, "w:tcPr");
		el(w, "w:tcW");
		at(w, "w:w", "9638");
		at(w, "w:type", "dxa");
		end(w);
		val(w, "w:gridSpan", "w:val", "2");
		end(w);
		docx_para(w, "Small", f->help);
		end(w);
		end(w);
	}
}

static void docx_table_start(xmlTextWriterPtr w)
{
	el(w, "w:tbl");
	el(w, "w:tblPr");
	el(w, "w:tblW");
	at(w, "w:w", "9638");
	at(w, "w:type", "dxa");
	end(w);
	el(w, "w:tblBorders");
	static const char *const sides[] = {"w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"};
	for (size_t i = 0; i < 6; i++) {
		el(w, sides[i]);
		at(w, "w:val", "single");
		at(w, "w:sz", "4");
		at(w, "w:space", "0");
		at(w, "w:color", "A6A6A6");
		end(w);
	}
	end(w);
	el(w, "w:tblLayout");
	at(w, "w:type", "fixed");
	end(w);
	end(w);
	el(w, "w:tblGrid");
	val(w, "w:gridCol", "w:w", "3600");
	val(w, "w:gridCol", "w:w", "6038");
	end(w);
}

static xmlBufferPtr docx_document(const struct offer *offer, json_t *values,
				  const struct mkform_options *opt, int *bad)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w = writer_new(&buf);
	if (!w)
		return NULL;
	el(w, "w:document");
	at(w, "xmlns:w", W_NS);
	at(w, "xmlns:w14", W14_NS);
	at(w, "xmlns:r", R_NS);
	at(w, "xmlns:mc", MC_NS);
	at(w, "mc:Ignorable", "w14");
	el(w, "w:body");

	form_front(w, docx_para, "Heading2", offer);

	const char *section = NULL;
	int open = 0;
	for (size_t i = 0; i < offer->nfields; i++) {
		const struct offer_field *f = &offer->fields[i];
		if (!section || strcmp(section, f->section) != 0) {
			if (open) {
				end(w);
				docx_para(w, NULL, "");
			}
			section = f->section;
			if (*section)
				docx_para(w, "Heading2", section);
			docx_table_start(w);
			open = 1;
		}
		docx_field_row(w, f, values, opt, (int)i, bad);
	}
	if (open)
		end(w);

	form_back(w, docx_para, "Heading2", offer);

	el(w, "w:sectPr");
	el(w, "w:pgSz");
	at(w, "w:w", "11906");
	at(w, "w:h", "16838");
	end(w);
	el(w, "w:pgMar");
	at(w, "w:top", "1134");
	at(w, "w:right", "1134");
	at(w, "w:bottom", "1134");
	at(w, "w:left", "1134");
	at(w, "w:header", "567");
	at(w, "w:footer", "567");
	at(w, "w:gutter", "0");
	end(w);
	end(w);
	end(w); /* body */
	end(w); /* document */
	return writer_finish(w, buf);
}

static xmlBufferPtr docx_core(const struct offer *offer)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w = writer_new(&buf);
	if (!w)
		return NULL;
	el(w, "cp:coreProperties");
	at(w, "xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
	at(w, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
	at(w, "xmlns:dcterms", "http://purl.org/dc/terms/");
	at(w, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
	el(w, "dc:title");
	txt(w, offer->title);
	end(w);
	el(w, "dc:subject");
	txt(w, "Ansøgningsskema");
	end(w);
	el(w, "dc:language");
	txt(w, "da-DK");
	end(w);
	end(w);
	return writer_finish(w, buf);
}

static xmlBufferPtr docx_custom(const struct offer *offer, const struct mkform_options *opt)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w = writer_new(&buf);
	if (!w)
		return NULL;
	el(w, "Properties");
	at(w, "xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties");
	at(w, "xmlns:vt", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes");
	if (!opt->no_properties) {
		const char *names[] = {"skema.form", "skema.version"};
		const char *values[] = {offer->id, offer->version};
		for (int i = 0; i < 2; i++) {
			el(w, "property");
			at(w, "fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}");
			char pid[16];
			snprintf(pid, sizeof pid, "%d", i + 2);
			at(w, "pid", pid);
			at(w, "name", names[i]);
			el(w, "vt:lpwstr");
			txt(w, values[i]);
			end(w);
			end(w);
		}
	}
	end(w);
	return writer_finish(w, buf);
}

static int write_docx(const struct offer *offer, json_t *values, const struct mkform_options *opt,
		      zip_t *za)
{
	int bad = 0;
	static const char app[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
		"<Application>skema mkform</Application></Properties>\n";
	if (zip_add_string(za, "[Content_Types].xml", docx_content_types, 0) < 0 ||
	    zip_add_string(za, "_rels/.rels", docx_rels, 0) < 0 ||
	    zip_add_string(za, "word/_rels/document.xml.rels", docx_document_rels, 0) < 0 ||
	    zip_add_string(za, "word/styles.xml", docx_styles, 0) < 0 ||
	    zip_add_string(za, "word/settings.xml", docx_settings, 0) < 0 ||
	    zip_add_string(za, "docProps/app.xml", app, 0) < 0)
		return -1;
	xmlBufferPtr doc = docx_document(offer, values, opt, &bad);
	if (!doc || zip_add_buffer(za, "word/document.xml", doc, 0) < 0)
		return -1;
	xmlBufferPtr core = docx_core(offer);
	if (!core || zip_add_buffer(za, "docProps/core.xml", core, 0) < 0)
		return -1;
	xmlBufferPtr custom = docx_custom(offer, opt);
	if (!custom || zip_add_buffer(za, "docProps/custom.xml", custom, 0) < 0)
		return -1;
	return bad ? -2 : 0;
}

/* ---- ODT ------------------------------------------------------------------- */

#define ODF_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define ODF_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define ODF_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define ODF_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define ODF_FO "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
#define ODF_META "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define ODF_DC "http://purl.org/dc/elements/1.1/"
#define ODF_LOEXT "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"

static void odt_namespaces(xmlTextWriterPtr w)
{
	at(w, "xmlns:office", ODF_OFFICE);
	at(w, "xmlns:style", ODF_STYLE);
	at(w, "xmlns:text", ODF_TEXT);
	at(w, "xmlns:table", ODF_TABLE);
	at(w, "xmlns:fo", ODF_FO);
	at(w, "xmlns:loext", ODF_LOEXT);
	at(w, "office:version", "1.3");
}

static void odt_style(xmlTextWriterPtr w, const char *name, const char *family, const char *parent)
{
	el(w, "style:style");
	at(w, "style:name", name);
	at(w, "style:family", family);
	if (parent)
		at(w, "style:parent-style-name", parent);
}

static void odt_text_props(xmlTextWriterPtr w, const char *size, int bold, const char *color,
			   int caps)
{
	el(w, "style:text-properties");
	if (caps) {
		/* As the DOCX form's w:caps and w:spacing print it. */
		at(w, "fo:text-transform", "uppercase");
		at(w, "fo:letter-spacing", "0.035cm");
	}
	at(w, "style:font-name", "Liberation Sans");
	at(w, "fo:font-family", "'Liberation Sans'");
	if (size)
		at(w, "fo:font-size", size);
	if (bold)
		at(w, "fo:font-weight", "bold");
	if (color)
		at(w, "fo:color", color);
	at(w, "fo:language", "da");
	at(w, "fo:country", "DK");
	end(w);
}

static void odt_para_props(xmlTextWriterPtr w, const char *before, const char *after)
{
	el(w, "style:paragraph-properties");
	at(w, "fo:margin-top", before);
	at(w, "fo:margin-bottom", after);
	end(w);
}

static xmlBufferPtr odt_styles(void)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w = writer_new(&buf);
	if (!w)
		return NULL;
	el(w, "office:document-styles");
	odt_namespaces(w);
	el(w, "office:font-face-decls");
	el(w, "style:font-face");
	at(w, "style:name", "Liberation Sans");
	at(w, "svg:font-family", "'Liberation Sans'");
	at(w, "xmlns:svg", "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0");
	end(w);
	end(w);
	el(w, "office:styles");
	odt_style(w, "Standard", "paragraph", NULL);
	odt_para_props(w, "0cm", "0.18cm");
	odt_text_props(w, "10pt", 0, NULL, 0);
	end(w);
	odt_style(w, "Authority", "paragraph", "Standard");
	el(w, "style:paragraph-properties");
	at(w, "fo:margin-bottom", "0.4cm");
	at(w, "fo:padding-bottom", "0.1cm");
	at(w, "fo:border-bottom", "0.06pt solid #1f3864");
	end(w);
	odt_text_props(w, "9pt", 1, "#1f3864", 1);
	end(w);
	odt_style(w, "Subtitle", "paragraph", "Standard");
	odt_para_props(w, "0cm", "0cm");
	odt_text_props(w, "11pt", 0, "#595959", 0);
	end(w);
	odt_style(w, "Title", "paragraph", "Standard");
	odt_para_props(w, "0.07cm", "0.35cm");
	odt_text_props(w, "18pt", 1, "#1f3864", 0);
	end(w);
	odt_style(w, "Heading_20_2", "paragraph", "Standard");
	at(w, "style:display-name", "Heading 2");
	at(w, "style:default-outline-level", "2");
	el(w, "style:paragraph-properties");
	at(w, "fo:margin-top", "0.55cm");
	at(w, "fo:margin-bottom", "0.2cm");
	at(w, "fo:keep-with-next", "always");
	end(w);
	odt_text_props(w, "12pt", 1, "#1f3864", 0);
	end(w);
	odt_style(w, "Deadline", "paragraph", "Standard");
	el(w, "style:paragraph-properties");
	at(w, "fo:margin-top", "0.2cm");
	at(w, "fo:margin-bottom", "0.2cm");
	at(w, "fo:padding", "0.1cm");
	at(w, "fo:background-color", "#deeaf6");
	end(w);
	odt_text_props(w, NULL, 1, NULL, 0);
	end(w);
	odt_style(w, "Small", "paragraph", "Standard");
	odt_para_props(w, "0cm", "0cm");
	odt_text_props(w, "8pt", 0, "#595959", 0);
	end(w);
	odt_style(w, "Label", "paragraph", "Standard");
	odt_para_props(w, "0.1cm", "0.1cm");
	odt_text_props(w, NULL, 1, NULL, 0);
	end(w);
	odt_style(w, "Value", "paragraph", "Standard");
	odt_para_props(w, "0.1cm", "0.1cm");
	end(w);
	odt_style(w, "Placeholder", "text", NULL);
	el(w, "style:text-properties");
	at(w, "fo:color", "#808080");
	end(w);
	end(w);
	odt_style(w, "Required", "text", NULL);
	el(w, "style:text-properties");
	at(w, "fo:color", "#c00000");
	end(w);
	end(w);
	end(w); /* office:styles */
	el(w, "office:automatic-styles");
	el(w, "style:page-layout");
	at(w, "style:name", "pm1");
	el(w, "style:page-layout-properties");
	at(w, "fo:page-width", "21cm");
	at(w, "fo:page-height", "29.7cm");
	at(w, "fo:margin-top", "2cm");
	at(w, "fo:margin-bottom", "2cm");
	at(w, "fo:margin-left", "2cm");
	at(w, "fo:margin-right", "2cm");
	end(w);
	end(w);
	end(w);
	el(w, "office:master-styles");
	el(w, "style:master-page");
	at(w, "style:name", "Standard");
	at(w, "style:page-layout-name", "pm1");
	end(w);
	end(w);
	end(w);
	return writer_finish(w, buf);
}

static void odt_para(xmlTextWriterPtr w, const char *style, const char *text)
{
	el(w, "text:p");
	at(w, "text:style-name", style ? style : "Standard");
	txt(w, text);
	end(w);
}

/* Text with line breaks as text:line-break. */
static void odt_text_lines(xmlTextWriterPtr w, const char *text)
{
	for (const char *p = text; p;) {
		const char *nl = strchr(p, '\n');
		if (nl) {
			char *part = strndup(p, (size_t)(nl - p));
			txt(w, part ? part : "");
			free(part);
			el(w, "text:line-break");
			end(w);
		} else {
			txt(w, p);
		}
		p = nl ? nl + 1 : NULL;
	}
}

static void odt_input(xmlTextWriterPtr w, const struct offer_field *f, const struct cell_value *cv,
		      const struct mkform_options *opt)
{
	int blank = cv->text == NULL;
	const char *shown = input_shown(f, cv);
	if (opt->plain) {
		if (f->type == FIELD_CHECKBOX || !blank)
			odt_text_lines(w, shown);
		return;
	}
	el(w, "loext:content-control");
	at(w, "loext:alias", f->label);
	at(w, "loext:tag", f->name);
	if (blank && f->type != FIELD_CHECKBOX)
		at(w, "loext:showing-place-holder", "true");
	switch (f->type) {
	case FIELD_CHECKBOX:
		at(w, "loext:checkbox", "true");
		at(w, "loext:checked", cv->checked ? "true" : "false");
		at(w, "loext:checked-state", "☒");
		at(w, "loext:unchecked-state", "☐");
		break;
	case FIELD_CHOICE:
	case FIELD_KOMMUNE:
		at(w, "loext:dropdown", "true");
		for (size_t i = 0;; i++) {
			const char *item = input_item(f, i);
			if (!item)
				break;
			el(w, "loext:list-item");
			at(w, "loext:display-text", item);
			at(w, "loext:value", item);
			end(w);
		}
		break;
	case FIELD_DATE:
		at(w, "loext:date", "true");
		at(w, "loext:date-format", "DD-MM-YYYY");
		at(w, "loext:date-rfc-language-tag", "da-DK");
		if (cv->iso[0]) {
			char full[32];
			snprintf(full, sizeof full, "%sT00:00:00Z", cv->iso);
			at(w, "loext:current-date", full);
		}
		break;
	default:
		break;
	}
	if (blank && f->type != FIELD_CHECKBOX) {
		el(w, "text:span");
		at(w, "text:style-name", "Placeholder");
		txt(w, shown);
		end(w);
	} else {
		odt_text_lines(w, shown);
	}
	end(w);
}

static void odt_field_row(xmlTextWriterPtr w, const struct offer_field *f, json_t *values,
			  const struct mkform_options *opt, int *bad)
{
	struct cell_value cv;
	char scratch[8192];
	row_value(f, values, &cv, scratch, sizeof scratch, bad);
	el(w, "table:table-row");
	el(w, "table:table-cell");
	at(w, "table:style-name", "LabelCell");
	at(w, "office:value-type", "string");
	el(w, "text:p");
	at(w, "text:style-name", "Label");
	txt(w, f->label);
	if (f->required) {
		el(w, "text:span");
		at(w, "text:style-name", "Required");
		txt(w, " *");
		end(w);
	}
	end(w);
	end(w);
	el(w, "table:table-cell");
	at(w, "table:style-name", "ValueCell");
	at(w, "office:value-type", "string");
	el(w, "text:p");
	at(w, "text:style-name", "Value");
	odt_input(w, f, &cv, opt);
	end(w);
	end(w);
	end(w);
	/* The hint in its own full-width row, as in the DOCX (docx_field_row). */
	if (f->help && *f->help) {
		el(w, "table:table-row");
		el(w, "table:table-cell");
		at(w, "table:style-name", "HelpCell");
		at(w, "table:number-columns-spanned", "2");
		at(w, "office:value-type", "string");
		odt_para(w, "Small", f->help);
		end(w);
		el(w, "table:covered-table-cell");
		end(w);
		end(w);
	}
}

static void odt_cell_style(xmlTextWriterPtr w, const char *name, const char *background)
{
	odt_style(w, name, "table-cell", NULL);
	el(w, "style:table-cell-properties");
	at(w, "fo:padding", "0.1cm");
	at(w, "fo:border", "0.5pt solid #a6a6a6");
	if (background)
		at(w, "fo:background-color", background);
	end(w);
	end(w);
}

static xmlBufferPtr odt_content(const struct offer *offer, json_t *values,
				const struct mkform_options *opt, int *bad)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w = writer_new(&buf);
	if (!w)
		return NULL;
	el(w, "office:document-content");
	odt_namespaces(w);
	el(w, "office:automatic-styles");
	odt_style(w, "Form", "table", NULL);
	el(w, "style:table-properties");
	at(w, "style:width", "17cm");
	at(w, "table:align", "left");
	end(w);
	end(w);
	odt_style(w, "LabelCol", "table-column", NULL);
	el(w, "style:table-column-properties");
	at(w, "style:column-width", "6.35cm");
	end(w);
	end(w);
	odt_style(w, "ValueCol", "table-column", NULL);
	el(w, "style:table-column-properties");
	at(w, "style:column-width", "10.65cm");
	end(w);
	end(w);
	odt_cell_style(w, "LabelCell", "#f2f2f2");
	odt_cell_style(w, "ValueCell", NULL);
	odt_cell_style(w, "HelpCell", NULL);
	end(w);
	el(w, "office:body");
	el(w, "office:text");

	form_front(w, odt_para, "Heading_20_2", offer);

	const char *section = NULL;
	int open = 0, tables = 0;
	for (size_t i = 0; i < offer->nfields; i++) {
		const struct offer_field *f = &offer->fields[i];
		if (!section || strcmp(section, f->section) != 0) {
			if (open)
				end(w);
			section = f->section;
			if (*section)
				odt_para(w, "Heading_20_2", section);
			char name[32];
			snprintf(name, sizeof name, "Skema%d", ++tables);
			el(w, "table:table");
			at(w, "table:name", name);
			at(w, "table:style-name", "Form");
			el(w, "table:table-column");
			at(w, "table:style-name", "LabelCol");
			end(w);
			el(w, "table:table-column");
			at(w, "table:style-name", "ValueCol");
			end(w);
			open = 1;
		}
		odt_field_row(w, f, values, opt, bad);
	}
	if (open)
		end(w);
	form_back(w, odt_para, "Heading_20_2", offer);
	end(w); /* office:text */
	end(w); /* office:body */
	end(w);
	return writer_finish(w, buf);
}

static xmlBufferPtr odt_meta(const struct offer *offer, const struct mkform_options *opt)
{
	xmlBufferPtr buf;
	xmlTextWriterPtr w = writer_new(&buf);
	if (!w)
		return NULL;
	el(w, "office:document-meta");
	at(w, "xmlns:office", ODF_OFFICE);
	at(w, "xmlns:meta", ODF_META);
	at(w, "xmlns:dc", ODF_DC);
	at(w, "office:version", "1.3");
	el(w, "office:meta");
	el(w, "meta:generator");
	txt(w, "skema mkform");
	end(w);
	el(w, "dc:title");
	txt(w, offer->title);
	end(w);
	el(w, "dc:subject");
	txt(w, "Ansøgningsskema");
	end(w);
	el(w, "dc:language");
	txt(w, "da-DK");
	end(w);
	if (!opt->no_properties) {
		el(w, "meta:user-defined");
		at(w, "meta:name", "skema.form");
		txt(w, offer->id);
		end(w);
		el(w, "meta:user-defined");
		at(w, "meta:name", "skema.version");
		txt(w, offer->version);
		end(w);
	}
	end(w);
	end(w);
	return writer_finish(w, buf);
}

static const char odt_manifest[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">"
	"<manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
	"<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
	"<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>"
	"<manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>"
	"</manifest:manifest>\n";

static int write_odt(const struct offer *offer, json_t *values, const struct mkform_options *opt,
		     zip_t *za)
{
	int bad = 0;
	/* The mimetype entry first and stored, as ODF requires. */
	if (zip_add_string(za, "mimetype", "application/vnd.oasis.opendocument.text", 1) < 0)
		return -1;
	xmlBufferPtr content = odt_content(offer, values, opt, &bad);
	if (!content || zip_add_buffer(za, "content.xml", content, 0) < 0)
		return -1;
	xmlBufferPtr styles = odt_styles();
	if (!styles || zip_add_buffer(za, "styles.xml", styles, 0) < 0)
		return -1;
	xmlBufferPtr meta = odt_meta(offer, opt);
	if (!meta || zip_add_buffer(za, "meta.xml", meta, 0) < 0)
		return -1;
	if (zip_add_string(za, "META-INF/manifest.xml", odt_manifest, 0) < 0)
		return -1;
	return bad ? -2 : 0;
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"fill", required_argument, NULL, 'f'},
		{"plain", no_argument, NULL, 'p'},
		{"no-properties", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct mkform_options opt = {0};
	struct offer *offer = NULL;
	json_t *values = NULL;
	zip_t *za = NULL;
	struct strbuf err, tmp;
	int c, rc = EXIT_SOFTWARE;

	msg_set_program("mkform");
	clock_init();
	strbuf_init(&err, 0);
	strbuf_init(&tmp, 0);
	while ((c = getopt_long(argc, argv, "o:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt.output = optarg;
			break;
		case 'f':
			opt.fill_path = optarg;
			break;
		case 'p':
			opt.plain = 1;
			break;
		case 'n':
			opt.no_properties = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("mkform (skema) %s\n", SKEMA_VERSION);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || !opt.output) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *ext = extension(opt.output);
	int odt = strcmp(ext, "odt") == 0;
	if (!odt && strcmp(ext, "docx") != 0) {
		msg_error("%s: the output must end in .docx or .odt", opt.output);
		return EXIT_USAGE;
	}
	if (offer_load(argv[optind], &offer, &err) < 0) {
		fputs(strbuf_str(&err), stderr);
		rc = EXIT_CONFIG;
		goto out;
	}
	if (opt.fill_path) {
		json_error_t jerr;
		values = json_load_file(opt.fill_path, JSON_REJECT_DUPLICATES, &jerr);
		if (!values || !json_is_object(values)) {
			msg_error("%s:%d: %s", opt.fill_path, jerr.line,
				  values ? "not a JSON object" : jerr.text);
			rc = EXIT_DATAERR;
			goto out;
		}
		const char *key;
		json_t *v;
		json_object_foreach(values, key, v) {
			if (!offer_find_field(offer, key))
				msg_warn("%s: %s is not a field of %s; left out", opt.fill_path, key,
					 offer->id);
		}
	}
	/* Written beside the target and renamed, so a half-written form never
	 * sits under the real name. */
	strbuf_printf(&tmp, "%s.tmp%ld.%s", opt.output, (long)getpid(), ext);
	int zerr = 0;
	za = zip_open(strbuf_str(&tmp), ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!za) {
		msg_error("%s: cannot create (libzip error %d)", strbuf_str(&tmp), zerr);
		rc = 73;
		goto out;
	}
	int wrc = odt ? write_odt(offer, values, &opt, za) : write_docx(offer, values, &opt, za);
	if (wrc == -1) {
		msg_error("%s: cannot build the document", opt.output);
		zip_discard(za);
		za = NULL;
		goto out;
	}
	if (zip_close(za) < 0) {
		msg_error("%s: %s", strbuf_str(&tmp), zip_strerror(za));
		zip_discard(za);
		za = NULL;
		unlink(strbuf_str(&tmp));
		goto out;
	}
	za = NULL;
	if (wrc == -2) {
		unlink(strbuf_str(&tmp));
		rc = EXIT_DATAERR;
		goto out;
	}
	if (rename(strbuf_str(&tmp), opt.output) < 0) {
		msg_syserror("%s", opt.output);
		unlink(strbuf_str(&tmp));
		goto out;
	}
	rc = EXIT_DONE;
out:
	json_decref(values);
	offer_free(offer);
	strbuf_release(&err);
	strbuf_release(&tmp);
	xmlCleanupParser();
	return rc;
}
