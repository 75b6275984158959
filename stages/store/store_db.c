/*
 * store_db.c - one record into the database, all of it or none of it.
 *
 * Everything about a record is written inside one BEGIN IMMEDIATE
 * transaction, so that a crash, a full disk or a lock leaves either the
 * whole submission (row, fields, criteria, events, case number) or nothing;
 * the driver then runs the file again and the record id makes that safe.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "json_write.h"
#include "msg.h"
#include "record.h"
#include "store.h"

struct submission_row {
	long long id;
	long long duplicate_of;     /* 0: none */
	char case_number[32];
	char status[16];
};

/* Says what the database refused, in the one form every query here uses. */
static void report(sqlite3 *db)
{
	msg_error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
}

/*
 * Statements are prepared once and kept for the connection: parsing the
 * same SQL again for every record was a fifth of the store's time.  The
 * cache is keyed by the SQL text's address (every statement here is a
 * literal) and by the connection; store_forget_statements() empties it.
 */
#define STATEMENTS_MAX 32

static struct {
	sqlite3 *db;
	const char *sql;
	sqlite3_stmt *stmt;
} statements[STATEMENTS_MAX];

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **stmt)
{
	size_t i;
	for (i = 0; i < STATEMENTS_MAX && statements[i].stmt; i++) {
		if (statements[i].db == db && statements[i].sql == sql) {
			*stmt = statements[i].stmt;
			return SQLITE_OK;
		}
	}
	int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL);
	if (rc != SQLITE_OK) {
		report(db);
		return rc;
	}
	if (i < STATEMENTS_MAX) {
		statements[i].db = db;
		statements[i].sql = sql;
		statements[i].stmt = *stmt;
	}
	return rc;
}

/* Done with a statement: a kept one is reset for its next use, any other finalized. */
static void release(sqlite3_stmt *stmt)
{
	for (size_t i = 0; i < STATEMENTS_MAX && statements[i].stmt; i++) {
		if (statements[i].stmt == stmt) {
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			return;
		}
	}
	sqlite3_finalize(stmt);
}

void store_forget_statements(sqlite3 *db)
{
	size_t kept = 0;
	for (size_t i = 0; i < STATEMENTS_MAX && statements[i].stmt; i++) {
		if (statements[i].db == db)
			sqlite3_finalize(statements[i].stmt);
		else
			statements[kept++] = statements[i];
	}
	for (size_t i = kept; i < STATEMENTS_MAX; i++)
		memset(&statements[i], 0, sizeof statements[i]);
}

/* Steps a statement that returns no rows, releases it, and reports a failure. */
static int finish(sqlite3 *db, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		rc = SQLITE_OK;
	else
		report(db);
	release(stmt);
	return rc;
}

/* db_event() through a kept statement: two or three events a record. */
static const char event_sql[] = DB_EVENT_SQL;

static int event(sqlite3 *db, long long submission_id, const char *what, const char *detail)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db, event_sql, &stmt);
	if (rc != SQLITE_OK)
		return rc;
	rc = db_event_prepared(stmt, submission_id, what, detail);
	release(stmt);
	return rc;
}

static void bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	if (text)
		sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, index);
}

/* Binds a JSON value as the closest SQL value: text, integer, 0/1, real, NULL. */
static void bind_json(sqlite3_stmt *stmt, int index, const json_t *value)
{
	if (json_is_string(value)) {
		sqlite3_bind_text(stmt, index, json_string_value(value), (int)json_string_length(value),
				  SQLITE_TRANSIENT);
	} else if (json_is_integer(value)) {
		sqlite3_bind_int64(stmt, index, json_integer_value(value));
	} else if (json_is_boolean(value)) {
		sqlite3_bind_int(stmt, index, json_is_true(value));
	} else if (json_is_real(value)) {
		sqlite3_bind_double(stmt, index, json_real_value(value));
	} else if (value && !json_is_null(value)) {
		char *text = json_compact(value);
		bind_text(stmt, index, text);
		free(text);
	} else {
		sqlite3_bind_null(stmt, index);
	}
}

static const char *field_value(const json_t *fields, const char *name)
{
	const json_t *value = json_object_get(json_object_get(fields, name), "value");
	const char *text = json_string_value(value);
	return text && *text ? text : NULL;
}

