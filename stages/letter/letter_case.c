/*
 * letter_case.c - reading one submission, its fields, criteria, current
 * decision and related submissions from the workspace database (schema in
 * stages/lib/db.c, docs/schema.md).  Read only: the letters row is written
 * by letter.c once the file is safely on disk.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "letter.h"
#include "msg.h"

void letter_case_init(struct letter_case *c)
{
	memset(c, 0, sizeof *c);
}

void letter_case_release(struct letter_case *c)
{
	if (!c)
		return;
	free(c->case_number);
	free(c->record_id);
	free(c->original_name);
	free(c->offer_id);
	free(c->received_at);
	free(c->status);
	free(c->validation);
	free(c->applicant_name);
	free(c->outcome);
	free(c->state);
	free(c->explanation);
	free(c->reason);
	free(c->decided_at);
	free(c->actor);
	free(c->decided_by);
	free(c->changed_from);
	free(c->withdrawn_at);
	free(c->superseded_by_case);
	free(c->superseded_by_received);
	free(c->completed_on);
	free(c->completion_note);
	json_decref(c->fields);
	json_decref(c->criteria);
	json_decref(c->record);
	json_decref(c->related);
	json_decref(c->replaces);
	letter_case_init(c);
}

static char *column(sqlite3_stmt *stmt, int i)
{
	const unsigned char *text = sqlite3_column_text(stmt, i);
	return text ? strdup((const char *)text) : NULL;
}

static json_t *column_json(sqlite3_stmt *stmt, int i)
{
	const unsigned char *text = sqlite3_column_text(stmt, i);
	return text ? json_string((const char *)text) : json_null();
}

static int fail(sqlite3 *db, const char *what, int rc)
{
	msg_error("%s: %s: %s", sqlite3_db_filename(db, "main"), what, sqlite3_errmsg(db));
	return rc;
}

/*
 * The statements a case is read with, prepared once per database
 * handle and reset after each case: preparing them anew took ~6 % of a
 * letter's instructions.  letter_case_finish() finalizes them; it must run
 * before the handle is closed.
 */
enum { Q_SUBMISSION, Q_FIELDS, Q_CRITERIA, Q_DECISION, Q_RELATED, Q_REPLACES, NQUERIES };
static sqlite3 *cached_db;
static sqlite3_stmt *cached[NQUERIES];

void letter_case_finish(void)
{
	for (int q = 0; q < NQUERIES; q++) {
		sqlite3_finalize(cached[q]);
		cached[q] = NULL;
	}
	cached_db = NULL;
}

static int prepare(sqlite3 *db, int q, const char *sql, sqlite3_stmt **stmt)
{
	if (cached_db != db) {
		letter_case_finish();
		cached_db = db;
	}
	if (!cached[q]) {
		int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &cached[q], NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	*stmt = cached[q];
	return SQLITE_OK;
}

/* Instead of sqlite3_finalize: ready for the next case. */
static void done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static int load_submission(sqlite3 *db, long long id, struct letter_case *c)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db, Q_SUBMISSION,
				    "SELECT submissions.case_number, submissions.record_id,"
				    " submissions.original_name, submissions.offer_id, submissions.received_at,"
				    " submissions.status, submissions.validation, submissions.applicant_name,"
				    " submissions.duplicate_of, submissions.superseded_by,"
				    /* Only the parts of the stored record the letters
				     * and sheets read: the whole (its fields above all)
				     * took jansson 10 % of a letter to parse.  A record
				     * that is not JSON gives NULL, as before. */
				    " CASE WHEN json_valid(submissions.record) THEN json_extract("
				    " submissions.record, '$.validation', '$.extra_fields', '$.warnings') END,"
				    " submissions.completed_on, submissions.completion_note,"
				    " submissions.withdrawn_at,"
				    " n.case_number, n.received_at,"
				    /* told it waited: a waiting-list letter went out */
				    " EXISTS (SELECT 1 FROM letters l WHERE l.submission_id = submissions.id"
				    "  AND l.kind = 'venteliste' AND l.draft = 0)"
				    " FROM submissions"
				    " LEFT JOIN submissions n ON n.id = submissions.superseded_by"
				    " WHERE submissions.id = ?1",
				    &stmt);
	if (rc != SQLITE_OK)
		return fail(db, "reading submissions", rc);
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		c->submission_id = id;
		c->case_number = column(stmt, 0);
		c->record_id = column(stmt, 1);
		c->original_name = column(stmt, 2);
		c->offer_id = column(stmt, 3);
		c->received_at = column(stmt, 4);
		c->status = column(stmt, 5);
		c->validation = column(stmt, 6);
		c->applicant_name = column(stmt, 7);
		c->duplicate_of = sqlite3_column_int64(stmt, 8);
		c->superseded_by = sqlite3_column_int64(stmt, 9);
		const unsigned char *parts = sqlite3_column_text(stmt, 10);
		json_t *a = parts ? json_loads((const char *)parts, 0, NULL) : NULL;
		if (json_is_array(a) && json_array_size(a) == 3 && (c->record = json_object())) {
			json_object_set(c->record, "validation", json_array_get(a, 0));
			json_object_set(c->record, "extra_fields", json_array_get(a, 1));
			json_object_set(c->record, "warnings", json_array_get(a, 2));
		}
		json_decref(a);
		c->completed_on = column(stmt, 11);
		c->completion_note = column(stmt, 12);
		c->withdrawn_at = column(stmt, 13);
		c->superseded_by_case = column(stmt, 14);
		c->superseded_by_received = column(stmt, 15);
		c->waited = sqlite3_column_int(stmt, 16);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_NOTFOUND;
	} else {
		rc = fail(db, "reading submissions", rc);
	}
	done(stmt);
	return rc;
}

