/*
 * letter_review.c - the reviewer's sheet: everything skema read and
 * decided about one submission, so a person can check it before a letter
 * goes out.  Built directly with the layout module (it is a form for
 * internal use, not a text an administrator words).
 *
 * A field value can be anything an applicant typed, up to the extract
 * stage's cap: each is cut at LETTER_REVIEW_MAX_VALUE bytes here, with the
 * full length stated, so a 100,000-character field costs two lines, not
 * thirty pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "letter.h"
#include "record.h"
#include "utf8.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

static const char *str_or(const char *s, const char *fallback)
{
	return s && *s ? s : fallback;
}

static const char *source_da(const char *source)
{
	static const char *const map[][2] = {
		{"content-control", "indholdskontrol"}, {"legacy-field", "formularfelt (gammelt)"},
		{"form-control", "formularkontrol"},    {"user-field", "brugerfelt"},
		{"text-input", "tekstfelt"},            {"fieldmark", "feltmærke"},
		{"custom-xml", "custom XML"},           {"table", "tabel (ledetekst)"},
		{"paragraph", "afsnit (ledetekst)"},
	};
	for (size_t i = 0; source && i < sizeof map / sizeof *map; i++)
		if (strcmp(map[i][0], source) == 0)
			return map[i][1];
	return str_or(source, "–");
}

/* Copies text cut to the review cap (caller frees); notes the full length. */
/* Line breaks kept in a value shown on the sheet; the rest become spaces. */
#define REVIEW_MAX_BREAKS 120

/*
 * Copies text cut to the review cap (caller frees), noting the full length.
 * Line breaks are kept, at most two in a row and REVIEW_MAX_BREAKS in all,
 * so a value of 100,000 newlines costs a line, not a hundred pages.
 */
static char *capped(const char *text)
{
	struct strbuf sb;
	size_t len = text ? strlen(text) : 0, breaks = 0, run = 0, i;
	strbuf_init(&sb, 0);
	if (!text || !*text) {
		strbuf_puts(&sb, "–");
		return strbuf_detach(&sb);
	}
	for (i = 0; i < len && sb.len < LETTER_REVIEW_MAX_VALUE; i++) {
		char ch = text[i];
		if (ch == '\r')
			continue;
		if (ch == '\n') {
			if (++run > 2)
				continue;
			if (++breaks > REVIEW_MAX_BREAKS)
				ch = ' ';
		} else {
			run = 0;
		}
		strbuf_putc(&sb, ch);
	}
	if (i < len) {
		size_t cut = sb.len;
		if (((unsigned char)text[i] & 0xC0) == 0x80) {
			/* Cut inside a character: drop the bytes of it we copied. */
			while (cut > 0 && ((unsigned char)sb.data[cut - 1] & 0xC0) == 0x80)
				cut--;
			if (cut > 0)
				cut--;
		}
		sb.len = cut;
		sb.data[cut] = '\0';
		strbuf_printf(&sb, " … [afkortet: %zu byte i alt]", len);
	}
	return strbuf_detach(&sb);
}

static const char *validation_da(const char *validation)
{
	const char *da = record_validation_da(validation);
	return da ? da : str_or(validation, "–");
}

/* "13. september 2021 kl. 11:59" from an ISO time; the text itself when it is not one. */
static void danish_time(const char *iso, char *buf, size_t size)
{
	time_t t;
	char d[CLOCK_ISO_SIZE];
	if (!iso || clock_parse(iso, &t) < 0) {
		snprintf(buf, size, "%s", str_or(iso, "–"));
		return;
	}
	snprintf(buf, size, "%s", clock_format_danish_time(t, d));
}

/* "26. februar 2027" from "2027-02-26"; the text itself when it is not a date. */
static void danish_date(const char *iso, char *buf, size_t size)
{
	time_t t;
	char d[CLOCK_ISO_SIZE];
	if (clock_parse(iso, &t) < 0) {
		snprintf(buf, size, "%s", iso);
		return;
	}
	snprintf(buf, size, "%s", clock_format_danish(t, d));
}

/* Values longer than this are shown in full below the fields table, not in a cell. */
#define CELL_MAX 400

