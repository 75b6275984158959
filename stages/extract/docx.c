/*
 * docx.c - fields in WordprocessingML (DOCX, DOCM, strict OOXML, flat OPC).
 *
 * One streaming pass per part.  What is read (../shared/notes/
 * form-field-encodings.md has the markup from real files):
 *   - content controls (w:sdt) at block, run, cell and row level, nested:
 *     name from w:tag else w:alias; rich/plain text, w14:checkbox,
 *     dropDownList/comboBox (shown text and list), date (w:fullDate);
 *     w:showingPlcHdr and Word's default texts are empty;
 *   - legacy form fields (w:fldChar + w:ffData): FORMTEXT result runs,
 *     FORMCHECKBOX (w:checked over w:default, a bare w:checked is true),
 *     FORMDROPDOWN (w:result index, else w:default, else 0); FILLIN fields
 *     (what LibreOffice writes for an ODT text-input);
 *   - table rows and "Label: value" paragraphs for the fallback;
 *   - tracked changes: insertions in, deletions out, with a warning;
 *   - mc:AlternateContent: one branch only, or text boxes count twice:
 *     the first Choice whose Requires Word understands, else Fallback;
 *   - custom properties and dc:title, when fed those parts (or flat OPC).
 * Text is the w:t pieces joined (Word splits words around proofErr and
 * rsids), w:tab and w:br as whitespace, paragraphs as line breaks.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlreader.h>

#include "extract.h"
#include "tables.h"

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define NS_W14 "http://schemas.microsoft.com/office/word/2010/wordml"
#define NS_W15 "http://schemas.microsoft.com/office/word/2012/wordml"
#define NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define NS_PKG "http://schemas.microsoft.com/office/2006/xmlPackage"
#define NS_CUSTOM "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
#define NS_CUSTOM_STRICT "http://purl.oclc.org/ooxml/officeDocument/customProperties"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#define MAX_NEST 32
#define MAX_DEPTH_TRACK 512

enum elem {
	E_OTHER,
	E_DOCUMENT,
	E_BODY,
	E_P,
	E_R,
	E_T,
	E_TAB,
	E_BR,
	E_CR,
	E_SYM,
	E_NBHYPHEN,
	E_TBL,
	E_TR,
	E_TC,
	E_SDT,
	E_SDTPR,
	E_SDTCONTENT,
	E_SDTENDPR,
	E_TAG,
	E_ALIAS,
	E_PLCHDR,
	E_PLAINTEXT,
	E_DROPDOWN,
	E_COMBOBOX,
	E_LISTITEM,
	E_DATE,
	E_NOTFIELD,
	E_DATABINDING,
	E_CHECKBOX14,
	E_CHECKED14,
	E_FLDCHAR,
	E_INSTRTEXT,
	E_FFDATA,
	E_FF_NAME,
	E_FF_CHECKBOX,
	E_FF_DEFAULT,
	E_FF_CHECKED,
	E_FF_DDLIST,
	E_FF_RESULT,
	E_FF_LISTENTRY,
	E_FF_TEXTINPUT,
	E_BOOKMARK,
	E_FLDSIMPLE,
	E_ACTIVEX,
	E_INS,
	E_DEL,
	E_MOVEFROM,
	E_MOVETO,
	E_PRCHANGE,
	E_ALTCONTENT,
	E_CHOICE,
	E_FALLBACK,
	E_PKG_PART,
	E_PROPERTY,
	E_PSTYLE,
	E_TITLE,
	E_RPR,
};

enum sdt_kind { SDT_RICH, SDT_PLAIN, SDT_CHECKBOX, SDT_DROPDOWN, SDT_COMBOBOX, SDT_DATE };

struct sdt {
	int depth;
	enum sdt_kind kind;
	int not_field;
	int placeholder;
	int checked;
	int in_content;
	char *tag, *alias, *full_date, *bind_xpath, *bind_store;
	char *label;
	json_t *items; /* [[display, value], ...] */
	struct strbuf text;
	/* Lengths of the enclosing text when it started, to take placeholder text out again. */
	size_t outer_len[MAX_NEST], para_len, cell_len;
};

enum fld_state { FLD_CODE, FLD_RESULT };

struct fld {
	enum fld_state state;
	int has_ffdata;
	int ff_checkbox, ff_ddlist, ff_text;
	int ff_default, ff_checked, ff_result; /* -1 when absent */
	char *name;
	char *label;
	int simple_depth; /* w:fldSimple: its depth; 0 for fldChar fields */
	json_t *entries;
	struct strbuf instr;
	struct strbuf text;
};

struct docx_walk {
	struct extract_scan *scan;
	xmlTextReaderPtr reader;
	const char *w_ns;
	enum elem stack[MAX_DEPTH_TRACK];
	int skip_depth;			/* -1: not skipping */
	int alt_taken[MAX_DEPTH_TRACK]; /* per mc:AlternateContent depth */
	struct sdt sdts[MAX_NEST];
	int nsdt;
	struct fld flds[MAX_NEST];
	int nfld;
	int in_ffdata;
	struct extract_tables tables;
	struct strbuf para;
	struct strbuf last_para;
	int in_t, in_instr, in_title, in_property;
	char *property_name;
	struct strbuf prop_text;
	char *pending_bookmark;
	int saw_root;
	int tracked;
	char part_name[256]; /* flat OPC: the pkg:part being read, for scan->part */
	int para_has_field;  /* a paragraph holding a field labels nothing below it */
	size_t label_from;   /* where in para the text after the last field starts */
	int activex;
	int main; /* the main document part, not a header, note or comment */
	/*
	 * A text control alone in its paragraph, and the plain paragraphs
	 * after it: LibreOffice (7.4) saves a control that held several
	 * paragraphs with only the first inside it.  The ones after it are
	 * kept on the field as "following", for mapping.c to take up to the
	 * next label if the document turns out to be LibreOffice's.
	 */
	json_t *split;		/* the field (borrowed), or NULL */
	size_t split_end;	/* para.len when its control ended */
	int split_collecting;	/* 0: its own paragraph has not ended yet */
	size_t split_bytes;
	int split_tables;	/* tables.n where the control was: 0 in the body */
	unsigned split_cell;	/* and its cell: paragraphs after it in that cell count */
	unsigned cell_serial;	/* table cells begun so far in this part */
	int para_heading; /* the paragraph has a heading or title style */
};

static int is_w(const char *ns)
{
	return ns && (strcmp(ns, NS_W) == 0 || strcmp(ns, NS_W_STRICT) == 0);
}

