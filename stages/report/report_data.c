/*
 * report_data.c - the numbers behind a report, counted by SQLite.
 *
 * Every count is one aggregate query over the submissions of one offer in
 * the report's period, so a report over 10,000 submissions costs a handful
 * of index scans, not 10,000 round trips.  The categories follow the
 * offer_summary view (docs/schema.md): a submission is live when its status
 * is 'stored'; duplicates, superseded, withdrawn and failed ones are counted
 * apart and never as applicants.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "csv.h"
#include "msg.h"
#include "normalize.h"
#include "pdf.h"
#include "record.h"
#include "report.h"

const char *const report_region_names[REPORT_REGIONS] = {
	"Region Hovedstaden", "Region Sjælland", "Region Syddanmark",
	"Region Midtjylland", "Region Nordjylland", "Ukendt region",
};

/* The submissions of one offer in the scope; every query below uses it. */
#define SCOPE_SQL                                                                          \
	" s.offer_id = :offer"                                                             \
	" AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)"                    \
	" AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to)"

#define CURRENT_DECISION_JOIN                                                              \
	" LEFT JOIN decisions d ON d.id = (SELECT max(d2.id) FROM decisions d2"             \
	"   WHERE d2.submission_id = s.id AND d2.current = 1)"

static const char counts_sql[] =
	"SELECT count(*),"
	"  total(s.status = 'duplicate'), total(s.status = 'superseded'),"
	"  total(s.status = 'withdrawn'), total(s.status = 'failed'),"
	"  total(s.status = 'stored' AND s.validation = 'incomplete'),"
	"  total(s.status = 'stored' AND s.validation = 'not_eligible'),"
	"  total(s.status = 'stored' AND s.validation = 'eligible'),"
	"  total(s.status = 'stored' AND d.outcome = 'bevilget'),"
	"  total(s.status = 'stored' AND d.outcome = 'venteliste'),"
	"  total(s.status = 'stored' AND d.outcome = 'afslag'),"
	"  total(s.status = 'stored' AND d.outcome = 'mangler'),"
	"  total(s.status = 'stored' AND d.outcome = 'bekræftelse'),"
	"  total(s.status = 'stored' AND d.state = 'proposed'),"
	"  total(s.status = 'stored' AND d.id IS NULL),"
	"  total(s.status = 'stored' AND d.outcome = 'bevilget' AND d.state = 'proposed'),"
	"  total(s.status = 'stored' AND d.outcome = 'venteliste' AND d.state = 'proposed'),"
	"  total(s.status = 'stored' AND d.outcome = 'afslag' AND d.state = 'proposed'),"
	"  total(s.status = 'stored' AND d.outcome = 'mangler' AND d.state = 'proposed'),"
	"  total(s.status = 'stored' AND d.outcome = 'bekræftelse' AND d.state = 'proposed'),"
	"  total(s.status = 'stored' AND d.outcome = 'bevilget' AND s.completed_on IS NOT NULL),"
	"  total(s.status = 'stored' AND d.outcome = 'bevilget'"
	"    AND coalesce(s.validation, '') <> 'eligible'),"
	"  total(s.status = 'stored' AND d.rank IS NOT NULL),"
	"  count(DISTINCT CASE WHEN s.status = 'stored' THEN d.rank END),"
	"  coalesce(max(CASE WHEN s.status = 'stored' THEN d.rank END), 0)"
	" FROM submissions s" CURRENT_DECISION_JOIN " WHERE" SCOPE_SQL;

static const char per_day_sql[] =
	"SELECT substr(s.received_at, 1, 10) AS day, count(*) FROM submissions s"
	" WHERE" SCOPE_SQL " GROUP BY day ORDER BY day";

static const char kommune_sql[] =
	"SELECT f.value, count(*) FROM submissions s"
	" JOIN fields f INDEXED BY fields_kommune ON f.submission_id = s.id AND f.name = 'kommune'"
	" WHERE s.status = 'stored' AND" SCOPE_SQL " GROUP BY f.value";

static const char live_sql[] =
	"SELECT count(*) FROM submissions s WHERE s.status = 'stored' AND" SCOPE_SQL;

static const char type_sql[] =
	"SELECT f.value, count(*) FROM submissions s"
	" LEFT JOIN fields f INDEXED BY fields_sted_type"
	"  ON f.submission_id = s.id AND f.name = 'sted_type'"
	" WHERE s.status = 'stored' AND" SCOPE_SQL " GROUP BY f.value ORDER BY count(*) DESC";