/* Copies text for a table cell (caller frees): short values whole, long ones begun. */
static char *cell_value(const char *text, int *moved)
{
	struct strbuf sb;
	size_t len = text ? strlen(text) : 0;
	if (len <= CELL_MAX)
		return capped(text);
	/* The beginning on one line: breaks and runs of blanks become one space. */
	strbuf_init(&sb, 0);
	strbuf_puts(&sb, "");
	for (const char *p = text; *p && sb.len < 160; p++) {
		int blank = *p == '\n' || *p == '\r' || *p == '\t' || *p == ' ';
		if (blank && (sb.len == 0 || sb.data[sb.len - 1] == ' '))
			continue;
		strbuf_putc(&sb, blank ? ' ' : *p);
	}
	while (sb.len > 0 && ((unsigned char)sb.data[sb.len - 1] & 0x80)) {
		/* Never end inside a UTF-8 character: drop a trailing partial one. */
		size_t start = sb.len - 1;
		while (start > 0 && ((unsigned char)sb.data[start] & 0xC0) == 0x80)
			start--;
		if (utf8_valid_prefix(sb.data + start) == sb.len - start)
			break;
		sb.len = start;
		sb.data[start] = '\0';
	}
	strbuf_puts(&sb, " … [hele teksten står under tabellen]");
	*moved = 1;
	return strbuf_detach(&sb);
}

/*
 * The normalised value as a reviewer reads it: a checkbox as ja/nej, a
 * date in Danish; anything else, or a value that is not what its type
 * promises, as stored.
 */
static const char *value_da(const struct offer_field *def, const char *value, char *buf,
			    size_t size)
{
	time_t t;
	if (!def || !value)
		return value;
	if (def->type == FIELD_CHECKBOX && strcmp(value, "1") == 0)
		return "ja";
	if (def->type == FIELD_CHECKBOX && strcmp(value, "0") == 0)
		return "nej";
	if (def->type == FIELD_DATE && strlen(value) == 10 && clock_parse(value, &t) == 0 &&
	    size >= CLOCK_ISO_SIZE)
		return clock_format_danish(t, buf);
	return value;
}

/*
 * What the validator found wrong with field name (validation.invalid: a
 * value out of range, a rule between fields that failed), or NULL.
 */
static const char *invalid_message(const struct letter_case *c, const char *name)
{
	json_t *validation = c->record ? json_object_get(c->record, "validation") : NULL;
	json_t *item, *each;
	size_t i, k;
	json_array_foreach(json_object_get(validation, "invalid"), i, item)
	{
		const char *message = json_string_value(json_object_get(item, "message"));
		const json_t *fields = json_object_get(item, "fields");
		const char *field = json_string_value(json_object_get(item, "field"));
		if (field && strcmp(field, name) == 0)
			return message;
		json_array_foreach(fields, k, each)
		{
			if (json_is_string(each) && strcmp(json_string_value(each), name) == 0)
				return message;
		}
	}
	return NULL;
}

static int field_row(struct pdf_doc *doc, const struct offer_field *def, const char *name,
		     json_t *f, const char *invalid, int *moved)
{
	char head[1024], shown[CLOCK_ISO_SIZE];
	const char *label = def ? def->label : NULL;
	int required = def ? def->required : 0;
	const char *raw = json_string_value(json_object_get(f, "raw"));
	const char *value =
	    value_da(def, json_string_value(json_object_get(f, "value")), shown, sizeof shown);
	const char *error = json_string_value(json_object_get(f, "error"));
	struct strbuf where;
	int rc;

	snprintf(head, sizeof head, "%s\n(%s%s)", str_or(label, name), name, required ? ", påkrævet" : "");
	strbuf_init(&where, 0);
	if (!f)
		strbuf_puts(&where, required ? "MANGLER: ikke fundet i dokumentet" : "ikke fundet");
	else
		strbuf_puts(&where, source_da(json_string_value(json_object_get(f, "source"))));
	if (error)
		strbuf_printf(&where, "\nFEJL: %s", error);
	else if (invalid)
		strbuf_printf(&where, "\nFEJL: %s", invalid);
	else if (f && required && (!value || !*value))
		strbuf_puts(&where, "\nMANGLER: tom");
	char *raw_text = cell_value(raw, moved), *value_text = cell_value(value, moved);
	const char *cells[4] = {head, raw_text, value_text, strbuf_str(&where)};
	rc = raw_text && value_text ? pdf_table_row(doc, 0, cells) : -1;
	free(raw_text);
	free(value_text);
	strbuf_release(&where);
	return rc;
}

