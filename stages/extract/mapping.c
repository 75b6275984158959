/*
 * mapping.c - from what a document holds to what an offer asks for.
 *
 * Which offer: the custom property skema.form (blank forms carry it and
 * Word and LibreOffice keep it on save), else the document title, else the
 * offer whose field names or printed labels the document shows most.
 * Which value: the control named like the field; else a control whose
 * display name (alias) or label (the text beside it) is the field's
 * label; else a label/value table (label cell, value in the next cell or
 * the cell below); else a "Label: value" paragraph.  Each value keeps its
 * source, so a reviewer sees how sure we are.  Values are normalised by normalize_value() (the
 * offers engineer's module), never here.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "msg.h"
#include "normalize.h"
#include "offer.h"
#include "record.h"

/*
 * The scan comes from a child that parsed hostile bytes: if it was
 * subverted, its JSON may have any shape.  Every string is read through
 * this, which never returns NULL.
 */
static const char *sval(const json_t *value)
{
	const char *s = json_string_value(value);
	return s ? s : "";
}

/*
 * Folds a label for comparison: lower case (ASCII and Æ Ø Å), white space
 * runs as one space, a trailing colon, asterisk or question mark dropped.
 * Writes into out (size bytes).
 */
static void fold_label(const char *in, char *out, size_t size)
{
	size_t n = 0;
	int space = 1;
	for (const unsigned char *p = (const unsigned char *)in; *p && n + 3 < size; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if (!space)
				out[n++] = ' ';
			space = 1;
			continue;
		}
		if (p[0] == 0xc2 && p[1] == 0xa0) { /* no-break space */
			if (!space)
				out[n++] = ' ';
			space = 1;
			p++;
			continue;
		}
		space = 0;
		if (p[0] == 0xc3 && (p[1] == 0x86 || p[1] == 0x98 || p[1] == 0x85)) {
			out[n++] = (char)0xc3;
			out[n++] = (char)(p[1] + 0x20);
			p++;
			continue;
		}
		out[n++] = (char)tolower(*p);
	}
	while (n > 0 &&
	       (out[n - 1] == ' ' || out[n - 1] == ':' || out[n - 1] == '*' || out[n - 1] == '?'))
		n--;
	out[n] = '\0';
}

static int label_equal(const char *a, const char *b)
{
	char fa[1024], fb[1024];
	fold_label(a, fa, sizeof fa);
	fold_label(b, fb, sizeof fb);
	return fa[0] && strcmp(fa, fb) == 0;
}

/*
 * Another control of the same name in the same part as f, with other
 * text: Word shows both, and the record can take only the first.
 */
static json_t *find_twin(json_t *fields, json_t *f, const char *name)
{
	const char *part = sval(json_object_get(f, "part"));
	const char *raw = sval(json_object_get(f, "raw"));
	size_t i;
	json_t *g;
	json_array_foreach(fields, i, g)
	{
		if (g != f && strcmp(sval(json_object_get(g, "name")), name) == 0 &&
		    strcmp(sval(json_object_get(g, "part")), part) == 0 &&
		    strcmp(sval(json_object_get(g, "raw")), raw) != 0)
			return g;
	}
	return NULL;
}

static json_t *find_named(json_t *fields, const char *name)
{
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f)
	{
		const char *n = sval(json_object_get(f, "name"));
		if (n && strcmp(n, name) == 0)
			return f;
	}
	return NULL;
}

/*
 * A control without a usable name: its own display name (a content
 * control's alias, which LibreOffice keeps where it drops the tag) or the
 * text beside it is the field's label.
 */
static json_t *find_labelled(json_t *fields, const struct offer *offer,
			     const struct offer_field *want)
{
	size_t i;
	json_t *f;
	if (!want->label)
		return NULL;
	json_array_foreach(fields, i, f)
	{
		const char *n = sval(json_object_get(f, "name"));
		const char *label = sval(json_object_get(f, "label"));
		if (n && offer_find_field(offer, n))
			continue; /* it belongs to another field */
		if ((n && label_equal(n, want->label)) || (label && label_equal(label, want->label)))
			return f;
	}
	return NULL;
}

static int is_offer_label(const struct offer *offer, const char *text)
{
	for (size_t i = 0; offer && i < offer->nfields; i++)
		if (offer->fields[i].label && label_equal(offer->fields[i].label, text))
			return 1;
	return 0;
}

/*
 * Label/value tables: the value right of the label, else below it.  A
 * cell to the right that is itself a label means a header row: the
 * values are below.
 */
