/*
 * report_doc.c - what a report says: one PDF per offer round, one overview.
 *
 * Written for a manager who reads only the reports/ folder: each report
 * opens with how the round stands and what needs attention, in sentences,
 * then the numbers against capacity and deadline, the charts, the ranked
 * list with the reason for each decision, and the open work.  All text a
 * manager reads is Danish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "criterion_text.h"
#include "msg.h"
#include "normalize.h"
#include "report.h"
#include "report_pdf.h"

/* One line of body text, for keeping a heading with what follows it. */
#define BODY_LINE 14.0

#define CURRENT_DECISION_JOIN                                                              \
	" LEFT JOIN decisions d ON d.id = (SELECT max(d2.id) FROM decisions d2"             \
	"   WHERE d2.submission_id = s.id AND d2.current = 1)"
#define SCOPE_WHERE                                                                        \
	" (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)"                        \
	" AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to)"

/*
 * The Danish words for the definition's and the database's codes.  Each
 * table ends with {NULL, NULL}; label_of() gives the text for key, or
 * fallback for a key it does not know.
 */
struct label {
	const char *key, *text;
};

static const char *label_of(const struct label *table, const char *key, const char *fallback)
{
	for (; key && table->key; table++)
		if (strcmp(table->key, key) == 0)
			return table->text;
	return fallback;
}

static const char *policy_label(const char *policy)
{
	static const struct label policies[] = {
		{"first-come", "først til mølle"},
		{"priority", "efter prioritering"},
		{"broad-representation", "bred repræsentation"},
		{"none", "ingen udvælgelse (tilmelding)"},
		{NULL, NULL},
	};
	return policy ? label_of(policies, policy, policy) : "ikke angivet";
}

static const char *period_label(const char *period)
{
	static const struct label periods[] = {
		{"year", " pr. år"},	     {"quarter", " pr. kvartal"},
		{"month", " pr. måned"},     {"concurrent", " ad gangen"},
		{"round", " i denne runde"}, {NULL, NULL},
	};
	return label_of(periods, period, "");
}

/* Prepares a query of this file and binds the report's scope (and offer); NULL: said why. */
static sqlite3_stmt *scoped_query(const struct report_context *ctx, const char *sql,
				  const char *offer_id)
{
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(ctx->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		msg_error("%s", sqlite3_errmsg(ctx->db));
		return NULL;
	}
	report_bind_scope(stmt, offer_id, &ctx->scope);
	return stmt;
}

/* "13. september 2021 kl. 12.00" */
static void danish_time(time_t t, char *buf, size_t size)
{
	char date[CLOCK_ISO_SIZE];
	snprintf(buf, size, "%s", clock_format_danish_time(t, date));
}

/* "1.000" with the Danish thousands dot. */
static const char *num(long value, char *buf, size_t size)
{
	char plain[32];
	size_t len, out = 0;
	snprintf(plain, sizeof plain, "%ld", value < 0 ? -value : value);
	len = strlen(plain);
	if (value < 0 && out + 1 < size)
		buf[out++] = '-';
	for (size_t i = 0; i < len && out + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[out++] = '.';
		buf[out++] = plain[i];
	}
	buf[out] = '\0';
	return buf;
}

/*
 * A stored time ("2026-03-02T10:00:00+01:00", or only the date) as a
 * Danish table shows it: "2.3.2026 10.00", or "2.3.2026" with date_only.
 * Anything else is shown as it is.  Returns buf.
 */
static const char *table_time(const char *iso, int date_only, char *buf, size_t size)
{
	int y, mo, d, h, mi;
	if (!iso)
		iso = "";
	if (sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) != 3) {
		snprintf(buf, size, "%s", iso);
		return buf;
	}
	if (date_only || strlen(iso) < 16 || sscanf(iso + 11, "%2d:%2d", &h, &mi) != 2)
		snprintf(buf, size, "%d.%d.%d", d, mo, y);
	else
		snprintf(buf, size, "%d.%d.%d %02d.%02d", d, mo, y, h, mi);
	return buf;
}

/* A --from/--to date ("2026-03-05") in words: "5. marts 2026". */
static const char *scope_date(const char *date, char buf[CLOCK_ISO_SIZE])
{
	time_t t;
	if (clock_parse(date, &t) < 0) {
		snprintf(buf, CLOCK_ISO_SIZE, "%s", date);
		return buf;
	}
	return clock_format_danish(t, buf);
}

/* Danish number agreement: "1 fil", "2 filer" (and 0 filer). */
static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void footer_text(const struct report_context *ctx, char *buf, size_t size)
{
	char when[96], submissions[32], event[32];
	danish_time(ctx->now, when, sizeof when);
	snprintf(buf, size,
		 "Udarbejdet %s af skema-report %s. Databasen: %s ansøgninger, sidste hændelse nr. "
		 "%s, databaseversion %d.",
		 when, SKEMA_VERSION, num((long)ctx->state.submissions, submissions, sizeof submissions),
		 num((long)ctx->state.max_event_id, event, sizeof event), ctx->state.schema_version);
}

static void scope_text(const struct report_context *ctx, char *buf, size_t size)
{
	char from[CLOCK_ISO_SIZE], to[CLOCK_ISO_SIZE];
	if (ctx->scope.from)
		scope_date(ctx->scope.from, from);
	if (ctx->scope.to)
		scope_date(ctx->scope.to, to);
	if (!ctx->scope.from && !ctx->scope.to)
		snprintf(buf, size, "Periode: alle modtagne ansøgninger.");
	else if (!ctx->scope.to)
		snprintf(buf, size, "Periode: ansøgninger modtaget fra og med %s.", from);
	else if (!ctx->scope.from)
		snprintf(buf, size, "Periode: ansøgninger modtaget til og med %s.", to);
	else
		snprintf(buf, size, "Periode: ansøgninger modtaget fra %s til og med %s.", from, to);
}

static const char *offer_title(const struct report_offer *o)
{
	return o->def && o->def->title ? o->def->title : o->id;
}

static void deadline_text(const struct report_context *ctx, const struct report_offer *o,
			  char *buf, size_t size)
{
	char when[96];
	if (!o->def) {
		snprintf(buf, size, "Tilbuddets definition findes ikke; frist og kapacitet er ukendte.");
		return;
	}
	if (o->def->rolling || !o->def->deadline) {
		snprintf(buf, size, "Løbende optag (ingen ansøgningsfrist).");
		return;
	}
	danish_time(o->def->deadline_at, when, sizeof when);
	const char *what = offer_is_registration(o->def) ? "Tilmeldingsfristen" : "Ansøgningsfristen";
	if (ctx->now > o->def->deadline_at)
		snprintf(buf, size, "%s udløb %s.", what, when);
	else
		snprintf(buf, size, "%s er %s (om %ld dage).", what, when,
			 (long)((o->def->deadline_at - ctx->now) / 86400));
}

static void capacity_text(const struct report_offer *o, char *buf, size_t size)
{
	char a[32], b[32];
	const struct offer *def = o->def;
	if (!def || def->capacity_max < 0) {
		snprintf(buf, size, "Ingen kapacitetsgrænse.");
		return;
	}
	const char *unit = def->capacity_unit ? def->capacity_unit : "pladser";
	if (def->capacity_min > 0)
		snprintf(buf, size, "Kapacitet: mindst %s og højst %s %s%s.",
			 num(def->capacity_min, a, sizeof a), num(def->capacity_max, b, sizeof b),
			 unit, period_label(def->capacity_period));
	else
		snprintf(buf, size, "Kapacitet: højst %s %s%s.", num(def->capacity_max, a, sizeof a),
			 unit, period_label(def->capacity_period));
}

/* "ingen ledige pladser", "1 ledig plads", "3 ledige pladser". */
static const char *free_places(long available, char *buf, size_t size)
{
	char n[32];
	if (available <= 0)
		snprintf(buf, size, "ingen ledige pladser");
	else
		snprintf(buf, size, "%s %s", num(available, n, sizeof n),
			 plural(available, "ledig plads", "ledige pladser"));
	return buf;
}

