/*
 * db.c - the workspace database: pragmas, migrations, transactions.
 *
 * synchronous=FULL, not NORMAL: files are moved and letters issued after a
 * commit, and with NORMAL in WAL mode a power cut could roll back a commit
 * whose file already sits in archive/ (notes/reliability, section 4).
 */
#define _DEFAULT_SOURCE
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "db.h"
#include "msg.h"

/*
 * Each step takes the schema from version N to N+1.  Never edit a step
 * that has shipped; add one.
 */
static const char *const migrations[] = {
	/* 1: the first schema */
	"CREATE TABLE submissions ("
	"  id INTEGER PRIMARY KEY,"
	"  record_id TEXT NOT NULL UNIQUE,"       /* the pipeline's id */
	"  case_number TEXT UNIQUE,"              /* journalnummer printed on letters */
	"  sha256 TEXT NOT NULL,"
	"  original_name TEXT NOT NULL,"
	"  size INTEGER NOT NULL DEFAULT 0,"
	"  received_at TEXT NOT NULL,"
	"  format TEXT,"
	"  offer_id TEXT,"
	"  offer_version TEXT,"
	"  form_source TEXT,"
	"  status TEXT NOT NULL,"                 /* see docs/schema.md */
	"  validation TEXT,"                      /* eligible | not_eligible | incomplete */
	"  applicant_key TEXT,"                   /* who applied, for superseding */
	"  applicant_name TEXT,"
	"  duplicate_of INTEGER REFERENCES submissions(id),"
	"  superseded_by INTEGER REFERENCES submissions(id),"
	"  error_stage TEXT, error_code TEXT, error_message TEXT, error_message_da TEXT,"
	"  stored_path TEXT,"                     /* archive/ or quarantine/ path */
	"  record TEXT,"                          /* the whole record as JSON */
	"  purged_at TEXT"
	");"
	"CREATE INDEX submissions_sha256 ON submissions(sha256);"
	"CREATE INDEX submissions_offer ON submissions(offer_id, received_at);"
	"CREATE TABLE fields ("
	"  submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  kind TEXT, raw TEXT, value TEXT, source TEXT, error TEXT,"
	"  PRIMARY KEY (submission_id, name)"
	");"
	"CREATE TABLE criteria ("
	"  submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,"
	"  criterion_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"                   /* eligibility | priority */
	"  passed INTEGER,"                       /* 1, 0, NULL: not evaluable */
	"  text TEXT,"
	"  PRIMARY KEY (submission_id, criterion_id)"
	");"
	"CREATE TABLE decisions ("
	"  id INTEGER PRIMARY KEY,"
	"  submission_id INTEGER NOT NULL REFERENCES submissions(id),"
	"  outcome TEXT NOT NULL CHECK (outcome IN"
	"    ('bevilget','venteliste','afslag','mangler','bekræftelse')),"
	"  state TEXT NOT NULL CHECK (state IN ('proposed','final')),"
	"  rank INTEGER,"
	"  explanation TEXT,"                     /* Danish, for letters and review sheets */
	"  reason TEXT,"                          /* a reviewer's reason */
	"  actor TEXT NOT NULL,"
	"  decided_at TEXT NOT NULL,"
	"  current INTEGER NOT NULL DEFAULT 1"    /* 0 once replaced by a later decision */
	");"
	"CREATE INDEX decisions_current ON decisions(submission_id) WHERE current = 1;"
	"CREATE TABLE letters ("
	"  id INTEGER PRIMARY KEY,"
	"  submission_id INTEGER NOT NULL REFERENCES submissions(id),"
	"  decision_id INTEGER REFERENCES decisions(id),"
	"  kind TEXT NOT NULL,"                   /* the outcome, or 'review' for review sheets */
	"  draft INTEGER NOT NULL DEFAULT 0,"
	"  path TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  submission_id INTEGER REFERENCES submissions(id),"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  event TEXT NOT NULL,"
	"  detail TEXT"
	");"
	/* The event log is append-only. */
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;",

	/* 2: case numbers per year, withdrawals, one current decision, views */
	"CREATE TABLE case_numbers ("
	"  year INTEGER PRIMARY KEY,"
	"  last INTEGER NOT NULL"                 /* the last number handed out that year */
	");"
	/* Old workspaces numbered nothing: carry their highest number over. */
	"INSERT INTO case_numbers (year, last)"
	"  SELECT CAST(substr(case_number, 1, 4) AS INTEGER), MAX(CAST(substr(case_number, 6) AS INTEGER))"
	"  FROM submissions WHERE case_number GLOB '[0-9][0-9][0-9][0-9]-*'"
	"  GROUP BY substr(case_number, 1, 4);"
	"ALTER TABLE submissions ADD COLUMN stored_at TEXT;"
	"ALTER TABLE submissions ADD COLUMN withdrawn_at TEXT;"
	"CREATE INDEX submissions_applicant ON submissions(offer_id, applicant_key);"
	/* Version 1 did not enforce one current decision: the latest one stands. */
	"UPDATE decisions SET current = 0 WHERE current = 1 AND id NOT IN"
	"  (SELECT MAX(id) FROM decisions WHERE current = 1 GROUP BY submission_id);"
	"CREATE UNIQUE INDEX decisions_one_current ON decisions(submission_id) WHERE current = 1;"
	"CREATE INDEX events_submission ON events(submission_id);"
	/* The decision that stands for each submission, with its case. */
	"CREATE VIEW current_decisions AS"
	"  SELECT d.id AS decision_id, s.id AS submission_id, s.case_number, s.offer_id,"
	"         s.applicant_name, s.received_at, s.status, d.outcome, d.state, d.rank,"
	"         d.explanation, d.reason, d.actor, d.decided_at"
	"  FROM decisions d JOIN submissions s ON s.id = d.submission_id"
	"  WHERE d.current = 1;"
	/* What a reviewer has to look at: proposals on live cases. */
	"CREATE VIEW review_queue AS"
	"  SELECT * FROM current_decisions"
	"  WHERE state = 'proposed' AND status = 'stored'"
	"  ORDER BY offer_id, rank IS NULL, rank, received_at, submission_id;"
	/* Counts per offer; they stay right after a purge, which keeps the rows. */
	"CREATE VIEW offer_summary AS"
	"  SELECT s.offer_id,"
	"    COUNT(*) AS received,"
	"    COUNT(*) FILTER (WHERE s.status = 'duplicate') AS duplicates,"
	"    COUNT(*) FILTER (WHERE s.status = 'superseded') AS superseded,"
	"    COUNT(*) FILTER (WHERE s.status = 'withdrawn') AS withdrawn,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND s.validation = 'incomplete') AS incomplete,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND s.validation = 'not_eligible') AS not_eligible,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND s.validation = 'eligible') AS eligible,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'bevilget') AS selected,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'venteliste') AS waiting,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'afslag') AS rejected,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'mangler') AS missing_info,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'bekræftelse') AS confirmed,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.state = 'proposed') AS awaiting_review,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.id IS NULL) AS undecided"
	"  FROM submissions s"
	"  LEFT JOIN decisions d ON d.submission_id = s.id AND d.current = 1"
	"  WHERE s.status <> 'failed' AND s.offer_id IS NOT NULL"
	"  GROUP BY s.offer_id;"
	/* Everything that happened to a case, oldest first. */
	"CREATE VIEW case_history AS"
	"  SELECT s.case_number, e.submission_id, e.at, e.actor, e.event, e.detail"
	"  FROM events e LEFT JOIN submissions s ON s.id = e.submission_id"
	"  ORDER BY e.id;",

	/*
	 * 3: the capacity period a place counts against.  A rolling offer's
	 * waiting list crosses periods, so a place given in 2027 to someone
	 * received in 2026 counts against 2027: the receipt date no longer
	 * tells.  skema-decide writes it; NULL for outcomes that take no
	 * place, for offers with one pool, and for rows older than this step
	 * (skema-decide fills those in on its next run).
	 */
	"ALTER TABLE decisions ADD COLUMN period TEXT;"
	/* A reviewer confirming a place keeps the period it was proposed in. */
	"CREATE TRIGGER decisions_keep_period AFTER INSERT ON decisions"
	"  WHEN NEW.period IS NULL AND NEW.outcome = 'bevilget'"
	"  BEGIN UPDATE decisions SET period = (SELECT p.period FROM decisions p"
	"    WHERE p.id = (SELECT max(id) FROM decisions"
	"                  WHERE submission_id = NEW.submission_id AND id < NEW.id)"
	"      AND p.outcome = 'bevilget')"
	"  WHERE id = NEW.id; END;"
	"DROP VIEW review_queue;"
	"DROP VIEW current_decisions;"
	"CREATE VIEW current_decisions AS"
	"  SELECT d.id AS decision_id, s.id AS submission_id, s.case_number, s.offer_id,"
	"         s.applicant_name, s.received_at, s.status, d.outcome, d.state, d.rank,"
	"         d.explanation, d.reason, d.actor, d.decided_at, d.period"
	"  FROM decisions d JOIN submissions s ON s.id = d.submission_id"
	"  WHERE d.current = 1;"
	"CREATE VIEW review_queue AS"
	"  SELECT * FROM current_decisions"
	"  WHERE state = 'proposed' AND status = 'stored'"
	"  ORDER BY offer_id, rank IS NULL, rank, received_at, submission_id;",
	/*
	 * 4: indexes for the lookups every letter and every run makes: a review
	 * sheet lists a case's duplicates and versions, and --pending looks for
	 * a decision's letter.  Without them each letter scanned every
	 * submission, and letters slowed from 190/s at 100 cases to 63/s at
	 * 10,000 (bench/results.md).
	 */
	"CREATE INDEX submissions_duplicate_of ON submissions(duplicate_of);"
	"CREATE INDEX submissions_superseded_by ON submissions(superseded_by);"
	"CREATE INDEX letters_decision ON letters(decision_id);"
	"CREATE INDEX letters_submission ON letters(submission_id);",
	/*
	 * 5: a forløb that has ended.  An offer with places held while a forløb
	 * runs (capacity period concurrent, "8 at a time") frees one only when
	 * skema complete records the day it ended; skema-decide then counts the
	 * running ones only.  The case stays live (status stored) and its
	 * decision stays: it was granted.  The staff's note may name people,
	 * so a purge, which sets purged_at, clears it through the trigger.
	 */
	"ALTER TABLE submissions ADD COLUMN completed_on TEXT;"    /* YYYY-MM-DD */
	"ALTER TABLE submissions ADD COLUMN completion_note TEXT;"
	"CREATE TRIGGER submissions_purge_completion_note AFTER UPDATE OF purged_at ON submissions"
	"  WHEN NEW.purged_at IS NOT NULL AND NEW.completion_note IS NOT NULL"
	"  BEGIN UPDATE submissions SET completion_note = NULL WHERE id = NEW.id; END;"
	/* offer_summary as in step 2, with the ended forløb counted last. */
	"DROP VIEW offer_summary;"
	"CREATE VIEW offer_summary AS"
	"  SELECT s.offer_id,"
	"    COUNT(*) AS received,"
	"    COUNT(*) FILTER (WHERE s.status = 'duplicate') AS duplicates,"
	"    COUNT(*) FILTER (WHERE s.status = 'superseded') AS superseded,"
	"    COUNT(*) FILTER (WHERE s.status = 'withdrawn') AS withdrawn,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND s.validation = 'incomplete') AS incomplete,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND s.validation = 'not_eligible') AS not_eligible,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND s.validation = 'eligible') AS eligible,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'bevilget') AS selected,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'venteliste') AS waiting,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'afslag') AS rejected,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'mangler') AS missing_info,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'bekræftelse') AS confirmed,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.state = 'proposed') AS awaiting_review,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.id IS NULL) AS undecided,"
	"    COUNT(*) FILTER (WHERE s.status = 'stored' AND d.outcome = 'bevilget'"
	"                     AND s.completed_on IS NOT NULL) AS completed"
	"  FROM submissions s"
	"  LEFT JOIN decisions d ON d.submission_id = s.id AND d.current = 1"
	"  WHERE s.status <> 'failed' AND s.offer_id IS NOT NULL"
	"  GROUP BY s.offer_id;",
	/*
	 * 6: everything skema-report reads of a submission, in one index, so its
	 * queries never touch the table.  A row there is mostly the record as
	 * JSON, spilling onto overflow pages, and a column stored after it
	 * (completed_on) is found only by walking that chain: over 10,000
	 * submissions the report spent a third of its time reading pages.
	 * The same for the two fields and the failed criteria it counts per
	 * offer; the report names the field indexes (INDEXED BY), because
	 * without statistics the planner takes the primary key's instead.
	 */
	"CREATE INDEX submissions_report ON submissions(offer_id, status, received_at,"
	"  validation, completed_on, case_number, applicant_name, original_name);"
	"CREATE INDEX fields_kommune ON fields(submission_id, name, value)"
	"  WHERE name = 'kommune';"
	"CREATE INDEX fields_sted_type ON fields(submission_id, name, value)"
	"  WHERE name = 'sted_type';"
	"CREATE INDEX criteria_failed ON criteria(submission_id, kind, passed, criterion_id)"
	"  WHERE passed = 0 AND kind = 'eligibility';",
	/*
	 * 7: who made a decision.  actor is the OS user of the process, which
	 * for skema-decide is whoever ran the pipeline ("root", "skema"), and
	 * a reviewer saw their own pipeline's proposals listed as if a person
	 * had decided them.  automatic: 1 written by skema-decide (a proposal,
	 * or final by the offer's auto-confirm), 0 by a reviewer (skema
	 * decide), NULL for an older row that cannot be told.  Only
	 * skema-decide proposes, only a reviewer gives a reason, and each
	 * writes its event in the same second as the decision, so most old
	 * rows can be told.  current_decisions (and review_queue) gain
	 * automatic, decided_by (what lists show: "skema (automatisk)" or the
	 * reviewer) and changed_from (the outcome a reviewer's decision
	 * replaced, when it differs).
	 */
	"ALTER TABLE decisions ADD COLUMN automatic INTEGER;"
	"UPDATE decisions SET automatic = 1 WHERE state = 'proposed';"
	"UPDATE decisions SET automatic = 0 WHERE state = 'final' AND reason IS NOT NULL;"
	"UPDATE decisions SET automatic = 1 WHERE automatic IS NULL AND EXISTS"
	"  (SELECT 1 FROM events e WHERE e.submission_id = decisions.submission_id"
	"   AND e.event = 'decided' AND e.at = decisions.decided_at);"
	"UPDATE decisions SET automatic = 0 WHERE automatic IS NULL AND EXISTS"
	"  (SELECT 1 FROM events e WHERE e.submission_id = decisions.submission_id"
	"   AND e.event = 'reviewed' AND e.at = decisions.decided_at);"
	"DROP VIEW review_queue;"
	"DROP VIEW current_decisions;"
	"CREATE VIEW current_decisions AS"
	"  SELECT d.id AS decision_id, s.id AS submission_id, s.case_number, s.offer_id,"
	"         s.applicant_name, s.received_at, s.status, d.outcome, d.state, d.rank,"
	"         d.explanation, d.reason, d.actor, d.decided_at, d.period, d.automatic,"
	"         CASE d.automatic WHEN 1 THEN 'skema (automatisk)' ELSE d.actor END AS decided_by,"
	"         CASE WHEN d.automatic = 0 THEN (SELECT p.outcome FROM decisions p"
	"           WHERE p.id = (SELECT max(id) FROM decisions"
	"                         WHERE submission_id = d.submission_id AND id < d.id)"
	"             AND p.outcome <> d.outcome) END AS changed_from"
	"  FROM decisions d JOIN submissions s ON s.id = d.submission_id"
	"  WHERE d.current = 1;"
	"CREATE VIEW review_queue AS"
	"  SELECT * FROM current_decisions"
	"  WHERE state = 'proposed' AND status = 'stored'"
	"  ORDER BY offer_id, rank IS NULL, rank, received_at, submission_id;",
};