static const char criteria_sql[] =
	"SELECT c.criterion_id, count(*) FROM submissions s"
	" JOIN criteria c ON c.submission_id = s.id"
	" WHERE s.status = 'stored' AND c.passed = 0 AND c.kind = 'eligibility' AND" SCOPE_SQL
	" GROUP BY c.criterion_id ORDER BY count(*) DESC, c.criterion_id LIMIT 10";

void report_bind_scope(sqlite3_stmt *stmt, const char *offer_id, const struct report_scope *scope)
{
	int i;
	if ((i = sqlite3_bind_parameter_index(stmt, ":offer")) > 0)
		sqlite3_bind_text(stmt, i, offer_id, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(stmt, ":from")) > 0 && scope->from)
		sqlite3_bind_text(stmt, i, scope->from, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(stmt, ":to")) > 0 && scope->to)
		sqlite3_bind_text(stmt, i, scope->to, -1, SQLITE_STATIC);
}

int report_counts_add(struct report_counts *c, const char *label, long value)
{
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->items[i].label, label) == 0) {
			c->items[i].value += value;
			return SQLITE_OK;
		}
	struct report_count *bigger = realloc(c->items, (c->count + 1) * sizeof *bigger);
	if (!bigger)
		return SQLITE_NOMEM;
	c->items = bigger;
	if (!(c->items[c->count].label = strdup(label)))
		return SQLITE_NOMEM;
	c->items[c->count++].value = value;
	return SQLITE_OK;
}

void report_counts_release(struct report_counts *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->items[i].label);
	free(c->items);
	c->items = NULL;
	c->count = 0;
}

long report_counts_max(const struct report_counts *c)
{
	long max = 0;
	for (size_t i = 0; i < c->count; i++)
		if (c->items[i].value > max)
			max = c->items[i].value;
	return max;
}

/* Runs a "label, count" query into c; NULL labels become null_label. */
static int load_counts(sqlite3 *db, const char *sql, const char *offer_id,
		       const struct report_scope *scope, const char *null_label,
		       struct report_counts *c)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	report_bind_scope(stmt, offer_id, scope);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *label = (const char *)sqlite3_column_text(stmt, 0);
		rc = report_counts_add(c, label && *label ? label : null_label,
				       (long)sqlite3_column_int64(stmt, 1));
		if (rc != SQLITE_OK)
			break;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * The capacity period a receipt falls in, as skema-decide groups them
 * (decide_policy.c period_of: by the Danish local receipt date; no period
 * given means a year).  NULL for one pool of places (round, concurrent,
 * none).
 */
const char *report_capacity_period(const struct offer *def)
{
	const char *period = def && def->capacity_period ? def->capacity_period : "year";
	if (strcmp(period, "year") == 0 || strcmp(period, "quarter") == 0 ||
	    strcmp(period, "month") == 0)
		return period;
	return NULL;
}

/*
 * The granted applications per capacity period, keyed "2026", "2026-Q1" or
 * "2026-03": the period skema-decide counted the place against
 * (decisions.period, schema v3), since a place given from the waiting list
 * counts against a later period than its receipt.  A decision written
 * before v3 has none and counts by its receipt date, as it did then.
 */
static int load_selected_periods(sqlite3 *db, struct report_offer *o,
				 const struct report_scope *scope)
{
	static const char year_sql[] =
		"SELECT coalesce(d.period, substr(s.received_at, 1, 4)), count(*)"
		" FROM submissions s" CURRENT_DECISION_JOIN
		" WHERE s.status = 'stored' AND d.outcome = 'bevilget' AND" SCOPE_SQL
		" GROUP BY 1 ORDER BY 1";
	static const char quarter_sql[] =
		"SELECT coalesce(d.period, substr(s.received_at, 1, 4) || '-Q' ||"
		"  ((CAST(substr(s.received_at, 6, 2) AS INTEGER) + 2) / 3)), count(*)"
		" FROM submissions s" CURRENT_DECISION_JOIN
		" WHERE s.status = 'stored' AND d.outcome = 'bevilget' AND" SCOPE_SQL
		" GROUP BY 1 ORDER BY 1";
	static const char month_sql[] =
		"SELECT coalesce(d.period, substr(s.received_at, 1, 7)), count(*)"
		" FROM submissions s" CURRENT_DECISION_JOIN
		" WHERE s.status = 'stored' AND d.outcome = 'bevilget' AND" SCOPE_SQL
		" GROUP BY 1 ORDER BY 1";
	const char *period = report_capacity_period(o->def);

	if (!o->def || o->def->capacity_max < 0 || !period)
		return SQLITE_OK;
	return load_counts(db,
			   strcmp(period, "year") == 0	    ? year_sql
			   : strcmp(period, "quarter") == 0 ? quarter_sql
							    : month_sql,
			   o->id, scope, "?", &o->selected_periods);
}

