/*
 * odt.c - fields in OpenDocument text (ODT and flat .fodt).
 *
 * One streaming pass over meta.xml and content.xml (or the one flat file).
 * What is read (../shared/notes/form-field-encodings.md, section 2):
 *   - form controls in office:forms (form:text, textarea, checkbox,
 *     listbox, combobox, date, ...), named by form:name, their values
 *     only in attributes: form:current-value (else form:value),
 *     form:current-state (else form:state), form:option current-selected;
 *     the label is the text where draw:control places the control;
 *   - LibreOffice content controls (loext:content-control): checkbox,
 *     drop-down, combo box, date, plain and rich text, named by tag or alias;
 *   - the fieldmarks LibreOffice writes for Word's legacy fields
 *     (FORMTEXT between fieldmark-start and -end, FORMCHECKBOX,
 *     FORMDROPDOWN, FORMDATE with their field:param children);
 *   - text:text-input, text:drop-down and user field declarations;
 *   - tracked changes: text:tracked-changes holds the deleted text, so it
 *     is skipped (insertions are already inline), with a warning;
 *   - table rows and "Label: value" paragraphs for the fallback;
 *   - meta:user-defined properties and dc:title;
 *   - annotations (office:annotation, the comments), notes (text:note) and
 *     the master pages' headers and footers (styles.xml, or the flat
 *     file's office:master-styles): each is read by a walk of its own, its
 *     findings deferred to the end of the scan (extract_scan_undefer), so
 *     they count only for what the body does not have (issue 3: the first
 *     field of a name, and the first label/value, wins).  The field's part
 *     says where it was, e.g. "content.xml: annotation".
 * Text follows ODF's rules: runs of white space are one space, text:s,
 * text:tab and text:line-break are explicit.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlreader.h>

#include "extract.h"
#include "tables.h"

#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_FORM "urn:oasis:names:tc:opendocument:xmlns:form:1.0"
#define NS_META "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define NS_DRAW "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_LOEXT "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"
#define NS_FIELD "urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0"
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define NS_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0"

#define MAX_NEST 32
#define MAX_DEPTH_TRACK 512
#define MAX_CONTROLS 1000
/* Deferred walks inside deferred walks (a comment in a header): bounded, each is a frame. */
#define MAX_ASIDE_NEST 3

enum elem {
	E_OTHER,
	E_P,
	E_S,
	E_TAB,
	E_LINEBREAK,
	E_TEXTINPUT,
	E_DROPDOWN,
	E_LABEL,
	E_USERDECL,
	E_TRACKED,
	E_CHANGE,
	E_PLACEHOLDER,
	E_ANNOTATION,
	E_NOTE,
	E_MARGIN, /* style:header, style:footer and their -left, -first */
	E_NOTECITATION,
	E_TABLE,
	E_ROW,
	E_CELL,
	E_FORMCONTROL,
	E_OPTION,
	E_ITEM,
	E_DRAWCONTROL,
	E_CC,
	E_CC_ITEM,
	E_FIELDMARK,
	E_FM_START,
	E_FM_SEP,
	E_FM_END,
	E_FM_PARAM,
	E_USERDEFINED,
	E_TITLE,
	E_ROOT,
};

/* A capture: a field whose text is being collected. */
struct capture {
	int depth;
	int kind; /* E_TEXTINPUT, E_DROPDOWN, E_CC, E_FM_START */
	char *name;
	char *label;
	char *fm_type;	/* fieldmarks: FORMTEXT, ... */
	json_t *attrs;	/* content control attributes, fieldmark params */
	json_t *items;	/* [[display, value], ...] */
	char *selected; /* text:drop-down: the current-selected label */
	struct strbuf text;
	int space; /* last character collected was white space */
};

struct control {
	char *id;
	json_t *field; /* borrowed from scan->fields */
};

struct odt_walk {
	struct extract_scan *scan;
	xmlTextReaderPtr reader;
	enum elem stack[MAX_DEPTH_TRACK];
	int skip_depth;
	struct capture caps[MAX_NEST];
	int ncap;
	struct extract_tables tables;
	int in_p;
	struct strbuf para, last_para;
	int para_space;
	/* the form control being read in office:forms */
	json_t *form; /* {name, kind, id, options, selected} */
	struct control controls[MAX_CONTROLS];
	size_t ncontrols;
	/* point fieldmark being read */
	json_t *point_params;
	char *point_type, *point_name;
	char *prop_name;
	int in_prop, in_title;
	struct strbuf prop_text;
	int tracked;
	int para_has_field; /* a paragraph holding a field labels nothing below it */
	size_t label_from;  /* where in para the text after the last field starts */
	int aside_level;    /* 0 for a part's walk, n inside n annotations, notes, headers */
	char aside_part[64]; /* scan->part while an aside is read */
};