static enum elem classify(struct docx_walk *walk, const char *ns, const char *local)
{
	/* Kept in strcmp order for the binary search below (t1010 reads every kind). */
	static const struct {
		const char *name;
		enum elem code;
	} wnames[] = {
	    {"alias", E_ALIAS},
	    {"bibliography", E_NOTFIELD},
	    {"body", E_BODY},
	    {"bookmarkStart", E_BOOKMARK},
	    {"br", E_BR},
	    {"checkBox", E_FF_CHECKBOX},
	    {"checked", E_FF_CHECKED},
	    {"citation", E_NOTFIELD},
	    {"comboBox", E_COMBOBOX},
	    {"control", E_ACTIVEX},
	    {"cr", E_CR},
	    {"dataBinding", E_DATABINDING},
	    {"date", E_DATE},
	    {"ddList", E_FF_DDLIST},
	    {"default", E_FF_DEFAULT},
	    {"del", E_DEL},
	    {"docPartList", E_NOTFIELD},
	    {"docPartObj", E_NOTFIELD},
	    {"document", E_DOCUMENT},
	    {"dropDownList", E_DROPDOWN},
	    {"equation", E_NOTFIELD},
	    {"ffData", E_FFDATA},
	    {"fldChar", E_FLDCHAR},
	    {"fldSimple", E_FLDSIMPLE},
	    {"group", E_NOTFIELD},
	    {"ins", E_INS},
	    {"instrText", E_INSTRTEXT},
	    {"listEntry", E_FF_LISTENTRY},
	    {"listItem", E_LISTITEM},
	    {"moveFrom", E_MOVEFROM},
	    {"moveTo", E_MOVETO},
	    {"name", E_FF_NAME},
	    {"noBreakHyphen", E_NBHYPHEN},
	    {"numberingChange", E_PRCHANGE},
	    {"p", E_P},
	    {"pPrChange", E_PRCHANGE},
	    {"pStyle", E_PSTYLE},
	    {"picture", E_NOTFIELD},
	    {"r", E_R},
	    {"rPr", E_RPR},
	    {"rPrChange", E_PRCHANGE},
	    {"result", E_FF_RESULT},
	    {"sdt", E_SDT},
	    {"sdtContent", E_SDTCONTENT},
	    {"sdtEndPr", E_SDTENDPR},
	    {"sdtPr", E_SDTPR},
	    {"sectPrChange", E_PRCHANGE},
	    {"showingPlcHdr", E_PLCHDR},
	    {"sym", E_SYM},
	    {"t", E_T},
	    {"tab", E_TAB},
	    {"tag", E_TAG},
	    {"tbl", E_TBL},
	    {"tblGridChange", E_PRCHANGE},
	    {"tblPrChange", E_PRCHANGE},
	    {"tc", E_TC},
	    {"tcPrChange", E_PRCHANGE},
	    {"text", E_PLAINTEXT},
	    {"textInput", E_FF_TEXTINPUT},
	    {"tr", E_TR},
	    {"trPrChange", E_PRCHANGE},
	};
	if (!ns)
		return E_OTHER;
	if (is_w(ns)) {
		walk->w_ns = strcmp(ns, NS_W) == 0 ? NS_W : NS_W_STRICT;
		/* Every element passes here: a binary search, not ~60 strcmp (callgrind). */
		size_t lo = 0, hi = sizeof wnames / sizeof wnames[0];
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(local, wnames[mid].name);
			if (c == 0)
				return wnames[mid].code;
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		return E_OTHER;
	}
	if (strcmp(ns, NS_W14) == 0) {
		if (strcmp(local, "checkbox") == 0)
			return E_CHECKBOX14;
		if (strcmp(local, "checked") == 0)
			return E_CHECKED14;
		return E_OTHER;
	}
	if (strcmp(ns, NS_W15) == 0) {
		if (strcmp(local, "repeatingSection") == 0 ||
		    strcmp(local, "repeatingSectionItem") == 0)
			return E_NOTFIELD;
		if (strcmp(local, "dataBinding") == 0)
			return E_DATABINDING;
		return E_OTHER;
	}
	if (strcmp(ns, NS_MC) == 0) {
		if (strcmp(local, "AlternateContent") == 0)
			return E_ALTCONTENT;
		if (strcmp(local, "Choice") == 0)
			return E_CHOICE;
		if (strcmp(local, "Fallback") == 0)
			return E_FALLBACK;
		return E_OTHER;
	}
	if (strcmp(ns, NS_PKG) == 0 && strcmp(local, "part") == 0)
		return E_PKG_PART;
	if ((strcmp(ns, NS_CUSTOM) == 0 || strcmp(ns, NS_CUSTOM_STRICT) == 0) &&
	    strcmp(local, "property") == 0)
		return E_PROPERTY;
	if (strcmp(ns, NS_DC) == 0 && strcmp(local, "title") == 0)
		return E_TITLE;
	return E_OTHER;
}

/*
 * Whether Word would take this mc:Choice: every prefix its Requires names
 * is bound to a namespace of Office's own (Word's, DrawingML's, VML's).
 * A crafted Choice requiring anything else is skipped, as Word skips it,
 * so skema reads the branch Word shows and not the one it hides.
 */
static int choice_understood(struct docx_walk *walk)
{
	static const char *const known[] = {"http://schemas.microsoft.com/office/",
					    "http://schemas.openxmlformats.org/",
					    "http://purl.oclc.org/ooxml/", "urn:schemas-microsoft-com:"};
	char *requires = extract_xml_attr(walk->reader, NULL, "Requires");
	char *save = NULL;
	int understood = requires != NULL;
	for (char *prefix = requires ? strtok_r(requires, " \t\r\n", &save) : NULL;
	     prefix && understood; prefix = strtok_r(NULL, " \t\r\n", &save)) {
		xmlChar *uri = xmlTextReaderLookupNamespace(walk->reader, BAD_CAST prefix);
		understood = 0;
		for (size_t i = 0; uri && i < sizeof known / sizeof *known; i++)
			if (strncmp((const char *)uri, known[i], strlen(known[i])) == 0)
				understood = 1;
		xmlFree(uri);
	}
	free(requires);
	return understood;
}

static char *wattr(struct docx_walk *walk, const char *local)
{
	return extract_xml_attr(walk->reader, walk->w_ns, local);
}