/* Lowercases ASCII letters in place; UTF-8 bytes above 127 are left alone. */
static void lower_ascii(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

int store_applicant_key(const json_t *fields, char *buf, size_t size)
{
	const char *cvr = field_value(fields, "cvr");
	const char *sted = field_value(fields, "sted_navn");
	const char *kommune = field_value(fields, "kommune");
	const char *email = field_value(fields, "email");
	int n;

	if (!email)
		email = field_value(fields, "kontakt_email");
	if (cvr)
		n = snprintf(buf, size, "cvr:%s", cvr);
	else if (sted)
		n = snprintf(buf, size, "sted:%s|%s", sted, kommune ? kommune : "");
	else if (kommune)
		n = snprintf(buf, size, "kommune:%s", kommune);
	else if (email)
		n = snprintf(buf, size, "email:%s", email);
	else
		return -1;
	if (n < 0 || (size_t)n >= size)
		return -1;
	lower_ascii(buf);
	return 0;
}

int store_applicant_name(const json_t *fields, char *buf, size_t size)
{
	const char *sted = field_value(fields, "sted_navn");
	const char *kommune = field_value(fields, "kommune");
	const char *organisation = field_value(fields, "organisation");
	const char *navn = field_value(fields, "navn");
	int n;

	if (sted)
		n = snprintf(buf, size, "%s", sted);
	else if (kommune && strcmp(kommune, "København") == 0)
		n = snprintf(buf, size, "Københavns Kommune");
	else if (kommune)
		n = snprintf(buf, size, "%s Kommune", kommune);
	else if (organisation)
		n = snprintf(buf, size, "%s", organisation);
	else if (navn)
		n = snprintf(buf, size, "%s", navn);
	else
		return -1;
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

char *store_format_case_number(int year, long long number, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%06lld", year, number);
	return buf;
}

/* The year of receipt from "2026-03-01T...", else this year. */
static int receipt_year(const char *received_at)
{
	if (received_at && strlen(received_at) >= 4 && isdigit((unsigned char)received_at[0]) &&
	    isdigit((unsigned char)received_at[1]) && isdigit((unsigned char)received_at[2]) &&
	    isdigit((unsigned char)received_at[3]))
		return (received_at[0] - '0') * 1000 + (received_at[1] - '0') * 100 +
		       (received_at[2] - '0') * 10 + (received_at[3] - '0');
	time_t now;
	struct tm tm;
	if (clock_now(&now) < 0)
		now = time(NULL);
	localtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

/* Hands out the next case number of the year, inside the caller's transaction. */
static int next_case_number(sqlite3 *db, int year, char *buf, size_t size)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db,
			 "INSERT INTO case_numbers (year, last) VALUES (?1, 1)"
			 " ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last",
			 &stmt);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int(stmt, 1, year);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_format_case_number(year, sqlite3_column_int64(stmt, 0), buf, size);
		rc = SQLITE_OK;
	} else {
		report(db);
	}
	release(stmt);
	return rc;
}

/*
 * Steps stmt (id, case_number, status, duplicate_of) and releases it: 1
 * with row filled, 0 no row, or -SQLite code.
 */
static int read_row(sqlite3 *db, sqlite3_stmt *stmt, struct submission_row *row)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *text;
		row->id = sqlite3_column_int64(stmt, 0);
		text = sqlite3_column_text(stmt, 1);
		snprintf(row->case_number, sizeof row->case_number, "%s", text ? (const char *)text : "");
		text = sqlite3_column_text(stmt, 2);
		snprintf(row->status, sizeof row->status, "%s", text ? (const char *)text : "");
		row->duplicate_of = sqlite3_column_int64(stmt, 3);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		report(db);
		rc = -rc;
	}
	release(stmt);
	return rc;
}

/* Fills row from the submission with this record id; 1 found, 0 not, or -SQLite code. */
static int find_record(sqlite3 *db, const char *record_id, struct submission_row *row)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db,
			 "SELECT id, case_number, status, duplicate_of FROM submissions"
			 " WHERE record_id = ?1",
			 &stmt);
	if (rc != SQLITE_OK)
		return -rc;
	bind_text(stmt, 1, record_id);
	return read_row(db, stmt, row);
}

/*
 * The record id is YYYYMMDD-HHMMSS-<12 hex of sha256>-<n>: the time and n
 * come from the claim alone, the hex from the bytes.  A file that could not
 * be read has no digest yet (its hex is all zeros), so the attempt that
 * reads it gets another id for the same claim.  Splits id into the claim's
 * part before the hex ("YYYYMMDD-HHMMSS-") and after it ("-<n>"); returns
 * 0, or -1 for an id of another shape (tests, other tools), which has no
 * claim to find.
 */
#define ID_TIME_LEN 16 /* "YYYYMMDD-HHMMSS-" */
#define ID_HEX_LEN 12

static int claim_parts(const char *id, char *prefix, const char **suffix)
{
	size_t len = strlen(id);
	if (len < ID_TIME_LEN + ID_HEX_LEN + 2 || id[8] != '-' || id[ID_TIME_LEN - 1] != '-' ||
	    id[ID_TIME_LEN + ID_HEX_LEN] != '-')
		return -1;
	for (size_t i = 0; i < ID_TIME_LEN - 1; i++)
		if (i != 8 && !isdigit((unsigned char)id[i]))
			return -1;
	for (size_t i = ID_TIME_LEN; i < ID_TIME_LEN + ID_HEX_LEN; i++)
		if (!isxdigit((unsigned char)id[i]))
			return -1;
	for (size_t i = ID_TIME_LEN + ID_HEX_LEN + 1; i < len; i++)
		if (!isdigit((unsigned char)id[i]))
			return -1;
	memcpy(prefix, id, ID_TIME_LEN);
	prefix[ID_TIME_LEN] = '\0';
	*suffix = id + ID_TIME_LEN + ID_HEX_LEN;
	return 0;
}

/*
 * Another row of the same claim as record_id (same time and n, other
 * hex): 1 found (row filled), 0 not, or -SQLite code.  A record that has
 * its digest looks for the claim's row from when the file could not be
 * read (zeros: one lookup by the unique index), else for the claim's
 * failed attempt on other bytes (a zip cut short by a writer that paused,
 * which the driver kept to read again whole); one that could not be read
 * looks for any row of the claim.  Both rare: a range of one second of ids.
 * A stored row of other bytes is not the store's to replace: the driver
 * supersedes it (a file written on after it was read).
 */
