/*
 * report_list.c - the list of one offer's live applications, as the PDF
 * and the CSV both show it: which rows, in what order, with what number,
 * and what happened to each case since skema-decide proposed it.
 *
 * The number a manager reads is the row's place in this list, counted
 * when the report is made, not decisions.rank.  That rank is written with
 * the decision, by whoever wrote it: skema-decide the place of the case at
 * its last run, a reviewer's decision the rank of the proposal it
 * replaced, and a final decision is never written again.  After a withdrawal, a reviewer's change or an
 * ended forløb the stored ranks of one offer come from different runs and
 * skip numbers or repeat them; a rolling offer with places per quarter
 * starts them again in every quarter.  The stored rank still orders the
 * list of a ranked offer (it is the only record of the ranking), then
 * receipt; a first-come offer's list is in order of receipt.  The number
 * is given here, so it is consecutive and unique.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

/*
 * A row is numbered when it holds a place in the ranking: it has a rank,
 * or it holds a place without one (a reviewer's grant outside the
 * ranking); a registration is numbered in order of receipt.
 */
#define LIST_NUMBERED "(:registration OR d.rank IS NOT NULL OR d.outcome = 'bevilget')"

/*
 * Where capacity is per year, quarter or month, skema-decide numbers the
 * places of each period from 1: the period orders the list before the
 * rank.  A place counts against decisions.period, or (written before
 * schema v3, or a reviewer's grant not yet given one) its receipt period;
 * the waiting list comes after every period.
 */
#define LIST_PERIOD                                                                         \
	"CASE WHEN :period IS NULL THEN ''"                                                 \
	" WHEN d.period IS NOT NULL THEN d.period"                                          \
	" WHEN d.outcome = 'venteliste' THEN '~'"                                           \
	" WHEN :period = 'year' THEN substr(s.received_at, 1, 4)"                           \
	" WHEN :period = 'quarter' THEN substr(s.received_at, 1, 4) || '-Q' ||"             \
	"  ((CAST(substr(s.received_at, 6, 2) AS INTEGER) + 2) / 3)"                        \
	" ELSE substr(s.received_at, 1, 7) END"

/*
 * A reviewer's grant outside the ranking comes after the ranked.  First
 * come, first served: the ranking is the order of receipt, which a stale
 * rank (a final decision written before a withdrawal above it) cannot
 * contradict.
 */
#define LIST_ORDER                                                                          \
	"NOT " LIST_NUMBERED ", d.rank IS NULL, " LIST_PERIOD ","                           \
	" CASE WHEN :first_come THEN 0 ELSE d.rank END, s.received_at, s.id"

#define LIST_FROM                                                                           \
	" FROM submissions s"                                                               \
	" LEFT JOIN decisions d ON d.id = (SELECT max(d2.id) FROM decisions d2"             \
	"   WHERE d2.submission_id = s.id AND d2.current = 1)"                              \
	" WHERE s.status = 'stored' AND s.offer_id = :offer"                                \
	" AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)"                     \
	" AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to)"

/*
 * Who had the last word on a final decision: the newest of skema-decide's
 * events (proposed, decided) and a reviewer's (reviewed); and what
 * skema-decide last proposed ("<offer>: <outcome>", docs/schema.md).  Only
 * asked of final decisions, which are few beside the proposals.
 */
#define LAST_WORD                                                                           \
	"CASE WHEN d.state = 'final' THEN (SELECT e.event FROM events e"                    \
	"  WHERE e.submission_id = s.id AND e.event IN ('proposed', 'decided', 'reviewed')"  \
	"  ORDER BY e.id DESC LIMIT 1) END"
#define LAST_PROPOSAL                                                                       \
	"CASE WHEN d.state = 'final' THEN (SELECT e.detail FROM events e"                   \
	"  WHERE e.submission_id = s.id AND e.event IN ('proposed', 'decided')"              \
	"  ORDER BY e.id DESC LIMIT 1) END"

static const char list_sql[] =
	"SELECT " LIST_NUMBERED ", d.rank, s.case_number, s.applicant_name, s.received_at,"
	"  s.validation, d.outcome, d.state, d.explanation, s.id, s.original_name,"
	"  s.completed_on, " LAST_WORD ", " LAST_PROPOSAL LIST_FROM " ORDER BY " LIST_ORDER;

