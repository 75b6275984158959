/*
 * skema-store - records each submission in the workspace database.
 *
 * usage: skema-store [-q|-v] [--brief] DB < records > records
 *        skema-store [-q|-v] --rejudge DB < records > records
 *
 * Reads records (docs/records.md) on stdin and stores each all or nothing:
 * the submission row, its fields, its criterion results and the events
 * that say what happened.  Group commit: the records that are there to be
 * read share one transaction (each in a savepoint of its own), up to
 * GROUP_MAX of them, so one fsync serves many; a record is written on only
 * after its group is committed, and the transaction is never held open
 * while waiting for input, so the database is not locked by a slow
 * upstream.  Every stored record gets a case
 * number (journalnummer, "2026-000017", numbered per year of receipt) and is
 * written to stdout with "submission" = {db_id, case_number, status,
 * duplicate_of?} added.  The schema is in docs/schema.md.  --brief writes on
 * only the record's id, path, error and submission: all the driver reads of
 * it, where the fields and results it no longer needs are most of the bytes
 * of every record, written here and parsed there.
 *
 * Idempotent, because the driver may run a record again after a crash:
 * A record passed on is stored; one not passed on is not (the driver runs
 * its file again).
 *
 *   - a record id already stored is not stored again (its row is reported);
 *     a failed row is rewritten by the next attempt of the same claim, also
 *     when that attempt could read the file and so has another id;
 *   - a file whose sha256 an earlier submission had is stored as a
 *     duplicate of that one (status duplicate) and never decided;
 *   - a form from the same applicant (CVR, facility, kommune or e-mail) for
 *     the same offer supersedes the one received before it; both rows
 *     stay.  Receipt order, not the order of storing: a form stored after a
 *     later one is the one superseded.
 *
 * Exit codes: 0 done; 64 usage; 75 temporary (database busy or locked,
 * disk full, read-only): the record being stored is rolled back, nothing
 * after it is read, and the driver runs those files again later; 70
 * internal error.  A record the store cannot use (no id) is passed on with
 * an error, not dropped.
 *
 * --rejudge stores again what skema-validate said anew of live submissions
 * already stored (skema rejudge, after an offer's criteria changed): see
 * store_rejudge() in store.h.  Nothing new is stored in this mode.
 *
 * Security: every SQL statement binds its parameters; the database file is
 * created private (umask 077).
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sqlite3.h>

#include "clock.h"
#include "db.h"
#include "msg.h"
#include "record.h"
#include "store.h"

/* Records in one transaction at most: enough to share the fsync, few enough that a record waits little. */
#define GROUP_MAX 64

/* What --brief keeps of a stored record. */
static json_t *brief_record(json_t *rec)
{
	static const char *const keys[] = {"id", "path", "error", "submission"};
	json_t *brief = json_object();
	if (!brief)
		return rec; /* the whole record is a longer answer, not a wrong one */
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		json_t *value = json_object_get(rec, keys[i]);
		if (value)
			json_object_set(brief, keys[i], value);
	}
	json_decref(rec);
	return brief;
}

/* The records stored in the open transaction, written on once it commits. */
struct group {
	json_t *records[GROUP_MAX];
	size_t count;
};

/*
 * Commits the open transaction, if any, and writes its records on.  Returns
 * SQLITE_OK, the code of a failed commit (nothing of the group is stored
 * then, and nothing is written), or -1 when stdout failed.
 */
static int group_commit(sqlite3 *db, struct group *g)
{
	int rc = SQLITE_OK, written = 1;
	if (!sqlite3_get_autocommit(db)) {
		rc = db_commit(db);
		if (rc != SQLITE_OK) {
			msg_error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
			db_rollback(db);
		}
	}
	for (size_t i = 0; i < g->count; i++) {
		if (rc == SQLITE_OK && written && record_write(stdout, g->records[i]) < 0) {
			msg_syserror("stdout");
			written = 0;
		}
		json_decref(g->records[i]);
	}
	g->count = 0;
	return rc != SQLITE_OK ? rc : written ? SQLITE_OK : -1;
}

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

static void usage(FILE *out)
{
	fprintf(out, "usage: skema-store [-q|-v] [--brief] DB < records > records\n"
		     "       skema-store [-q|-v] --rejudge DB < records > records\n"
		     "\n"
		     "Stores each record (JSON Lines on stdin) in the database DB, creating it\n"
		     "when needed, and writes it on with \"submission\" added.\n"
		     "\n"
		     "  -q, --quiet     errors only\n"
		     "  -v, --verbose   say what is stored\n"
		     "      --brief     write on only id, path, error and submission\n"
		     "      --rejudge   store again the new judgement of live submissions\n"
		     "                  (skema rejudge); nothing new is stored\n"
		     "      --help      this text\n"
		     "      --version   the version\n"
		     "\n"
		     "Exit: 0 done, 64 usage, 70 internal error, 75 database busy, full or\n"
		     "read-only (retry later).\n");
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"help", no_argument, NULL, 'h'},  {"version", no_argument, NULL, 'V'},
		{"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'},
		{"brief", no_argument, NULL, 'b'}, {"rejudge", no_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	sqlite3 *db = NULL;
	int c, status = EXIT_DONE, verbosity = 0, brief = 0, rejudge = 0;

	msg_set_program("skema-store");
	clock_init();
	while ((c = getopt_long(argc, argv, "qvhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'q':
			verbosity = -1;
			break;
		case 'v':
			verbosity = 1;
			break;
		case 'b':
			brief = 1;
			break;
		case 'r':
			rejudge = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("skema-store (skema) %s\n", SKEMA_VERSION);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	msg_set_verbosity(verbosity);
	/* The database holds personal data: nobody else may read it. */
	umask(077);
	int rc = db_open(argv[optind], 1, &db);
	if (rc != SQLITE_OK)
		return db_temporary(rc) ? EXIT_TEMPFAIL : EXIT_SOFTWARE;

	struct record_reader in;
	struct group group = {.count = 0};
	record_reader_init(&in, STDIN_FILENO);
	for (;;) {
		json_t *rec = NULL;
		/* Never wait for input holding the write lock. */
		if (group.count > 0 && !record_reader_ready(&in) &&
		    (rc = group_commit(db, &group)) != SQLITE_OK)
			break;
		int got = record_reader_next(&in, &rec);
		if (got == 0)
			break;
		if (got < 0)
			continue; /* not a record: the message names the line */
		if (sqlite3_get_autocommit(db) && (rc = db_begin(db)) != SQLITE_OK) {
			json_decref(rec);
			break;
		}
		rc = rejudge ? store_rejudge(db, rec, in.text, in.text_len)
			     : store_record(db, rec, in.text, in.text_len);
		if (rc != SQLITE_OK) {
			json_decref(rec);
			break;
		}
		group.records[group.count++] = brief ? brief_record(rec) : rec;
		if (group.count == GROUP_MAX && (rc = group_commit(db, &group)) != SQLITE_OK)
			break;
	}
	/* What was stored before a failure is kept and passed on; the rest waits. */
	int committed = group_commit(db, &group);
	if (rc == SQLITE_OK)
		rc = committed;
	if (rc == -1)
		status = EXIT_TEMPFAIL; /* stdout went away: the driver runs the rest again */
	else if (rc != SQLITE_OK)
		status = db_temporary(rc) ? EXIT_TEMPFAIL : EXIT_SOFTWARE;
	record_reader_release(&in);
	store_forget_statements(db);
	sqlite3_close(db);
	return status;
}
