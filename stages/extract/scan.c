/*
 * scan.c - what the extractor found in one document: fields, fallback
 * text, properties, warnings, or the first error.
 *
 * Everything here may hold bytes from an attacker's document, so every
 * string goes through extract_json_string(): jansson refuses invalid UTF-8,
 * and a field name with garbage bytes (odftoolkit Formular_Anzeige) must
 * still be listed, escaped, rather than lost.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "utf8.h"

void extract_limits_default(struct extract_limits *limits)
{
	limits->max_size = 20u << 20;
	limits->max_entries = 1000;
	limits->max_part = 20u << 20;
	limits->max_total = 64u << 20;
	limits->max_ratio = 100;
	limits->max_depth = 256;
	/* Word's and LibreOffice's root elements declare some 40 to 70 namespaces. */
	limits->max_attributes = 1000;
	limits->max_fields = 2000;
	limits->max_field_len = 100000;
	limits->max_rows = 5000;
	/* Well under what the next stages read (RECORD_MAX_LINE, 32M), and
	 * hundreds of times a form's record (some 10 KB; a 5,000-character
	 * motivation adds 10 KB more). */
	limits->max_record = 4u << 20;
	limits->max_memory = 512u << 20;
	limits->max_cpu = 10;
	limits->timeout_ms = 10000;
}

/*
 * Danish advice per error code, for the staff member who dropped the file.
 * Each says what happened in plain words and what to do next.
 */