static enum elem classify(const char *ns, const char *local)
{
	if (!ns)
		return E_OTHER;
	if (strcmp(ns, NS_TEXT) == 0) {
		static const struct {
			const char *name;
			enum elem code;
		} names[] = {
		    {"p", E_P},
		    {"h", E_P},
		    {"s", E_S},
		    {"tab", E_TAB},
		    {"line-break", E_LINEBREAK},
		    {"text-input", E_TEXTINPUT},
		    {"drop-down", E_DROPDOWN},
		    {"label", E_LABEL},
		    {"user-field-decl", E_USERDECL},
		    {"tracked-changes", E_TRACKED},
		    {"change-start", E_CHANGE},
		    {"change", E_CHANGE},
		    {"placeholder", E_PLACEHOLDER},
		    {"note-citation", E_NOTECITATION},
		    {"note", E_NOTE},
		};
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcmp(local, names[i].name) == 0)
				return names[i].code;
		return E_OTHER;
	}
	if (strcmp(ns, NS_TABLE) == 0) {
		if (strcmp(local, "table") == 0)
			return E_TABLE;
		if (strcmp(local, "table-row") == 0)
			return E_ROW;
		/* A covered cell keeps the columns of a spanned row aligned for "below". */
		if (strcmp(local, "table-cell") == 0 || strcmp(local, "covered-table-cell") == 0)
			return E_CELL;
		return E_OTHER;
	}
	if (strcmp(ns, NS_FORM) == 0) {
		static const char *const controls[] = {
		    "text", "textarea", "password", "formatted-text", "number", "date",
		    "time", "combobox", "listbox",  "checkbox",	      "radio",	"value-range",
		};
		for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++)
			if (strcmp(local, controls[i]) == 0)
				return E_FORMCONTROL;
		if (strcmp(local, "option") == 0)
			return E_OPTION;
		if (strcmp(local, "item") == 0)
			return E_ITEM;
		return E_OTHER;
	}
	if (strcmp(ns, NS_DRAW) == 0 && strcmp(local, "control") == 0)
		return E_DRAWCONTROL;
	if (strcmp(ns, NS_STYLE) == 0) {
		static const char *const margins[] = {
		    "header", "footer", "header-left", "footer-left", "header-first", "footer-first",
		};
		for (size_t i = 0; i < sizeof margins / sizeof margins[0]; i++)
			if (strcmp(local, margins[i]) == 0)
				return E_MARGIN;
		return E_OTHER;
	}
	if (strcmp(ns, NS_LOEXT) == 0) {
		if (strcmp(local, "content-control") == 0)
			return E_CC;
		if (strcmp(local, "list-item") == 0)
			return E_CC_ITEM;
		return E_OTHER;
	}
	if (strcmp(ns, NS_FIELD) == 0) {
		if (strcmp(local, "fieldmark") == 0)
			return E_FIELDMARK;
		if (strcmp(local, "fieldmark-start") == 0)
			return E_FM_START;
		if (strcmp(local, "fieldmark-separator") == 0)
			return E_FM_SEP;
		if (strcmp(local, "fieldmark-end") == 0)
			return E_FM_END;
		if (strcmp(local, "param") == 0)
			return E_FM_PARAM;
		return E_OTHER;
	}
	if (strcmp(ns, NS_OFFICE) == 0) {
		if (strcmp(local, "annotation") == 0)
			return E_ANNOTATION;
		if (strcmp(local, "document") == 0 || strcmp(local, "document-content") == 0 ||
		    strcmp(local, "document-meta") == 0)
			return E_ROOT;
		return E_OTHER;
	}
	if (strcmp(ns, NS_META) == 0 && strcmp(local, "user-defined") == 0)
		return E_USERDEFINED;
	if (strcmp(ns, NS_DC) == 0 && strcmp(local, "title") == 0)
		return E_TITLE;
	return E_OTHER;
}

static char *attr(struct odt_walk *walk, const char *ns, const char *local)
{
	return extract_xml_attr(walk->reader, ns, local);
}

static void set_str(char **slot, char *value)
{
	free(*slot);
	*slot = value;
}

/* ---- text --------------------------------------------------------------------- */

static void append_all(struct odt_walk *walk, const char *s, size_t len)
{
	strbuf_append(&walk->para, s, len);
	extract_tables_text(&walk->tables, s, len);
	for (int i = 0; i < walk->ncap; i++)
		strbuf_append(&walk->caps[i].text, s, len);
}

/* Document text: runs of white space collapse to one space (ODF 6.1.2). */
static void emit_collapsed(struct odt_walk *walk, const char *s)
{
	const char *run = s;
	for (const char *p = s;; p++) {
		int ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
		if (*p == '\0' || ws) {
			if (p > run) {
				append_all(walk, run, (size_t)(p - run));
				walk->para_space = 0;
			}
			if (*p == '\0')
				break;
			if (!walk->para_space) {
				append_all(walk, " ", 1);
				walk->para_space = 1;
			}
			run = p + 1;
		}
	}
}

/* Explicit white space (text:s, text:tab, text:line-break) is kept. */
static void emit_literal(struct odt_walk *walk, const char *s, size_t len)
{
	append_all(walk, s, len);
	walk->para_space = 1;
}

static char *current_label(struct odt_walk *walk)
{
	struct strbuf sb;
	strbuf_init(&sb, 1000);
	/* "Navn: [field] Telefon: [field]": the second is labelled "Telefon:". */
	if (walk->label_from <= walk->para.len)
		strbuf_puts(&sb, strbuf_str(&walk->para) + walk->label_from);
	extract_tidy(&sb);
	if (sb.len == 0)
		extract_tables_left_label(&walk->tables, &sb);
	if (sb.len == 0)
		strbuf_puts(&sb, strbuf_str(&walk->last_para));
	extract_tidy(&sb);
	walk->para_has_field = 1;
	return strbuf_detach(&sb);
}

/* ---- captures (text-input, drop-down, content controls, fieldmarks) ----------- */