static const char *criterion_result(json_t *passed)
{
	return json_is_true(passed) ? "✓ opfyldt" : json_is_false(passed) ? "✗ ikke opfyldt" : "kan ikke vurderes";
}

static const char *status_da(const char *status)
{
	const char *da = record_status_da(status);
	return da ? da : str_or(status, "–");
}

/*
 * skema withdraw, or a corrected form that replaced this one: no letter is
 * written for the case any more, so the sheet says so above the decision
 * it would otherwise seem to await.  what is the bold first sentence.
 */
static int closed_paragraph(struct pdf_doc *doc, const struct letter_case *c, const char *what,
			    const char *since, struct strbuf *text)
{
	strbuf_reset(text);
	if (!c->has_decision)
		strbuf_puts(text, " Der træffes ingen afgørelse, og der sendes ikke noget brev.");
	else if (strcmp(str_or(c->state, ""), "final") == 0)
		strbuf_printf(text, " Afgørelsen nedenfor blev truffet, før %s. Der sendes ikke flere "
				    "breve i sagen.",
			      since);
	else
		strbuf_puts(text, " Forslaget nedenfor bortfalder, og der sendes ikke noget brev.");
	if (pdf_para_begin(doc, 0) < 0 || pdf_para_text(doc, PDF_BOLD, what) < 0 ||
	    pdf_para_text(doc, 0, strbuf_str(text)) < 0 || pdf_para_end(doc) < 0)
		return -1;
	return 0;
}