static const struct {
	const char *code;
	const char *da;
} advice[] = {
    {"legacy_doc", "Filen er et gammelt Word-dokument (.doc). Gem dokumentet som .docx eller "
		   ".odt og læg det i indbakken igen."},
    {"encrypted", "Filen er beskyttet med adgangskode. Bed ansøgeren om en udgave uden "
		  "adgangskode, eller åbn den, gem den uden adgangskode som .docx eller .odt og "
		  "læg den i indbakken igen."},
    {"pdf", "Filen er en PDF og ikke en udfyldt ansøgningsblanket. Bed ansøgeren om at sende "
	    "blanketten som .docx eller .odt, og læg den i indbakken igen."},
    {"image", "Filen er et billede og ikke en udfyldt ansøgningsblanket. Bed ansøgeren om at "
	      "sende blanketten som .docx eller .odt, og læg den i indbakken igen."},
    {"empty", "Filen er tom. Bed ansøgeren om at sende blanketten igen som .docx eller .odt."},
    {"truncated", "Filen er ufuldstændig (afkortet), måske fordi den ikke var færdig med at "
		  "blive kopieret. Læg hele filen i indbakken igen, eller bed ansøgeren om at "
		  "sende den igen."},
    {"corrupt_zip", "Filen er beskadiget og kan ikke åbnes. Prøv at åbne den i Word eller "
		    "LibreOffice, gem den som .docx eller .odt og læg den i indbakken igen."},
    {"no_document_part", "Filen ligner et Office-dokument, men indeholder ikke noget "
			 "tekstdokument. Gem blanketten som .docx eller .odt og læg den i "
			 "indbakken igen."},
    {"not_a_document", "Filen er hverken et Word- eller et LibreOffice-dokument. Gem "
		       "blanketten som .docx eller .odt og læg den i indbakken igen."},
    /* The whole file, or a part of it inflated beyond its limit (a text part, never a picture). */
    {"too_large", "Filen er for stor til at blive læst automatisk: enten fylder filen for "
		  "meget, eller dens tekst er for lang. Fjern store billeder eller overflødig "
		  "tekst, gem blanketten som .docx eller .odt og læg den i indbakken igen."},
    {"too_many_entries", "Filen indeholder for mange dele til at blive læst automatisk. Gem "
			 "blanketten igen som .docx eller .odt og læg den i indbakken igen."},
    {"zip_bomb", "Filen er pakket på en usædvanlig måde og bliver ikke læst af "
		 "sikkerhedshensyn. Kontakt en administrator."},
    {"duplicate_entry", "Filen er bygget forkert (den indeholder samme del to gange) og "
			"bliver ikke læst af sikkerhedshensyn. Gem blanketten igen i Word eller "
			"LibreOffice og læg den i indbakken igen."},
    {"doctype", "Filen indeholder en dokumenttypeerklæring (DOCTYPE), som et Word- eller "
		"LibreOffice-dokument aldrig har, og bliver ikke læst af sikkerhedshensyn. "
		"Kontakt en administrator."},
    {"xml_error", "Filen er beskadiget og kan ikke læses. Prøv at åbne den i Word eller "
		  "LibreOffice, gem den som .docx eller .odt og læg den i indbakken igen."},
    {"xml_too_deep", "Filen er bygget usædvanligt dybt og bliver ikke læst af "
		     "sikkerhedshensyn. Gem blanketten igen og læg den i indbakken igen."},
    {"too_many_fields", "Filen indeholder langt flere felter end en ansøgningsblanket og "
			"bliver ikke læst automatisk. Kontakt en administrator."},
    {"field_too_long", "Et felt i blanketten indeholder mere tekst, end der kan læses "
		       "automatisk. Bed ansøgeren om at forkorte teksten og sende blanketten "
		       "igen."},
    {"too_many_attributes", "Filen er bygget usædvanligt (et element med tusindvis af "
			    "egenskaber) og bliver ikke læst af sikkerhedshensyn. Gem blanketten "
			    "igen i Word eller LibreOffice og læg den i indbakken igen."},
    {"too_much_text", "Blanketten indeholder langt mere tekst end en ansøgning og bliver ikke "
		      "læst automatisk. Bed ansøgeren om at forkorte teksterne og sende "
		      "blanketten igen, eller kontakt en administrator."},
    {"unknown_form", "Det kunne ikke afgøres, hvilket tilbud blanketten hører til. Brug den "
		     "blanket, der hører til tilbuddet, eller behandl ansøgningen manuelt."},
    {"macro", "Filen indeholder makroer. Gem dokumentet som .docx uden makroer og læg det i "
	      "indbakken igen."},
    {"timeout", "Filen tog for lang tid at læse og er lagt til side. Kontakt en "
		"administrator."},
    {"out_of_memory", "Filen krævede for meget hukommelse at læse og er lagt til side. "
		      "Kontakt en administrator."},
    {"crash", "Filen kunne ikke læses på grund af en fejl i skema. Kontakt en administrator; "
	      "filen er gemt."},
    {"io", "Filen kunne ikke læses fra disken. Prøv igen senere, eller kontakt en "
	   "administrator."},
};

const char *extract_error_da(const char *code)
{
	for (size_t i = 0; i < sizeof advice / sizeof advice[0]; i++)
		if (strcmp(advice[i].code, code) == 0)
			return advice[i].da;
	return "Filen kunne ikke læses. Kontakt en administrator; filen er gemt.";
}

void extract_scan_init(struct extract_scan *scan, const struct extract_limits *limits,
		       const char *display)
{
	memset(scan, 0, sizeof *scan);
	scan->limits = limits;
	scan->display = display;
	scan->part = "";
	scan->fields = json_array();
	scan->rows = json_array();
	scan->paragraphs = json_array();
	scan->row_parts = json_array();
	scan->paragraph_parts = json_array();
	scan->properties = json_object();
	scan->warnings = json_array();
	scan->later_fields = json_array();
	scan->later_rows = json_array();
	scan->later_paragraphs = json_array();
	scan->later_row_parts = json_array();
	scan->later_paragraph_parts = json_array();
	strbuf_init(&scan->err_msg, 1024);
}