static struct capture *cap_push(struct odt_walk *walk, int depth, int kind)
{
	if (walk->ncap >= MAX_NEST) {
		extract_fail(walk->scan, "xml_too_deep", "%s: fields nested deeper than %d",
			     walk->scan->part, MAX_NEST);
		return NULL;
	}
	struct capture *c = &walk->caps[walk->ncap++];
	memset(c, 0, sizeof *c);
	c->depth = depth;
	c->kind = kind;
	c->attrs = json_object();
	c->items = json_array();
	strbuf_init(&c->text, walk->scan->limits->max_field_len + 1);
	c->label = current_label(walk);
	return c;
}

static void cap_release(struct capture *c)
{
	free(c->name);
	free(c->label);
	free(c->fm_type);
	free(c->selected);
	json_decref(c->attrs);
	json_decref(c->items);
	strbuf_release(&c->text);
}

static const char *cattr(const struct capture *c, const char *key)
{
	return json_string_value(json_object_get(c->attrs, key));
}

static int is_true(const char *v)
{
	return v && strcmp(v, "true") == 0;
}

static void set_options(json_t *field, json_t *items, const char *raw)
{
	if (!json_array_size(items))
		return;
	json_t *options = json_array();
	size_t i;
	json_t *item;
	const char *value = NULL;
	json_array_foreach(items, i, item)
	{
		const char *display = json_string_value(json_array_get(item, 0));
		const char *v = json_string_value(json_array_get(item, 1));
		json_array_append_new(options, json_string(display));
		if (*raw && strcmp(display, raw) == 0 && v && strcmp(v, display) != 0)
			value = v;
	}
	json_object_set_new(field, "options", options);
	if (value)
		extract_field_set(field, "value", value);
}

/* Strips LibreOffice's generated fieldmark names: they name nothing a person chose. */
static const char *fieldmark_name(const char *name)
{
	return name && strncmp(name, "__Fieldmark__", 13) != 0 ? name : "";
}

static const char *param(json_t *params, const char *key)
{
	const char *v = json_string_value(json_object_get(params, key));
	return v ? v : "";
}

/* Emits a FORMCHECKBOX / FORMDROPDOWN / FORMDATE / FORMTEXT fieldmark. */
static json_t *emit_fieldmark(struct odt_walk *walk, const char *type, const char *mark_name,
			      json_t *params, const char *text)
{
	const char *t = type ? strrchr(type, '.') : NULL;
	t = t ? t + 1 : type ? type : "";
	json_t *field = NULL;
	if (strcmp(t, "FORMCHECKBOX") == 0) {
		const char *name = param(params, "Checkbox_Name");
		field = extract_add_field(
		    walk->scan, *name ? name : fieldmark_name(mark_name), "checkbox",
		    is_true(param(params, "Checkbox_Checked")) ? "1" : "0", "fieldmark");
	} else if (strcmp(t, "FORMDROPDOWN") == 0) {
		json_t *entries = json_object_get(params, "Dropdown_ListEntry");
		const char *sel = param(params, "Dropdown_Selected");
		long index = *sel ? strtol(sel, NULL, 10) : 0;
		json_t *entry = index >= 0 ? json_array_get(entries, (size_t)index) : NULL;
		const char *name = param(params, "Dropdown_Name");
		field = extract_add_field(walk->scan, *name ? name : fieldmark_name(mark_name),
					  "dropdown", entry ? json_string_value(entry) : "",
					  "fieldmark");
		if (field && json_is_array(entries))
			json_object_set(field, "options", entries);
	} else if (strcmp(t, "FORMDATE") == 0) {
		const char *name = param(params, "Name");
		field = extract_add_field(walk->scan, *name ? name : fieldmark_name(mark_name),
					  "date", text ? text : "", "fieldmark");
		const char *date = param(params, "DateField_CurrentDate");
		if (field && *date && text && *text) {
			char iso[11];
			snprintf(iso, sizeof iso, "%s", date);
			extract_field_set(field, "value", iso);
		}
	} else if (strcmp(t, "FORMTEXT") == 0) {
		const char *name = param(params, "Name");
		field = extract_add_field(walk->scan, *name ? name : fieldmark_name(mark_name),
					  "text", text ? text : "", "fieldmark");
	}
	return field;
}