/*
 * A concurrent offer (the rådgivningsforløb, 8 at a time): a granted forløb
 * holds its place while it runs and frees it when it ends (skema
 * complete), so the granted are told apart as running and ended, and the
 * capacity is held against the running only, as skema-decide counts.  The
 * places free are those of today: with --from/--to the running forløb of
 * applications received outside the period hold places too, so that
 * sentence counts every application and says so.
 */
static void concurrent_sentences(struct report_pdf *p, const struct report_context *ctx,
				 const struct report_offer *o, const char *proposed)
{
	char text[512], a[32], b[32], c[32], places[64];
	const struct offer *def = o->def;
	const char *unit = def->capacity_unit ? def->capacity_unit : "pladser";
	long running = o->selected - o->completed;
	int scoped = ctx->scope.from || ctx->scope.to;

	/* A round with nothing received says only that. */
	if (o->received == 0 && o->selected == 0 && (!scoped || o->running_now == 0))
		return;
	if (o->selected == 0 && o->received > 0) {
		snprintf(text, sizeof text, "Der er ikke bevilget nogen %s%s.", unit,
			 scoped ? " til ansøgninger fra perioden" : "");
		report_pdf_paragraph(p, 0, text);
	} else if (o->selected > 0) {
		char ended[64];
		if (o->completed > 0)
			snprintf(ended, sizeof ended, "%s er afsluttet",
				 num(o->completed, c, sizeof c));
		else
			snprintf(ended, sizeof ended, "ingen er afsluttet");
		snprintf(text, sizeof text, "Der er bevilget %s %s i alt%s: %s er i gang, og %s.",
			 num(o->selected, a, sizeof a), unit, proposed, num(running, b, sizeof b),
			 ended);
		report_pdf_paragraph(p, 0, text);
	}
	free_places(def->capacity_max - o->running_now, places, sizeof places);
	if (scoped)
		snprintf(text, sizeof text,
			 "I dag er der i alt %s %s i gang, også efter ansøgninger modtaget uden for "
			 "perioden. Der kan være højst %s i gang ad gangen, og der er %s.",
			 num(o->running_now, a, sizeof a), unit, num(def->capacity_max, b, sizeof b),
			 places);
	else
		snprintf(text, sizeof text,
			 "Der kan være højst %s %s i gang ad gangen, og der er %s.",
			 num(def->capacity_max, b, sizeof b), unit, places);
	report_pdf_paragraph(p, 0, text);
	if (o->running_now > def->capacity_max) {
		snprintf(text, sizeof text,
			 "OBS: Der er %s %s i gang, flere end kapaciteten tillader (%s ad gangen).",
			 num(o->running_now, a, sizeof a), unit, num(def->capacity_max, b, sizeof b));
		report_pdf_paragraph(p, 1, text);
	}
}

/* The sentences a manager reads first: where the round stands, what needs them. */
static void status_sentences(struct report_pdf *p, const struct report_context *ctx,
			     const struct report_offer *o)
{
	char text[512], a[32], b[32], c[32];
	const struct offer *def = o->def;
	long live = o->incomplete + o->not_eligible + o->eligible;

	if (o->received > 0) {
		snprintf(text, sizeof text,
			 "Der er modtaget %s %s til tilbuddet; %s %s, og %s opfylder kriterierne.",
			 num(o->received, a, sizeof a), plural(o->received, "fil", "filer"),
			 num(live, b, sizeof b),
			 offer_is_registration(o->def) ? plural(live, "er en gyldig tilmelding", "er gyldige tilmeldinger")
					    : plural(live, "er en gyldig ansøgning", "er gyldige ansøgninger"),
			 num(o->eligible, c, sizeof c));
		report_pdf_paragraph(p, 0, text);
	} else {
		report_pdf_paragraph(p, 0, offer_is_registration(o->def)
						   ? "Der er ikke modtaget nogen tilmeldinger i perioden."
						   : "Der er ikke modtaget nogen ansøgninger i perioden.");
	}
	if (def && def->capacity_max >= 0) {
		char proposed[96] = "";
		const char *unit = def->capacity_unit ? def->capacity_unit : "pladser";
		const struct report_counts *periods = &o->selected_periods;
		/* A proposal is not yet a grant: say how many still await a reviewer. */
		if (o->selected_proposed > 0)
			snprintf(proposed, sizeof proposed,
				 " (heraf %s som forslag, der afventer gennemgang)",
				 num(o->selected_proposed, c, sizeof c));
		if (report_concurrent(def)) {
			concurrent_sentences(p, ctx, o, proposed);
		} else if (report_capacity_period(def) && periods->count == 1) {
			/* Capacity per period, all granted in one: that period against it. */
			char period[64];
			report_period_label(periods->items[0].label, period, sizeof period);
			snprintf(text, sizeof text, "Der er bevilget %s af højst %s %s i %s%s.",
				 num(o->selected, a, sizeof a), num(def->capacity_max, b, sizeof b),
				 unit, period, proposed);
		} else if (report_capacity_period(def) && periods->count > 1) {
			/* Several periods: the total, and each period against the capacity. */
			size_t used;
			snprintf(text, sizeof text, "Der er bevilget %s %s i alt%s; højst %s%s:",
				 num(o->selected, a, sizeof a), unit, proposed,
				 num(def->capacity_max, b, sizeof b),
				 period_label(report_capacity_period(def)));
			for (size_t i = 0; i < periods->count; i++) {
				char period[64];
				report_period_label(periods->items[i].label, period, sizeof period);
				used = strlen(text);
				snprintf(text + used, sizeof text - used, "%s %s: %s", i ? "," : "",
					 period, num(periods->items[i].value, a, sizeof a));
			}
			used = strlen(text);
			snprintf(text + used, sizeof text - used, ".");
		} else {
			snprintf(text, sizeof text, "Der er bevilget %s af højst %s %s%s.",
				 num(o->selected, a, sizeof a), num(def->capacity_max, b, sizeof b),
				 unit, proposed);
		}
		/* "0 of 10 granted" adds nothing to "nothing received". */
		if (!report_concurrent(def) && (o->received > 0 || o->selected > 0))
			report_pdf_paragraph(p, 0, text);
		if (report_capacity_period(def)) {
			for (size_t i = 0; i < periods->count; i++) {
				char period[64];
				if (periods->items[i].value <= def->capacity_max)
					continue;
				report_period_label(periods->items[i].label, period, sizeof period);
				snprintf(text, sizeof text,
					 "OBS: I %s er der bevilget flere (%s) end kapaciteten tillader "
					 "(%s).",
					 period, num(periods->items[i].value, a, sizeof a),
					 num(def->capacity_max, b, sizeof b));
				report_pdf_paragraph(p, 1, text);
			}
		} else if (!report_concurrent(def) && o->selected > def->capacity_max) {
			report_pdf_paragraph(p, 1, "OBS: Der er bevilget flere end kapaciteten tillader.");
		}
		int closed = !def->rolling && def->deadline && ctx->now > def->deadline_at;
		if (closed && def->capacity_min > 0 && o->selected < def->capacity_min) {
			snprintf(text, sizeof text,
				 "OBS: Fristen er udløbet, og der er bevilget færre end minimum (%s).",
				 num(def->capacity_min, a, sizeof a));
			report_pdf_paragraph(p, 1, text);
		}
	}
	if (o->awaiting_review > 0) {
		snprintf(text, sizeof text,
			 "Kræver opmærksomhed: %s forslag til afgørelse afventer en sagsbehandlers "
			 "gennemgang.",
			 num(o->awaiting_review, a, sizeof a));
		report_pdf_paragraph(p, 1, text);
	}
	if (o->undecided > 0) {
		snprintf(text, sizeof text, "%s %s endnu ikke afgjort.",
			 num(o->undecided, a, sizeof a),
			 offer_is_registration(o->def) ? plural(o->undecided, "gyldig tilmelding er", "gyldige tilmeldinger er")
					    : plural(o->undecided, "gyldig ansøgning er", "gyldige ansøgninger er"));
		report_pdf_paragraph(p, 0, text);
	}
}