void extract_scan_release(struct extract_scan *scan)
{
	if (!scan)
		return;
	json_decref(scan->fields);
	json_decref(scan->rows);
	json_decref(scan->paragraphs);
	json_decref(scan->row_parts);
	json_decref(scan->paragraph_parts);
	json_decref(scan->properties);
	json_decref(scan->warnings);
	json_decref(scan->later_fields);
	json_decref(scan->later_rows);
	json_decref(scan->later_paragraphs);
	json_decref(scan->later_row_parts);
	json_decref(scan->later_paragraph_parts);
	scan->later_fields = scan->later_rows = scan->later_paragraphs = NULL;
	scan->later_row_parts = scan->later_paragraph_parts = NULL;
	scan->row_parts = scan->paragraph_parts = NULL;
	free(scan->title);
	strbuf_release(&scan->err_msg);
	scan->fields = scan->rows = scan->paragraphs = scan->properties = scan->warnings = NULL;
	scan->title = NULL;
}

int extract_fail(struct extract_scan *scan, const char *code, const char *fmt, ...)
{
	if (scan->err_code[0])
		return -1;
	snprintf(scan->err_code, sizeof scan->err_code, "%s", code);
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	strbuf_reset(&scan->err_msg);
	/* Messages may quote entry names from the archive: keep them one clean line. */
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(&scan->err_msg, "\\x%02x", *p);
		else
			strbuf_putc(&scan->err_msg, (char)*p);
	}
	return -1;
}

int extract_failed(const struct extract_scan *scan)
{
	return scan->err_code[0] != '\0';
}

json_t *extract_json_string(const char *text)
{
	if (!text)
		text = "";
	/* Checked here, so jansson need not check again (a tenth of a parse). */
	if (utf8_is_valid(text))
		return json_string_nocheck(text);
	struct strbuf sb;
	strbuf_init(&sb, 0);
	for (const char *p = text; *p;) {
		size_t n = utf8_valid_prefix(p);
		if (n) {
			strbuf_append(&sb, p, n);
			p += n;
		} else {
			strbuf_printf(&sb, "\\x%02x", (unsigned char)*p);
			p++;
		}
	}
	json_t *s = json_string(strbuf_str(&sb));
	strbuf_release(&sb);
	return s ? s : json_string_nocheck("");
}

void extract_warn(struct extract_scan *scan, const char *text)
{
	size_t i;
	json_t *w;
	json_array_foreach(scan->warnings, i,
			   w) if (strcmp(json_string_value(w), text) == 0) return;
	json_array_append_new(scan->warnings, extract_json_string(text));
}

void extract_field_set(json_t *field, const char *key, const char *value)
{
	json_object_set_new(field, key, extract_json_string(value));
}

json_t *extract_add_field(struct extract_scan *scan, const char *name, const char *kind,
			  const char *raw, const char *source)
{
	if (extract_failed(scan))
		return NULL;
	if (json_array_size(scan->fields) + json_array_size(scan->later_fields) >=
	    scan->limits->max_fields) {
		extract_fail(scan, "too_many_fields", "%s: more than %zu fields", scan->part,
			     scan->limits->max_fields);
		return NULL;
	}
	if (strlen(raw) > scan->limits->max_field_len) {
		extract_fail(scan, "field_too_long", "%s: field longer than %zu bytes", scan->part,
			     scan->limits->max_field_len);
		return NULL;
	}
	json_t *field = json_object();
	extract_field_set(field, "name", name);
	extract_field_set(field, "kind", kind);
	extract_field_set(field, "raw", raw);
	extract_field_set(field, "source", source);
	extract_field_set(field, "part", scan->part);
	json_array_append_new(scan->deferring ? scan->later_fields : scan->fields, field);
	return field;
}