static void cap_finish(struct odt_walk *walk)
{
	struct capture *c = &walk->caps[walk->ncap - 1];
	struct extract_scan *scan = walk->scan;
	json_t *field = NULL;

	if (c->text.overflow) {
		extract_fail(scan, "field_too_long", "%s: field \"%.100s\" longer than %zu bytes",
			     scan->part, c->name ? c->name : "", scan->limits->max_field_len);
		goto out;
	}
	extract_tidy(&c->text);
	const char *text = strbuf_str(&c->text);
	switch (c->kind) {
	case E_TEXTINPUT:
		field = extract_add_field(scan, c->name ? c->name : "", "text",
					  extract_is_placeholder(text) ? "" : text, "text-input");
		break;
	case E_DROPDOWN: {
		const char *raw = c->selected ? c->selected : text;
		field = extract_add_field(scan, c->name ? c->name : "", "dropdown",
					  extract_is_placeholder(raw) ? "" : raw, "text-input");
		if (field)
			set_options(field, c->items, raw);
		break;
	}
	case E_CC: {
		const char *tag = cattr(c, "tag"), *alias = cattr(c, "alias");
		const char *name = tag && *tag ? tag : alias ? alias : "";
		int placeholder =
		    is_true(cattr(c, "showing-place-holder")) || extract_is_placeholder(text);
		if (is_true(cattr(c, "checkbox"))) {
			field = extract_add_field(scan, name, "checkbox",
						  is_true(cattr(c, "checked")) ? "1" : "0",
						  "content-control");
		} else if (is_true(cattr(c, "dropdown")) || is_true(cattr(c, "combobox"))) {
			const char *raw = placeholder ? "" : text;
			field = extract_add_field(
			    scan, name, is_true(cattr(c, "dropdown")) ? "dropdown" : "combobox",
			    raw, "content-control");
			if (field)
				set_options(field, c->items, raw);
		} else if (is_true(cattr(c, "date"))) {
			const char *raw = placeholder ? "" : text;
			field = extract_add_field(scan, name, "date", raw, "content-control");
			const char *date = cattr(c, "current-date");
			if (field && date && *date && *raw) {
				char iso[11];
				snprintf(iso, sizeof iso, "%s", date);
				extract_field_set(field, "value", iso);
			}
		} else {
			field = extract_add_field(
			    scan, name, is_true(cattr(c, "plain-text")) ? "text" : "richtext",
			    placeholder ? "" : text, "content-control");
		}
		break;
	}
	case E_FM_START:
		field = emit_fieldmark(walk, c->fm_type, c->name, c->attrs, text);
		break;
	default:
		break;
	}
	if (field && c->label && *c->label)
		extract_field_set(field, "label", c->label);
out:
	cap_release(c);
	walk->ncap--;
	walk->label_from = walk->para.len;
}

/* Fieldmark parameters: Dropdown_ListEntry repeats, the rest are single. */
static void add_param(struct odt_walk *walk, json_t *params)
{
	char *name = attr(walk, NS_FIELD, "name");
	char *value = attr(walk, NS_FIELD, "value");
	if (name && value && json_object_size(params) < 100) {
		if (strcmp(name, "Dropdown_ListEntry") == 0) {
			json_t *list = json_object_get(params, name);
			if (!list) {
				list = json_array();
				json_object_set_new(params, name, list);
			}
			if (json_array_size(list) < 1000)
				json_array_append_new(list, extract_json_string(value));
		} else {
			json_object_set_new(params, name, extract_json_string(value));
		}
	}
	free(name);
	free(value);
}

/* ---- form controls ---------------------------------------------------------- */

static void form_start(struct odt_walk *walk, const char *local)
{
	json_decref(walk->form);
	walk->form = json_object();
	char *name = attr(walk, NS_FORM, "name");
	char *id = attr(walk, NS_FORM, "id");
	if (!id)
		id = attr(walk, NS_XML, "id");
	const char *kind = "text";
	char *value = NULL;
	if (strcmp(local, "checkbox") == 0 || strcmp(local, "radio") == 0) {
		kind = "checkbox";
		char *state = attr(walk, NS_FORM, "current-state");
		if (!state)
			state = attr(walk, NS_FORM,
				     strcmp(local, "radio") == 0 ? "current-selected" : "state");
		value = strdup(
		    state && (strcmp(state, "checked") == 0 || strcmp(state, "true") == 0) ? "1"
											   : "0");
		free(state);
	} else {
		if (strcmp(local, "listbox") == 0)
			kind = "dropdown";
		else if (strcmp(local, "combobox") == 0)
			kind = "combobox";
		else if (strcmp(local, "date") == 0)
			kind = "date";
		value = attr(walk, NS_FORM, "current-value");
		if (!value)
			value = attr(walk, NS_FORM, "value");
	}
	json_object_set_new(walk->form, "name", extract_json_string(name ? name : ""));
	json_object_set_new(walk->form, "kind", json_string(kind));
	json_object_set_new(walk->form, "id", extract_json_string(id ? id : ""));
	json_object_set_new(walk->form, "raw", extract_json_string(value ? value : ""));
	json_object_set_new(walk->form, "options", json_array());
	free(name);
	free(id);
	free(value);
}

static void form_option(struct odt_walk *walk, int is_item)
{
	if (!walk->form)
		return;
	char *label = attr(walk, NS_FORM, "label");
	char *value = attr(walk, NS_FORM, "value");
	const char *shown = label ? label : value ? value : "";
	json_t *options = json_object_get(walk->form, "options");
	if (json_array_size(options) < 1000)
		json_array_append_new(options, extract_json_string(shown));
	if (!is_item) {
		char *sel = attr(walk, NS_FORM, "current-selected");
		if (!sel)
			sel = attr(walk, NS_FORM, "selected");
		if (is_true(sel) && !json_object_get(walk->form, "selected"))
			json_object_set_new(walk->form, "selected", extract_json_string(shown));
		free(sel);
	}
	free(label);
	free(value);
}