/* scoped: the report has --from/--to (the places free are still today's). */
static void numbers_table(struct report_pdf *p, const struct report_offer *o, int scoped)
{
	static const double widths[] = {0.52, 0.14, 0.34};
	static const char *const header[] = {"Kategori", "Antal", "Bemærkning"};
	char cap[160], n[32], free_note[128] = "";
	int concurrent = report_concurrent(o->def);
	long free_today = concurrent && o->def->capacity_max > o->running_now
				  ? o->def->capacity_max - o->running_now
				  : 0;
	struct {
		const char *label;
		long value;
		const char *note;
		int concurrent; /* only at an offer with places while a forløb runs */
	} rows[] = {
		{"Modtaget i alt", o->received, "alle filer, også dubletter", 0},
		{"Dubletter", o->duplicates, "samme fil modtaget igen; behandles ikke", 0},
		{"Erstattet af nyere ansøgning", o->superseded, NULL, 0},
		{"Trukket tilbage", o->withdrawn, NULL, 0},
		{"Kunne ikke læses (karantæne)", o->failed, NULL, 0},
		{"Ufuldstændige (mangler oplysninger)", o->incomplete, NULL, 0},
		{"Opfylder ikke kriterierne", o->not_eligible, NULL, 0},
		{"Opfylder kriterierne", o->eligible, NULL, 0},
		{"Bevilget / udvalgt", o->selected, cap, 0},
		/* The granted split, and the places free today (all periods). */
		{"Heraf i gang", o->selected - o->completed, "holder en plads", 1},
		{"Heraf afsluttet", o->completed, "forløbet er slut og holder ikke længere en plads", 1},
		{"Ledige pladser i dag", free_today, free_note, 1},
		{"Venteliste", o->waiting, NULL, 0},
		{"Afslag", o->rejected, NULL, 0},
		{"Anmodet om manglende oplysninger", o->missing, NULL, 0},
		{"Bekræftet (tilmeldinger)", o->confirmed, NULL, 0},
		{"Afventer gennemgang", o->awaiting_review, "forslag, endnu ikke endelige", 0},
		{"Endnu ikke afgjort", o->undecided, NULL, 0},
	};
	capacity_text(o, cap, sizeof cap);
	if (concurrent)
		snprintf(free_note, sizeof free_note, "af højst %s ad gangen%s",
			 num(o->def->capacity_max, n, sizeof n),
			 scoped ? ", uanset hvornår ansøgningerne er modtaget" : "");
	report_pdf_table_begin(p, 3, widths, header);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		if (rows[i].concurrent && !concurrent)
			continue;
		const char *cells[] = {rows[i].label, num(rows[i].value, n, sizeof n), rows[i].note};
		report_pdf_table_row(p, cells);
	}
	report_pdf_table_end(p);
}

/*
 * The outcome chart: one bar per outcome, split into final decisions and
 * proposals still awaiting a reviewer, so a manager sees what is settled.
 */
static void outcome_chart(struct report_pdf *p, const struct report_offer *o)
{
	static const char *const rows[] = {"Bevilget",		  "Venteliste", "Afslag",
					   "Mangler oplysninger", "Bekræftet",	"Ikke afgjort"};
	static const char *const series[] = {"Endelig afgørelse", "Forslag, afventer gennemgang",
					     "Ikke afgjort"};
	const long values[] = {
		o->selected - o->selected_proposed,   o->selected_proposed,  0,
		o->waiting - o->waiting_proposed,     o->waiting_proposed,   0,
		o->rejected - o->rejected_proposed,   o->rejected_proposed,  0,
		o->missing - o->missing_proposed,     o->missing_proposed,   0,
		o->confirmed - o->confirmed_proposed, o->confirmed_proposed, 0,
		0,				      0,		     o->undecided,
	};
	report_pdf_stacked_chart(p, "Udfald", 6, rows, 3, series, values);
}

/* Labels the failed criteria with their id and, where known, the offer's text. */
static int criteria_counts(const struct report_offer *o, struct report_counts *c)
{
	for (size_t i = 0; i < o->failed_criteria.count; i++)
		if (report_counts_add(c, o->failed_criteria.items[i].label,
				      o->failed_criteria.items[i].value) != SQLITE_OK)
			return -1;
	return 0;
}

static const char *state_label(const char *state)
{
	if (!state)
		return "ikke afgjort";
	return strcmp(state, "final") == 0 ? "endelig" : "forslag";
}

static const char *validation_label(const char *validation)
{
	static const struct label validations[] = {
		{"eligible", "Opfylder kriterierne."},
		{"not_eligible", "Opfylder ikke kriterierne."},
		{"incomplete", "Ansøgningen mangler oplysninger."},
		{NULL, NULL},
	};
	return validation ? label_of(validations, validation, validation) : "";
}

/*
 * The Udfald cell of a row: "Bevilget (forslag)", "Afslag (endelig, ændret
 * af sagsbehandler)", "Bevilget (endelig), afsluttet 26.2.2027".
 */
static void outcome_cell(const struct report_list_row *row, char *buf, size_t size)
{
	char ended[32] = "";
	if (!row->outcome) {
		snprintf(buf, size, "ikke afgjort");
		return;
	}
	if (row->completed_on && *row->completed_on) {
		char date[24];
		snprintf(ended, sizeof ended, ", afsluttet %s",
			 table_time(row->completed_on, 1, date, sizeof date));
	}
	snprintf(buf, size, "%s (%s%s)%s", report_outcome_label(row->outcome),
		 state_label(row->state),
		 !row->changed_from    ? ""
		 : *row->changed_from ? ", ændret af sagsbehandler"
				      : ", afgjort af sagsbehandler",
		 ended);
}

/*
 * The text under a row: what happened since the proposal, then the
 * decision's explanation (or, without one, how it was assessed).
 */
static void row_note(const struct report_list_row *row, struct strbuf *note)
{
	const char *why = row->explanation;
	if (!why || !*why)
		why = validation_label(row->validation);
	strbuf_reset(note);
	if (row->completed_on && *row->completed_on) {
		char date[CLOCK_ISO_SIZE];
		strbuf_printf(note, "Forløbet blev afsluttet %s og holder ikke længere en plads. ",
			      scope_date(row->completed_on, date));
	}
	if (row->changed_from && *row->changed_from)
		strbuf_printf(note, "Forslaget var %s; en sagsbehandler har ændret det. "
				    "Sagsbehandlerens begrundelse: ",
			      strcmp(row->changed_from, "mangler") == 0 ? "mangler oplysninger"
									: row->changed_from);
	else if (row->changed_from)
		strbuf_puts(note, "Afgjort af en sagsbehandler uden forslag. Begrundelse: ");
	strbuf_puts(note, why);
}