int report_concurrent(const struct offer *def)
{
	return def && def->capacity_max >= 0 && def->capacity_period &&
	       strcmp(def->capacity_period, "concurrent") == 0;
}

/*
 * The forløb running now at a concurrent offer: granted (proposed or
 * final, as skema-decide gives the places) and not ended.  Not limited to
 * the report's period: a place is held today whenever its application
 * came in.
 */
static int load_running_now(sqlite3 *db, struct report_offer *o)
{
	static const char sql[] =
		"SELECT count(*) FROM submissions s" CURRENT_DECISION_JOIN
		" WHERE s.status = 'stored' AND d.outcome = 'bevilget'"
		" AND s.completed_on IS NULL AND" SCOPE_SQL;
	const struct report_scope everything = {NULL, NULL};
	sqlite3_stmt *stmt;
	int rc;

	if (!report_concurrent(o->def))
		return SQLITE_OK;
	if ((rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL)) != SQLITE_OK)
		return rc;
	report_bind_scope(stmt, o->id, &everything);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		o->running_now = (long)sqlite3_column_int64(stmt, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

void report_period_label(const char *key, char *buf, size_t size)
{
	static const char *const months[] = {"januar", "februar", "marts",     "april",
					     "maj",	"juni",	    "juli",	 "august",
					     "september", "oktober", "november", "december"};
	int year, part;
	if (sscanf(key, "%4d-Q%d", &year, &part) == 2 && part >= 1 && part <= 4)
		snprintf(buf, size, "%d. kvartal %d", part, year);
	else if (strlen(key) == 7 && sscanf(key, "%4d-%2d", &year, &part) == 2 && part >= 1 &&
		 part <= 12)
		snprintf(buf, size, "%s %d", months[part - 1], year);
	else
		snprintf(buf, size, "%s", key);
}

static int load_regions(sqlite3 *db, struct report_offer *o, const struct report_scope *scope)
{
	struct report_counts kommuner = {NULL, 0};
	long placed = 0, live = 0;
	sqlite3_stmt *stmt = NULL;
	int rc;

	for (size_t i = 0; i < REPORT_REGIONS; i++)
		if ((rc = report_counts_add(&o->regions, report_region_names[i], 0)) != SQLITE_OK)
			goto out;
	if ((rc = load_counts(db, kommune_sql, o->id, scope, "", &kommuner)) != SQLITE_OK)
		goto out;
	for (size_t i = 0; i < kommuner.count; i++) {
		const char *canonical = kommune_canonical(kommuner.items[i].label);
		const char *region = kommune_region(canonical ? canonical : kommuner.items[i].label);
		for (size_t r = 0; region && r + 1 < REPORT_REGIONS; r++)
			if (strcmp(region, report_region_names[r]) == 0) {
				o->regions.items[r].value += kommuner.items[i].value;
				placed += kommuner.items[i].value;
				break;
			}
	}
	/* Everyone live whose kommune we could not place, or who gave none. */
	if ((rc = sqlite3_prepare_v2(db, live_sql, -1, &stmt, NULL)) != SQLITE_OK)
		goto out;
	report_bind_scope(stmt, o->id, scope);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		live = (long)sqlite3_column_int64(stmt, 0);
		rc = SQLITE_OK;
	}
	o->regions.items[REPORT_REGIONS - 1].value = live > placed ? live - placed : 0;
out:
	sqlite3_finalize(stmt);
	report_counts_release(&kommuner);
	return rc;
}

/*
 * A chart label starts with a capital, as "Kommune" does, whether the form
 * said "døgninstitution" or "Døgninstitution"; in place (æ ø å keep their
 * byte length).
 */