static int find_claim_row(sqlite3 *db, const char *record_id, struct submission_row *row)
{
	static const char zeros[] = "000000000000";
	char from[ID_TIME_LEN + 1], to[ID_TIME_LEN + 1], unread[128];
	const char *suffix;
	sqlite3_stmt *stmt;
	if (claim_parts(record_id, from, &suffix) < 0)
		return 0;
	int have_digest = strncmp(record_id + ID_TIME_LEN, zeros, ID_HEX_LEN) != 0;
	if (have_digest) {
		if ((size_t)snprintf(unread, sizeof unread, "%s%s%s", from, zeros, suffix) >=
		    sizeof unread)
			return 0;
		int found = find_record(db, unread, row);
		if (found != 0)
			return found;
	}
	memcpy(to, from, sizeof to);
	to[ID_TIME_LEN - 1] = '-' + 1; /* every id of the second sorts below it */
	int rc = prepare(db,
			 "SELECT id, case_number, status, duplicate_of FROM submissions"
			 " WHERE record_id >= ?1 AND record_id < ?2 AND record_id <> ?3"
			 " AND length(record_id) = length(?3)"
			 " AND substr(record_id, ?5) = ?4 AND (?6 = 0 OR status = 'failed')"
			 " ORDER BY status <> 'failed', id LIMIT 1",
			 &stmt);
	if (rc != SQLITE_OK)
		return -rc;
	bind_text(stmt, 1, from);
	bind_text(stmt, 2, to);
	bind_text(stmt, 3, record_id);
	bind_text(stmt, 4, suffix);
	sqlite3_bind_int(stmt, 5, ID_TIME_LEN + ID_HEX_LEN + 1);
	sqlite3_bind_int(stmt, 6, have_digest);
	return read_row(db, stmt, row);
}

/*
 * Runs a query that returns one integer (or nothing) with one or two text
 * parameters.  Returns SQLITE_OK with *out set (0 when no row).
 */
static int query_id(sqlite3 *db, const char *sql, const char *a, const char *b, long long *out)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db, sql, &stmt);
	*out = 0;
	if (rc != SQLITE_OK)
		return rc;
	bind_text(stmt, 1, a);
	if (b)
		bind_text(stmt, 2, b);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	} else {
		report(db);
	}
	release(stmt);
	return rc;
}

static int exec_simple(sqlite3 *db, const char *sql, long long id)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db, sql, &stmt);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	return finish(db, stmt);
}

static int case_number_of(sqlite3 *db, long long id, char *buf, size_t size)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db, "SELECT case_number FROM submissions WHERE id = ?1", &stmt);
	buf[0] = '\0';
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
	release(stmt);
	return SQLITE_OK;
}

/*
 * The fields and the criteria of a submission are each one prepared insert
 * run once a row; these two start a row (?1 is the submission) and step it,
 * finalizing the statement when the row fails.
 */
static void next_row(sqlite3_stmt *stmt, long long id)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	sqlite3_bind_int64(stmt, 1, id);
}

static int step_row(sqlite3 *db, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		report(db);
		release(stmt);
	}
	return rc;
}