json_t *extract_scan_json(const struct extract_scan *scan)
{
	if (extract_failed(scan)) {
		const char *msg = strbuf_str(&scan->err_msg);
		char line[1200];
		snprintf(line, sizeof line, "%s%s%s", scan->display ? scan->display : "",
			 scan->display ? ": " : "", msg);
		json_t *err = json_object();
		json_object_set_new(err, "code", json_string(scan->err_code));
		json_object_set_new(err, "message", extract_json_string(line));
		json_object_set_new(err, "message_da",
				    json_string(extract_error_da(scan->err_code)));
		/* Only a failure to read the file from disk is worth a retry. */
		json_object_set_new(err, "permanent",
				    json_boolean(strcmp(scan->err_code, "io") != 0));
		return json_pack("{s:o}", "error", err);
	}
	json_t *out = json_object();
	json_object_set_new(out, "format", json_string(scan->format ? scan->format : ""));
	json_object_set(out, "properties", scan->properties);
	if (scan->title)
		json_object_set_new(out, "title", extract_json_string(scan->title));
	json_object_set(out, "fields", scan->fields);
	json_object_set(out, "rows", scan->rows);
	json_object_set(out, "paragraphs", scan->paragraphs);
	json_object_set(out, "row_parts", scan->row_parts);
	json_object_set(out, "paragraph_parts", scan->paragraph_parts);
	json_object_set(out, "warnings", scan->warnings);
	return out;
}

static int room_for_row(const struct extract_scan *scan)
{
	return json_array_size(scan->rows) + json_array_size(scan->paragraphs) +
		   json_array_size(scan->later_rows) + json_array_size(scan->later_paragraphs) <
	       scan->limits->max_rows;
}

/*
 * Marks where the items of a part begin: [index, part] whenever the part
 * changes, a few marks a document instead of the part's name on every row.
 */
static void mark_part(json_t *marks, size_t index, json_t *part)
{
	json_t *last = json_array_get(marks, json_array_size(marks) - 1);
	if (last && json_equal(json_array_get(last, 1), part)) {
		json_decref(part);
		return;
	}
	json_array_append_new(marks, json_pack("[I,o]", (json_int_t)index, part));
}

static void mark_current_part(json_t *marks, size_t index, const char *part)
{
	json_t *last = json_array_get(marks, json_array_size(marks) - 1);
	const char *last_part = json_string_value(json_array_get(last, 1));
	if (last_part && strcmp(last_part, part) == 0)
		return; /* the usual case, without making a string to compare */
	mark_part(marks, index, extract_json_string(part));
}

void extract_scan_keep_row(struct extract_scan *scan, json_t *row)
{
	if (!room_for_row(scan))
		return;
	json_t *rows = scan->deferring ? scan->later_rows : scan->rows;
	mark_current_part(scan->deferring ? scan->later_row_parts : scan->row_parts,
			  json_array_size(rows), scan->part);
	json_array_append(rows, row);
}

void extract_scan_keep_paragraph(struct extract_scan *scan, const char *text)
{
	/* Only "Label: value" paragraphs can feed the fallback. */
	if (!strchr(text, ':') || !room_for_row(scan))
		return;
	json_t *paragraphs = scan->deferring ? scan->later_paragraphs : scan->paragraphs;
	mark_current_part(scan->deferring ? scan->later_paragraph_parts : scan->paragraph_parts,
			  json_array_size(paragraphs), scan->part);
	json_array_append_new(paragraphs, extract_json_string(text));
}

/* Moves the marks of later items behind the base items already kept. */
static void undefer_marks(json_t *marks, json_t *later_marks, size_t base)
{
	size_t i;
	json_t *mark;
	json_array_foreach(later_marks, i, mark)
	{
		size_t index = (size_t)json_integer_value(json_array_get(mark, 0));
		mark_part(marks, base + index, json_incref(json_array_get(mark, 1)));
	}
	json_array_clear(later_marks);
}

void extract_scan_undefer(struct extract_scan *scan)
{
	scan->deferring = 0;
	undefer_marks(scan->row_parts, scan->later_row_parts, json_array_size(scan->rows));
	undefer_marks(scan->paragraph_parts, scan->later_paragraph_parts,
		      json_array_size(scan->paragraphs));
	json_array_extend(scan->fields, scan->later_fields);
	json_array_extend(scan->rows, scan->later_rows);
	json_array_extend(scan->paragraphs, scan->later_paragraphs);
	json_array_clear(scan->later_fields);
	json_array_clear(scan->later_rows);
	json_array_clear(scan->later_paragraphs);
}