/* ST_OnOff: absent attribute means on. */
static int onoff(const char *v)
{
	return !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

static void set_str(char **slot, char *value)
{
	free(*slot);
	*slot = value;
}

/* The text that labels a field starting now: the paragraph so far, else the cell before. */
static char *current_label(struct docx_walk *walk)
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

static void emit_text(struct docx_walk *walk, const char *s, size_t len)
{
	strbuf_append(&walk->para, s, len);
	extract_tables_text(&walk->tables, s, len);
	for (int i = 0; i < walk->nsdt; i++)
		if (walk->sdts[i].in_content)
			strbuf_append(&walk->sdts[i].text, s, len);
	for (int i = 0; i < walk->nfld; i++)
		if (walk->flds[i].state == FLD_RESULT)
			strbuf_append(&walk->flds[i].text, s, len);
}

/* ---- controls LibreOffice split ------------------------------------------- */

/* Word's and LibreOffice's style ids for headings and titles, English and Danish. */
static int is_heading_style(const char *id)
{
	return strncasecmp(id, "Heading", 7) == 0 || strncasecmp(id, "Overskrift", 10) == 0 ||
	       strcasecmp(id, "Title") == 0 || strcasecmp(id, "Titel") == 0 ||
	       strcasecmp(id, "Subtitle") == 0 || strcasecmp(id, "Undertitel") == 0;
}

static void split_stop(struct docx_walk *walk)
{
	walk->split = NULL;
	walk->split_collecting = 0;
	walk->split_bytes = 0;
}

/*
 * At the end of the control's own paragraph, before its text is trimmed
 * (split_end counts the untrimmed text): nothing but white space may follow
 * the control in it.  Returns 1 for that paragraph, 0 for any other.
 */
static int split_own_paragraph(struct docx_walk *walk)
{
	if (!walk->split || walk->split_collecting)
		return 0;
	const char *rest =
	    walk->para.len > walk->split_end ? strbuf_str(&walk->para) + walk->split_end : "";
	if (rest[strspn(rest, " \t\r\n")] != '\0' || walk->tables.n != walk->split_tables)
		split_stop(walk);
	else
		walk->split_collecting = 1;
	return 1;
}

/* At the end of a later paragraph (text trimmed): keep it, or end the run. */
static void split_collect(struct docx_walk *walk)
{
	if (!walk->split || !walk->split_collecting)
		return;
	/*
	 * A field, a heading, a table after a control in the body, another
	 * cell after a control in a cell: the form goes on, the answer ended.
	 */
	int elsewhere = walk->tables.n != walk->split_tables ||
			(walk->split_tables > 0 && walk->cell_serial != walk->split_cell);
	if (walk->para_has_field || elsewhere || walk->para_heading) {
		split_stop(walk);
		return;
	}
	if (walk->para.len == 0)
		return;
	json_t *following = json_object_get(walk->split, "following");
	if (!following) {
		following = json_array();
		json_object_set_new(walk->split, "following", following);
	}
	walk->split_bytes += walk->para.len + 1;
	if (json_array_size(following) >= EXTRACT_MAX_FOLLOWING ||
	    walk->split_bytes > walk->scan->limits->max_field_len) {
		/* Too much to be one answer: none of it is taken. */
		json_object_del(walk->split, "following");
		split_stop(walk);
		return;
	}
	json_array_append_new(following, extract_json_string(strbuf_str(&walk->para)));
}

/* ---- content controls --------------------------------------------------- */

static void sdt_push(struct docx_walk *walk, int depth)
{
	if (walk->nsdt >= MAX_NEST) {
		extract_fail(walk->scan, "xml_too_deep",
			     "%s: content controls nested deeper than %d", walk->scan->part,
			     MAX_NEST);
		return;
	}
	split_stop(walk); /* the next control ends the paragraphs after the last */
	struct sdt *s = &walk->sdts[walk->nsdt++];
	memset(s, 0, sizeof *s);
	s->depth = depth;
	s->kind = SDT_RICH;
	s->items = json_array();
	strbuf_init(&s->text, walk->scan->limits->max_field_len + 1);
	s->label = current_label(walk);
	for (int i = 0; i < walk->nsdt - 1; i++)
		s->outer_len[i] = walk->sdts[i].text.len;
	s->para_len = walk->para.len;
	if (extract_tables_cell_text(&walk->tables))
		s->cell_len = extract_tables_cell_text(&walk->tables)->len;
}

/* A control showing its placeholder adds nothing to the text around it. */
static void sdt_unsay(struct docx_walk *walk, struct sdt *s)
{
	for (int i = 0; i < walk->nsdt - 1; i++)
		if (walk->sdts[i].text.len >= s->outer_len[i] && walk->sdts[i].text.data) {
			walk->sdts[i].text.len = s->outer_len[i];
			walk->sdts[i].text.data[s->outer_len[i]] = '\0';
		}
	if (walk->para.len >= s->para_len && walk->para.data) {
		walk->para.len = s->para_len;
		walk->para.data[s->para_len] = '\0';
	}
	struct strbuf *cell = extract_tables_cell_text(&walk->tables);
	if (cell && cell->len >= s->cell_len && cell->data) {
		cell->len = s->cell_len;
		cell->data[s->cell_len] = '\0';
	}
}

static void sdt_release(struct sdt *s)
{
	free(s->tag);
	free(s->alias);
	free(s->full_date);
	free(s->bind_xpath);
	free(s->bind_store);
	free(s->label);
	json_decref(s->items);
	strbuf_release(&s->text);
}

static void sdt_finish(struct docx_walk *walk)
{
	struct sdt *s = &walk->sdts[walk->nsdt - 1];
	struct extract_scan *scan = walk->scan;
	static const char *const kinds[] = {"richtext", "text",	    "checkbox",
					    "dropdown", "combobox", "date"};

	if (s->not_field)
		goto out;
	if (s->text.overflow) {
		extract_fail(scan, "field_too_long",
			     "%s: content control \"%.100s\" longer than %zu bytes", scan->part,
			     s->tag ? s->tag : "", scan->limits->max_field_len);
		goto out;
	}
	extract_tidy(&s->text);
	const char *name = s->tag && *s->tag ? s->tag : s->alias ? s->alias : "";
	const char *raw = strbuf_str(&s->text);
	const char *value = NULL;
	char flag[2] = "0";
	if (s->kind == SDT_CHECKBOX) {
		flag[0] = s->checked ? '1' : '0';
		raw = flag;
	} else if (s->placeholder || extract_is_placeholder(raw)) {
		raw = "";
		sdt_unsay(walk, s);
	}
	json_t *field = extract_add_field(scan, name, kinds[s->kind], raw, "content-control");
	if (!field)
		goto out;
	if (s->label && *s->label)
		extract_field_set(field, "label", s->label);
	if (s->kind == SDT_DATE && s->full_date && *raw) {
		/* The date the picker stored; the shown text follows a display format. */
		char date[11];
		snprintf(date, sizeof date, "%s", s->full_date);
		extract_field_set(field, "value", date);
	}
	if ((s->kind == SDT_DROPDOWN || s->kind == SDT_COMBOBOX) && json_array_size(s->items)) {
		json_t *options = json_array();
		size_t i;
		json_t *item;
		json_array_foreach(s->items, i, item)
		{
			const char *display = json_string_value(json_array_get(item, 0));
			const char *v = json_string_value(json_array_get(item, 1));
			json_array_append_new(options, json_string(display));
			if (*raw && strcmp(display, raw) == 0 && strcmp(v, display) != 0)
				value = v;
		}
		json_object_set_new(field, "options", options);
		if (value)
			extract_field_set(field, "value", value);
	}
	/*
	 * A text control alone in its paragraph (run level, nothing before
	 * it), in the body or in a table cell, as Word writes a control that
	 * held several paragraphs once LibreOffice has saved it: the
	 * paragraphs after it (in the body, or in the same cell) may be the
	 * rest of its text.
	 */
	if ((s->kind == SDT_RICH || s->kind == SDT_PLAIN) && *raw && walk->main && s->depth > 0 &&
	    walk->stack[s->depth - 1] == E_P && s->para_len <= walk->para.len &&
	    strspn(strbuf_str(&walk->para), " \t") >= s->para_len && walk->nsdt == 1) {
		walk->split = field;
		walk->split_end = walk->para.len;
		walk->split_collecting = 0;
		walk->split_bytes = 0;
		walk->split_tables = walk->tables.n;
		walk->split_cell = walk->cell_serial;
	}
	if (s->bind_xpath && s->bind_store) {
		json_object_set_new(field, "binding",
				    json_pack("{s:o, s:o}", "store",
					      extract_json_string(s->bind_store), "xpath",
					      extract_json_string(s->bind_xpath)));
	}
out:
	sdt_release(s);
	walk->nsdt--;
	walk->label_from = walk->para.len;
}

/* Elements inside w:sdtPr. */
static void sdtpr_start(struct docx_walk *walk, enum elem code)
{
	struct sdt *s = &walk->sdts[walk->nsdt - 1];
	switch (code) {
	case E_TAG:
		set_str(&s->tag, wattr(walk, "val"));
		break;
	case E_ALIAS:
		set_str(&s->alias, wattr(walk, "val"));
		break;
	case E_PLCHDR: {
		char *v = wattr(walk, "val");
		s->placeholder = onoff(v);
		free(v);
		break;
	}
	case E_PLAINTEXT:
		s->kind = SDT_PLAIN;
		break;
	case E_DROPDOWN:
		s->kind = SDT_DROPDOWN;
		break;
	case E_COMBOBOX:
		s->kind = SDT_COMBOBOX;
		break;
	case E_LISTITEM: {
		char *display = wattr(walk, "displayText");
		char *value = wattr(walk, "value");
		if (!display && value)
			display = strdup(value);
		if (!value && display)
			value = strdup(display);
		if (display && value && json_array_size(s->items) < 1000)
			json_array_append_new(s->items,
					      json_pack("[o, o]", extract_json_string(display),
							extract_json_string(value)));
		free(display);
		free(value);
		break;
	}
	case E_DATE:
		s->kind = SDT_DATE;
		set_str(&s->full_date, wattr(walk, "fullDate"));
		break;
	case E_NOTFIELD:
		s->not_field = 1;
		break;
	case E_DATABINDING:
		set_str(&s->bind_xpath, wattr(walk, "xpath"));
		set_str(&s->bind_store, wattr(walk, "storeItemID"));
		break;
	case E_CHECKBOX14:
		s->kind = SDT_CHECKBOX;
		break;
	case E_CHECKED14: {
		char *v = extract_xml_attr(walk->reader, NS_W14, "val");
		s->checked = onoff(v);
		free(v);
		break;
	}
	default:
		break;
	}
}

/* ---- legacy form fields -------------------------------------------------- */

static void fld_push(struct docx_walk *walk)
{
	if (walk->nfld >= MAX_NEST) {
		extract_fail(walk->scan, "xml_too_deep", "%s: fields nested deeper than %d",
			     walk->scan->part, MAX_NEST);
		return;
	}
	split_stop(walk);
	struct fld *f = &walk->flds[walk->nfld++];
	memset(f, 0, sizeof *f);
	f->state = FLD_CODE;
	f->ff_default = f->ff_checked = f->ff_result = -1;
	f->entries = json_array();
	strbuf_init(&f->instr, 4096);
	strbuf_init(&f->text, walk->scan->limits->max_field_len + 1);
	f->label = current_label(walk);
}

static void fld_release(struct fld *f)
{
	free(f->name);
	free(f->label);
	json_decref(f->entries);
	strbuf_release(&f->instr);
	strbuf_release(&f->text);
}

/* The first word of a field code: FORMTEXT, FILLIN, PAGE, ... */
static void instr_word(const char *instr, char *word, size_t size)
{
	while (*instr == ' ')
		instr++;
	size_t n = 0;
	while (instr[n] && instr[n] != ' ' && n + 1 < size) {
		word[n] = instr[n];
		n++;
	}
	word[n] = '\0';
}

/* FILLIN "prompt": the prompt in quotes names the field. */
static char *fillin_prompt(const char *instr)
{
	const char *q = strchr(instr, '"');
	if (!q)
		return strdup("");
	const char *e = strchr(q + 1, '"');
	return e ? strndup(q + 1, (size_t)(e - q - 1)) : strdup(q + 1);
}

static void fld_finish(struct docx_walk *walk)
{
	struct fld *f = &walk->flds[walk->nfld - 1];
	struct extract_scan *scan = walk->scan;
	char word[32];
	json_t *field = NULL;

	instr_word(strbuf_str(&f->instr), word, sizeof word);
	if (f->text.overflow) {
		extract_fail(scan, "field_too_long", "%s: field \"%.100s\" longer than %zu bytes",
			     scan->part, f->name ? f->name : "", scan->limits->max_field_len);
		goto out;
	}
	extract_tidy(&f->text);
	/* LibreOffice names fields it exports __Fieldmark__N: no one chose that name. */
	const char *name = f->name && strncmp(f->name, "__Fieldmark__", 13) != 0 ? f->name : "";
	/* LibreOffice exports a control still showing Word's placeholder as FILLIN text. */
	if (extract_is_placeholder(strbuf_str(&f->text)))
		strbuf_reset(&f->text);
	if (strcasecmp(word, "FORMCHECKBOX") == 0 || (f->has_ffdata && f->ff_checkbox)) {
		int state = f->ff_checked >= 0	 ? f->ff_checked
			    : f->ff_default >= 0 ? f->ff_default
						 : 0;
		field =
		    extract_add_field(scan, name, "checkbox", state ? "1" : "0", "legacy-field");
	} else if (strcasecmp(word, "FORMDROPDOWN") == 0 || (f->has_ffdata && f->ff_ddlist)) {
		int index = f->ff_result >= 0	 ? f->ff_result
			    : f->ff_default >= 0 ? f->ff_default
						 : 0;
		json_t *entry = json_array_get(f->entries, (size_t)index);
		field = extract_add_field(scan, name, "dropdown",
					  entry ? json_string_value(entry) : "", "legacy-field");
		if (field)
			json_object_set(field, "options", f->entries);
	} else if (strcasecmp(word, "FORMTEXT") == 0) {
		field = extract_add_field(scan, name, "text", strbuf_str(&f->text), "legacy-field");
	} else if (strcasecmp(word, "FILLIN") == 0) {
		char *prompt = fillin_prompt(strbuf_str(&f->instr));
		field = extract_add_field(scan, prompt ? prompt : "", "text", strbuf_str(&f->text),
					  "legacy-field");
		free(prompt);
	}
	if (field && f->label && *f->label)
		extract_field_set(field, "label", f->label);
out:
	fld_release(f);
	walk->nfld--;
	walk->label_from = walk->para.len;
}

static void fldchar_start(struct docx_walk *walk)
{
	char *type = wattr(walk, "fldCharType");
	if (!type)
		return;
	if (strcmp(type, "begin") == 0) {
		fld_push(walk);
	} else if (strcmp(type, "separate") == 0) {
		if (walk->nfld > 0 && !walk->flds[walk->nfld - 1].simple_depth)
			walk->flds[walk->nfld - 1].state = FLD_RESULT;
	} else if (strcmp(type, "end") == 0) {
		if (walk->nfld > 0 && !walk->flds[walk->nfld - 1].simple_depth)
			fld_finish(walk);
	}
	free(type);
}

static int int_attr(struct docx_walk *walk, const char *local, int absent)
{
	char *v = wattr(walk, local);
	if (!v)
		return absent;
	char *end;
	long n = strtol(v, &end, 10);
	int result = (*end || end == v || n < 0 || n > 100000) ? absent : (int)n;
	if (strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
		result = 1;
	if (strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
		result = 0;
	free(v);
	return result;
}

/* Elements inside w:ffData of the innermost field. */
static void ffdata_start(struct docx_walk *walk, enum elem code, int depth)
{
	if (walk->nfld == 0)
		return;
	struct fld *f = &walk->flds[walk->nfld - 1];
	enum elem parent = depth > 0 ? walk->stack[depth - 1] : E_OTHER;
	switch (code) {
	case E_FF_NAME:
		set_str(&f->name, wattr(walk, "val"));
		break;
	case E_FF_CHECKBOX:
		f->ff_checkbox = 1;
		break;
	case E_FF_DDLIST:
		f->ff_ddlist = 1;
		break;
	case E_FF_TEXTINPUT:
		f->ff_text = 1;
		break;
	case E_FF_DEFAULT:
		if (parent == E_FF_CHECKBOX || parent == E_FF_DDLIST)
			f->ff_default = int_attr(walk, "val", 1);
		break;
	case E_FF_CHECKED:
		f->ff_checked = int_attr(walk, "val", 1); /* a bare <w:checked/> is true */
		break;
	case E_FF_RESULT:
		f->ff_result = int_attr(walk, "val", 0);
		break;
	case E_FF_LISTENTRY: {
		char *v = wattr(walk, "val");
		if (json_array_size(f->entries) < 1000)
			json_array_append_new(f->entries, extract_json_string(v ? v : ""));
		free(v);
		break;
	}
	default:
		break;
	}
}

/* ---- tables and paragraphs ----------------------------------------------- */

static void paragraph_end(struct docx_walk *walk)
{
	emit_text(walk, "\n", 1);
	int own = split_own_paragraph(walk);
	strbuf_trim(&walk->para);
	if (!own)
		split_collect(walk);
	/* Paragraphs outside tables feed the label fallback. */
	if (walk->para.len > 0 && walk->tables.n == 0)
		extract_scan_keep_paragraph(walk->scan, strbuf_str(&walk->para));
	strbuf_reset(&walk->last_para);
	if (!walk->para_has_field)
		strbuf_append(&walk->last_para, walk->para.data, walk->para.len);
	walk->para_has_field = 0;
	walk->para_heading = 0;
	walk->label_from = 0;
	strbuf_reset(&walk->para);
}

/* ---- the walk ------------------------------------------------------------- */

static void on_start(struct docx_walk *walk, enum elem code, int depth)
{
	enum elem parent = depth > 0 ? walk->stack[depth - 1] : E_OTHER;
	struct extract_scan *scan = walk->scan;

	if (walk->nsdt > 0 && !walk->sdts[walk->nsdt - 1].in_content &&
	    walk->sdts[walk->nsdt - 1].depth < depth)
		sdtpr_start(walk, code);
	if (walk->in_ffdata)
		ffdata_start(walk, code, depth);

	switch (code) {
	case E_T:
		walk->in_t = 1;
		break;
	case E_INSTRTEXT:
		walk->in_instr = 1;
		break;
	case E_TAB:
		if (parent == E_R)
			emit_text(walk, "\t", 1);
		break;
	case E_BR:
	case E_CR:
		if (parent == E_R)
			emit_text(walk, "\n", 1);
		break;
	case E_NBHYPHEN:
		emit_text(walk, "-", 1);
		break;
	case E_SYM: {
		/* Wingdings boxes in label/value tables: checked and unchecked glyphs. */
		char *c = wattr(walk, "char");
		if (c && (strcasecmp(c, "F0FE") == 0 || strcasecmp(c, "F078") == 0 ||
			  strcasecmp(c, "F0FD") == 0))
			emit_text(walk, "☒", strlen("☒"));
		else if (c && (strcasecmp(c, "F0A8") == 0 || strcasecmp(c, "F06F") == 0))
			emit_text(walk, "☐", strlen("☐"));
		free(c);
		break;
	}
	case E_TBL:
		split_stop(walk); /* after a control in the body, or inside its cell */
		extract_tables_open(&walk->tables, scan);
		break;
	case E_PSTYLE:
		if (depth >= 2 && walk->stack[depth - 2] == E_P) {
			char *style = wattr(walk, "val");
			walk->para_heading = style && is_heading_style(style);
			free(style);
		}
		break;
	case E_TR:
		extract_tables_row(&walk->tables);
		break;
	case E_TC:
		walk->cell_serial++;
		extract_tables_cell(&walk->tables);
		break;
	case E_SDT:
		sdt_push(walk, depth);
		break;
	case E_SDTCONTENT:
		if (walk->nsdt > 0 && walk->sdts[walk->nsdt - 1].depth == depth - 1)
			walk->sdts[walk->nsdt - 1].in_content = 1;
		break;
	case E_FLDCHAR:
		fldchar_start(walk);
		break;
	case E_FLDSIMPLE: {
		/* <w:fldSimple w:instr=" FORMTEXT ">: code in an attribute, result inside. */
		char *instr = wattr(walk, "instr");
		fld_push(walk);
		if (walk->nfld > 0) {
			struct fld *f = &walk->flds[walk->nfld - 1];
			strbuf_puts(&f->instr, instr ? instr : "");
			f->state = FLD_RESULT;
			f->simple_depth = depth;
		}
		free(instr);
		break;
	}
	case E_ACTIVEX:
		/* ActiveX controls keep their value in a binary part we do not read. */
		if (parent == E_OTHER || parent == E_R)
			walk->activex = 1;
		break;
	case E_FFDATA:
		if (walk->nfld > 0) {
			walk->flds[walk->nfld - 1].has_ffdata = 1;
			walk->in_ffdata = depth;
		}
		break;
	case E_BOOKMARK:
		set_str(&walk->pending_bookmark, wattr(walk, "name"));
		if (walk->nfld > 0 && walk->pending_bookmark && walk->pending_bookmark[0] != '_') {
			struct fld *f = &walk->flds[walk->nfld - 1];
			if (!f->name || !*f->name)
				set_str(&f->name, strdup(walk->pending_bookmark));
		}
		break;
	case E_INS:
	case E_MOVETO:
		if (parent != E_RPR)
			walk->tracked = 1;
		break;
	case E_DEL:
	case E_MOVEFROM:
		if (parent != E_RPR)
			walk->tracked = 1;
		walk->skip_depth = depth;
		break;
	case E_PRCHANGE:
	case E_SDTENDPR:
		walk->skip_depth = depth;
		break;
	case E_ALTCONTENT:
		walk->alt_taken[depth] = 0;
		break;
	case E_CHOICE:
	case E_FALLBACK:
		/* Text boxes are written twice, once per branch: read the one
		 * Word shows, the first Choice it understands, else Fallback. */
		if (depth > 0 && (walk->alt_taken[depth - 1] ||
				  (code == E_CHOICE && !choice_understood(walk))))
			walk->skip_depth = depth;
		else if (depth > 0)
			walk->alt_taken[depth - 1] = 1;
		break;
	case E_PKG_PART: {
		char *name = extract_xml_attr(walk->reader, NS_PKG, "name");
		/* The glossary holds the placeholder building blocks, not the form. */
		if (!name || strstr(name, "/glossary/") || strstr(name, "/styles") ||
		    strstr(name, "/numbering") || strstr(name, "/settings") ||
		    strstr(name, "/fontTable") || strstr(name, "/theme/") ||
		    strstr(name, "/webSettings")) {
			walk->skip_depth = depth;
		} else {
			/* Fields say which part they came from, as in a zipped package. */
			snprintf(walk->part_name, sizeof walk->part_name, "%s",
				 name[0] == '/' ? name + 1 : name);
			scan->part = walk->part_name;
		}
		free(name);
		break;
	}
	case E_PROPERTY: {
		char *name = extract_xml_attr(walk->reader, NULL, "name");
		set_str(&walk->property_name, name);
		strbuf_reset(&walk->prop_text);
		walk->in_property = depth;
		break;
	}
	case E_TITLE:
		strbuf_reset(&walk->prop_text);
		walk->in_title = 1;
		break;
	default:
		break;
	}
}

static void on_end(struct docx_walk *walk, enum elem code, int depth)
{
	struct extract_scan *scan = walk->scan;
	switch (code) {
	case E_T:
		walk->in_t = 0;
		break;
	case E_INSTRTEXT:
		walk->in_instr = 0;
		break;
	case E_P:
		paragraph_end(walk);
		break;
	case E_TC:
		extract_tables_cell_end(&walk->tables);
		break;
	case E_TR:
		if (extract_tables_row_cells(&walk->tables))
			extract_scan_keep_row(walk->scan, extract_tables_row_cells(&walk->tables));
		break;
	case E_TBL:
		extract_tables_close(&walk->tables);
		break;
	case E_SDT:
		if (walk->nsdt > 0 && walk->sdts[walk->nsdt - 1].depth == depth)
			sdt_finish(walk);
		break;
	case E_SDTCONTENT:
		if (walk->nsdt > 0 && walk->sdts[walk->nsdt - 1].depth == depth - 1)
			walk->sdts[walk->nsdt - 1].in_content = 0;
		break;
	case E_FFDATA:
		walk->in_ffdata = 0;
		break;
	case E_FLDSIMPLE:
		if (walk->nfld > 0 && walk->flds[walk->nfld - 1].simple_depth == depth)
			fld_finish(walk);
		break;
	case E_PROPERTY:
		if (walk->property_name && walk->in_property) {
			extract_tidy(&walk->prop_text);
			if (json_object_size(scan->properties) < 100)
				json_object_set_new(
				    scan->properties, walk->property_name,
				    extract_json_string(strbuf_str(&walk->prop_text)));
		}
		walk->in_property = 0;
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

static void walk_release(struct docx_walk *walk)
{
	while (walk->nsdt > 0)
		sdt_release(&walk->sdts[--walk->nsdt]);
	while (walk->nfld > 0)
		fld_release(&walk->flds[--walk->nfld]);
	extract_tables_release(&walk->tables);
	strbuf_release(&walk->para);
	strbuf_release(&walk->last_para);
	strbuf_release(&walk->prop_text);
	free(walk->property_name);
	free(walk->pending_bookmark);
}

/*
 * Walks one part.  main is 1 for the main document part, whose root must be
 * w:document (an .xlsx has an officeDocument too).
 */
/*
 * Walks one part through reader, which it frees.  main is 1 for the main
 * document part, whose root element is checked.
 */
static int walk_reader(xmlTextReaderPtr reader, struct extract_scan *scan, int main)
{
	struct docx_walk walk;
	int rc = -1;

	memset(&walk, 0, sizeof walk);
	walk.scan = scan;
	walk.main = main;
	walk.skip_depth = -1;
	walk.w_ns = NS_W;
	strbuf_init(&walk.para, 100000);
	strbuf_init(&walk.last_para, 100000);
	strbuf_init(&walk.prop_text, 100000);
	walk.reader = reader;
	if (!walk.reader)
		goto out;
	int ret;
	while ((ret = extract_xml_next(walk.reader, scan)) == 1) {
		int type = xmlTextReaderNodeType(walk.reader);
		int depth = xmlTextReaderDepth(walk.reader);
		if (walk.skip_depth >= 0) {
			if (depth > walk.skip_depth)
				continue;
			if (type == XML_READER_TYPE_END_ELEMENT && depth == walk.skip_depth) {
				walk.skip_depth = -1;
				continue;
			}
		}
		if (depth >= MAX_DEPTH_TRACK) {
			extract_fail(scan, "xml_too_deep", "%s: nesting deeper than %d", scan->part,
				     MAX_DEPTH_TRACK);
			break;
		}
		if (type == XML_READER_TYPE_ELEMENT) {
			const char *ns = (const char *)xmlTextReaderConstNamespaceUri(walk.reader);
			const char *local = (const char *)xmlTextReaderConstLocalName(walk.reader);
			enum elem code = classify(&walk, ns, local);
			if (!walk.saw_root) {
				walk.saw_root = 1;
				if (main && code != E_DOCUMENT && code != E_PKG_PART &&
				    !(ns && strcmp(ns, NS_PKG) == 0)) {
					extract_fail(
					    scan, "not_a_document",
					    "%s: the main part is not a word processing document",
					    scan->part);
					break;
				}
			}
			walk.stack[depth] = code;
			int empty = xmlTextReaderIsEmptyElement(walk.reader);
			on_start(&walk, code, depth);
			if (empty && walk.skip_depth == depth)
				walk.skip_depth = -1;
			else if (empty)
				on_end(&walk, code, depth);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			on_end(&walk, walk.stack[depth], depth);
		} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
			   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
			   type == XML_READER_TYPE_WHITESPACE) {
			const char *value = (const char *)xmlTextReaderConstValue(walk.reader);
			if (!value)
				continue;
			if (walk.in_t)
				emit_text(&walk, value, strlen(value));
			else if (walk.in_instr && walk.nfld > 0)
				strbuf_puts(&walk.flds[walk.nfld - 1].instr, value);
			else if (walk.in_property || walk.in_title)
				strbuf_puts(&walk.prop_text, value);
		}
		if (extract_failed(scan))
			break;
	}
	if (!extract_failed(scan)) {
		if (walk.tracked)
			extract_warn(
			    scan, "the form has unaccepted tracked changes; read as if accepted");
		if (walk.activex)
			extract_warn(scan,
				     "the form has ActiveX controls, whose values cannot be read");
		rc = 0;
	}
out:
	if (scan->part == walk.part_name)
		scan->part = "flat OPC"; /* walk.part_name ends with this function */
	walk_release(&walk);
	extract_xml_reader_free(walk.reader);
	return rc;
}

static int walk_part(const char *buf, size_t len, struct extract_scan *scan, int main)
{
	xmlTextReaderPtr reader = extract_xml_reader(buf, len, scan);
	return reader ? walk_reader(reader, scan, main) : -1;
}

/* ---- the package ------------------------------------------------------------ */

/*
 * Resolves a relationship target against the folder of the part whose
 * rels these are.  Returns a new string, or NULL for targets that leave the
 * package (external, "..", absolute URLs).
 */
static char *resolve_target(const char *base_dir, const char *target)
{
	if (strstr(target, "://") || strstr(target, ".."))
		return NULL;
	char buf[1024];
	if (target[0] == '/')
		snprintf(buf, sizeof buf, "%s", target + 1);
	else
		snprintf(buf, sizeof buf, "%s%s", base_dir, target);
	return strdup(buf);
}

struct rel {
	char *type;   /* last path segment of the type URI: officeDocument, header, ... */
	char *target; /* package name */
};

/* Reads a .rels part; fills rels (up to max); returns the count or -1. */
static int read_rels(struct extract_zip *zip, const char *rels_name, const char *base_dir,
		     struct rel *rels, int max, struct extract_scan *scan)
{
	struct strbuf buf;
	int count = 0;
	strbuf_init(&buf, scan->limits->max_part + 1);
	const char *saved = scan->part;
	scan->part = rels_name;
	int r = extract_zip_read(zip, rels_name, &buf, scan);
	if (r != 0) {
		strbuf_release(&buf);
		scan->part = saved;
		return r > 0 ? 0 : -1;
	}
	xmlTextReaderPtr reader = extract_xml_reader(buf.data, buf.len, scan);
	if (!reader)
		count = -1;
	while (reader && extract_xml_next(reader, scan) == 1) {
		if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT)
			continue;
		if (strcmp((const char *)xmlTextReaderConstLocalName(reader), "Relationship") != 0)
			continue;
		char *type = extract_xml_attr(reader, NULL, "Type");
		char *target = extract_xml_attr(reader, NULL, "Target");
		char *mode = extract_xml_attr(reader, NULL, "TargetMode");
		if (type && target && !(mode && strcasecmp(mode, "External") == 0) && count < max) {
			char *name = resolve_target(base_dir, target);
			const char *slash = strrchr(type, '/');
			if (name) {
				rels[count].type = strdup(slash ? slash + 1 : type);
				rels[count].target = name;
				count++;
			}
		}
		free(type);
		free(target);
		free(mode);
	}
	if (extract_failed(scan))
		count = -1;
	extract_xml_reader_free(reader);
	strbuf_release(&buf);
	scan->part = saved;
	return count;
}

static void free_rels(struct rel *rels, int n)
{
	for (int i = 0; i < n; i++) {
		free(rels[i].type);
		free(rels[i].target);
	}
}

static int read_part(struct extract_zip *zip, const char *name, struct extract_scan *scan, int main)
{
	const char *saved = scan->part;
	int missing, r;
	scan->part = name;
	/* Streamed: the part is never held whole in memory. */
	xmlTextReaderPtr reader = extract_xml_reader_zip(zip, name, scan, &missing);
	if (reader)
		r = walk_reader(reader, scan, main);
	else if (missing && main)
		r = extract_fail(scan, "no_document_part", "%s: named by _rels/.rels but missing",
				 name);
	else
		r = missing ? 0 : -1;
	scan->part = saved;
	return r;
}

/* ---- data binding: the true value of a bound control is in customXml ---------- */

#define NS_DS "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
#define MAX_ITEMS 16
#define MAX_STEPS 32

struct item {
	char *id;      /* ds:itemID, e.g. {5D7BA57F-...} */
	char name[64]; /* customXml/itemN.xml: scan->part points here while it is read */
	struct strbuf xml;
};

struct step {
	char name[128];
	long index;
};

/*
 * Parses the simple XPath Word writes ("/ns0:invoice[1]/ns0:VAT[1]/@applies"):
 * steps of name[index], prefixes ignored, an optional final attribute.
 * Returns the number of steps, or -1 for anything else.
 */
static int parse_xpath(const char *xpath, struct step *steps, char *attr, size_t attr_size)
{
	int n = 0;
	attr[0] = '\0';
	const char *p = xpath;
	while (*p == '/') {
		p++;
		if (*p == '@') {
			snprintf(attr, attr_size, "%.*s", (int)strcspn(p + 1, "/["), p + 1);
			const char *colon = strchr(attr, ':');
			if (colon)
				memmove(attr, colon + 1, strlen(colon));
			return n;
		}
		if (n >= MAX_STEPS)
			return -1;
		size_t len = strcspn(p, "[/");
		const char *name = memchr(p, ':', len);
		name = name ? name + 1 : p;
		size_t name_len = len - (size_t)(name - p);
		if (name_len == 0 || name_len >= sizeof steps[n].name)
			return -1;
		memcpy(steps[n].name, name, name_len);
		steps[n].name[name_len] = '\0';
		p += len;
		steps[n].index = 1;
		if (*p == '[') {
			char *end;
			steps[n].index = strtol(p + 1, &end, 10);
			if (*end != ']' || steps[n].index < 1)
				return -1;
			p = end + 1;
		}
		n++;
	}
	return *p == '\0' ? n : -1;
}

/* Evaluates xpath on one custom XML part; returns the value (caller frees) or NULL. */
static char *eval_binding(const struct strbuf *xml, const char *xpath, struct extract_scan *scan)
{
	struct step steps[MAX_STEPS];
	char attr[128];
	long seen[MAX_STEPS + 1] = {0};
	int nsteps = parse_xpath(xpath, steps, attr, sizeof attr);
	char *result = NULL;
	if (nsteps <= 0)
		return NULL;
	xmlTextReaderPtr reader = extract_xml_reader(xml->data ? xml->data : "", xml->len, scan);
	if (!reader)
		return NULL;
	int level = 0, capture_depth = -1;
	struct strbuf text;
	strbuf_init(&text, scan->limits->max_field_len + 1);
	while (extract_xml_next(reader, scan) == 1) {
		int type = xmlTextReaderNodeType(reader);
		int depth = xmlTextReaderDepth(reader);
		if (capture_depth >= 0) {
			if (type == XML_READER_TYPE_END_ELEMENT && depth == capture_depth)
				break;
			if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
			    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)
				strbuf_puts(&text, (const char *)xmlTextReaderConstValue(reader));
			continue;
		}
		if (type == XML_READER_TYPE_END_ELEMENT && depth < level)
			break; /* the matched parent ended without the child */
		if (type != XML_READER_TYPE_ELEMENT || depth != level)
			continue;
		if (strcmp((const char *)xmlTextReaderConstLocalName(reader), steps[level].name) !=
		    0)
			continue;
		if (++seen[level] != steps[level].index)
			continue;
		level++;
		if (level < nsteps) {
			if (xmlTextReaderIsEmptyElement(reader))
				break;
			continue;
		}
		if (attr[0]) {
			/* Attribute by local name, whatever its prefix. */
			while (xmlTextReaderMoveToNextAttribute(reader) == 1)
				if (strcmp((const char *)xmlTextReaderConstLocalName(reader),
					   attr) == 0) {
					result =
					    strdup((const char *)xmlTextReaderConstValue(reader));
					break;
				}
			break;
		}
		if (xmlTextReaderIsEmptyElement(reader)) {
			result = strdup("");
			break;
		}
		capture_depth = depth;
	}
	if (!result && capture_depth >= 0 && !text.overflow && !extract_failed(scan))
		result = strbuf_detach(&text);
	strbuf_release(&text);
	extract_xml_reader_free(reader);
	return result;
}

/* The custom XML parts, by the ID in their itemProps part. */
static int read_items(struct extract_zip *zip, struct item *items, struct extract_scan *scan)
{
	int n = 0;
	for (size_t i = 0; i < extract_zip_count(zip) && n < MAX_ITEMS; i++) {
		const char *name = extract_zip_name(zip, i);
		unsigned num;
		char tail[8];
		if (sscanf(name, "customXml/itemProps%u.xm%1[l]%1s", &num, tail, tail + 2) != 2)
			continue;
		char *item_name = items[n].name;
		snprintf(item_name, sizeof items[n].name, "customXml/item%u.xml", num);
		struct strbuf props;
		strbuf_init(&props, scan->limits->max_part + 1);
		scan->part = name;
		if (extract_zip_read(zip, name, &props, scan) != 0) {
			strbuf_release(&props);
			if (extract_failed(scan))
				return -1;
			continue;
		}
		char *id = NULL;
		xmlTextReaderPtr reader =
		    extract_xml_reader(props.data ? props.data : "", props.len, scan);
		while (reader && !id && extract_xml_next(reader, scan) == 1)
			if (xmlTextReaderNodeType(reader) == XML_READER_TYPE_ELEMENT)
				id = extract_xml_attr(reader, NS_DS, "itemID");
		extract_xml_reader_free(reader);
		strbuf_release(&props);
		if (extract_failed(scan)) {
			free(id);
			return -1;
		}
		if (!id)
			continue;
		items[n].id = id;
		strbuf_init(&items[n].xml, scan->limits->max_part + 1);
		scan->part = item_name;
		int r = extract_zip_read(zip, item_name, &items[n].xml, scan);
		n++;
		if (r < 0)
			return -1;
	}
	return n;
}

/*
 * Replaces the shown text of every data-bound control by the value in its
 * custom XML part: Word keeps sdtContent as a cached copy that may be
 * stale (docx4j invoice2013.docx binds 17 controls).
 */
static int resolve_bindings(struct extract_zip *zip, struct extract_scan *scan)
{
	struct item items[MAX_ITEMS];
	int nitems = -1, rc = 0;
	size_t i;
	json_t *field;
	memset(items, 0, sizeof items);
	json_array_foreach(scan->fields, i, field)
	{
		json_t *binding = json_object_get(field, "binding");
		if (!binding)
			continue;
		if (nitems < 0 && (nitems = read_items(zip, items, scan)) < 0) {
			rc = -1;
			nitems = MAX_ITEMS;
			break;
		}
		const char *store = json_string_value(json_object_get(binding, "store"));
		const char *xpath = json_string_value(json_object_get(binding, "xpath"));
		for (int k = 0; k < nitems; k++) {
			if (!items[k].id || strcasecmp(items[k].id, store) != 0)
				continue;
			scan->part = items[k].name;
			char *value = eval_binding(&items[k].xml, xpath, scan);
			if (extract_failed(scan)) {
				free(value);
				rc = -1;
				goto out;
			}
			if (value) {
				const char *kind =
				    json_string_value(json_object_get(field, "kind"));
				if (strcmp(kind, "checkbox") == 0) {
					int on =
					    strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
					extract_field_set(field, "raw", on ? "1" : "0");
				} else if (strcmp(kind, "date") == 0) {
					char date[11];
					snprintf(date, sizeof date, "%s", value);
					if (*value)
						extract_field_set(field, "value", date);
				} else if (strcmp(kind, "text") == 0) {
					extract_field_set(field, "raw", value);
					json_object_del(field, "value");
				} else {
					/*
					 * Word binds only plain text, dates and checkboxes;
					 * docx4j binds rich text to escaped flat OPC
					 * (invoice2013 terms[1]), which is no value.
					 */
					free(value);
					break;
				}
				extract_field_set(field, "source", "custom-xml");
			}
			free(value);
			break;
		}
	}
out:
	/*
	 * scan->part pointed into items[], which ends here: a later message
	 * must not read it (found by the fuzzer: fixtures/extract/fuzz/
	 * binding-part-scope.docx, stack-use-after-scope).
	 */
	scan->part = "customXml";
	for (int k = 0; k < nitems && k < MAX_ITEMS; k++) {
		free(items[k].id);
		strbuf_release(&items[k].xml);
	}
	json_array_foreach(scan->fields, i, field) json_object_del(field, "binding");
	return rc;
}

#define MAX_RELS 256

/* Does docProps/app.xml (the extended properties) name LibreOffice as the writer? */
static int written_by_libreoffice(struct extract_zip *zip, const struct rel *rels, int nrels,
				  struct extract_scan *scan)
{
	const char *name = NULL;
	for (int i = 0; i < nrels && !name; i++)
		if (strcmp(rels[i].type, "extended-properties") == 0)
			name = rels[i].target;
	if (!name)
		return 0;
	struct strbuf buf;
	int found = 0;
	strbuf_init(&buf, scan->limits->max_part + 1);
	const char *saved = scan->part;
	scan->part = name;
	if (extract_zip_read(zip, name, &buf, scan) == 0) {
		xmlTextReaderPtr reader = extract_xml_reader(buf.data, buf.len, scan);
		while (reader && !found && extract_xml_next(reader, scan) == 1) {
			if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT ||
			    strcmp((const char *)xmlTextReaderConstLocalName(reader), "Application") != 0)
				continue;
			xmlChar *app = xmlTextReaderReadString(reader);
			found = app && strncmp((const char *)app, "LibreOffice", 11) == 0;
			xmlFree(app);
			break;
		}
		extract_xml_reader_free(reader);
	}
	strbuf_release(&buf);
	scan->part = saved;
	return found;
}

/*
 * Paragraphs kept after split controls count only in a document that
 * LibreOffice wrote: Word keeps a control's paragraphs inside it, and text
 * after a control in Word's documents is the form's own.
 */
static void settle_following(struct extract_zip *zip, const struct rel *rels, int nrels,
			     struct extract_scan *scan)
{
	size_t i;
	json_t *f;
	int any = 0;
	json_array_foreach(scan->fields, i, f) any |= json_object_get(f, "following") != NULL;
	if (!any || (zip && written_by_libreoffice(zip, rels, nrels, scan)))
		return;
	json_array_foreach(scan->fields, i, f) json_object_del(f, "following");
}

int extract_docx(struct extract_zip *zip, struct extract_scan *scan)
{
	struct rel rels[MAX_RELS], docrels[MAX_RELS];
	int nrels = 0, ndocrels = 0, rc = -1;
	char *main_part = NULL;

	nrels = read_rels(zip, "_rels/.rels", "", rels, MAX_RELS, scan);
	if (nrels < 0) {
		nrels = 0;
		goto out;
	}
	for (int i = 0; i < nrels; i++)
		if (strcmp(rels[i].type, "officeDocument") == 0 && !main_part)
			main_part = strdup(rels[i].target);
	if (!main_part) {
		extract_fail(scan, "no_document_part", "_rels/.rels names no main document part");
		goto out;
	}
	if (extract_zip_has(zip, "word/vbaProject.bin") || extract_zip_has(zip, "word/vbaData.xml"))
		scan->format = "docm";
	/* Properties first: they say which form this is. */
	for (int i = 0; i < nrels; i++)
		if (strcmp(rels[i].type, "custom-properties") == 0 ||
		    strcmp(rels[i].type, "core-properties") == 0 ||
		    strcmp(rels[i].type, "customProperties") == 0 ||
		    strcmp(rels[i].type, "metadata/core-properties") == 0)
			if (read_part(zip, rels[i].target, scan, 0) < 0)
				goto out;
	if (read_part(zip, main_part, scan, 1) < 0)
		goto out;
	settle_following(zip, rels, nrels, scan);
	if (extract_failed(scan))
		goto out;
	if (resolve_bindings(zip, scan) < 0)
		goto out;

	/*
	 * Headers, footers, notes and comments: after the body, so a field
	 * the body has is taken from the body (the first of a name wins);
	 * these count only for what is found nowhere else.
	 */
	char rels_name[1100], base_dir[1024];
	const char *slash = strrchr(main_part, '/');
	size_t dirlen = slash ? (size_t)(slash - main_part + 1) : 0;
	snprintf(base_dir, sizeof base_dir, "%.*s", (int)dirlen, main_part);
	snprintf(rels_name, sizeof rels_name, "%s_rels/%s.rels", base_dir, main_part + dirlen);
	ndocrels = read_rels(zip, rels_name, base_dir, docrels, MAX_RELS, scan);
	if (ndocrels < 0) {
		ndocrels = 0;
		goto out;
	}
	static const char *const secondary[] = {"header", "footer", "footnotes", "endnotes",
						"comments"};
	/*
	 * Each part once: a package whose relationships name one large
	 * header 256 times would have it parsed 256 times, every read within
	 * the limits, seconds in all (Word names each part once).
	 */
	const char *done[MAX_RELS + 1];
	int ndone = 0;
	done[ndone++] = main_part;
	for (size_t k = 0; k < sizeof secondary / sizeof secondary[0]; k++)
		for (int i = 0; i < ndocrels; i++) {
			if (strcmp(docrels[i].type, secondary[k]) != 0)
				continue;
			int seen = 0;
			for (int d = 0; d < ndone && !seen; d++)
				seen = strcmp(done[d], docrels[i].target) == 0;
			if (seen)
				continue;
			done[ndone++] = docrels[i].target;
			if (read_part(zip, docrels[i].target, scan, 0) < 0)
				goto out;
		}
	rc = 0;
out:
	free_rels(rels, nrels);
	free_rels(docrels, ndocrels);
	free(main_part);
	return rc;
}

int extract_flat_opc(const char *buf, size_t len, struct extract_scan *scan)
{
	scan->part = "flat OPC";
	int rc = walk_part(buf, len, scan, 1);
	settle_following(NULL, NULL, 0, scan);
	/* Custom XML parts of a flat package are not resolved: the cached text stays. */
	size_t i;
	json_t *field;
	json_array_foreach(scan->fields, i, field) json_object_del(field, "binding");
	return rc;
}
