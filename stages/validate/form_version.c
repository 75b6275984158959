/*
 * form_version.c - a form filled in on another version of the offer than
 * the definition that judges it (validate.h).
 *
 * A blank form carries the offer's version (skema.version); an
 * administrator raises offer@version when fields or labels change.  A form
 * sent out before that change is still judged by today's definition, and a
 * field renamed in between is then read as absent: what the applicant
 * answered lands in extra_fields, and the renamed field counts as empty (a
 * checkbox as unticked), which can pass or fail a criterion on an answer
 * the applicant never gave.  The judgement stays what the definition says;
 * the reviewer is told, on the review sheet, which versions met and what
 * the form said that the definition does not know, and skema-decide reads
 * the facts (validation.form_version) so that such a case is never
 * confirmed without a reviewer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "utf8.h"
#include "validate.h"

/* At most this many fields named per list, and code points of a value. */
#define SHOWN_FIELDS 10
#define SHOWN_CHARS 60

/* 1 when a and b name the same version: "2" and "02" do, being numbers. */
static int same_version(const char *a, const char *b)
{
	char *end_a, *end_b;
	long na = strtol(a, &end_a, 10), nb = strtol(b, &end_b, 10);
	if (end_a != a && !*end_a && end_b != b && !*end_b)
		return na == nb;
	return strcmp(a, b) == 0;
}

/* Appends s on one line, cut after SHOWN_CHARS code points with "…". */
static void put_short(struct strbuf *out, const char *s)
{
	size_t chars = 0;
	int space = 0;
	while (*s) {
		if (chars == SHOWN_CHARS) {
			strbuf_puts(out, "…");
			return;
		}
		if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
			space = 1;
			s++;
			continue;
		}
		if (space && chars)
			strbuf_putc(out, ' ');
		space = 0;
		size_t n = utf8_valid_prefix(s);
		if (n == 0) {
			strbuf_puts(out, "?");
			n = 1;
		} else {
			strbuf_append(out, s, n);
		}
		s += n;
		chars++;
	}
}

/* "tidligere_deltaget: ja; bemaerkning: tekst": what the form said beyond the definition. */
static void put_extra_fields(struct strbuf *out, const json_t *extra)
{
	size_t i, shown = 0;
	json_t *item;
	json_array_foreach(extra, i, item)
	{
		if (shown == SHOWN_FIELDS) {
			strbuf_printf(out, " og %zu flere", json_array_size(extra) - shown);
			return;
		}
		const char *name = json_string_value(json_object_get(item, "name"));
		const char *kind = json_string_value(json_object_get(item, "kind"));
		const char *raw = json_string_value(json_object_get(item, "raw"));
		if (shown++)
			strbuf_puts(out, "; ");
		put_short(out, name ? name : "?");
		strbuf_puts(out, ": ");
		if (kind && strcmp(kind, "checkbox") == 0 && raw)
			strbuf_puts(out, strcmp(raw, "1") == 0 ? "ja" : "nej");
		else if (raw && *raw)
			put_short(out, raw);
		else
			strbuf_puts(out, "(tomt)");
	}
}

/* 1 when a field of the definition is not in the form at all (not merely empty). */
static int lacks_a_field(const struct offer *offer, const json_t *rec)
{
	const json_t *fields = json_object_get(rec, "fields");
	for (size_t i = 0; i < offer->nfields; i++)
		if (!json_object_get(fields, offer->fields[i].name))
			return 1;
	return 0;
}

json_t *validate_form_version(const struct offer *offer, json_t *rec)
{
	const json_t *form = json_object_get(rec, "form");
	const char *version = form ? record_str(form, "version") : NULL;
	const json_t *extra = json_object_get(rec, "extra_fields");
	/* A form without a version is taken to be of the definition's. */
	int other = version && *version && offer->version && !same_version(version, offer->version);
	/*
	 * Of the same version, but with fields the definition does not know
	 * while some of its own are not in the form: a field renamed without
	 * raising the version, which is told and treated alike.
	 */
	if (!other && (json_array_size(extra) == 0 || !lacks_a_field(offer, rec)))
		return NULL;

	struct strbuf text;
	strbuf_init(&text, 0);
	if (other) {
		strbuf_puts(&text, "Ansøgningen er udfyldt på version ");
		put_short(&text, version);
		strbuf_printf(&text, " af skemaet; tilbuddet er nu version %s. Kontrollér felterne.",
			      offer->version);
	} else {
		strbuf_puts(&text, "Blanketten passer ikke til tilbuddets definition (et felt kan "
				   "være omdøbt). Kontrollér felterne.");
	}

	if (json_array_size(extra) > 0) {
		strbuf_puts(&text, " Blanketten har felter, som tilbuddet ikke kender: ");
		put_extra_fields(&text, extra);
		strbuf_puts(&text, ".");
	}

	/* The definition's fields the form does not have at all, as opposed to
	 * fields the applicant left empty: a renamed field's answer is among
	 * the unknown ones above. */
	const json_t *fields = json_object_get(rec, "fields");
	const char *absent[SHOWN_FIELDS];
	size_t nabsent = 0, more = 0;
	json_t *facts = json_pack("{s:s, s:s, s:[], s:[]}", "form", version ? version : "", "offer",
				  offer->version ? offer->version : "", "unknown", "absent");
	size_t k;
	json_t *item;
	json_array_foreach(extra, k, item)
	{
		const char *name = json_string_value(json_object_get(item, "name"));
		if (facts && name)
			json_array_append_new(json_object_get(facts, "unknown"), json_string(name));
	}
	for (size_t i = 0; i < offer->nfields; i++) {
		if (json_object_get(fields, offer->fields[i].name))
			continue;
		if (facts)
			json_array_append_new(json_object_get(facts, "absent"),
					      json_string(offer->fields[i].name));
		if (nabsent < SHOWN_FIELDS)
			absent[nabsent++] = offer->fields[i].name;
		else
			more++;
	}
	if (nabsent > 0) {
		strbuf_puts(&text, nabsent + more == 1 ? " Tilbuddets felt " : " Tilbuddets felter ");
		if (more) {
			for (size_t i = 0; i < nabsent; i++) {
				strbuf_puts(&text, i ? ", " : "");
				offer_join_labels(offer, &absent[i], 1, 1, &text);
			}
			strbuf_printf(&text, " og %zu flere", more);
		} else {
			offer_join_labels(offer, absent, nabsent, 1, &text);
		}
		strbuf_puts(&text, nabsent + more == 1
				       ? " blev ikke fundet i blanketten og er vurderet som tomt."
				       : " blev ikke fundet i blanketten og er vurderet som tomme.");
	}
	record_warn(rec, "validate", strbuf_str(&text));
	strbuf_release(&text);
	return facts;
}