static void bind_list(sqlite3_stmt *stmt, const char *offer_id, const struct offer *def,
		      const struct report_scope *scope)
{
	int i;
	report_bind_scope(stmt, offer_id, scope);
	if ((i = sqlite3_bind_parameter_index(stmt, ":registration")) > 0)
		sqlite3_bind_int(stmt, i, offer_is_registration(def));
	if ((i = sqlite3_bind_parameter_index(stmt, ":first_come")) > 0)
		sqlite3_bind_int(stmt, i, def && def->policy && strcmp(def->policy, "first-come") == 0);
	if ((i = sqlite3_bind_parameter_index(stmt, ":period")) > 0 && def &&
	    def->capacity_max >= 0 && report_capacity_period(def))
		sqlite3_bind_text(stmt, i, report_capacity_period(def), -1, SQLITE_STATIC);
}

int report_list_open(sqlite3 *db, const char *offer_id, const struct offer *def,
		     const struct report_scope *scope, struct report_list *list)
{
	int rc;
	memset(list, 0, sizeof *list);
	list->offer_id = offer_id;
	if ((rc = sqlite3_prepare_v2(db, list_sql, -1, &list->stmt, NULL)) != SQLITE_OK)
		return rc;
	bind_list(list->stmt, offer_id, def, scope);
	return SQLITE_OK;
}

static const char *text(sqlite3_stmt *stmt, int column)
{
	return (const char *)sqlite3_column_text(stmt, column);
}

/*
 * The outcome skema-decide proposed, from its event's detail
 * "<offer>: <outcome>" or "<offer>: <outcome> (automatisk bekræftet)".
 */
static void proposed_outcome(const char *detail, const char *offer_id, char *buf, size_t size)
{
	size_t len = strlen(offer_id);
	buf[0] = '\0';
	if (!detail || strncmp(detail, offer_id, len) != 0 || strncmp(detail + len, ": ", 2) != 0)
		return;
	detail += len + 2;
	snprintf(buf, size, "%.*s", (int)strcspn(detail, " "), detail);
}

int report_list_next(struct report_list *list, struct report_list_row *row)
{
	sqlite3_stmt *stmt = list->stmt;
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_ROW)
		return rc;
	memset(row, 0, sizeof *row);
	row->number = sqlite3_column_int(stmt, 0) ? ++list->numbered : 0;
	row->decided_rank = sqlite3_column_int64(stmt, 1);
	row->case_number = text(stmt, 2);
	row->applicant = text(stmt, 3);
	row->received_at = text(stmt, 4);
	row->validation = text(stmt, 5);
	row->outcome = text(stmt, 6);
	row->state = text(stmt, 7);
	row->explanation = text(stmt, 8);
	row->id = sqlite3_column_int64(stmt, 9);
	row->original_name = text(stmt, 10);
	row->completed_on = text(stmt, 11);
	/* A final decision a reviewer wrote last, on an outcome other than the
	 * one proposed (or with none proposed): the reviewer changed it. */
	const char *last_word = text(stmt, 12);
	if (row->outcome && last_word && strcmp(last_word, "reviewed") == 0) {
		proposed_outcome(text(stmt, 13), list->offer_id, list->changed_from,
				 sizeof list->changed_from);
		if (strcmp(list->changed_from, row->outcome) != 0)
			row->changed_from = list->changed_from;
	}
	return SQLITE_ROW;
}

void report_list_close(struct report_list *list)
{
	sqlite3_finalize(list->stmt);
	list->stmt = NULL;
}

/*
 * The ranked rows come first, numbered 1 to o->ranked in the order of
 * their stored ranks: the numbers are those ranks when the ranks are 1 to
 * o->ranked, each once, and no number is the rank otherwise.  Where places
 * are per period, the period comes before the rank, so with places in
 * more than one period the sentence is said even in the rare case that
 * the ranks fit together.  From the offer's one aggregate query: a second
 * pass over the list in its order would cost another sort.
 */
int report_list_renumbered(const struct report_offer *o)
{
	if (o->ranked != o->ranks_distinct || o->ranks_distinct != o->rank_max)
		return 1;
	return o->def && o->def->capacity_max >= 0 && report_capacity_period(o->def) &&
	       o->selected_periods.count > 1;
}

/* An outcome as a sentence names it: "forslaget var mangler oplysninger". */
static const char *outcome_words(const char *outcome)
{
	return strcmp(outcome, "mangler") == 0 ? "mangler oplysninger" : outcome;
}

const char *report_list_note(const struct report_list_row *row, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	if (row->changed_from && *row->changed_from)
		used += (size_t)snprintf(buf, size, "ændret af sagsbehandler; forslaget var %s",
					 outcome_words(row->changed_from));
	else if (row->changed_from)
		used += (size_t)snprintf(buf, size, "afgjort af sagsbehandler uden forslag");
	if (row->completed_on && *row->completed_on && used < size)
		snprintf(buf + used, size - used, "%sforløbet er afsluttet og holder ikke længere en plads",
			 used ? "; " : "");
	return buf;
}