static int find_in_rows(json_t *rows, const char *label, const char **value, size_t *at,
			const struct offer *offer)
{
	for (size_t r = 0; r < json_array_size(rows); r++) {
		json_t *row = json_array_get(rows, r);
		for (size_t c = 0; c < json_array_size(row); c++) {
			if (!label_equal(sval(json_array_get(row, c)), label))
				continue;
			if (c + 1 < json_array_size(row) &&
			    !is_offer_label(offer, sval(json_array_get(row, c + 1)))) {
				*value = sval(json_array_get(row, c + 1));
				*at = r;
				return 1;
			}
			json_t *below = json_array_get(rows, r + 1);
			if (below && c < json_array_size(below)) {
				*value = sval(json_array_get(below, c));
				*at = r + 1;
				return 1;
			}
		}
	}
	return 0;
}

/* "Label: value" paragraphs; returns the value tidied (the caller frees) and its index. */
static char *find_in_paragraphs(json_t *paragraphs, const char *label, size_t *at)
{
	for (size_t i = 0; i < json_array_size(paragraphs); i++) {
		const char *p = sval(json_array_get(paragraphs, i));
		const char *colon = strchr(p, ':');
		if (!colon)
			continue;
		char *head = strndup(p, (size_t)(colon - p));
		int match = head && label_equal(head, label);
		free(head);
		if (match) {
			struct strbuf sb;
			strbuf_init(&sb, 0);
			strbuf_puts(&sb, colon + 1);
			extract_tidy(&sb);
			*at = i;
			return strbuf_detach(&sb);
		}
	}
	return NULL;
}

/* The part item index was read from, by the scan's marks ("row_parts"). */
static const char *part_at(json_t *marks, size_t index)
{
	const char *part = "";
	size_t i;
	json_t *mark;
	json_array_foreach(marks, i, mark)
	{
		json_int_t start = json_integer_value(json_array_get(mark, 0));
		if (start < 0 || (size_t)start > index)
			break;
		part = sval(json_array_get(mark, 1));
	}
	return part;
}

struct found_by_label {
	char *text;	    /* malloc'd */
	const char *source; /* "table" or "paragraph" */
	const char *part;   /* borrowed from the scan */
};

/*
 * A field no control holds, by its printed label: a label/value table,
 * else a "Label: value" paragraph.  Returns 1 and fills *found, or 0.
 */
static int find_by_label(json_t *scan, const struct offer *offer, const struct offer_field *want,
			 struct found_by_label *found)
{
	const char *value;
	size_t at;
	if (!want->label)
		return 0;
	if (find_in_rows(json_object_get(scan, "rows"), want->label, &value, &at, offer)) {
		found->text = strdup(value);
		found->source = "table";
		found->part = part_at(json_object_get(scan, "row_parts"), at);
		return found->text != NULL;
	}
	found->text = find_in_paragraphs(json_object_get(scan, "paragraphs"), want->label, &at);
	found->source = "paragraph";
	found->part = found->text ? part_at(json_object_get(scan, "paragraph_parts"), at) : "";
	return found->text != NULL;
}

/* Printed text of the form itself: a label, a "Label: value" line, a hint or a section title. */
static int is_form_text(const struct offer *offer, const char *p)
{
	if (is_offer_label(offer, p))
		return 1;
	const char *colon = strchr(p, ':');
	if (colon) {
		char *head = strndup(p, (size_t)(colon - p));
		int label = head && is_offer_label(offer, head);
		free(head);
		if (label)
			return 1;
	}
	for (size_t i = 0; i < offer->nfields; i++) {
		const struct offer_field *f = &offer->fields[i];
		if ((f->help && label_equal(f->help, p)) || (f->section && label_equal(f->section, p)))
			return 1;
	}
	return 0;
}

/*
 * A long text whose control LibreOffice split (docx.c, "following"): its
 * first paragraph in the control, the rest after it up to the form's next
 * printed text.  Returns the whole text (malloc'd) and how many paragraphs
 * were added, or NULL when none were.
 */