static int store_fields(sqlite3 *db, long long id, const json_t *fields)
{
	const char *name;
	json_t *field;
	sqlite3_stmt *stmt;
	int rc = prepare(db,
			 "INSERT OR REPLACE INTO fields (submission_id, name, kind, raw, value, source, error)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			 &stmt);
	if (rc != SQLITE_OK)
		return rc;
	json_object_foreach((json_t *)fields, name, field) {
		if (!json_is_object(field))
			continue;
		next_row(stmt, id);
		bind_text(stmt, 2, name);
		bind_text(stmt, 3, json_string_value(json_object_get(field, "kind")));
		bind_json(stmt, 4, json_object_get(field, "raw"));
		bind_json(stmt, 5, json_object_get(field, "value"));
		bind_text(stmt, 6, json_string_value(json_object_get(field, "source")));
		bind_text(stmt, 7, json_string_value(json_object_get(field, "error")));
		if ((rc = step_row(db, stmt)) != SQLITE_DONE)
			return rc;
	}
	release(stmt);
	return SQLITE_OK;
}

static int store_criteria(sqlite3 *db, long long id, const json_t *criteria)
{
	size_t i;
	json_t *criterion;
	sqlite3_stmt *stmt;
	int rc = prepare(db,
			 "INSERT OR REPLACE INTO criteria (submission_id, criterion_id, kind, passed, text)"
			 " VALUES (?1, ?2, ?3, ?4, ?5)",
			 &stmt);
	if (rc != SQLITE_OK)
		return rc;
	json_array_foreach(criteria, i, criterion) {
		const char *criterion_id = json_string_value(json_object_get(criterion, "id"));
		const char *kind = json_string_value(json_object_get(criterion, "kind"));
		const json_t *passed = json_object_get(criterion, "passed");
		if (!criterion_id)
			continue;
		next_row(stmt, id);
		bind_text(stmt, 2, criterion_id);
		bind_text(stmt, 3, kind ? kind : "eligibility");
		if (json_is_boolean(passed))
			sqlite3_bind_int(stmt, 4, json_is_true(passed));
		else
			sqlite3_bind_null(stmt, 4);
		bind_text(stmt, 5, json_string_value(json_object_get(criterion, "text")));
		if ((rc = step_row(db, stmt)) != SQLITE_DONE)
			return rc;
	}
	release(stmt);
	return SQLITE_OK;
}

/* Adds rec["submission"] from a row. */
static void set_submission(json_t *rec, const struct submission_row *row, const char *status)
{
	json_t *sub = json_object();
	json_object_set_new(sub, "db_id", json_integer(row->id));
	json_object_set_new(sub, "case_number",
			    row->case_number[0] ? json_string(row->case_number) : json_null());
	json_object_set_new(sub, "status", json_string(status));
	if (row->duplicate_of > 0)
		json_object_set_new(sub, "duplicate_of", json_integer(row->duplicate_of));
	json_object_set_new(rec, "submission", sub);
}

/*
 * Receipt order, the order superseding follows: received_at as an instant
 * (the offset changes with summer time, so the text does not sort), then,
 * for forms received in the same second, the file's mtime as ingest read it
 * (modified_ns: the one written last is the newer; the driver claims in
 * the order files were dropped), then the record id.  All three are fixed
 * by the claim and the file, so the order is the same whatever order the
 * forms were processed in (after a crash, a lock, a file held back).  T is
 * the table alias; the key is three expressions.
 */
#define RECEIPT_KEY(t)                                                                    \
	"coalesce(CAST(strftime('%s', " t ".received_at) AS INTEGER), 0), "              \
	"coalesce(CASE WHEN json_valid(" t ".record) THEN json_extract(" t ".record,"           \
	" '$.modified_ns') END, 0), " t ".record_id"

/* A form received after the deadline: its "frist" criterion failed. */
#define LATE(t) \
	"EXISTS (SELECT 1 FROM criteria c WHERE c.submission_id = " t ".id" \
	" AND c.criterion_id = 'frist' AND c.passed = 0)"

/* Marks older as replaced by newer, with an event on each. */
static int mark_superseded(sqlite3 *db, long long older, long long newer)
{
	char detail[96], older_case[32], newer_case[32];
	sqlite3_stmt *stmt;
	int rc = prepare(db,
			 "UPDATE submissions SET status = 'superseded', superseded_by = ?1"
			 " WHERE id = ?2",
			 &stmt);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, newer);
	sqlite3_bind_int64(stmt, 2, older);
	if ((rc = finish(db, stmt)) != SQLITE_OK)
		return rc;
	case_number_of(db, older, older_case, sizeof older_case);
	case_number_of(db, newer, newer_case, sizeof newer_case);
	snprintf(detail, sizeof detail, "erstattet af %s", newer_case);
	if ((rc = event(db, older, "superseded", detail)) != SQLITE_OK)
		return rc;
	snprintf(detail, sizeof detail, "erstatter %s", older_case);
	return event(db, newer, "supersedes", detail);
}

/*
 * Puts the new submission id in receipt order among the forms of this
 * applicant for this offer, and sets *reported to what it became:
 *
 * - a form received later is stored already (the new one was held back:
 *   a file that could not be read yet, a crash, a busy database): the new
 *   one is the older version, and the first later one replaces it
 *   ("superseded"), as it would have, had they come in receipt order:
 *   also when that one has been replaced or withdrawn since.  Nothing
 *   about the later forms changes: their decisions and letters stand;
 * - else it supersedes every open earlier one ("supersedes"): live, and
 *   not decided for good (a final mangler or venteliste is still open,
 *   since the corrected form answers it).
 *
 * Either way a late form (its "frist" criterion failed) replaces only
 * late ones, so a timely application is never replaced by a late one.
 */
