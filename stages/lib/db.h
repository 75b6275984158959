/*
 * db.h - opening the workspace database and keeping its schema current.
 *
 * The schema is documented in docs/schema.md and created by the numbered
 * steps in db.c; PRAGMA user_version says how many have run, so an old
 * workspace upgrades itself the first time a newer skema opens it.
 */
#ifndef SKEMA_DB_H
#define SKEMA_DB_H

#include <sqlite3.h>

/*
 * Opens (creating when create is set) the database at path with the
 * pragmas every writer needs (WAL, synchronous=FULL, foreign keys, busy
 * timeout, trusted_schema off) and migrates it.  Returns SQLITE_OK with *db
 * set, or an SQLite error code with a message printed.
 */
int db_open(const char *path, int create, sqlite3 **db);

/* The schema version this build creates. */
int db_schema_version(void);

/* BEGIN IMMEDIATE, retried while busy.  Returns an SQLite code. */
int db_begin(sqlite3 *db);
int db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);

/*
 * Appends to the event log: what happened to submission_id (0 for none),
 * by whom (NULL: the OS user), with detail (may be NULL).  Returns an SQLite code.
 */
int db_event(sqlite3 *db, long long submission_id, const char *event, const char *detail);

/*
 * db_event() on a statement the caller prepared from DB_EVENT_SQL and keeps
 * (a program that logs an event for every record): the statement is reset
 * and its bindings cleared afterwards.
 */
#define DB_EVENT_SQL                                                                       \
	"INSERT INTO events (submission_id, at, actor, event, detail) VALUES (?1, ?2, ?3, ?4, ?5)"
int db_event_prepared(sqlite3_stmt *stmt, long long submission_id, const char *event,
		      const char *detail);

/*
 * The current decisions of live cases that have not got their letter (of
 * the decision's outcome, a draft for a proposal; a draft written before
 * the case was judged again, skema rejudge, quotes the old criteria and
 * counts as none): what skema-letter --pending writes, and what skema
 * status counts.  Follows a SELECT of columns of d (decisions) and s
 * (submissions).
 */
#define DB_LETTERS_PENDING_FROM                                                            \
	" FROM decisions d JOIN submissions s ON s.id = d.submission_id"                   \
	" WHERE d.current = 1 AND s.status NOT IN ('duplicate', 'superseded', 'withdrawn')" \
	"  AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.decision_id = d.id"              \
	"   AND l.kind = d.outcome AND l.draft = (d.state = 'proposed')"                    \
	"   AND (d.state = 'final' OR NOT EXISTS (SELECT 1 FROM events r"                   \
	"    WHERE r.submission_id = s.id AND r.event = 'rejudged' AND r.id >"              \
	"     (SELECT max(w.id) FROM events w WHERE w.submission_id = s.id"                 \
	"      AND w.event = 'letter'))))"

/*
 * 1 when rc is a failure that may pass by itself (busy, locked, disk full,
 * read-only, I/O): the caller exits 75 so that the driver retries later.
 */
int db_temporary(int rc);

/* The OS user running this process, for the actor columns.  Borrowed. */
const char *db_actor(void);

#endif