static int load_fields(sqlite3 *db, struct letter_case *c)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db, Q_FIELDS,
				    "SELECT name, kind, raw, value, source, error FROM fields"
				    " WHERE submission_id = ?1 ORDER BY rowid",
				    &stmt);
	if (rc != SQLITE_OK)
		return fail(db, "reading fields", rc);
	sqlite3_bind_int64(stmt, 1, c->submission_id);
	c->fields = json_object();
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(stmt, 0);
		if (!name)
			continue;
		json_t *f = json_object();
		json_object_set_new(f, "kind", column_json(stmt, 1));
		json_object_set_new(f, "raw", column_json(stmt, 2));
		json_object_set_new(f, "value", column_json(stmt, 3));
		json_object_set_new(f, "source", column_json(stmt, 4));
		json_object_set_new(f, "error", column_json(stmt, 5));
		json_object_set_new(c->fields, (const char *)name, f);
	}
	done(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : fail(db, "reading fields", rc);
}

static int load_criteria(sqlite3 *db, struct letter_case *c)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db, Q_CRITERIA,
				    "SELECT criterion_id, kind, passed, text FROM criteria"
				    " WHERE submission_id = ?1 ORDER BY rowid",
				    &stmt);
	if (rc != SQLITE_OK)
		return fail(db, "reading criteria", rc);
	sqlite3_bind_int64(stmt, 1, c->submission_id);
	c->criteria = json_array();
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *cr = json_object();
		json_object_set_new(cr, "id", column_json(stmt, 0));
		json_object_set_new(cr, "kind", column_json(stmt, 1));
		json_object_set_new(cr, "passed", sqlite3_column_type(stmt, 2) == SQLITE_NULL
							  ? json_null()
							  : json_boolean(sqlite3_column_int(stmt, 2)));
		json_object_set_new(cr, "text", column_json(stmt, 3));
		json_array_append_new(c->criteria, cr);
	}
	done(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : fail(db, "reading criteria", rc);
}

static int load_decision(sqlite3 *db, struct letter_case *c)
{
	sqlite3_stmt *stmt;
	/* The view says who decided as skema review does (schema step 7):
	 * skema-decide's decisions are not the OS user's who ran it. */
	int rc = prepare(db, Q_DECISION,
				    "SELECT decision_id, outcome, state, explanation, reason, decided_at,"
				    " actor, decided_by, changed_from"
				    " FROM current_decisions WHERE submission_id = ?1"
				    " ORDER BY decision_id DESC LIMIT 1",
				    &stmt);
	if (rc != SQLITE_OK)
		return fail(db, "reading decisions", rc);
	sqlite3_bind_int64(stmt, 1, c->submission_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		c->has_decision = 1;
		c->decision_id = sqlite3_column_int64(stmt, 0);
		c->outcome = column(stmt, 1);
		c->state = column(stmt, 2);
		c->explanation = column(stmt, 3);
		c->reason = column(stmt, 4);
		c->decided_at = column(stmt, 5);
		c->actor = column(stmt, 6);
		c->decided_by = column(stmt, 7);
		c->changed_from = column(stmt, 8);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	} else {
		rc = fail(db, "reading decisions", rc);
	}
	done(stmt);
	return rc;
}

/* Duplicates of this one, the one it duplicates, and versions it replaced or was replaced by. */
static int load_related(sqlite3 *db, struct letter_case *c)
{
	sqlite3_stmt *stmt;
	int rc = prepare(
		db, Q_RELATED,
		"SELECT case_number, status, received_at, original_name,"
		"  CASE WHEN id = ?2 THEN 'original' WHEN duplicate_of = ?1 THEN 'duplicate'"
		"       WHEN superseded_by = ?1 THEN 'earlier' WHEN id = ?3 THEN 'later' END"
		" FROM submissions WHERE id <> ?1 AND (id = ?2 OR id = ?3 OR duplicate_of = ?1"
		"  OR superseded_by = ?1) ORDER BY received_at, id",
		&stmt);
	if (rc != SQLITE_OK)
		return fail(db, "reading related submissions", rc);
	sqlite3_bind_int64(stmt, 1, c->submission_id);
	sqlite3_bind_int64(stmt, 2, c->duplicate_of);
	sqlite3_bind_int64(stmt, 3, c->superseded_by);
	c->related = json_array();
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *r = json_object();
		json_object_set_new(r, "case_number", column_json(stmt, 0));
		json_object_set_new(r, "status", column_json(stmt, 1));
		json_object_set_new(r, "received_at", column_json(stmt, 2));
		json_object_set_new(r, "original_name", column_json(stmt, 3));
		json_object_set_new(r, "relation", column_json(stmt, 4));
		json_array_append_new(c->related, r);
	}
	done(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : fail(db, "reading related submissions", rc);
}