static int ranked_list(struct report_pdf *p, const struct report_context *ctx,
		       const struct report_offer *o)
{
	/* Udfald wide enough for "Mangler oplysninger (endelig)" on one line. */
	static const double widths[] = {0.06, 0.15, 0.32, 0.17, 0.30};
	static const char *const header[] = {"Nr.", "Sagsnr.", "Ansøger", "Modtaget", "Udfald"};
	struct report_list list;
	struct report_list_row row;
	struct strbuf note;
	int deadline_round = o->def && !o->def->rolling && o->def->deadline;
	long rows = 0;
	/* The whole reason for each decision; in a very long list the start of
	 * it, so the file stays a few MB (the CSV beside it has every word). */
	int note_lines = o->incomplete + o->not_eligible + o->eligible > 1000 ? 3 : 12;

	int registration = offer_is_registration(o->def);
	int renumbered = report_list_renumbered(o);
	/* An empty list is a heading, a sentence and "none": keep only those together. */
	double keep = o->incomplete + o->not_eligible + o->eligible > 0 ? 130 : 4 * BODY_LINE;
	if (renumbered)
		keep += 3 * BODY_LINE; /* the sentence about the numbers */
	if (registration) {
		report_pdf_heading_keep(p, 2, "Tilmeldinger", keep);
		report_pdf_paragraph(p, 0, "Listen viser tilmeldingerne i den rækkefølge, de er "
					   "modtaget.");
	} else if (deadline_round) {
		report_pdf_heading_keep(p, 2, "Rangordnet liste og udvælgelse", keep);
		report_pdf_paragraph(p, 0, "Listen viser de gyldige ansøgninger i den rækkefølge, "
					   "de er vurderet efter kriterierne, og hvorfor hver er "
					   "udvalgt eller ej.");
	} else {
		report_pdf_heading_keep(p, 2, "Ansøgninger i behandlingsrækkefølge", keep);
		report_pdf_paragraph(p, 0, "Listen viser de gyldige ansøgninger i den rækkefølge, "
					   "de behandles i, med udfald og begrundelse.");
	}
	if (renumbered) {
		/* The explanation keeps the number it was written with. */
		char text[640];
		snprintf(text, sizeof text,
			 "Nr. er ansøgningens plads i listen, som den står nu. Begrundelsen er "
			 "skrevet, da afgørelsen blev truffet, og det nummer, den nævner, kan være "
			 "et andet%s (en ansøgning trukket tilbage, et forslag ændret af en "
			 "sagsbehandler%s).",
			 o->def && report_capacity_period(o->def) && o->def->capacity_max >= 0
				 ? ", da pladserne i hver periode tælles fra 1, og listen kan have "
				   "ændret sig siden"
				 : ", hvis listen har ændret sig siden",
			 report_concurrent(o->def) ? ", et forløb afsluttet" : "");
		report_pdf_paragraph(p, 0, text);
	}
	if (note_lines < 12) {
		/* Say where the rest is, so a cut reason is not taken for the whole. */
		char text[512], suffix[64] = "";
		/* The CSV's name as report.c gives it (docs/reports.md). */
		if (ctx->scope.from || ctx->scope.to)
			snprintf(suffix, sizeof suffix, "_%s_%s",
				 ctx->scope.from ? ctx->scope.from : "start",
				 ctx->scope.to ? ctx->scope.to : "nu");
		snprintf(text, sizeof text,
			 "I en så lang liste vises kun begyndelsen af hver begrundelse; hele "
			 "begrundelsen står i regnearket %s%s.csv i samme mappe.",
			 o->id, suffix);
		report_pdf_paragraph(p, 0, text);
	}
	if (report_list_open(ctx->db, o->id, o->def, &ctx->scope, &list) != SQLITE_OK) {
		msg_error("%s", sqlite3_errmsg(ctx->db));
		report_list_close(&list);
		return -1;
	}
	strbuf_init(&note, 0);
	int rc;
	while ((rc = report_list_next(&list, &row)) == SQLITE_ROW) {
		char rank[32] = "", case_number[64], outcome[160], received[32];
		if (rows == 0)
			report_pdf_table_begin(p, 5, widths, header);
		if (row.number > 0)
			snprintf(rank, sizeof rank, "%ld", row.number);
		if (row.case_number)
			snprintf(case_number, sizeof case_number, "%s", row.case_number);
		else
			snprintf(case_number, sizeof case_number, "id %lld", row.id);
		table_time(row.received_at, 0, received, sizeof received);
		outcome_cell(&row, outcome, sizeof outcome);
		row_note(&row, &note);
		const char *cells[] = {rank, case_number, row.applicant, received, outcome};
		report_pdf_table_row_note(p, cells, strbuf_str(&note), note_lines);
		rows++;
	}
	report_list_close(&list);
	strbuf_release(&note);
	if (rc != SQLITE_DONE) {
		msg_error("%s", sqlite3_errmsg(ctx->db));
		return -1;
	}
	if (rows)
		report_pdf_table_end(p);
	else
		report_pdf_paragraph(p, 0, "Ingen gyldige ansøgninger.");
	return 0;
}

/*
 * The withdrawn applications, below the list they have left: a manager
 * who saw a case ranked in an earlier report finds it here, with what it
 * had been given.  They hold no place and have no number.
 */
static int withdrawn_list(struct report_pdf *p, const struct report_context *ctx,
			  const struct report_offer *o)
{
	static const char sql[] =
		"SELECT s.case_number, s.applicant_name, substr(s.received_at, 1, 16),"
		"  s.withdrawn_at, d.outcome, d.state, s.id"
		" FROM submissions s" CURRENT_DECISION_JOIN
		" WHERE s.status = 'withdrawn' AND s.offer_id = :offer AND" SCOPE_WHERE
		" ORDER BY s.withdrawn_at IS NULL, s.withdrawn_at, s.received_at, s.id";
	static const double widths[] = {0.15, 0.32, 0.17, 0.12, 0.24};
	static const char *const header[] = {"Sagsnr.", "Ansøger", "Modtaget", "Trukket tilbage",
					     "Udfald før"};
	sqlite3_stmt *stmt;
	long rows = 0;
	int rc;

	if (o->withdrawn == 0)
		return 0;
	if (!(stmt = scoped_query(ctx, sql, o->id)))
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char case_number[64], received[32], withdrawn[32], outcome[96];
		const char *t = (const char *)sqlite3_column_text(stmt, 0);
		if (rows++ == 0) {
			report_pdf_heading_keep(p, 3, "Trukket tilbage", 80);
			report_pdf_paragraph(p, 0, "Disse ansøgninger er trukket tilbage. De er ikke "
						   "med i listen ovenfor og optager ingen plads.");
			report_pdf_table_begin(p, 5, widths, header);
		}
		if (t)
			snprintf(case_number, sizeof case_number, "%s", t);
		else
			snprintf(case_number, sizeof case_number, "id %lld",
				 sqlite3_column_int64(stmt, 6));
		table_time((const char *)sqlite3_column_text(stmt, 2), 0, received, sizeof received);
		table_time((const char *)sqlite3_column_text(stmt, 3), 1, withdrawn,
			   sizeof withdrawn);
		t = (const char *)sqlite3_column_text(stmt, 4);
		if (t)
			snprintf(outcome, sizeof outcome, "%s (%s)", report_outcome_label(t),
				 state_label((const char *)sqlite3_column_text(stmt, 5)));
		else
			snprintf(outcome, sizeof outcome, "ikke afgjort");
		const char *cells[] = {case_number, (const char *)sqlite3_column_text(stmt, 1),
				       received, withdrawn, outcome};
		report_pdf_table_row(p, cells);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		msg_error("%s", sqlite3_errmsg(ctx->db));
		return -1;
	}
	if (rows)
		report_pdf_table_end(p);
	return 0;
}