int db_schema_version(void)
{
	return (int)(sizeof migrations / sizeof *migrations);
}

static int exec(sqlite3 *db, const char *sql)
{
	char *error = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &error);
	if (rc != SQLITE_OK) {
		msg_error("%s: %s", sqlite3_db_filename(db, "main"),
			  error ? error : sqlite3_errstr(rc));
		sqlite3_free(error);
	}
	return rc;
}

static int read_version(sqlite3 *db, int *version)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	*version = 0;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(stmt, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Runs the missing steps, each in its own transaction.  The version is read
 * again inside each transaction: two programs that open a new workspace at
 * the same moment must not both run step 1.
 */
static int migrate(sqlite3 *db)
{
	int version = 0, rc;

	if ((rc = read_version(db, &version)) != SQLITE_OK)
		return rc;
	while (version < db_schema_version()) {
		char bump[64];
		if ((rc = db_begin(db)) != SQLITE_OK)
			return rc;
		if ((rc = read_version(db, &version)) != SQLITE_OK) {
			db_rollback(db);
			return rc;
		}
		if (version >= db_schema_version()) {
			db_rollback(db);
			break;
		}
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", version + 1);
		if ((rc = exec(db, migrations[version])) != SQLITE_OK || (rc = exec(db, bump)) != SQLITE_OK) {
			db_rollback(db);
			return rc;
		}
		if ((rc = db_commit(db)) != SQLITE_OK)
			return rc;
		version++;
	}
	if (version > db_schema_version()) {
		msg_error("%s: database schema version %d is newer than this skema (%d)",
			  sqlite3_db_filename(db, "main"), version, db_schema_version());
		return SQLITE_MISMATCH;
	}
	return SQLITE_OK;
}

/*
 * Switches to WAL.  Changing the journal mode needs an exclusive lock and
 * SQLite does not call the busy handler for it, so two programs opening a
 * new workspace at the same moment saw "database is locked" at once (t3000,
 * "two stores at once", under load).  Retry for as long as the busy timeout.
 */
static int use_wal(sqlite3 *db, long timeout_ms)
{
	struct timespec pause = {0, 10 * 1000 * 1000};
	for (long waited = 0;; waited += 10) {
		int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			return rc == SQLITE_OK ? rc : exec(db, "PRAGMA journal_mode=WAL");
		if (waited >= timeout_ms)
			return exec(db, "PRAGMA journal_mode=WAL");
		nanosleep(&pause, NULL);
	}
}

/*
 * The busy handler.  SQLite's own (sqlite3_busy_timeout) sleeps 1, 2, 5,
 * 10 ... 100 ms between tries; the driver and skema-store take turns with
 * the write lock many times a second, each for a millisecond or two, so
 * those sleeps left the lock idle most of the time.  Short sleeps,
 * growing to 5 ms, until the same timeout.
 */
static int wait_for_lock(void *arg, int tries)
{
	long timeout_us = (long)(intptr_t)arg * 1000;
	long slept_us = 0, step = 100;
	for (int i = 0; i < tries && slept_us < timeout_us; i++) {
		slept_us += step;
		if (step < 5000)
			step *= 2;
	}
	if (slept_us >= timeout_us)
		return 0;
	struct timespec nap = {.tv_sec = 0, .tv_nsec = step * 1000};
	nanosleep(&nap, NULL);
	return 1;
}

int db_open(const char *path, int create, sqlite3 **out)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, &db, flags, NULL);

	*out = NULL;
	if (rc != SQLITE_OK) {
		msg_error("%s: cannot open database: %s", path,
			  db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return rc;
	}
	/* SKEMA_BUSY_TIMEOUT (milliseconds) lets tests meet a lock quickly. */
	long timeout = 10000;
	const char *env = getenv("SKEMA_BUSY_TIMEOUT");
	if (env && *env) {
		char *end;
		long value = strtol(env, &end, 10);
		if (*end == '\0' && value >= 0 && value <= 600000)
			timeout = value;
	}
	sqlite3_busy_handler(db, wait_for_lock, (void *)(intptr_t)timeout);
	sqlite3_extended_result_codes(db, 1);
	if ((rc = use_wal(db, timeout)) != SQLITE_OK ||
	    (rc = exec(db, "PRAGMA synchronous=FULL;"
			   "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;"
			   /*
			    * Savepoints (skema-store's records in a group)
			    * keep their undo in memory, not in a temporary
			    * file in /var/tmp, outside the workspace: the
			    * database holds personal data.
			    */
			   "PRAGMA temp_store=MEMORY;")) != SQLITE_OK ||
	    (rc = migrate(db)) != SQLITE_OK) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return SQLITE_OK;
}