static int supersede(sqlite3 *db, long long id, const char *offer_id, const char *applicant_key,
		     const char **reported)
{
	sqlite3_stmt *stmt;
	long long older[64], later = 0;
	size_t n = 0;
	int rc = prepare(db,
			 "SELECT s.id FROM submissions s JOIN submissions n ON n.id = ?3"
			 " WHERE s.offer_id = ?1 AND s.applicant_key = ?2"
			 /* "+": the applicant's index, not the report's on (offer, status) */
			 " AND +s.status IN ('stored', 'superseded', 'withdrawn') AND s.id <> n.id"
			 " AND (" RECEIPT_KEY("s") ") > (" RECEIPT_KEY("n") ")"
			 " AND NOT (" LATE("s") " AND NOT " LATE("n") ")"
			 " ORDER BY " RECEIPT_KEY("s") " LIMIT 1",
			 &stmt);
	if (rc != SQLITE_OK)
		return rc;
	bind_text(stmt, 1, offer_id);
	bind_text(stmt, 2, applicant_key);
	sqlite3_bind_int64(stmt, 3, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		later = sqlite3_column_int64(stmt, 0);
	release(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		report(db);
		return rc;
	}
	if (later > 0) {
		if ((rc = mark_superseded(db, id, later)) == SQLITE_OK)
			*reported = "superseded";
		return rc;
	}

	rc = prepare(db,
		     "SELECT s.id FROM submissions s JOIN submissions n ON n.id = ?3"
		     " WHERE s.offer_id = ?1 AND s.applicant_key = ?2"
		     " AND +s.status = 'stored' AND s.id <> n.id"
		     " AND (" RECEIPT_KEY("s") ") < (" RECEIPT_KEY("n") ")"
		     /* A case decided for good is closed: a new form is a new application. */
		     " AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.submission_id = s.id"
		     "   AND d.current = 1 AND d.state = 'final'"
		     "   AND d.outcome IN ('bevilget', 'afslag', 'bekræftelse'))"
		     /* A form received after the deadline does not replace one
		      * received in time: the timely application stands, and the
		      * late one is refused on its own. */
		     " AND NOT (" LATE("n") " AND NOT " LATE("s") ")"
		     " ORDER BY " RECEIPT_KEY("s"),
		     &stmt);
	if (rc != SQLITE_OK)
		return rc;
	bind_text(stmt, 1, offer_id);
	bind_text(stmt, 2, applicant_key);
	sqlite3_bind_int64(stmt, 3, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && n < sizeof older / sizeof *older)
		older[n++] = sqlite3_column_int64(stmt, 0);
	release(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		report(db);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		if ((rc = mark_superseded(db, older[i], id)) != SQLITE_OK)
			return rc;
		*reported = "supersedes";
	}
	return SQLITE_OK;
}

/*
 * Where the row says the file is: the record's path, relative to the
 * workspace (the database's directory) when the file is in it, as the
 * driver writes archive/ and quarantine/ places.  The stages name a claim
 * by its absolute path; a file held back in work/ keeps that row until it
 * moves, and a workspace may be moved or mounted elsewhere meanwhile.
 */
static const char *stored_path(sqlite3 *db, const char *path)
{
	const char *db_file = sqlite3_db_filename(db, "main");
	const char *slash = db_file ? strrchr(db_file, '/') : NULL;
	if (!path || path[0] != '/' || !slash || slash == db_file)
		return path;
	size_t len = (size_t)(slash - db_file);
	if (strncmp(path, db_file, len) == 0 && path[len] == '/' && path[len + 1] != '\0')
		return path + len + 1;
	return path;
}

/*
 * Inserts the submission row, or, when *id is set, rewrites that row (a
 * failed attempt of the same record, tried again).
 */
static int insert_submission(sqlite3 *db, const json_t *rec, const char *text, size_t len,
			     const char *status, const char *case_number, long long duplicate_of,
			     const char *applicant_key, const char *applicant_name, long long *id)
{
	const json_t *form = json_object_get(rec, "form");
	const json_t *error = json_object_get(rec, "error");
	const json_t *validation = json_object_get(rec, "validation");
	const char *original_name = record_str(rec, "original_name");
	const char *received_at = record_str(rec, "received_at");
	char now_iso[CLOCK_ISO_SIZE];
	time_t now;
	sqlite3_stmt *stmt;
	/* As read: writing rec out again was a seventh of the store's time. */
	char *json = text ? NULL : json_compact(rec);
	int rc;

	if (clock_now(&now) < 0)
		now = time(NULL);
	clock_format(now, now_iso);
	rc = prepare(db,
		     *id > 0 ? "UPDATE submissions SET record_id = ?1, case_number = ?2, sha256 = ?3,"
			       " original_name = ?4, size = ?5, received_at = ?6, format = ?7,"
			       " offer_id = ?8, offer_version = ?9, form_source = ?10, status = ?11,"
			       " validation = ?12, applicant_key = ?13, applicant_name = ?14,"
			       " duplicate_of = ?15, error_stage = ?16, error_code = ?17,"
			       " error_message = ?18, error_message_da = ?19, stored_path = ?20,"
			       " record = ?21, stored_at = ?22 WHERE id = ?23"
			     : "INSERT INTO submissions (record_id, case_number, sha256, original_name, size,"
			       " received_at, format, offer_id, offer_version, form_source, status, validation,"
			       " applicant_key, applicant_name, duplicate_of, error_stage, error_code,"
			       " error_message, error_message_da, stored_path, record, stored_at)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
			       " ?17, ?18, ?19, ?20, ?21, ?22)",
		     &stmt);
	if (rc != SQLITE_OK)
		goto out;
	if (*id > 0)
		sqlite3_bind_int64(stmt, 23, *id);
	bind_text(stmt, 1, record_str(rec, "id"));
	bind_text(stmt, 2, case_number);
	bind_text(stmt, 3, record_str(rec, "sha256") ? record_str(rec, "sha256") : "");
	bind_text(stmt, 4, original_name ? original_name : "");
	sqlite3_bind_int64(stmt, 5, json_integer_value(json_object_get(rec, "size")));
	bind_text(stmt, 6, received_at ? received_at : now_iso);
	bind_text(stmt, 7, record_str(rec, "format"));
	bind_text(stmt, 8, record_str(form, "id"));
	bind_text(stmt, 9, record_str(form, "version"));
	bind_text(stmt, 10, record_str(form, "source"));
	bind_text(stmt, 11, status);
	bind_text(stmt, 12, record_str(validation, "result"));
	bind_text(stmt, 13, applicant_key);
	bind_text(stmt, 14, applicant_name);
	if (duplicate_of > 0)
		sqlite3_bind_int64(stmt, 15, duplicate_of);
	bind_text(stmt, 16, record_str(error, "stage"));
	bind_text(stmt, 17, record_str(error, "code"));
	bind_text(stmt, 18, record_str(error, "message"));
	bind_text(stmt, 19, record_str(error, "message_da"));
	bind_text(stmt, 20, stored_path(db, record_str(rec, "path")));
	if (text)
		sqlite3_bind_text(stmt, 21, text, (int)len, SQLITE_TRANSIENT);
	else
		bind_text(stmt, 21, json);
	bind_text(stmt, 22, now_iso);
	rc = finish(db, stmt);
	if (*id <= 0)
		*id = sqlite3_last_insert_rowid(db);
out:
	free(json);
	return rc;
}

/*
 * Each record is all or nothing inside the transaction the caller holds
 * (several records are committed together: see store.c), through a
 * savepoint; without one, the savepoint is a transaction of its own.
 */
static int savepoint(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db, sql, &stmt);
	return rc == SQLITE_OK ? finish(db, stmt) : rc;
}