/* Broad representation: how applicants and selected spread over one attribute. */
static int spread_table(struct report_pdf *p, const struct report_context *ctx,
			const struct report_offer *o, const char *attribute)
{
	/*
	 * Every place is counted once: also a reviewer's grant to an
	 * application that does not meet the criteria, and one whose field is
	 * gone (a purge) or was never given, as "ikke angivet".
	 */
	static const char sql[] =
		"SELECT f.value, total(s.validation = 'eligible'), total(d.outcome = 'bevilget')"
		" FROM submissions s"
		" LEFT JOIN fields f ON f.submission_id = s.id AND f.name = :name" CURRENT_DECISION_JOIN
		" WHERE s.status = 'stored' AND (s.validation = 'eligible' OR d.outcome = 'bevilget')"
		" AND s.offer_id = :offer AND" SCOPE_WHERE
		" GROUP BY f.value ORDER BY 2 DESC, 3 DESC";
	static const double widths[] = {0.5, 0.25, 0.25};
	static const char *const header[] = {"Værdi", "Opfylder kriterierne", "Bevilget"};
	/* Spreading over kommuner means over the country: show the regions. */
	int region = strcmp(attribute, "region") == 0 || strcmp(attribute, "kommune") == 0;
	struct report_counts applicants = {NULL, 0}, chosen = {NULL, 0};
	sqlite3_stmt *stmt;
	char title[160], a[32], b[32];
	int rc, result = -1;

	if (!(stmt = scoped_query(ctx, sql, o->id)))
		return -1;
	sqlite3_bind_text(stmt, sqlite3_bind_parameter_index(stmt, ":name"),
			  region ? "kommune" : attribute, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *value = (const char *)sqlite3_column_text(stmt, 0);
		if (region) {
			const char *canonical = kommune_canonical(value ? value : "");
			value = kommune_region(canonical ? canonical : value);
		}
		if (!value || !*value)
			value = "ikke angivet";
		/* Capitalised as in the charts; "x" and "X" are one row. */
		char shown[512];
		snprintf(shown, sizeof shown, "%s", value);
		report_capitalise(shown);
		if (report_counts_add(&applicants, shown, (long)sqlite3_column_double(stmt, 1)) ||
		    report_counts_add(&chosen, shown, (long)sqlite3_column_double(stmt, 2)))
			goto out;
	}
	if (rc != SQLITE_DONE) {
		msg_error("%s", sqlite3_errmsg(ctx->db));
		goto out;
	}
	const struct offer_field *field = o->def ? offer_find_field(o->def, attribute) : NULL;
	if (region)
		snprintf(title, sizeof title, "Fordeling efter region (ud fra kommunen)");
	else
		snprintf(title, sizeof title, "Fordeling efter: %s",
			 field && field->label ? field->label : attribute);
	report_pdf_heading(p, 3, title);
	if (applicants.count == 0) {
		report_pdf_paragraph(p, 0, "Ingen ansøgninger med denne oplysning.");
	} else {
		long eligible = 0, granted = 0;
		report_pdf_table_begin(p, 3, widths, header);
		for (size_t i = 0; i < applicants.count; i++) {
			const char *cells[] = {applicants.items[i].label,
					       num(applicants.items[i].value, a, sizeof a),
					       num(chosen.items[i].value, b, sizeof b)};
			report_pdf_table_row(p, cells);
			eligible += applicants.items[i].value;
			granted += chosen.items[i].value;
		}
		/* The sums a manager holds against the numbers above. */
		const char *total[] = {"I alt", num(eligible, a, sizeof a), num(granted, b, sizeof b)};
		report_pdf_table_row(p, total);
		report_pdf_table_end(p);
	}
	result = 0;
out:
	sqlite3_finalize(stmt);
	report_counts_release(&applicants);
	report_counts_release(&chosen);
	return result;
}

#define NO_FAILED_CRITERIA "Ingen ansøgninger faldt for et af kriterierne."

/*
 * What the criterion ids under the chart mean: the offer's own sentence for
 * a failed criterion, so a manager need not know the definition's ids.
 */
static void criteria_legend(struct report_pdf *p, const struct report_offer *o,
			    const struct report_counts *criteria)
{
	static const double widths[] = {0.25, 0.75};
	static const char *const header[] = {"Kriterium", "Når det ikke er opfyldt"};
	int rows = 0;

	if (!o->def)
		return;
	for (size_t i = 0; i < criteria->count; i++) {
		const struct offer_criterion *c = NULL;
		for (size_t j = 0; j < o->def->ncriteria; j++)
			if (strcmp(o->def->criteria[j].id, criteria->items[i].label) == 0)
				c = &o->def->criteria[j];
		/* The deadline is skema-validate's own criterion, not the definition's. */
		if (!c && strcmp(criteria->items[i].label, "frist") == 0 && !o->def->rolling) {
			char when[CLOCK_ISO_SIZE], late[256];
			snprintf(late, sizeof late, "Ansøgningen er modtaget efter ansøgningsfristen %s.",
				 clock_format_danish(o->def->deadline_at, when));
			const char *cells[] = {"frist", o->def->late_text ? o->def->late_text : late};
			if (rows++ == 0)
				report_pdf_table_begin(p, 2, widths, header);
			report_pdf_table_row(p, cells);
			continue;
		}
		if (!c || !c->fail_text)
			continue;
		if (rows++ == 0)
			report_pdf_table_begin(p, 2, widths, header);
		/* A sentence naming an applicant's value ({timer}) speaks of no case here. */
		struct strbuf text;
		strbuf_init(&text, 0);
		criterion_text_fill(o->def, c->fail_text, NULL, NULL, &text);
		const char *cells[] = {c->id, strbuf_str(&text)};
		report_pdf_table_row(p, cells);
		strbuf_release(&text);
	}
	if (rows)
		report_pdf_table_end(p);
}

static void offer_charts(struct report_pdf *p, const struct report_offer *o,
			 struct report_counts *criteria)
{
	char deadline_date[CLOCK_ISO_SIZE], deadline_label[96];
	const char *deadline = NULL;
	if (o->def && !o->def->rolling && o->def->deadline) {
		clock_format(o->def->deadline_at, deadline_date); /* local time: where in its day */
		deadline = deadline_date;
		char when[CLOCK_ISO_SIZE];
		snprintf(deadline_label, sizeof deadline_label, "Frist %s",
			 clock_format_danish(o->def->deadline_at, when));
	}
	report_pdf_time_chart(p, "Modtagne ansøgninger over tid", &o->per_day, deadline,
			      deadline_label);
	outcome_chart(p, o);
	report_pdf_bar_chart(p, "Ansøgere efter region (ud fra kommunen)", &o->regions,
			     "Antal ansøgninger", NULL);
	report_pdf_bar_chart(p, "Ansøgere efter type", &o->types, "Antal ansøgninger", NULL);
	report_pdf_bar_chart(p, "Kriterier, der oftest ikke var opfyldt", criteria,
			     "Antal ansøgninger", NO_FAILED_CRITERIA);
	criteria_legend(p, o, criteria);
}

/* The note at the top of a report rebuilt after a libharu error. */
static void plain_note(struct report_pdf *p, HPDF_STATUS error)
{
	char text[512];
	snprintf(text, sizeof text,
		 "Bemærk: Dette er en forenklet udgave af rapporten. Første forsøg på at danne den "
		 "mislykkedes (fejl 0x%04X i PDF-biblioteket libharu), så diagrammerne er udeladt, "
		 "og tegn uden for det almindelige vesteuropæiske tegnsæt vises som ?. Tallene og "
		 "listerne er fuldstændige.",
		 (unsigned)error);
	report_pdf_paragraph(p, 1, text);
}

/*
 * One offer's report.  first_error is 0 on the first attempt; on the
 * rebuild after a libharu error it is that error, and the report is plain
 * (report_pdf_begin), without charts, and says so at the top.  Returns 0,
 * or -1: *haru is the libharu error when there was one (nothing printed),
 * else 0 and a message was printed.
 */