static char *join_following(const struct offer *offer, const struct offer_field *want,
			    json_t *f, const char *raw, size_t *added)
{
	json_t *following = json_object_get(f, "following");
	*added = 0;
	if (want->type != FIELD_LONGTEXT || !json_is_array(following) || !*raw)
		return NULL;
	struct strbuf sb;
	strbuf_init(&sb, 0);
	strbuf_puts(&sb, raw);
	/* A subverted child is held to the child's own limit too. */
	for (size_t i = 0; i < json_array_size(following) && i < EXTRACT_MAX_FOLLOWING; i++) {
		const char *p = sval(json_array_get(following, i));
		if (is_form_text(offer, p))
			break;
		strbuf_putc(&sb, '\n');
		strbuf_puts(&sb, p);
		(*added)++;
	}
	if (*added == 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

static int count_label_hits(json_t *scan, const struct offer *offer)
{
	int hits = 0;
	json_t *fields = json_object_get(scan, "fields");
	for (size_t i = 0; i < offer->nfields; i++) {
		const struct offer_field *f = &offer->fields[i];
		struct found_by_label found = {0};
		if (find_named(fields, f->name) || find_by_label(scan, offer, f, &found))
			hits++;
		free(found.text);
	}
	return hits;
}

const struct offer *extract_identify(json_t *scan, const struct offer_set *offers,
				     const char **source)
{
	json_t *props = json_object_get(scan, "properties");
	const char *id = sval(json_object_get(props, "skema.form"));
	if (id && *id) {
		*source = "property";
		return offer_set_find(offers, id);
	}
	const char *title = sval(json_object_get(scan, "title"));
	for (size_t i = 0; title && i < offers->count; i++) {
		if (offers->offers[i]->title && label_equal(offers->offers[i]->title, title)) {
			*source = "title";
			return offers->offers[i];
		}
	}
	/* The offer most of whose fields the document shows, by a clear margin. */
	const struct offer *best = NULL;
	int best_hits = 0, second = 0;
	for (size_t i = 0; i < offers->count; i++) {
		int hits = count_label_hits(scan, offers->offers[i]);
		if (hits > best_hits) {
			second = best_hits;
			best_hits = hits;
			best = offers->offers[i];
		} else if (hits > second) {
			second = hits;
		}
	}
	if (best && best_hits >= 3 && best_hits > second + 1 &&
	    (size_t)best_hits * 2 >= best->nfields) {
		*source = "labels";
		return best;
	}
	*source = NULL;
	return NULL;
}

/*
 * The scan's warnings are written for administrators (skema inspect, in
 * English); the record's are read by reviewers on the review sheet.
 */
static const char *warning_da(const char *text)
{
	static const struct {
		const char *en, *da;
	} known[] = {
	    {"the form has unaccepted tracked changes; read as if accepted",
	     "Blanketten har ændringer, der ikke er godkendt (registrerede ændringer). "
	     "Den er læst, som om alle ændringer var godkendt."},
	    {"the form has ActiveX controls, whose values cannot be read",
	     "Blanketten har ActiveX-felter, hvis værdier skema ikke kan læse. Se "
	     "dokumentet selv."},
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strcmp(text, known[i].en) == 0)
			return known[i].da;
	return text;
}

/* Builds fields.NAME from a control or fallback text, normalised. */
static json_t *make_field(const struct offer_field *want, const char *kind, const char *raw,
			  const char *input, const char *source, json_t *options)
{
	char reason[200] = "";
	json_t *out = json_object();
	json_object_set_new(out, "kind", json_string(kind));
	json_object_set_new(out, "raw", extract_json_string(raw));
	json_t *value = normalize_value(want, input, reason, sizeof reason);
	if (value) {
		json_object_set_new(out, "value", value);
	} else {
		json_object_set_new(out, "value", json_null());
		json_object_set_new(out, "error",
				    extract_json_string(reason[0] ? reason : "ugyldig værdi"));
	}
	json_object_set_new(out, "source", json_string(source));
	if (options)
		json_object_set(out, "options", options);
	return out;
}

void extract_apply(json_t *rec, json_t *scan, const struct offer_set *offers)
{
	json_t *error = json_object_get(scan, "error");
	if (error) {
		const char *code = sval(json_object_get(error, "code"));
		record_fail(rec, "extract", *code ? code : "crash",
			    json_is_true(json_object_get(error, "permanent")),
			    sval(json_object_get(error, "message")),
			    sval(json_object_get(error, "message_da")));
		return;
	}
	const char *format = sval(json_object_get(scan, "format"));
	if (*format)
		record_set_str(rec, "format", format);
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(scan, "warnings"), i, w)
	    record_warn(rec, "extract", warning_da(sval(w)));

	const char *source = NULL;
	const struct offer *offer = extract_identify(scan, offers, &source);
	if (!offer) {
		json_t *props = json_object_get(scan, "properties");
		const char *id = sval(json_object_get(props, "skema.form"));
		char message[1800], da[600], path[1024];
		/* Named as staff dropped it (extract.c says why), escaped. */
		const char *name = record_str(rec, "original_name");
		if (!name || !*name)
			name = record_str(rec, "path");
		msg_escape(path, sizeof path, name ? name : "");
		if (*id) {
			snprintf(message, sizeof message,
				 "%s: form \"%.100s\" is not a known offer", path, id);
			snprintf(
			    da, sizeof da,
			    "Blanketten siger, at den hører til tilbuddet \"%.100s\", som skema "
			    "ikke kender. Kontakt en administrator, eller behandl ansøgningen "
			    "manuelt.",
			    id);
		} else {
			snprintf(message, sizeof message,
				 "%s: which offer the form belongs to could not be determined",
				 path);
			snprintf(da, sizeof da, "%s", extract_error_da("unknown_form"));
		}
		record_fail(rec, "extract", "unknown_form", 1, message, da);
		return;
	}
	json_t *props = json_object_get(scan, "properties");
	const char *version = sval(json_object_get(props, "skema.version"));
	json_t *form = json_pack("{s:s, s:s, s:s}", "id", offer->id, "version",
				 *version	  ? version
				 : offer->version ? offer->version
						  : "",
				 "source", source);
	json_object_set_new(rec, "form", form);

	json_t *fields = json_object_get(scan, "fields");
	json_t *out = json_object();
	json_t *used = json_array(); /* fields consumed by label, not to be listed as extra */
	for (size_t k = 0; k < offer->nfields; k++) {
		const struct offer_field *want = &offer->fields[k];
		json_t *f = find_named(fields, want->name);
		json_t *twin = f ? find_twin(fields, f, want->name) : NULL;
		if (twin) {
			char warning[700];
			snprintf(warning, sizeof warning,
				 "Feltet \"%.200s\" står flere gange i blanketten med forskellig tekst; "
				 "den første (\"%.100s\") er brugt, den anden (\"%.100s\") ikke. "
				 "Kontrollér, hvilken ansøgeren mener.",
				 want->label ? want->label : want->name,
				 sval(json_object_get(f, "raw")), sval(json_object_get(twin, "raw")));
			record_warn(rec, "extract", warning);
		}
		if (!f)
			f = find_labelled(fields, offer, want);
		if (f) {
			const char *raw = sval(json_object_get(f, "raw"));
			const char *mapped = sval(json_object_get(f, "value"));
			size_t added;
			char *whole = join_following(offer, want, f, raw, &added);
			if (whole) {
				char warning[600];
				snprintf(warning, sizeof warning,
					 "Feltet \"%.200s\" er læst med %zu afsnit efter "
					 "indholdskontrollen: dokumentet er gemt af LibreOffice, som kun "
					 "beholder første afsnit inde i kontrollen. Kontrollér teksten.",
					 want->label ? want->label : want->name, added);
				record_warn(rec, "extract", warning);
				raw = mapped = whole;
			}
			json_object_set_new(out, want->name,
					    make_field(want, sval(json_object_get(f, "kind")), raw,
						       *mapped ? mapped : raw,
						       sval(json_object_get(f, "source")),
						       json_object_get(f, "options")));
			free(whole);
			json_array_append(used, f);
			continue;
		}
		struct found_by_label found;
		if (find_by_label(scan, offer, want, &found)) {
			json_object_set_new(out, want->name, make_field(want, "text", found.text,
									found.text, found.source, NULL));
			free(found.text);
		}
	}
	json_object_set_new(rec, "fields", out);

	json_t *extra = json_array();
	json_t *f;
	json_array_foreach(fields, i, f)
	{
		const char *name = sval(json_object_get(f, "name"));
		int is_used = 0;
		for (size_t u = 0; u < json_array_size(used); u++)
			if (json_array_get(used, u) == f)
				is_used = 1;
		if (is_used || !name || !*name || offer_find_field(offer, name))
			continue;
		json_array_append_new(extra, json_pack("{s:O, s:O, s:O, s:O}", "name",
						       json_object_get(f, "name"), "kind",
						       json_object_get(f, "kind"), "raw",
						       json_object_get(f, "raw"), "source",
						       json_object_get(f, "source")));
	}
	json_object_set_new(rec, "extra_fields", extra);
	if (!json_object_get(rec, "warnings"))
		json_object_set_new(rec, "warnings", json_array());
	json_decref(used);
}

json_t *extract_found_by_label(json_t *scan, const struct offer *offer)
{
	json_t *fields = json_object_get(scan, "fields");
	json_t *out = json_array();
	for (size_t k = 0; k < offer->nfields; k++) {
		const struct offer_field *want = &offer->fields[k];
		struct found_by_label found;
		if (find_named(fields, want->name) || find_labelled(fields, offer, want) ||
		    !find_by_label(scan, offer, want, &found))
			continue;
		json_t *f = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}", "name", want->name, "kind",
				      "text", "raw", extract_json_string(found.text), "source",
				      found.source, "part", found.part, "label", want->label);
		if (f)
			json_array_append_new(out, f);
		free(found.text);
	}
	return out;
}