static void undo(sqlite3 *db)
{
	sqlite3_exec(db, "ROLLBACK TO store_record", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE store_record", NULL, NULL, NULL);
}

int store_record(sqlite3 *db, json_t *rec, const char *text, size_t len)
{
	const char *record_id = record_str(rec, "id");
	const char *sha256 = record_str(rec, "sha256");
	const char *offer_id = record_str(json_object_get(rec, "form"), "id");
	const json_t *fields = json_object_get(rec, "fields");
	struct submission_row row = {0};
	char applicant_key[512], applicant_name[512], detail[256];
	const char *status = "stored", *reported = "stored";
	int failed = record_failed(rec), have_key, have_name, rc;
	long long retry_of = 0;

	if (!record_id || !*record_id) {
		msg_error("stdin: a record without \"id\" cannot be stored");
		record_fail(rec, "store", "bad_record", 1, "record has no id",
			    "Filen kunne ikke registreres (intern fejl: posten mangler id). "
			    "Kontakt den systemansvarlige.");
		return SQLITE_OK;
	}
	have_key = store_applicant_key(fields, applicant_key, sizeof applicant_key) == 0;
	have_name = store_applicant_name(fields, applicant_name, sizeof applicant_name) == 0;

	if ((rc = savepoint(db, "SAVEPOINT store_record")) != SQLITE_OK)
		return rc;
	int found = find_record(db, record_id, &row);
	if (found == 0) {
		/*
		 * The same claim under another id: its file could not be read
		 * before (no digest, so zeros in the id) and now can, or the
		 * other way round.  One dropped file, one row.
		 */
		found = find_claim_row(db, record_id, &row);
		if (found > 0 && strcmp(row.status, "failed") != 0) {
			if (failed && !json_is_true(json_object_get(json_object_get(rec, "error"),
								     "permanent"))) {
				/* Stored before, and unreadable for now: the row stands
				 * and the driver keeps the file for the next run. */
				undo(db);
				set_submission(rec, &row, row.status);
				return SQLITE_OK;
			}
			found = 0;
			memset(&row, 0, sizeof row);
		}
	}
	if (found < 0) {
		rc = -found;
		goto fail;
	}
	if (found && strcmp(row.status, "failed") == 0) {
		/*
		 * The same claim failed before for a reason that may pass (a
		 * timeout, a file nobody could read yet): the driver kept the
		 * file and tried again, with the same record id or, once the
		 * file could be read, the id its digest gives.  This attempt
		 * replaces the failed one in its row; the events keep both.
		 */
		retry_of = row.id;
		memset(&row, 0, sizeof row);
		row.id = retry_of;
		if ((rc = exec_simple(db, "DELETE FROM fields WHERE submission_id = ?1", retry_of)) !=
			    SQLITE_OK ||
		    (rc = exec_simple(db, "DELETE FROM criteria WHERE submission_id = ?1", retry_of)) !=
			    SQLITE_OK)
			goto fail;
	} else if (found) {
		/* Stored before (the driver ran it again after a crash). */
		undo(db);
		if (strcmp(row.status, "duplicate") == 0 || strcmp(row.status, "failed") == 0 ||
		    strcmp(row.status, "superseded") == 0)
			reported = row.status;
		set_submission(rec, &row, reported);
		msg_debug("%s: stored before as %s", record_id, row.case_number);
		return SQLITE_OK;
	}

	if (failed) {
		status = reported = "failed";
	} else {
		/* The first holder of these bytes, following a duplicate to its original. */
		if ((rc = query_id(db,
				   "SELECT COALESCE(duplicate_of, id) FROM submissions"
				   " WHERE sha256 = ?1 AND status <> 'failed' ORDER BY id LIMIT 1",
				   sha256 ? sha256 : "", NULL, &row.duplicate_of)) != SQLITE_OK)
			goto fail;
		if (row.duplicate_of > 0)
			status = reported = "duplicate";
		if ((rc = next_case_number(db, receipt_year(record_str(rec, "received_at")),
					   row.case_number, sizeof row.case_number)) != SQLITE_OK)
			goto fail;
	}
	if ((rc = insert_submission(db, rec, text, len, status,
				    row.case_number[0] ? row.case_number : NULL,
				    row.duplicate_of, have_key ? applicant_key : NULL,
				    have_name ? applicant_name : NULL, &row.id)) != SQLITE_OK)
		goto fail;
	snprintf(detail, sizeof detail, "post %s%s", record_id, retry_of ? " (forsøgt igen)" : "");
	if ((rc = event(db, row.id, "received", detail)) != SQLITE_OK)
		goto fail;
	if (json_is_object(fields) && (rc = store_fields(db, row.id, fields)) != SQLITE_OK)
		goto fail;
	const json_t *criteria = json_object_get(json_object_get(rec, "validation"), "criteria");
	if (json_is_array(criteria) && (rc = store_criteria(db, row.id, criteria)) != SQLITE_OK)
		goto fail;

	if (failed) {
		const json_t *error = json_object_get(rec, "error");
		snprintf(detail, sizeof detail, "%s: %s",
			 record_str(error, "stage") ? record_str(error, "stage") : "?",
			 record_str(error, "code") ? record_str(error, "code") : "?");
		rc = event(db, row.id, "failed", detail);
	} else if (row.duplicate_of > 0) {
		char original[32];
		case_number_of(db, row.duplicate_of, original, sizeof original);
		snprintf(detail, sizeof detail, "dublet af %s", original);
		rc = event(db, row.id, "duplicate", detail);
	} else {
		const char *result = record_str(json_object_get(rec, "validation"), "result");
		snprintf(detail, sizeof detail, "%s%s%s", offer_id ? offer_id : "ukendt tilbud",
			 result ? ": " : "", result ? result : "");
		rc = event(db, row.id, "stored", detail);
		if (rc == SQLITE_OK && offer_id && have_key)
			rc = supersede(db, row.id, offer_id, applicant_key, &reported);
	}
	if (rc != SQLITE_OK)
		goto fail;
	if ((rc = savepoint(db, "RELEASE store_record")) != SQLITE_OK)
		goto fail;
	set_submission(rec, &row, reported);
	msg_debug("%s: %s %s", record_id, reported, row.case_number[0] ? row.case_number : "");
	return SQLITE_OK;
fail:
	undo(db);
	return rc;
}

/*
 * The criteria of submission id whose result differs in criteria (the new
 * judgement): their ids, comma-separated, into out.
 */
static int changed_criteria(sqlite3 *db, long long id, const json_t *criteria, struct strbuf *out)
{
	sqlite3_stmt *stmt;
	int rc = prepare(db, "SELECT passed FROM criteria WHERE submission_id = ?1 AND criterion_id = ?2",
			 &stmt);
	size_t i;
	json_t *criterion;
	if (rc != SQLITE_OK)
		return rc;
	json_array_foreach(criteria, i, criterion) {
		const char *criterion_id = json_string_value(json_object_get(criterion, "id"));
		const json_t *passed = json_object_get(criterion, "passed");
		if (!criterion_id)
			continue;
		sqlite3_bind_int64(stmt, 1, id);
		bind_text(stmt, 2, criterion_id);
		rc = sqlite3_step(stmt);
		int was = rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL
				  ? sqlite3_column_int(stmt, 0)
				  : -1;
		int now = json_is_boolean(passed) ? json_is_true(passed) : -1;
		sqlite3_reset(stmt);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			report(db);
			release(stmt);
			return rc;
		}
		if (was != now)
			strbuf_printf(out, "%s%s", out->len ? ", " : "", criterion_id);
	}
	release(stmt);
	return SQLITE_OK;
}