static void form_finish(struct odt_walk *walk)
{
	json_t *form = walk->form;
	if (!form)
		return;
	const char *kind = json_string_value(json_object_get(form, "kind"));
	const char *raw = json_string_value(json_object_get(form, "raw"));
	if (strcmp(kind, "dropdown") == 0) {
		json_t *sel = json_object_get(form, "selected");
		raw = sel ? json_string_value(sel) : "";
	}
	char date[11];
	const char *value = NULL;
	/* form:date values are written as YYYYMMDD by some producers. */
	if (strcmp(kind, "date") == 0 && strlen(raw) == 8 && strspn(raw, "0123456789") == 8) {
		snprintf(date, sizeof date, "%.4s-%.2s-%.2s", raw, raw + 4, raw + 6);
		value = date;
	}
	json_t *field =
	    extract_add_field(walk->scan, json_string_value(json_object_get(form, "name")), kind,
			      raw, "form-control");
	if (field) {
		json_t *options = json_object_get(form, "options");
		if (json_array_size(options))
			json_object_set(field, "options", options);
		if (value)
			extract_field_set(field, "value", value);
		const char *id = json_string_value(json_object_get(form, "id"));
		if (*id && walk->ncontrols < MAX_CONTROLS) {
			walk->controls[walk->ncontrols].id = strdup(id);
			walk->controls[walk->ncontrols].field = field;
			walk->ncontrols++;
		}
	}
	json_decref(form);
	walk->form = NULL;
}

/* draw:control places a control in the text: the text before it labels it. */
static void draw_control(struct odt_walk *walk)
{
	char *id = attr(walk, NS_DRAW, "control");
	for (size_t i = 0; id && i < walk->ncontrols; i++) {
		if (strcmp(walk->controls[i].id, id) == 0 &&
		    !json_object_get(walk->controls[i].field, "label")) {
			char *label = current_label(walk);
			if (*label)
				extract_field_set(walk->controls[i].field, "label", label);
			free(label);
		}
	}
	free(id);
	walk->label_from = walk->para.len;
}

/* ---- user fields -------------------------------------------------------------- */

static void user_field(struct odt_walk *walk)
{
	char *name = attr(walk, NS_TEXT, "name");
	char *type = attr(walk, NS_OFFICE, "value-type");
	char *value = NULL;
	if (type && strcmp(type, "string") == 0)
		value = attr(walk, NS_OFFICE, "string-value");
	else if (type && strcmp(type, "date") == 0)
		value = attr(walk, NS_OFFICE, "date-value");
	else if (type && strcmp(type, "boolean") == 0)
		value = attr(walk, NS_OFFICE, "boolean-value");
	else if (type && strcmp(type, "time") == 0)
		value = attr(walk, NS_OFFICE, "time-value");
	else
		value = attr(walk, NS_OFFICE, "value");
	extract_add_field(walk->scan, name ? name : "",
			  type && strcmp(type, "boolean") == 0 ? "checkbox" : "text",
			  value ? (strcmp(value, "true") == 0	 ? "1"
				   : strcmp(value, "false") == 0 ? "0"
								 : value)
				: "",
			  "user-field");
	free(name);
	free(type);
	free(value);
}

/* ---- the walk ------------------------------------------------------------------- */

static void paragraph_end(struct odt_walk *walk)
{
	emit_literal(walk, "\n", 1);
	strbuf_trim(&walk->para);
	/* Paragraphs outside tables feed the label fallback. */
	if (walk->para.len > 0 && walk->tables.n == 0)
		extract_scan_keep_paragraph(walk->scan, strbuf_str(&walk->para));
	strbuf_reset(&walk->last_para);
	if (!walk->para_has_field)
		strbuf_append(&walk->last_para, walk->para.data, walk->para.len);
	walk->para_has_field = 0;
	walk->label_from = 0;
	strbuf_reset(&walk->para);
}