void report_capitalise(char *label)
{
	unsigned char *s = (unsigned char *)label;
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (unsigned char)(s[0] - 'a' + 'A');
	else if (s[0] == 0xC3 && s[1] >= 0xA0 && s[1] <= 0xBE && s[1] != 0xB7)
		s[1] = (unsigned char)(s[1] - 0x20); /* Latin-1 lower to upper: æ→Æ, ø→Ø, å→Å */
}

int report_offer_load(sqlite3 *db, const char *id, const struct offer *def,
		      const struct report_scope *scope, struct report_offer *o)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	memset(o, 0, sizeof *o);
	o->def = def;
	if (!(o->id = strdup(id)))
		return SQLITE_NOMEM;
	if ((rc = sqlite3_prepare_v2(db, counts_sql, -1, &stmt, NULL)) != SQLITE_OK)
		return rc;
	report_bind_scope(stmt, id, scope);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		long *fields[] = {&o->received,	    &o->duplicates,	 &o->superseded, &o->withdrawn,
				  &o->failed,	    &o->incomplete,	 &o->not_eligible, &o->eligible,
				  &o->selected,	    &o->waiting,	 &o->rejected,	 &o->missing,
				  &o->confirmed,    &o->awaiting_review, &o->undecided,
				  &o->selected_proposed, &o->waiting_proposed,
				  &o->rejected_proposed, &o->missing_proposed,
				  &o->confirmed_proposed, &o->completed, &o->selected_unmet,
				  &o->ranked, &o->ranks_distinct, &o->rank_max};
		for (int i = 0; i < (int)(sizeof fields / sizeof *fields); i++)
			*fields[i] = (long)sqlite3_column_int64(stmt, i);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_OK)
		return rc;
	const char *default_type = "Ikke angivet";
	if (def && def->applicant && strcmp(def->applicant, "kommune") == 0)
		default_type = "Kommune";
	if ((rc = load_counts(db, per_day_sql, id, scope, "?", &o->per_day)) != SQLITE_OK ||
	    (rc = load_regions(db, o, scope)) != SQLITE_OK ||
	    (rc = load_counts(db, type_sql, id, scope, default_type, &o->types)) != SQLITE_OK ||
	    (rc = load_counts(db, criteria_sql, id, scope, "?", &o->failed_criteria)) != SQLITE_OK ||
	    (rc = load_selected_periods(db, o, scope)) != SQLITE_OK ||
	    (rc = load_running_now(db, o)) != SQLITE_OK)
		return rc;
	for (size_t i = 0; i < o->types.count; i++)
		report_capitalise(o->types.items[i].label);
	return SQLITE_OK;
}

void report_offer_release(struct report_offer *o)
{
	if (!o)
		return;
	free(o->id);
	report_counts_release(&o->per_day);
	report_counts_release(&o->selected_periods);
	report_counts_release(&o->regions);
	report_counts_release(&o->types);
	report_counts_release(&o->failed_criteria);
	memset(o, 0, sizeof *o);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int report_offer_ids(sqlite3 *db, const struct offer_set *set, char ***ids_out, size_t *count_out)
{
	char **ids = NULL;
	size_t count = 0, defined;
	sqlite3_stmt *stmt = NULL;
	int rc = SQLITE_NOMEM;

	ids = calloc(set->count + 1, sizeof *ids);
	if (!ids)
		goto fail;
	for (size_t i = 0; i < set->count; i++)
		if (!(ids[count++] = strdup(set->offers[i]->id)))
			goto fail;
	defined = count;
	if ((rc = sqlite3_prepare_v2(db,
				     "SELECT DISTINCT offer_id FROM submissions"
				     " WHERE offer_id IS NOT NULL ORDER BY offer_id",
				     -1, &stmt, NULL)) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(stmt, 0);
		int known = 0;
		for (size_t i = 0; id && i < defined; i++)
			known |= strcmp(ids[i], id) == 0;
		if (!id || known)
			continue;
		char **bigger = realloc(ids, (count + 1) * sizeof *ids);
		if (!bigger || !(bigger[count] = strdup(id))) {
			if (bigger)
				ids = bigger;
			rc = SQLITE_NOMEM;
			goto fail;
		}
		ids = bigger;
		count++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(stmt);
	qsort(ids, defined, sizeof *ids, compare_strings);
	*ids_out = ids;
	*count_out = count;
	return SQLITE_OK;
fail:
	sqlite3_finalize(stmt);
	for (size_t i = 0; ids && i < count; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

int report_db_state_load(sqlite3 *db, struct report_db_state *state)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db,
				    "SELECT (SELECT count(*) FROM submissions),"
				    " (SELECT coalesce(max(id), 0) FROM events)",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		state->submissions = sqlite3_column_int64(stmt, 0);
		state->max_event_id = sqlite3_column_int64(stmt, 1);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL)) != SQLITE_OK)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		state->schema_version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return SQLITE_OK;
}