int db_begin(sqlite3 *db)
{
	/* The busy timeout covers BEGIN IMMEDIATE; a deferred BEGIN could fail
	 * later with SQLITE_BUSY_SNAPSHOT without waiting at all. */
	return exec(db, "BEGIN IMMEDIATE");
}

int db_commit(sqlite3 *db)
{
	return exec(db, "COMMIT");
}

void db_rollback(sqlite3 *db)
{
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * Reviewers work through "sudo -u skema skema decide ..." (the workspace
 * belongs to the service user), which would record every one of them as
 * "skema".  sudo names the person in SUDO_USER: that name is recorded,
 * with the account it acted as.  Anyone able to set SUDO_USER by hand
 * already runs as that account, so it hides nobody the account could not.
 */
const char *db_actor(void)
{
	static char name[160];
	if (name[0])
		return name;
	struct passwd *pw = getpwuid(geteuid());
	const char *as = pw && pw->pw_name ? pw->pw_name : "unknown";
	const char *by = getenv("SUDO_USER");
	if (by && *by && strlen(by) < 64 && strcmp(by, as) != 0 && getpwnam(by))
		snprintf(name, sizeof name, "%s (som %s)", by, as);
	else
		snprintf(name, sizeof name, "%s", as);
	return name;
}

int db_event_prepared(sqlite3_stmt *stmt, long long submission_id, const char *event,
		      const char *detail)
{
	char at[CLOCK_ISO_SIZE];
	time_t now;

	if (clock_now(&now) < 0)
		now = time(NULL);
	clock_format(now, at);
	if (submission_id > 0)
		sqlite3_bind_int64(stmt, 1, submission_id);
	else
		sqlite3_bind_null(stmt, 1);
	sqlite3_bind_text(stmt, 2, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, db_actor(), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, event, -1, SQLITE_STATIC);
	if (detail)
		sqlite3_bind_text(stmt, 5, detail, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, 5);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int db_event(sqlite3 *db, long long submission_id, const char *event, const char *detail)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db, DB_EVENT_SQL, -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = db_event_prepared(stmt, submission_id, event, detail);
	sqlite3_finalize(stmt);
	return rc;
}

int db_temporary(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_NOMEM:
	case SQLITE_PROTOCOL:
		return 1;
	default:
		return 0;
	}
}