static void on_start(struct odt_walk *walk, enum elem code, int depth, const char *local)
{
	struct extract_scan *scan = walk->scan;
	struct capture *c;
	switch (code) {
	case E_P:
		walk->in_p++;
		walk->para_space = 1;
		break;
	case E_S: {
		char *count = attr(walk, NS_TEXT, "c");
		long n = count ? strtol(count, NULL, 10) : 1;
		if (n < 1 || n > 1000)
			n = 1;
		for (long i = 0; i < n; i++)
			emit_literal(walk, " ", 1);
		free(count);
		break;
	}
	case E_TAB:
		emit_literal(walk, "\t", 1);
		break;
	case E_LINEBREAK:
		emit_literal(walk, "\n", 1);
		break;
	case E_TEXTINPUT:
		if ((c = cap_push(walk, depth, E_TEXTINPUT)))
			c->name = attr(walk, NS_TEXT, "description");
		break;
	case E_DROPDOWN:
		if ((c = cap_push(walk, depth, E_DROPDOWN)))
			c->name = attr(walk, NS_TEXT, "name");
		break;
	case E_LABEL:
		if (walk->ncap > 0 && walk->caps[walk->ncap - 1].kind == E_DROPDOWN) {
			c = &walk->caps[walk->ncap - 1];
			char *value = attr(walk, NS_TEXT, "value");
			char *sel = attr(walk, NS_TEXT, "current-selected");
			if (value && json_array_size(c->items) < 1000)
				json_array_append_new(
				    c->items, json_pack("[o, o]", extract_json_string(value),
							extract_json_string(value)));
			if (value && is_true(sel) && !c->selected)
				c->selected = strdup(value);
			free(value);
			free(sel);
		}
		break;
	case E_USERDECL:
		user_field(walk);
		break;
	case E_TRACKED:
		walk->skip_depth = depth;
		if (!xmlTextReaderIsEmptyElement(walk->reader))
			walk->tracked = 1;
		break;
	case E_CHANGE:
		walk->tracked = 1;
		break;
	case E_PLACEHOLDER:
	case E_NOTECITATION:
		walk->skip_depth = depth;
		break;
	case E_TABLE:
		extract_tables_open(&walk->tables, scan);
		break;
	case E_ROW:
		extract_tables_row(&walk->tables);
		break;
	case E_CELL:
		extract_tables_cell(&walk->tables);
		break;
	case E_FORMCONTROL:
		form_start(walk, local);
		break;
	case E_OPTION:
		form_option(walk, 0);
		break;
	case E_ITEM:
		form_option(walk, 1);
		break;
	case E_DRAWCONTROL:
		draw_control(walk);
		break;
	case E_CC: {
		static const char *const keys[] = {
		    "showing-place-holder",
		    "checkbox",
		    "checked",
		    "date",
		    "current-date",
		    "plain-text",
		    "combobox",
		    "dropdown",
		    "alias",
		    "tag",
		    "picture",
		};
		if (!(c = cap_push(walk, depth, E_CC)))
			break;
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			char *v = attr(walk, NS_LOEXT, keys[i]);
			if (v)
				json_object_set_new(c->attrs, keys[i], extract_json_string(v));
			free(v);
		}
		break;
	}
	case E_CC_ITEM:
		if (walk->ncap > 0 && walk->caps[walk->ncap - 1].kind == E_CC) {
			c = &walk->caps[walk->ncap - 1];
			char *display = attr(walk, NS_LOEXT, "display-text");
			char *value = attr(walk, NS_LOEXT, "value");
			if (!display && value)
				display = strdup(value);
			if (!value && display)
				value = strdup(display);
			if (display && json_array_size(c->items) < 1000)
				json_array_append_new(
				    c->items, json_pack("[o, o]", extract_json_string(display),
							extract_json_string(value)));
			free(display);
			free(value);
		}
		break;
	case E_FIELDMARK:
		json_decref(walk->point_params);
		walk->point_params = json_object();
		set_str(&walk->point_type, attr(walk, NS_FIELD, "type"));
		set_str(&walk->point_name, attr(walk, NS_TEXT, "name"));
		break;
	case E_FM_START:
		if ((c = cap_push(walk, depth, E_FM_START))) {
			c->fm_type = attr(walk, NS_FIELD, "type");
			c->name = attr(walk, NS_TEXT, "name");
			/* The capture runs to fieldmark-end, a sibling, not a child. */
			c->depth = -1;
		}
		break;
	case E_FM_SEP:
		/* What came before the separator is the field command, not its value. */
		for (int i = walk->ncap - 1; i >= 0; i--)
			if (walk->caps[i].kind == E_FM_START) {
				strbuf_reset(&walk->caps[i].text);
				break;
			}
		break;
	case E_FM_END:
		if (walk->ncap > 0 && walk->caps[walk->ncap - 1].kind == E_FM_START)
			cap_finish(walk);
		break;
	case E_FM_PARAM:
		if (depth > 0 && walk->stack[depth - 1] == E_FIELDMARK && walk->point_params)
			add_param(walk, walk->point_params);
		else if (depth > 0 && walk->stack[depth - 1] == E_FM_START && walk->ncap > 0)
			add_param(walk, walk->caps[walk->ncap - 1].attrs);
		break;
	case E_USERDEFINED:
		set_str(&walk->prop_name, attr(walk, NS_META, "name"));
		strbuf_reset(&walk->prop_text);
		walk->in_prop = 1;
		break;
	case E_TITLE:
		strbuf_reset(&walk->prop_text);
		walk->in_title = 1;
		break;
	default:
		break;
	}
}

static void on_end(struct odt_walk *walk, enum elem code, int depth)
{
	struct extract_scan *scan = walk->scan;
	switch (code) {
	case E_P:
		if (walk->in_p > 0)
			walk->in_p--;
		paragraph_end(walk);
		break;
	case E_TEXTINPUT:
	case E_DROPDOWN:
	case E_CC:
		if (walk->ncap > 0 && walk->caps[walk->ncap - 1].depth == depth)
			cap_finish(walk);
		break;
	case E_CELL:
		extract_tables_cell_end(&walk->tables);
		break;
	case E_ROW:
		if (extract_tables_row_cells(&walk->tables))
			extract_scan_keep_row(walk->scan, extract_tables_row_cells(&walk->tables));
		break;
	case E_TABLE:
		extract_tables_close(&walk->tables);
		break;
	case E_FORMCONTROL:
		form_finish(walk);
		break;
	case E_FIELDMARK:
		if (walk->point_params) {
			json_t *field = emit_fieldmark(walk, walk->point_type, walk->point_name,
						       walk->point_params, NULL);
			char *label = current_label(walk);
			if (field && *label)
				extract_field_set(field, "label", label);
			free(label);
			json_decref(walk->point_params);
			walk->point_params = NULL;
			walk->label_from = walk->para.len;
		}
		break;
	case E_USERDEFINED:
		if (walk->prop_name && walk->in_prop && json_object_size(scan->properties) < 100) {
			extract_tidy(&walk->prop_text);
			json_object_set_new(scan->properties, walk->prop_name,
					    extract_json_string(strbuf_str(&walk->prop_text)));
		}
		walk->in_prop = 0;
		break;
	case E_TITLE:
		walk->in_title = 0;
		extract_tidy(&walk->prop_text);
		if (!scan->title && walk->prop_text.len)
			scan->title = strdup(strbuf_str(&walk->prop_text));
		break;
	default:
		break;
	}
}