static int build_offer(const struct report_context *ctx, const struct report_offer *o,
		       HPDF_STATUS first_error, unsigned char **out, size_t *len, HPDF_STATUS *haru)
{
	struct report_pdf p;
	struct report_counts criteria = {NULL, 0};
	char text[1024], footer[512];
	int result = -1;

	footer_text(ctx, footer, sizeof footer);
	snprintf(text, sizeof text, "Statusrapport · %s", offer_title(o));
	if (report_pdf_begin(&p, text, footer, first_error != 0) < 0)
		goto out;
	report_pdf_heading(&p, 1, offer_title(o));
	if (first_error)
		plain_note(&p, first_error);
	snprintf(text, sizeof text, "Statusrapport for tilbuddet %s. Udvælgelse: %s.", o->id,
		 o->def ? policy_label(o->def->policy) : "ukendt");
	report_pdf_paragraph(&p, 0, text);
	deadline_text(ctx, o, text, sizeof text);
	report_pdf_paragraph(&p, 0, text);
	capacity_text(o, text, sizeof text);
	report_pdf_paragraph(&p, 0, text);
	scope_text(ctx, text, sizeof text);
	report_pdf_paragraph(&p, 0, text);

	report_pdf_heading(&p, 2, "Sådan står runden");
	status_sentences(&p, ctx, o);
	report_pdf_heading(&p, 2, "Tallene");
	numbers_table(&p, o, ctx->scope.from || ctx->scope.to);

	if (!first_error && o->received > 0)
		report_pdf_keep(&p, 260); /* the heading with the first chart */
	/* Without charts only a sentence follows the heading. */
	report_pdf_heading_keep(&p, 2, "Diagrammer",
				!first_error && o->received > 0 ? 130 : 2 * BODY_LINE);
	if (criteria_counts(o, &criteria) < 0) {
		msg_error("out of memory");
		goto out;
	}
	if (first_error)
		report_pdf_paragraph(&p, 0, "Diagrammerne er udeladt i denne udgave af rapporten.");
	else if (o->received == 0)
		report_pdf_paragraph(&p, 0, "Ingen ansøgninger modtaget i perioden, så der er "
					    "ingen diagrammer.");
	else
		offer_charts(&p, o, &criteria);

	if (o->def && o->def->policy && strcmp(o->def->policy, "broad-representation") == 0 &&
	    o->def->nspread > 0) {
		/* A reviewer may grant a place to one that does not meet the criteria. */
		int any = o->eligible > 0 || o->selected > 0;
		report_pdf_heading_keep(&p, 2, "Bred repræsentation: sådan fordeler udvælgelsen sig",
					any ? 130 : 2 * BODY_LINE);
		if (!any)
			report_pdf_paragraph(&p, 0, "Ingen ansøgninger opfylder kriterierne, så der er "
						    "ingen fordeling at vise.");
		if (o->selected_unmet > 0) {
			char a[32], b[32];
			snprintf(text, sizeof text,
				 "%s af de bevilgede opfylder ikke kriterierne, men er bevilget af en "
				 "sagsbehandler. %s talt med under Bevilget, så hver tabel tæller alle "
				 "%s bevilgede.",
				 num(o->selected_unmet, a, sizeof a),
				 o->selected_unmet == 1 ? "Den er" : "De er",
				 num(o->selected, b, sizeof b));
			report_pdf_paragraph(&p, 0, text);
		}
		for (size_t i = 0; any && i < o->def->nspread; i++)
			if (spread_table(&p, ctx, o, o->def->spread[i]) < 0)
				goto out;
	}
	if (ranked_list(&p, ctx, o) < 0 || withdrawn_list(&p, ctx, o) < 0)
		goto out;
	if (report_pdf_finish(&p, out, len) < 0)
		goto out;
	result = 0;
out:
	*haru = result < 0 ? p.error : 0;
	report_counts_release(&criteria);
	report_pdf_release(&p);
	return result;
}

/*
 * style.md: after a libharu error, build the PDF again from the start (one
 * error spoils the document).  The second attempt leaves out what is most
 * likely to have caused it (the charts, the rarer characters) and says so;
 * only when that fails too is there no report.
 */
int report_doc_offer(const struct report_context *ctx, const struct report_offer *o,
		     unsigned char **out, size_t *len)
{
	HPDF_STATUS first = 0, second = 0;
	if (build_offer(ctx, o, 0, out, len, &first) == 0)
		return 0;
	if (!first)
		return -1;
	msg_warn("%s: libharu error 0x%04x while drawing the report; building it again, plain",
		 o->id, (unsigned)first);
	if (build_offer(ctx, o, first, out, len, &second) == 0)
		return 0;
	if (second)
		msg_error("%s: libharu error 0x%04x also in the plain report; no report for this "
			  "offer",
			  o->id, (unsigned)second);
	return -1;
}

/* --- the overview --------------------------------------------------------- */

static int review_queue(struct report_pdf *p, const struct report_context *ctx, long *count)
{
	static const char sql[] =
		"SELECT s.case_number, s.offer_id, s.applicant_name, d.outcome,"
		"  substr(s.received_at, 1, 10), s.id"
		" FROM submissions s" CURRENT_DECISION_JOIN
		" WHERE s.status = 'stored' AND d.state = 'proposed' AND" SCOPE_WHERE
		" ORDER BY s.offer_id, d.rank IS NULL, d.rank, s.received_at, s.id";
	static const double widths[] = {0.14, 0.36, 0.24, 0.12, 0.14};
	static const char *const header[] = {"Sagsnr.", "Tilbud", "Ansøger", "Forslag",
					     "Modtaget"};
	sqlite3_stmt *stmt;
	int rc;

	*count = 0;
	if (!(stmt = scoped_query(ctx, sql, NULL)))
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char case_number[64], received[32];
		const char *t = (const char *)sqlite3_column_text(stmt, 0);
		if (t)
			snprintf(case_number, sizeof case_number, "%s", t);
		else
			snprintf(case_number, sizeof case_number, "id %lld",
				 sqlite3_column_int64(stmt, 5));
		if ((*count)++ == 0)
			report_pdf_table_begin(p, 5, widths, header);
		const char *offer_id = (const char *)sqlite3_column_text(stmt, 1);
		const struct offer *def = offer_id ? offer_set_find(ctx->offers, offer_id) : NULL;
		const char *cells[] = {case_number, def && def->title ? def->title : offer_id,
				       (const char *)sqlite3_column_text(stmt, 2),
				       report_outcome_label((const char *)sqlite3_column_text(stmt, 3)),
				       table_time((const char *)sqlite3_column_text(stmt, 4), 1,
						  received, sizeof received)};
		report_pdf_table_row(p, cells);
	}
	sqlite3_finalize(stmt);
	if (*count)
		report_pdf_table_end(p);
	else
		report_pdf_paragraph(p, 0, "Ingen afgørelser afventer gennemgang.");
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * A failed row whose file skema retry sent through again is history, not
 * a file in quarantine: the file is counted under its new row (as skema
 * status counts it).
 */
#define NOT_RETRIED                                                                         \
	" NOT EXISTS (SELECT 1 FROM events e WHERE e.submission_id = s.id"                  \
	"   AND e.event = 'retried')"