/*
 * The earlier versions this one replaces: those it superseded, and those
 * they had superseded in turn.  The applicant may have had a letter for
 * any of them, so each is named, not only the last.
 */
static int load_replaces(sqlite3 *db, struct letter_case *c)
{
	sqlite3_stmt *stmt;
	int rc = prepare(
		db, Q_REPLACES,
		"WITH RECURSIVE earlier(id) AS ("
		"  SELECT id FROM submissions WHERE superseded_by = ?1"
		"  UNION SELECT s.id FROM submissions s JOIN earlier e ON s.superseded_by = e.id)"
		" SELECT s.case_number, s.received_at,"
		"  coalesce((SELECT d.outcome = 'mangler' FROM decisions d"
		"            WHERE d.submission_id = s.id AND d.current = 1),"
		"           s.validation = 'incomplete', 0)"
		" FROM submissions s JOIN earlier USING (id)"
		" WHERE s.id <> ?1 AND s.case_number IS NOT NULL ORDER BY s.received_at, s.id",
		&stmt);
	if (rc != SQLITE_OK)
		return fail(db, "reading the versions replaced", rc);
	sqlite3_bind_int64(stmt, 1, c->submission_id);
	c->replaces = json_array();
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *r = json_object();
		json_object_set_new(r, "case_number", column_json(stmt, 0));
		json_object_set_new(r, "received_at", column_json(stmt, 1));
		json_object_set_new(r, "lacked", json_boolean(sqlite3_column_int(stmt, 2)));
		json_array_append_new(c->replaces, r);
	}
	done(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : fail(db, "reading the versions replaced", rc);
}

int letter_case_load(sqlite3 *db, long long id, struct letter_case *c)
{
	int rc;
	letter_case_init(c);
	if ((rc = load_submission(db, id, c)) != SQLITE_OK || (rc = load_fields(db, c)) != SQLITE_OK ||
	    (rc = load_criteria(db, c)) != SQLITE_OK || (rc = load_decision(db, c)) != SQLITE_OK ||
	    (rc = load_related(db, c)) != SQLITE_OK || (rc = load_replaces(db, c)) != SQLITE_OK)
		return rc;
	if (!c->fields || !c->criteria || !c->related || !c->replaces)
		return SQLITE_NOMEM;
	return SQLITE_OK;
}

/*
 * Runs sql (one column of ids) into *ids, caller-freed; what says what was
 * looked for, in the message when it fails.
 */
static int collect_ids(sqlite3 *db, const char *sql, const char *what, long long **ids,
		       size_t *count)
{
	sqlite3_stmt *stmt;
	size_t alloc = 0;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	*ids = NULL;
	*count = 0;
	if (rc != SQLITE_OK)
		return fail(db, what, rc);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*count == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			long long *grown = realloc(*ids, alloc * sizeof *grown);
			if (!grown) {
				rc = SQLITE_NOMEM;
				break;
			}
			*ids = grown;
		}
		(*ids)[(*count)++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : fail(db, what, rc);
}

int letter_pending(sqlite3 *db, long long **ids, size_t *count)
{
	return collect_ids(db,
			   "SELECT d.submission_id" DB_LETTERS_PENDING_FROM " ORDER BY d.submission_id",
			   "finding pending letters", ids, count);
}

int letter_stale_sheets(sqlite3 *db, long long **ids, size_t *count)
{
	/*
	 * Event ids, not times, say which came first: a completion and the
	 * sheet before it can carry the same second (SKEMA_NOW, a quick
	 * reviewer).  Driven from the few completion and withdrawal events,
	 * each checked through events_submission.  A withdrawn case gets no
	 * letter any more, so its sheet is the reviewer's record that it was
	 * withdrawn: it is written once more after the withdrawal.  So is a
	 * case a corrected form replaced (superseded).
	 */
	return collect_ids(
		db,
		"SELECT DISTINCT e.submission_id FROM events e"
		" JOIN submissions s ON s.id = e.submission_id"
		" WHERE e.event IN (" LETTER_SHEET_EVENTS ")"
		"  AND (s.status = 'stored' OR (s.status = 'withdrawn' AND e.event = 'withdrawn')"
		"   OR (s.status = 'superseded' AND e.event = 'superseded'))"
		"  AND s.purged_at IS NULL"
		"  AND NOT EXISTS (SELECT 1 FROM events r WHERE r.submission_id = e.submission_id"
		"   AND r.event = 'review_sheet' AND r.id > e.id)"
		" ORDER BY e.submission_id",
		"finding stale review sheets", ids, count);
}