static void walk_release(struct odt_walk *walk)
{
	while (walk->ncap > 0)
		cap_release(&walk->caps[--walk->ncap]);
	extract_tables_release(&walk->tables);
	for (size_t i = 0; i < walk->ncontrols; i++)
		free(walk->controls[i].id);
	json_decref(walk->form);
	json_decref(walk->point_params);
	free(walk->point_type);
	free(walk->point_name);
	free(walk->prop_name);
	strbuf_release(&walk->para);
	strbuf_release(&walk->last_para);
	strbuf_release(&walk->prop_text);
}

static void walk_init(struct odt_walk *walk, struct extract_scan *scan, xmlTextReaderPtr reader)
{
	memset(walk, 0, sizeof *walk);
	walk->scan = scan;
	walk->reader = reader;
	walk->skip_depth = -1;
	strbuf_init(&walk->para, 100000);
	strbuf_init(&walk->last_para, 100000);
	strbuf_init(&walk->prop_text, 100000);
}

static void walk_nodes(struct odt_walk *walk, int top, int main);

/*
 * An annotation, a note or a header/footer at depth top, just opened: read
 * by a walk of its own, so its text joins no body paragraph, table cell
 * or field, and with the scan deferring, so what it holds comes after the
 * body.  Returns when the element has ended.
 */
static void walk_aside(struct odt_walk *outer, enum elem code, int top)
{
	struct extract_scan *scan = outer->scan;
	struct odt_walk aside;
	const char *saved_part = scan->part;
	int saved_deferring = scan->deferring;
	const char *what = code == E_ANNOTATION ? "annotation" : NULL;
	char *margin = NULL;

	walk_init(&aside, scan, outer->reader);
	aside.aside_level = outer->aside_level + 1;
	if (code == E_NOTE) {
		/* text:note-class="endnote", else a footnote, as DOCX's parts say. */
		char *class = attr(outer, NS_TEXT, "note-class");
		what = class && strcmp(class, "endnote") == 0 ? "endnote" : "footnote";
		free(class);
	} else if (!what) {
		/* style:header-left is a header still. */
		const char *local = (const char *)xmlTextReaderConstLocalName(outer->reader);
		margin = strndup(local, strcspn(local, "-"));
		what = margin ? margin : "header";
	}
	/* A part named in a nested aside already says where it is: "x: header". */
	snprintf(aside.aside_part, sizeof aside.aside_part, "%.40s: %s",
		 outer->aside_level ? outer->aside_part : saved_part, what);
	free(margin);
	scan->part = aside.aside_part;
	scan->deferring = 1;
	walk_nodes(&aside, top, 0);
	if (aside.tracked)
		outer->tracked = 1;
	scan->part = saved_part;
	scan->deferring = saved_deferring;
	aside.reader = NULL; /* the outer walk's */
	walk_release(&aside);
}

/*
 * Reads nodes until the end of the element at depth top, or of the part
 * when top is -1.  main is 1 for the main document part, whose root
 * element is checked.  Stops at the scan's first error.
 */
static void walk_nodes(struct odt_walk *walk, int top, int main)
{
	struct extract_scan *scan = walk->scan;
	int saw_root = top >= 0;

	while (extract_xml_next(walk->reader, scan) == 1) {
		int type = xmlTextReaderNodeType(walk->reader);
		int depth = xmlTextReaderDepth(walk->reader);
		if (type == XML_READER_TYPE_END_ELEMENT && depth == top)
			break;
		if (walk->skip_depth >= 0) {
			if (depth > walk->skip_depth)
				continue;
			if (type == XML_READER_TYPE_END_ELEMENT && depth == walk->skip_depth) {
				walk->skip_depth = -1;
				continue;
			}
		}
		if (depth >= MAX_DEPTH_TRACK) {
			extract_fail(scan, "xml_too_deep", "%s: nesting deeper than %d", scan->part,
				     MAX_DEPTH_TRACK);
			break;
		}
		if (type == XML_READER_TYPE_ELEMENT) {
			const char *ns = (const char *)xmlTextReaderConstNamespaceUri(walk->reader);
			const char *local = (const char *)xmlTextReaderConstLocalName(walk->reader);
			enum elem code = classify(ns, local);
			if (!saw_root) {
				saw_root = 1;
				if (main && code != E_ROOT) {
					extract_fail(scan, "not_a_document",
						     "%s: not an OpenDocument text", scan->part);
					break;
				}
			}
			walk->stack[depth] = code;
			int empty = xmlTextReaderIsEmptyElement(walk->reader);
			if (code == E_ANNOTATION || code == E_NOTE || code == E_MARGIN) {
				/* An empty one holds nothing; one nested too deep is skipped. */
				if (!empty && walk->aside_level < MAX_ASIDE_NEST)
					walk_aside(walk, code, depth);
				else if (!empty)
					walk->skip_depth = depth;
				if (extract_failed(scan))
					break;
				continue;
			}
			on_start(walk, code, depth, local);
			if (empty && walk->skip_depth == depth)
				walk->skip_depth = -1;
			else if (empty)
				on_end(walk, code, depth);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			on_end(walk, walk->stack[depth], depth);
		} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
			   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
			   type == XML_READER_TYPE_WHITESPACE) {
			const char *value = (const char *)xmlTextReaderConstValue(walk->reader);
			if (!value)
				continue;
			if (walk->in_prop || walk->in_title)
				strbuf_puts(&walk->prop_text, value);
			else if (walk->in_p > 0)
				emit_collapsed(walk, value);
		}
		if (extract_failed(scan))
			break;
	}
}