static int quarantine(struct report_pdf *p, const struct report_context *ctx, long *count)
{
	static const char sql[] =
		"SELECT s.original_name, substr(s.received_at, 1, 16),"
		"  coalesce(s.error_message_da, s.error_message, s.error_code), s.id"
		" FROM submissions s WHERE s.status = 'failed' AND" NOT_RETRIED " AND" SCOPE_WHERE
		" ORDER BY s.received_at, s.id";
	static const double widths[] = {0.3, 0.16, 0.54};
	static const char *const header[] = {"Fil", "Modtaget", "Årsag"};
	sqlite3_stmt *stmt;
	int rc;

	*count = 0;
	if (!(stmt = scoped_query(ctx, sql, NULL)))
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char received[32];
		table_time((const char *)sqlite3_column_text(stmt, 1), 0, received, sizeof received);
		if ((*count)++ == 0)
			report_pdf_table_begin(p, 3, widths, header);
		const char *cells[] = {(const char *)sqlite3_column_text(stmt, 0), received,
				       (const char *)sqlite3_column_text(stmt, 2)};
		report_pdf_table_row(p, cells);
	}
	sqlite3_finalize(stmt);
	if (*count)
		report_pdf_table_end(p);
	else
		report_pdf_paragraph(p, 0, "Ingen filer i karantæne.");
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Counts without an offer: quarantined files are mostly unreadable forms. */
static long count_failed(const struct report_context *ctx)
{
	static const char sql[] =
		"SELECT count(*) FROM submissions s WHERE s.status = 'failed' AND" NOT_RETRIED
		" AND" SCOPE_WHERE;
	sqlite3_stmt *stmt;
	long n = 0;
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	report_bind_scope(stmt, NULL, &ctx->scope);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/*
 * The offers whose places are held while a forløb runs: how many run, how
 * many have ended and how many places are free today, the same figures as
 * each offer's own report.  Nothing when there is no such offer.
 */
static void concurrent_table(struct report_pdf *p, const struct report_context *ctx,
			     struct report_offer *const *offers, size_t count)
{
	static const double widths[] = {0.4, 0.15, 0.15, 0.15, 0.15};
	static const char *const header[] = {"Tilbud", "Højst ad gangen", "I gang", "Afsluttet",
					     "Ledige pladser"};
	int rows = 0;

	for (size_t i = 0; i < count; i++) {
		const struct report_offer *o = offers[i];
		char n[4][32];
		if (!report_concurrent(o->def))
			continue;
		if (rows++ == 0) {
			report_pdf_heading_keep(p, 3, "Forløb i gang", 80);
			report_pdf_paragraph(p, 0,
					     ctx->scope.from || ctx->scope.to
						     ? "Hos disse tilbud optager et forløb en plads, "
						       "mens det er i gang; et afsluttet forløb giver "
						       "pladsen fri. I gang og ledige pladser er i dag, "
						       "uanset hvornår ansøgningerne er modtaget; "
						       "afsluttet tæller ansøgninger fra perioden."
						     : "Hos disse tilbud optager et forløb en plads, "
						       "mens det er i gang; et afsluttet forløb giver "
						       "pladsen fri.");
			report_pdf_table_begin(p, 5, widths, header);
		}
		long available = o->def->capacity_max - o->running_now;
		const char *cells[] = {offer_title(o),
				       num(o->def->capacity_max, n[0], sizeof n[0]),
				       num(o->running_now, n[1], sizeof n[1]),
				       num(o->completed, n[2], sizeof n[2]),
				       num(available > 0 ? available : 0, n[3], sizeof n[3])};
		report_pdf_table_row(p, cells);
	}
	if (rows)
		report_pdf_table_end(p);
}

/*
 * "Modtaget" counts every form received, the outcome columns only the live
 * cases: a manager adding up a row found one short for a withdrawal (the
 * reviewer playtest).  Says what the difference is, when there is one.
 */
static void reconcile_received(struct report_pdf *p, struct report_offer *const *offers, size_t count)
{
	long withdrawn = 0, duplicates = 0, superseded = 0, failed = 0, undecided = 0;
	for (size_t i = 0; i < count; i++) {
		withdrawn += offers[i]->withdrawn;
		duplicates += offers[i]->duplicates;
		superseded += offers[i]->superseded;
		failed += offers[i]->failed;
		undecided += offers[i]->undecided;
	}
	if (withdrawn + duplicates + superseded + failed + undecided == 0)
		return;
	const struct {
		long n;
		const char *one, *many;
	} parts[] = {
		{withdrawn, "trukket tilbage", "trukket tilbage"},
		{duplicates, "dublet", "dubletter"},
		{superseded, "erstattet af en nyere ansøgning", "erstattet af nyere ansøgninger"},
		{undecided, "endnu ikke afgjort", "endnu ikke afgjort"},
		{failed, "kunne ikke læses", "kunne ikke læses"},
	};
	struct strbuf text;
	size_t shown = 0, total = 0;
	char n[32];
	for (size_t k = 0; k < sizeof parts / sizeof *parts; k++)
		total += parts[k].n > 0;
	strbuf_init(&text, 0);
	strbuf_puts(&text, "Modtaget tæller alle modtagne ansøgninger, kolonnerne med udfald kun "
			   "de aktive sager. Forskellen er ");
	for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) {
		if (parts[k].n <= 0)
			continue;
		shown++;
		strbuf_printf(&text, "%s%s %s", shown == 1 ? "" : shown == total ? " og " : ", ",
			      num(parts[k].n, n, sizeof n), parts[k].n == 1 ? parts[k].one : parts[k].many);
	}
	strbuf_puts(&text, ". Diagrammerne over regioner og typer tæller også kun de aktive sager.");
	report_pdf_paragraph(p, 0, strbuf_str(&text));
	strbuf_release(&text);
}

/* A round without applications whose deadline is older than this raises no alarm. */
#define STALE_ROUND_DAYS 90