/*
 * What a judgement consists of, for telling whether judging again changed
 * anything: the result, each criterion's result and sentence, each field's
 * value and the warnings.  New reference.
 */
static json_t *judgement_of(const json_t *rec)
{
	const json_t *validation = json_object_get(rec, "validation");
	json_t *criteria = json_array(), *values = json_object();
	size_t i;
	const char *name;
	json_t *item;
	json_array_foreach(json_object_get(validation, "criteria"), i, item)
		json_array_append_new(criteria, json_pack("{s:O?, s:O?, s:O?}", "id",
							  json_object_get(item, "id"), "passed",
							  json_object_get(item, "passed"), "text",
							  json_object_get(item, "text")));
	json_object_foreach((json_t *)json_object_get(rec, "fields"), name, item)
		json_object_set(values, name, json_object_get(item, "value"));
	return json_pack("{s:O?, s:o, s:o, s:O?}", "result", json_object_get(validation, "result"),
			 "criteria", criteria, "values", values, "warnings",
			 json_object_get(rec, "warnings"));
}

/* 1 when rec judges as the record stored for submission id did. */
static int same_judgement(sqlite3 *db, long long id, const json_t *rec)
{
	sqlite3_stmt *stmt;
	json_t *stored = NULL;
	if (prepare(db, "SELECT record FROM submissions WHERE id = ?1", &stmt) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		stored = json_loads((const char *)sqlite3_column_text(stmt, 0), 0, NULL);
	release(stmt);
	if (!stored)
		return 0;
	json_t *before = judgement_of(stored), *after = judgement_of(rec);
	int same = before && after && json_equal(before, after);
	json_decref(before);
	json_decref(after);
	json_decref(stored);
	return same;
}

/* 1 when submission id belongs to offer_id. */
static int same_offer(sqlite3 *db, long long id, const char *offer_id)
{
	sqlite3_stmt *stmt;
	int same = 0;
	if (!offer_id || prepare(db, "SELECT 1 FROM submissions WHERE id = ?1 AND offer_id = ?2",
				 &stmt) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, id);
	bind_text(stmt, 2, offer_id);
	same = sqlite3_step(stmt) == SQLITE_ROW;
	release(stmt);
	return same;
}

/* 1 when submission id's standing decision is final (a final venteliste is not). */
static int decided_for_good(sqlite3 *db, long long id)
{
	sqlite3_stmt *stmt;
	int final = 0;
	/* A final venteliste still waits for a place: it may be judged again. */
	if (prepare(db, "SELECT 1 FROM decisions WHERE submission_id = ?1 AND current = 1"
			" AND state = 'final' AND outcome <> 'venteliste'",
		    &stmt) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, id);
	final = sqlite3_step(stmt) == SQLITE_ROW;
	release(stmt);
	return final;
}

int store_rejudge(sqlite3 *db, json_t *rec, const char *text, size_t len)
{
	const char *record_id = record_str(rec, "id");
	const json_t *validation = json_object_get(rec, "validation");
	const char *after = record_str(validation, "result");
	struct submission_row row = {0};
	char before[32] = "";
	struct strbuf changed, detail;
	int rc;

	if (!record_id) {
		record_fail(rec, "store", "bad_record", 1, "record has no id",
			    "Sagen kunne ikke vurderes igen (intern fejl). Kontakt den systemansvarlige.");
		return SQLITE_OK;
	}
	if ((rc = savepoint(db, "SAVEPOINT store_record")) != SQLITE_OK)
		return rc;
	int found = find_record(db, record_id, &row);
	if (found < 0) {
		undo(db);
		return -found;
	}
	if (found)
		set_submission(rec, &row, row.status);
	/* An earlier stage's error (the document unreadable now) stands: nothing changes. */
	if (record_failed(rec) || !after) {
		undo(db);
		if (!record_failed(rec))
			record_fail(rec, "store", "bad_record", 1, "no validation",
				    "Sagen kunne ikke vurderes igen (intern fejl). Kontakt den "
				    "systemansvarlige.");
		return SQLITE_OK;
	}
	if (!found || strcmp(row.status, "stored") != 0) {
		undo(db);
		record_fail(rec, "store", "not_live", 1, "not a live stored submission",
			    "Sagen er ikke længere en aktuel ansøgning og vurderes ikke igen.");
		return SQLITE_OK;
	}
	/* The same document read again is a form of the same offer. */
	if (!same_offer(db, row.id, record_str(json_object_get(rec, "form"), "id"))) {
		undo(db);
		record_fail(rec, "store", "offer_changed", 1, "the form is now read as another offer's",
			    "Dokumentet læses nu som en ansøgning til et andet tilbud end sagens; "
			    "en sagsbehandler må se på sagen.");
		return SQLITE_OK;
	}
	/* The driver chose open cases; a reviewer may have decided one since. */
	if (decided_for_good(db, row.id)) {
		undo(db);
		record_fail(rec, "store", "decided", 1, "a final decision stands",
			    "Sagen har fået en endelig afgørelse, mens den blev vurderet igen, og "
			    "vurderes ikke igen.");
		return SQLITE_OK;
	}
	strbuf_init(&changed, 0);
	strbuf_init(&detail, 0);
	sqlite3_stmt *stmt;
	if ((rc = prepare(db, "SELECT validation FROM submissions WHERE id = ?1", &stmt)) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(stmt, 1, row.id);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		snprintf(before, sizeof before, "%s", (const char *)sqlite3_column_text(stmt, 0));
	release(stmt);
	const json_t *criteria = json_object_get(validation, "criteria");
	if (json_is_array(criteria) && (rc = changed_criteria(db, row.id, criteria, &changed)) != SQLITE_OK)
		goto fail;
	/* Judged alike: the row, its events and its letters stay as they are. */
	if (same_judgement(db, row.id, rec)) {
		if ((rc = savepoint(db, "RELEASE store_record")) != SQLITE_OK)
			goto fail;
		goto told;
	}

	if ((rc = prepare(db, "UPDATE submissions SET validation = ?1, record = ?2 WHERE id = ?3",
			  &stmt)) != SQLITE_OK)
		goto fail;
	bind_text(stmt, 1, after);
	sqlite3_bind_text(stmt, 2, text, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, row.id);
	if ((rc = finish(db, stmt)) != SQLITE_OK ||
	    (rc = exec_simple(db, "DELETE FROM fields WHERE submission_id = ?1", row.id)) != SQLITE_OK ||
	    (rc = exec_simple(db, "DELETE FROM criteria WHERE submission_id = ?1", row.id)) != SQLITE_OK)
		goto fail;
	const json_t *fields = json_object_get(rec, "fields");
	if (json_is_object(fields) && (rc = store_fields(db, row.id, fields)) != SQLITE_OK)
		goto fail;
	if (json_is_array(criteria) && (rc = store_criteria(db, row.id, criteria)) != SQLITE_OK)
		goto fail;
	/* What a reader of the event log needs: the judgement before and after, and why. */
	strbuf_printf(&detail, "%s -> %s", *before ? before : "?", after);
	if (changed.len)
		strbuf_printf(&detail, " (%s)", strbuf_str(&changed));
	if ((rc = event(db, row.id, "rejudged", strbuf_str(&detail))) != SQLITE_OK)
		goto fail;
	if ((rc = savepoint(db, "RELEASE store_record")) != SQLITE_OK)
		goto fail;
told:
	set_submission(rec, &row, "stored");
	json_t *judged = json_pack("{s:s, s:s, s:s}", "before", before, "after", after, "criteria",
				   strbuf_str(&changed));
	if (judged)
		json_object_set_new(rec, "rejudged", judged);
	strbuf_release(&changed);
	strbuf_release(&detail);
	return SQLITE_OK;
fail:
	undo(db);
	strbuf_release(&changed);
	strbuf_release(&detail);
	return rc;
}