/*
 * Walks one part through reader, which it frees.  main is 1 for the main
 * document part, whose root element is checked.
 */
static int walk_reader(xmlTextReaderPtr reader, struct extract_scan *scan, int main)
{
	struct odt_walk walk;
	int rc = -1;

	walk_init(&walk, scan, reader);
	if (!walk.reader)
		goto out;
	walk_nodes(&walk, -1, main);
	if (!extract_failed(scan)) {
		if (walk.tracked)
			extract_warn(
			    scan, "the form has unaccepted tracked changes; read as if accepted");
		rc = 0;
	}
out:
	walk_release(&walk);
	extract_xml_reader_free(walk.reader);
	return rc;
}

static int walk_part(const char *buf, size_t len, struct extract_scan *scan, int main)
{
	xmlTextReaderPtr reader = extract_xml_reader(buf, len, scan);
	return reader ? walk_reader(reader, scan, main) : -1;
}

static int read_part(struct extract_zip *zip, const char *name, struct extract_scan *scan, int main)
{
	int missing;
	scan->part = name;
	/* Streamed: the part is never held whole in memory. */
	xmlTextReaderPtr reader = extract_xml_reader_zip(zip, name, scan, &missing);
	if (reader)
		return walk_reader(reader, scan, main);
	if (missing && main)
		return extract_fail(scan, "no_document_part", "%s: missing", name);
	return missing ? 0 : -1;
}

/* 1 when p (a '<' or ':', avail bytes from it on) starts a header or footer element's name. */
static int margin_at(const char *p, size_t avail)
{
	static const char *const names[] = {
	    "header", "footer", "header-left", "footer-left", "header-first", "footer-first",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = strlen(names[i]);
		if (avail >= n + 2 && memcmp(p + 1, names[i], n) == 0 &&
		    memchr(" \t\r\n>/", p[n + 1], 6))
			return 1;
	}
	return 0;
}

/*
 * 1 when part name of zip has an element named header or footer (or
 * -left, -first) in any namespace; 0 when not, or when there is no such
 * part; -1 with the error set.  A byte scan of the part as it inflates:
 * an element's name stands verbatim after "<" or "prefix:", and no
 * DOCTYPE is allowed, so no entity can hide one; a look-alike in text or
 * an attribute only costs a parse.  Most forms' styles.xml have no header
 * or footer, and parsing it (LibreOffice's is larger than content.xml)
 * doubled the time per form (0.15 -> 0.30 ms, lo/sdt-kinds.docx-odt.odt);
 * inflating it twice when it has one counts twice against max_total.
 */
static int part_has_margins(struct extract_zip *zip, const char *name, struct extract_scan *scan)
{
	struct extract_zip_stream *zs;
	char buf[16384];
	size_t keep = 0, tail = 15; /* longest name, "<header-first>", and one more */
	int found = 0;

	scan->part = name;
	int r = extract_zip_stream_open(zip, name, scan, &zs);
	if (r != 0)
		return r == 1 ? 0 : -1;
	while (!found) {
		long n = extract_zip_stream_read(zs, buf + keep, sizeof buf - keep);
		if (n < 0) {
			found = -1;
			break;
		}
		size_t len = keep + (size_t)n;
		/* Short of the end, the last bytes wait for the next chunk. */
		size_t limit = n == 0 ? len : len > tail ? len - tail : 0;
		for (size_t i = 0; i < limit && !found; i++)
			if ((buf[i] == '<' || buf[i] == ':') && margin_at(buf + i, len - i))
				found = 1;
		if (n == 0)
			break;
		memmove(buf, buf + limit, len - limit);
		keep = len - limit;
	}
	extract_zip_stream_close(zs);
	return found;
}

int extract_odt(struct extract_zip *zip, struct extract_scan *scan)
{
	struct strbuf manifest;
	strbuf_init(&manifest, scan->limits->max_part + 1);
	scan->part = "META-INF/manifest.xml";
	int r = extract_zip_read(zip, "META-INF/manifest.xml", &manifest, scan);
	/* An encrypted ODT is a normal zip whose parts are ciphertext. */
	if (r == 0 &&
	    memmem(manifest.data ? manifest.data : "", manifest.len, "encryption-data", 15))
		r = extract_fail(scan, "encrypted", "the document is password-protected");
	strbuf_release(&manifest);
	if (r < 0)
		return -1;
	if (read_part(zip, "meta.xml", scan, 0) < 0)
		return -1;
	/*
	 * styles.xml holds the headers and footers (and, in a form, nothing
	 * else of ours): all of it deferred, read first so that its findings
	 * come before the annotations' as a flat file's master styles do.
	 */
	r = part_has_margins(zip, "styles.xml", scan);
	if (r > 0) {
		scan->deferring = 1;
		r = read_part(zip, "styles.xml", scan, 0);
		scan->deferring = 0;
	}
	if (r < 0 || read_part(zip, "content.xml", scan, 1) < 0)
		return -1;
	extract_scan_undefer(scan);
	return 0;
}

int extract_fodt(const char *buf, size_t len, struct extract_scan *scan)
{
	scan->part = "flat ODT";
	if (walk_part(buf, len, scan, 1) < 0)
		return -1;
	extract_scan_undefer(scan);
	return 0;
}