static int build_overview(const struct report_context *ctx, struct report_offer *const *offers,
			  size_t count, HPDF_STATUS first_error, unsigned char **out, size_t *len,
			  HPDF_STATUS *haru)
{
	static const double widths[] = {0.22, 0.13, 0.09, 0.09, 0.1, 0.09, 0.09, 0.09, 0.1};
	static const char *const header[] = {"Tilbud",	     "Frist",	      "Mod- taget",
					     "Op- fylder",   "Bevil- get / bekræf- tet", "Vente- liste",
					     "Afslag",	     "Mangler oplys- ninger", "Afventer gennem- gang"};
	static const char *const series[] = {"Bevilget / bekræftet", "Venteliste", "Afslag",
					     "Mangler oplysninger", "Ikke afgjort"};
	struct report_pdf p;
	struct report_counts per_day = {NULL, 0}, regions = {NULL, 0}, types = {NULL, 0},
			     criteria = {NULL, 0};
	const char **labels = calloc(count + 1, sizeof *labels);
	long *values = calloc((count + 1) * 5, sizeof *values);
	char text[1024], footer[512], a[32], b[32];
	long received = 0, awaiting = 0, failed = count_failed(ctx), listed;
	int result = -1;

	memset(&p, 0, sizeof p);
	if (!labels || !values) {
		msg_error("out of memory");
		goto out;
	}
	footer_text(ctx, footer, sizeof footer);
	if (report_pdf_begin(&p, "Samlet statusrapport for alle tilbud", footer, first_error != 0) <
	    0)
		goto out;
	report_pdf_heading(&p, 1, "Samlet statusrapport for alle tilbud");
	if (first_error)
		plain_note(&p, first_error);
	scope_text(ctx, text, sizeof text);
	report_pdf_paragraph(&p, 0, text);

	for (size_t i = 0; i < count; i++) {
		const struct report_offer *o = offers[i];
		received += o->received;
		awaiting += o->awaiting_review;
		labels[i] = offer_title(o); /* as the overview table names it */
		/* A confirmed registration is the yes of a round without selection;
		 * five series are as many grey levels as a print tells apart. */
		long row[] = {o->selected + o->confirmed, o->waiting, o->rejected, o->missing,
			      o->undecided};
		memcpy(values + i * 5, row, sizeof row);
		for (size_t j = 0; j < o->per_day.count; j++)
			if (report_counts_add(&per_day, o->per_day.items[j].label,
					      o->per_day.items[j].value))
				goto oom;
		for (size_t j = 0; j < o->regions.count; j++)
			if (report_counts_add(&regions, o->regions.items[j].label,
					      o->regions.items[j].value))
				goto oom;
		for (size_t j = 0; j < o->types.count; j++)
			if (report_counts_add(&types, o->types.items[j].label,
					      o->types.items[j].value))
				goto oom;
		for (size_t j = 0; j < o->failed_criteria.count; j++) {
			/* The criterion first: a label cut to fit the chart keeps it. */
			snprintf(text, sizeof text, "%s (%s)", o->failed_criteria.items[j].label,
				 o->id);
			if (report_counts_add(&criteria, text, o->failed_criteria.items[j].value))
				goto oom;
		}
	}
	/* per_day was summed in offer order; the chart needs no order, the
	 * most-failed list does: keep its ten largest. */
	for (size_t i = 0; i < criteria.count; i++)
		for (size_t j = i + 1; j < criteria.count; j++)
			if (criteria.items[j].value > criteria.items[i].value) {
				struct report_count t = criteria.items[i];
				criteria.items[i] = criteria.items[j];
				criteria.items[j] = t;
			}
	while (criteria.count > 10)
		free(criteria.items[--criteria.count].label);

	report_pdf_heading(&p, 2, "Kræver opmærksomhed");
	if (received == 0 && count != 1)
		snprintf(text, sizeof text, "Der er ikke modtaget nogen filer til de %zu tilbud.",
			 count);
	else if (received == 0)
		snprintf(text, sizeof text, "Der er ikke modtaget nogen filer til tilbuddet.");
	else if (count == 1)
		snprintf(text, sizeof text, "Til tilbuddet er der i alt modtaget %s %s.",
			 num(received, a, sizeof a), plural(received, "fil", "filer"));
	else
		snprintf(text, sizeof text, "Til de %zu tilbud er der i alt modtaget %s %s.", count,
			 num(received, a, sizeof a), plural(received, "fil", "filer"));
	report_pdf_paragraph(&p, 0, text);
	/* "Ingen" rather than a bare 0 in a sentence. */
	if (awaiting > 0)
		num(awaiting, a, sizeof a);
	else
		snprintf(a, sizeof a, "Ingen");
	if (failed > 0)
		snprintf(text, sizeof text, "%s forslag til afgørelse afventer gennemgang, og %s %s.", a,
			 num(failed, b, sizeof b),
			 plural(failed, "fil ligger i karantæne, fordi den ikke kunne læses",
				"filer ligger i karantæne, fordi de ikke kunne læses"));
	else
		snprintf(text, sizeof text, "%s forslag til afgørelse afventer gennemgang, og ingen "
					    "filer ligger i karantæne.",
			 a);
	report_pdf_paragraph(&p, awaiting > 0 || failed > 0, text);
	for (size_t i = 0; i < count; i++) {
		const struct report_offer *o = offers[i];
		const struct offer *def = o->def;
		if (def && def->capacity_max >= 0 && report_capacity_period(def)) {
			/* Capacity per period: each period against it, as skema-decide counts. */
			for (size_t j = 0; j < o->selected_periods.count; j++) {
				char period[64];
				if (o->selected_periods.items[j].value <= def->capacity_max)
					continue;
				report_period_label(o->selected_periods.items[j].label, period,
						    sizeof period);
				snprintf(text, sizeof text,
					 "OBS: %s har i %s flere bevilgede (%s) end kapaciteten (%s).",
					 offer_title(o), period,
					 num(o->selected_periods.items[j].value, a, sizeof a),
					 num(def->capacity_max, b, sizeof b));
				report_pdf_paragraph(&p, 1, text);
			}
		} else if (report_concurrent(def)) {
			/* Only the running forløb hold places; ended ones freed theirs. */
			if (o->running_now > def->capacity_max) {
				snprintf(text, sizeof text,
					 "OBS: %s har flere forløb i gang (%s) end kapaciteten (%s ad "
					 "gangen).",
					 offer_title(o), num(o->running_now, a, sizeof a),
					 num(def->capacity_max, b, sizeof b));
				report_pdf_paragraph(&p, 1, text);
			}
		} else if (def && def->capacity_max >= 0 && o->selected > def->capacity_max) {
			snprintf(text, sizeof text, "OBS: %s har flere bevilgede (%s) end kapaciteten (%s).",
				 offer_title(o), num(o->selected, a, sizeof a),
				 num(def->capacity_max, b, sizeof b));
			report_pdf_paragraph(&p, 1, text);
		}
		/*
		 * A round nobody applied to whose deadline is long past is
		 * history, not work: every overview in 2026 raised an alarm for
		 * the 2021 rounds (the manager playtest).  Its row still says 0.
		 */
		int long_over = def && !def->rolling && def->deadline &&
				ctx->now - def->deadline_at > (time_t)STALE_ROUND_DAYS * 86400;
		if (def && !def->rolling && def->deadline && ctx->now > def->deadline_at &&
		    def->capacity_min > 0 && o->selected < def->capacity_min &&
		    !(o->received == 0 && long_over)) {
			if (o->received == 0)
				snprintf(text, sizeof text,
					 "OBS: %s: fristen er udløbet, og der er ikke modtaget nogen "
					 "ansøgninger (minimum %s).",
					 offer_title(o), num(def->capacity_min, b, sizeof b));
			else
				snprintf(text, sizeof text,
					 "OBS: %s: fristen er udløbet, og der er bevilget %s, under minimum %s.",
					 offer_title(o), num(o->selected, a, sizeof a),
					 num(def->capacity_min, b, sizeof b));
			report_pdf_paragraph(&p, 1, text);
		}
	}

	report_pdf_heading(&p, 2, "Tilbuddene");
	report_pdf_paragraph(&p, 0,
			     "Hvert tilbud har sin egen rapport i samme mappe, navngivet efter "
			     "tilbuddets id (fx temaforloeb.pdf), med den rangordnede liste som "
			     "regneark ved siden af (temaforloeb.csv).");
	report_pdf_table_begin(&p, 9, widths, header);
	for (size_t i = 0; i < count; i++) {
		const struct report_offer *o = offers[i];
		char deadline[64], n[7][32];
		if (o->def && !o->def->rolling && o->def->deadline) {
			char date[CLOCK_ISO_SIZE];
			snprintf(deadline, sizeof deadline, "%s", clock_format_danish(o->def->deadline_at, date));
		} else {
			snprintf(deadline, sizeof deadline, "%s", o->def ? "løbende" : "ukendt");
		}
		const char *cells[] = {offer_title(o),
				       deadline,
				       num(o->received, n[0], sizeof n[0]),
				       num(o->eligible, n[1], sizeof n[1]),
				       /* as in the outcome chart: a registration's yes */
				       num(o->selected + o->confirmed, n[2], sizeof n[2]),
				       num(o->waiting, n[3], sizeof n[3]),
				       num(o->rejected, n[4], sizeof n[4]),
				       num(o->missing, n[6], sizeof n[6]),
				       num(o->awaiting_review, n[5], sizeof n[5])};
		report_pdf_table_row(&p, cells);
	}
	report_pdf_table_end(&p);
	reconcile_received(&p, offers, count);
	concurrent_table(&p, ctx, offers, count);

	if (!first_error && received == 0) {
		report_pdf_heading_keep(&p, 2, "Diagrammer", 2 * BODY_LINE);
		report_pdf_paragraph(&p, 0, "Ingen ansøgninger modtaget i perioden, så der er "
					    "ingen diagrammer.");
	} else if (!first_error) {
		report_pdf_keep(&p, 260); /* the heading with the first chart */
		report_pdf_heading(&p, 2, "Diagrammer");
		report_pdf_stacked_chart(&p, "Udfald pr. tilbud", count, labels, 5, series, values);
		report_pdf_time_chart(&p, "Modtagne ansøgninger over tid, alle tilbud", &per_day,
				      NULL, NULL);
		report_pdf_bar_chart(&p, "Ansøgere efter region (ud fra kommunen)", &regions,
				     "Antal ansøgninger", NULL);
		report_pdf_bar_chart(&p, "Ansøgere efter type", &types, "Antal ansøgninger",
				     NULL);
		report_pdf_bar_chart(&p, "Kriterier, der oftest ikke var opfyldt", &criteria,
				     "Antal ansøgninger", NO_FAILED_CRITERIA);
	}

	report_pdf_heading(&p, 2, "Åbent arbejde: afventer gennemgang");
	if (review_queue(&p, ctx, &listed) < 0)
		goto out;
	report_pdf_heading(&p, 2, "Åbent arbejde: filer i karantæne");
	if (quarantine(&p, ctx, &listed) < 0)
		goto out;
	if (report_pdf_finish(&p, out, len) < 0)
		goto out;
	result = 0;
	goto out;
oom:
	msg_error("out of memory");
out:
	*haru = result < 0 ? p.error : 0;
	free(labels);
	free(values);
	report_counts_release(&per_day);
	report_counts_release(&regions);
	report_counts_release(&types);
	report_counts_release(&criteria);
	report_pdf_release(&p);
	return result;
}

/* The overview, rebuilt once after a libharu error like report_doc_offer(). */
int report_doc_overview(const struct report_context *ctx, struct report_offer *const *offers,
			size_t count, unsigned char **out, size_t *len)
{
	HPDF_STATUS first = 0, second = 0;
	if (build_overview(ctx, offers, count, 0, out, len, &first) == 0)
		return 0;
	if (!first)
		return -1;
	msg_warn("overview: libharu error 0x%04x while drawing it; building it again, plain",
		 (unsigned)first);
	if (build_overview(ctx, offers, count, first, out, len, &second) == 0)
		return 0;
	if (second)
		msg_error("overview: libharu error 0x%04x also in the plain report; no overview",
			  (unsigned)second);
	return -1;
}