const char *report_outcome_label(const char *outcome)
{
	static const char *const labels[][2] = {
		{"bevilget", "Bevilget"},   {"venteliste", "Venteliste"},
		{"afslag", "Afslag"},	    {"mangler", "Mangler oplysninger"},
		{"bekræftelse", "Bekræftet"},
	};
	for (size_t i = 0; outcome && i < sizeof labels / sizeof *labels; i++)
		if (strcmp(labels[i][0], outcome) == 0)
			return labels[i][1];
	return outcome ? outcome : "";
}

int report_write_file(const char *path, const void *data, size_t len)
{
	char tmp[PATH_MAX];

	/* The name the sweep of leftovers knows (stale_tmp.h). */
	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return pdf_write_file_via(path, tmp, data, len);
}

/* The validator's verdict as managers read it; anything else as stored. */
static const char *validation_text(const char *validation)
{
	const char *da = record_validation_da(validation);
	return da ? da : validation;
}

int report_write_ranked_csv(sqlite3 *db, const char *offer_id, const struct offer *def,
			    const struct report_scope *scope, const char *path)
{
	static const char *const header[] = {
		"rang", "sagsnummer", "ansøger", "modtaget", "vurdering", "udfald",
		"status", "begrundelse", "id", "filnavn",
		/* last, so the columns before keep their places: the day the
		 * forløb ended (skema complete), empty while it runs */
		"afsluttet",
		/* after it, for the same reason: what happened to the case
		 * since it was proposed (report_list_note) */
		"bemærkning",
	};
	struct report_list list = {0};
	struct report_list_row row;
	struct csv_writer csv;
	char *data = NULL, note[256];
	size_t size = 0;
	int result = -1, rc;
	FILE *out = open_memstream(&data, &size);

	if (!out) {
		msg_syserror("%s", path);
		return -1;
	}
	if ((rc = report_list_open(db, offer_id, def, scope, &list)) != SQLITE_OK) {
		msg_error("%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	csv_init(&csv, out, CSV_EXCEL_DA);
	for (size_t i = 0; i < sizeof header / sizeof *header; i++)
		csv_text(&csv, header[i]);
	csv_end_row(&csv);
	while ((rc = report_list_next(&list, &row)) == SQLITE_ROW) {
		if (row.number > 0)
			csv_int(&csv, row.number);
		else
			csv_text(&csv, NULL);
		csv_text(&csv, row.case_number);
		csv_text(&csv, row.applicant);
		/* Danish Excel reads "2026-03-02T10:00:00+01:00" as text. */
		time_t received;
		char local[CLOCK_ISO_SIZE];
		csv_text(&csv, row.received_at && clock_parse(row.received_at, &received) == 0
				       ? clock_format_local(received, local)
				       : row.received_at);
		csv_text(&csv, row.validation ? validation_text(row.validation) : NULL);
		csv_text(&csv, row.outcome);
		csv_text(&csv, !row.state			   ? "ikke afgjort"
			       : strcmp(row.state, "final") == 0 ? "endelig"
								 : "forslag, afventer sagsbehandler");
		csv_text(&csv, row.explanation);
		csv_int(&csv, row.id);
		csv_text(&csv, row.original_name);
		csv_text(&csv, row.completed_on);
		csv_text(&csv, report_list_note(&row, note, sizeof note));
		csv_end_row(&csv);
	}
	if (rc != SQLITE_DONE) {
		msg_error("%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	if (csv_flush(&csv) < 0) {
		msg_syserror("%s", path);
		goto out;
	}
	fclose(out);
	out = NULL;
	if (report_write_file(path, data, size) < 0) {
		msg_syserror("%s", path);
		goto out;
	}
	result = 0;
out:
	if (out)
		fclose(out);
	free(data);
	report_list_close(&list);
	return result;
}