int letter_build_review(struct pdf_doc *doc, const struct letter_case *c,
			const struct offer *offer, const struct config *cfg, time_t now)
{
	char title[512], seed[256], creator[128], jnr[128], received[CLOCK_ISO_SIZE] = "–";
	char today[CLOCK_ISO_SIZE];
	struct strbuf left, right, text;
	const char *authority = letter_conf(cfg, "authority.name");
	const char *case_number = str_or(c->case_number, "(uden journalnummer)");
	size_t i;
	json_t *item;
	int rc = -1, any_long = 0;

	strbuf_init(&left, 0);
	strbuf_init(&right, 0);
	strbuf_init(&text, 0);
	danish_time(c->received_at, received, sizeof received);
	snprintf(title, sizeof title, "Gennemgang af ansøgning %s", case_number);
	snprintf(seed, sizeof seed, "review\n%s\n%lld\n%lld", case_number, c->submission_id,
		 c->decision_id);
	snprintf(creator, sizeof creator, "skema-letter (skema) %s", SKEMA_VERSION);
	snprintf(jnr, sizeof jnr, "J.nr. %s", case_number);
	struct pdf_meta meta = {title, authority, "Gennemgangsark til intern brug", "review", creator,
				now, seed};
	if (pdf_set_meta(doc, &meta) < 0 ||
	    pdf_set_header(doc, "Gennemgangsark – til intern brug", jnr) < 0 ||
	    pdf_set_footer(doc, authority) < 0 || pdf_heading(doc, 1, title) < 0)
		goto out;

	strbuf_printf(&left, "*Tilbud\n%s\n(%s)\n*Modtaget\n%s\n*Fil\n%s",
		      offer && offer->title ? offer->title : str_or(c->offer_id, "ukendt tilbud"),
		      str_or(c->offer_id, "–"), received, str_or(c->original_name, "–"));
	char ended[CLOCK_ISO_SIZE] = "", withdrawn[64] = "", replaced[64] = "";
	if (c->completed_on)
		danish_date(c->completed_on, ended, sizeof ended);
	if (c->withdrawn_at && strcmp(str_or(c->status, ""), "withdrawn") == 0)
		danish_time(c->withdrawn_at, withdrawn, sizeof withdrawn);
	if (c->superseded_by_case && strcmp(str_or(c->status, ""), "superseded") == 0)
		danish_time(c->superseded_by_received, replaced, sizeof replaced);
	strbuf_printf(&right, "*Status\n%s%s%s%s%s%s%s%s\n*Validering\n%s\n*Udskrevet\n%s",
		      status_da(c->status), *withdrawn ? " den " : "", withdrawn,
		      *replaced ? " (sag " : "", *replaced ? c->superseded_by_case : "",
		      *replaced ? ")" : "", *ended ? ", forløbet afsluttet " : "", ended,
		      validation_da(c->validation), clock_format_danish(now, today));
	if (pdf_columns(doc, strbuf_str(&left), strbuf_str(&right)) < 0)
		goto out;

	/* A corrected form: which case numbers the applicant knows it by. */
	json_array_foreach(c->replaces, i, item)
	{
		char when[64];
		danish_time(json_string_value(json_object_get(item, "received_at")), when, sizeof when);
		strbuf_reset(&text);
		strbuf_printf(&text, "Erstatter sag %s (modtaget %s%s).",
			      str_or(json_string_value(json_object_get(item, "case_number")), "–"), when,
			      json_is_true(json_object_get(item, "lacked")) ? ", manglede oplysninger" : "");
		if (pdf_paragraph(doc, PDF_BOLD, strbuf_str(&text)) < 0)
			goto out;
	}

	/* The proposal first: it is what the reviewer confirms or changes. */
	int final = c->has_decision && strcmp(str_or(c->state, ""), "final") == 0;
	if (pdf_heading(doc, 2, final ? "Afgørelse" : "Foreslået afgørelse") < 0)
		goto out;
	if (*withdrawn) {
		char what[128];
		snprintf(what, sizeof what, "Ansøgningen er trukket tilbage den %s.", withdrawn);
		if (closed_paragraph(doc, c, what, "ansøgningen blev trukket tilbage", &text) < 0)
			goto out;
	} else if (*replaced) {
		char what[256];
		snprintf(what, sizeof what,
			 "Ansøgningen er erstattet af en rettet udgave, sag %s, modtaget den %s.",
			 c->superseded_by_case, replaced);
		if (closed_paragraph(doc, c, what, "den rettede udgave kom", &text) < 0)
			goto out;
	}
	if (c->has_decision) {
		if (pdf_para_begin(doc, 0) < 0 || pdf_para_text(doc, PDF_BOLD, letter_outcome_title(c->outcome)) < 0 ||
		    pdf_para_text(doc, 0, final ? " (endelig" : " (foreslået") < 0)
			goto out;
		strbuf_reset(&text);
		char when[64];
		danish_time(c->decided_at, when, sizeof when);
		/* Who decided as skema review shows it, and what a reviewer's change replaced. */
		strbuf_printf(&text, ", %s, %s%s%s)", str_or(c->decided_by, str_or(c->actor, "ukendt")),
			      when, c->changed_from ? ", ændret fra " : "", str_or(c->changed_from, ""));
		if (pdf_para_text(doc, 0, strbuf_str(&text)) < 0 || pdf_para_end(doc) < 0)
			goto out;
		if (c->explanation && *c->explanation && pdf_paragraph(doc, 0, c->explanation) < 0)
			goto out;
		/* A reviewer's reason is also the explanation of the outcome they chose: once is enough. */
		if (c->reason && *c->reason &&
		    !(c->explanation && strcmp(c->explanation, c->reason) == 0)) {
			if (pdf_para_begin(doc, 0) < 0 || pdf_para_text(doc, PDF_BOLD, "Sagsbehandlers begrundelse: ") < 0 ||
			    pdf_para_text(doc, 0, c->reason) < 0 || pdf_para_end(doc) < 0)
				goto out;
		}
		/* skema complete: the decision stands, the forløb has ended. */
		if (*ended) {
			strbuf_reset(&text);
			strbuf_printf(&text, "Forløbet er afsluttet den %s.", ended);
			if (pdf_paragraph(doc, PDF_BOLD, strbuf_str(&text)) < 0)
				goto out;
			if (c->completion_note && *c->completion_note &&
			    (pdf_para_begin(doc, 0) < 0 ||
			     pdf_para_text(doc, PDF_BOLD, "Note ved afslutningen: ") < 0 ||
			     pdf_para_text(doc, 0, c->completion_note) < 0 || pdf_para_end(doc) < 0))
				goto out;
		}
		if (!*withdrawn && !*replaced && strcmp(str_or(c->outcome, ""), "afslag") == 0 &&
		    pdf_paragraph(doc, PDF_SMALL | PDF_GREY,
				  "Før et afslag sendes: vurdér om ansøger skal partshøres (forvaltningsloven "
				  "§ 19) over oplysninger, ansøger ikke kender, og som taler imod ansøgningen.") < 0)
			goto out;
	} else if (!*withdrawn && !*replaced &&
		   pdf_paragraph(doc, 0, "Der er endnu ingen afgørelse i sagen.") < 0) {
		goto out;
	}

	/* Criteria. */
	if (pdf_heading(doc, 2, "Kriterier") < 0)
		goto out;
	if (json_array_size(c->criteria) == 0) {
		if (pdf_paragraph(doc, 0, "Ingen kriterier er vurderet.") < 0)
			goto out;
	} else {
		const double widths[4] = {0.25, 0.12, 0.17, 0.46};
		const char *head[4] = {"Kriterium", "Type", "Resultat", "Begrundelse"};
		if (pdf_table_begin(doc, 4, widths) < 0 || pdf_table_row(doc, 1, head) < 0)
			goto out;
		json_array_foreach(c->criteria, i, item)
		{
			const char *kind = json_string_value(json_object_get(item, "kind"));
			int changed;
			char *why = letter_criterion_text(offer, item, c->fields, &changed);
			char *shown = NULL;
			/* The reviewer may want to judge the case again by the new rule. */
			if (changed && why &&
			    asprintf(&shown, "%s (Kriteriets tekst er ændret, siden ansøgningen blev "
					     "vurderet; vurderingen følger den tidligere tekst.)",
				     why) < 0)
				shown = NULL;
			const char *cells[4] = {
				str_or(json_string_value(json_object_get(item, "id")), "–"),
				kind && strcmp(kind, "priority") == 0 ? "prioritet" : "krav",
				criterion_result(json_object_get(item, "passed")),
				shown ? shown : why && *why ? why : "–",
			};
			int bad = pdf_table_row(doc, 0, cells) < 0;
			free(shown);
			free(why);
			if (bad)
				goto out;
		}
		pdf_table_end(doc);
	}

	/* Fields: the offer's, in form order, then any the database has beyond them. */
	if (pdf_heading(doc, 2, "Felter") < 0)
		goto out;
	{
		/* The label and the field's name must fit: "(antal_magtanvendelser_2020)". */
		const double widths[4] = {0.30, 0.25, 0.21, 0.24};
		const char *head[4] = {"Felt", "Rå værdi", "Normaliseret", "Kilde og fejl"};
		if (pdf_table_begin(doc, 4, widths) < 0 || pdf_table_row(doc, 1, head) < 0)
			goto out;
		for (i = 0; offer && i < offer->nfields; i++) {
			const struct offer_field *f = &offer->fields[i];
			int moved = 0;
			if (field_row(doc, f, f->name, json_object_get(c->fields, f->name),
				      invalid_message(c, f->name), &moved) < 0)
				goto out;
			any_long |= moved;
		}
		const char *name;
		json_t *f;
		json_object_foreach(c->fields, name, f)
		{
			if (offer && offer_find_field(offer, name))
				continue;
			int moved = 0;
			if (field_row(doc, NULL, name, f, NULL, &moved) < 0)
				goto out;
			any_long |= moved;
		}
		pdf_table_end(doc);
	}
	/* Long values in full width, where they can flow over pages. */
	if (any_long) {
		const char *name;
		json_t *f;
		if (pdf_heading(doc, 2, "Lange tekster") < 0)
			goto out;
		json_object_foreach(c->fields, name, f)
		{
			const char *raw = json_string_value(json_object_get(f, "raw"));
			const struct offer_field *def = offer ? offer_find_field(offer, name) : NULL;
			if (!raw || strlen(raw) <= CELL_MAX)
				continue;
			char *shown = capped(raw);
			strbuf_reset(&text);
			strbuf_printf(&text, "%s (%s), rå værdi:", def && def->label ? def->label : name, name);
			int bad = !shown || pdf_paragraph(doc, PDF_BOLD, strbuf_str(&text)) < 0 ||
				  pdf_paragraph(doc, 0, shown) < 0;
			free(shown);
			if (bad)
				goto out;
		}
	}

	/* What the extract stage found beyond the definition, and its warnings. */
	json_t *extra = c->record ? json_object_get(c->record, "extra_fields") : NULL;
	if (json_array_size(extra) > 0) {
		if (pdf_heading(doc, 2, "Felter uden for tilbuddets definition") < 0)
			goto out;
		json_array_foreach(extra, i, item)
		{
			const char *said = json_string_value(json_object_get(item, "raw"));
			const char *kind = json_string_value(json_object_get(item, "kind"));
			/* A checkbox's raw text is "1" or "0": the reviewer reads ja or nej. */
			if (said && kind && strcmp(kind, "checkbox") == 0)
				said = strcmp(said, "1") == 0 ? "ja" : strcmp(said, "0") == 0 ? "nej" : said;
			char *raw = capped(said);
			strbuf_reset(&text);
			strbuf_printf(&text, "%s (%s): ",
				      str_or(json_string_value(json_object_get(item, "name")), "?"),
				      source_da(json_string_value(json_object_get(item, "source"))));
			int bad = !raw || pdf_bullet_begin(doc) < 0 ||
				  pdf_para_text(doc, PDF_BOLD, strbuf_str(&text)) < 0 ||
				  pdf_para_text(doc, 0, raw) < 0;
			free(raw);
			if (bad)
				goto out;
			pdf_para_end(doc);
		}
	}
	json_t *warnings = c->record ? json_object_get(c->record, "warnings") : NULL;
	if (json_array_size(warnings) > 0) {
		if (pdf_heading(doc, 2, "Advarsler") < 0)
			goto out;
		json_array_foreach(warnings, i, item)
		{
			const char *w = json_is_string(item) ? json_string_value(item)
							     : json_string_value(json_object_get(item, "text"));
			char *shown = capped(w);
			int bad = !shown || pdf_bullet_begin(doc) < 0 || pdf_para_text(doc, 0, shown) < 0;
			free(shown);
			if (bad)
				goto out;
			pdf_para_end(doc);
		}
	}

	/* Duplicates and earlier versions. */
	if (pdf_heading(doc, 2, "Dubletter og andre versioner") < 0)
		goto out;
	if (json_array_size(c->related) == 0) {
		if (pdf_paragraph(doc, 0, "Ingen dubletter eller tidligere versioner.") < 0)
			goto out;
	} else {
		const double widths[4] = {0.2, 0.3, 0.2, 0.3};
		const char *head[4] = {"J.nr.", "Forhold", "Modtaget", "Fil"};
		if (pdf_table_begin(doc, 4, widths) < 0 || pdf_table_row(doc, 1, head) < 0)
			goto out;
		json_array_foreach(c->related, i, item)
		{
			const char *rel = json_string_value(json_object_get(item, "relation"));
			const char *relation =
				!rel ? "–"
				: strcmp(rel, "original") == 0  ? "denne er en dublet af"
				: strcmp(rel, "duplicate") == 0 ? "dublet af denne"
				: strcmp(rel, "earlier") == 0   ? "tidligere version (erstattet af denne)"
								: "nyere version (erstatter denne)";
			char received_rel[64];
			danish_time(json_string_value(json_object_get(item, "received_at")), received_rel,
				    sizeof received_rel);
			const char *cells[4] = {
				str_or(json_string_value(json_object_get(item, "case_number")), "–"), relation,
				received_rel,
				str_or(json_string_value(json_object_get(item, "original_name")), "–")};
			if (pdf_table_row(doc, 0, cells) < 0)
				goto out;
		}
		pdf_table_end(doc);
	}
	rc = left.overflow || right.overflow ? -1 : 0;
out:
	strbuf_release(&left);
	strbuf_release(&right);
	strbuf_release(&text);
	return rc;
}
