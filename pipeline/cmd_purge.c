/*
 * cmd_purge.c - skema purge: removes the personal data of closed cases
 * once the retention period is over.
 *
 * usage: skema purge --before DATE [--dry-run]
 *
 * A closed case is one whose standing decision is final, or one that is a
 * duplicate, superseded, withdrawn or failed, but not a failed attempt
 * whose file is still claimed in work/ (the driver tries it again).  For each closed case received
 * before DATE (and not purged already) it deletes the fields, the record
 * JSON, the applicant's name and key, the original file name, the error
 * texts and any reviewer's reason (and an explanation that is that reason),
 * removes the archived or quarantined document (with the reason file beside
 * a quarantined one, and its archive/.objects link, once no
 * unpurged case has the same bytes) and the letters from the workspace, and
 * sets purged_at, and then writes the workspace's reports again (they list
 * applicants by name).  The rows themselves
 * stay, with offer, status, validation result, criteria results and
 * outcomes, so the offer_summary counts are unchanged.  A "purged" event is
 * logged per case and a "purge" event for the run.  Everything is one
 * transaction, with secure_delete on and the WAL checkpointed after, so
 * that the deleted text does not linger in the file: a purge that fails
 * leaves the database as it was (files
 * already removed are then only gone from disk, not from the record, so a
 * second run completes it).
 *
 * Exit codes: 0 done, 64 usage, 70 internal error, 75 database busy or
 * read-only, 78 no workspace.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "commands.h"
#include "db.h"
#include "msg.h"
#include "paths.h"
#include "review.h"
#include "workspace.h"

#define CLOSED_CASES                                                                              \
	" FROM submissions s LEFT JOIN decisions d ON d.submission_id = s.id AND d.current = 1"    \
	" WHERE s.purged_at IS NULL AND substr(s.received_at, 1, 10) < ?1"                        \
	" AND (s.status IN ('duplicate', 'superseded', 'withdrawn', 'failed') OR d.state = 'final')" \
	/* A failed attempt whose file is still claimed is not closed: the  \
	 * driver tries it again, and its file must not be removed. */      \
	" AND NOT (s.status = 'failed' AND s.stored_path IS NOT NULL"                              \
	" AND (s.stored_path GLOB 'work/*' OR substr(s.stored_path, 1, length(?2)) = ?2))"

static void usage(FILE *out)
{
	fprintf(out, "usage: skema purge --before DATE [--dry-run]\n"
		     "\n"
		     "Removes the personal data (fields, record, names, documents, letters) of\n"
		     "closed cases received before DATE (YYYY-MM-DD).  Counts per offer are kept.\n"
		     "\n"
		     "  -b, --before DATE   the retention limit\n"
		     "  -n, --dry-run       only say how many cases would be purged\n"
		     "      --help          this text\n");
}

/* Removes a workspace file named in the database; relative names are under the workspace. */
static void remove_file(const struct global_options *opt, const char *name)
{
	char path[PATH_MAX], shown[512];
	if (!name || !*name)
		return;
	if (name[0] == '/')
		snprintf(path, sizeof path, "%s", name);
	else
		paths_join(path, sizeof path, opt->workspace, name);
	if (unlink(path) < 0 && errno != ENOENT)
		msg_syserror("purge: %s", msg_escape(shown, sizeof shown, path));
}

/*
 * "<the workspace's absolute path>/work/": rows written before stored_path
 * was kept relative name a claimed file by its absolute path.
 */
static const char *claimed_prefix(const char *workspace, char *buf, size_t size)
{
	char real[PATH_MAX];
	if (!realpath(workspace, real))
		snprintf(real, sizeof real, "%s", workspace);
	snprintf(buf, size, "%s/work/", real);
	return buf;
}

static int exec_bound(sqlite3 *db, const char *sql, long long id, const char *text)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	if (text)
		sqlite3_bind_text(stmt, 2, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int cmd_purge(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"before", required_argument, NULL, 'b'},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *before = NULL;
	char date[CLOCK_ISO_SIZE], now_iso[CLOCK_ISO_SIZE], detail[128], work[PATH_MAX + 8];
	long long *ids = NULL;
	size_t nids = 0, alloc = 0;
	int c, dry_run = 0, status = EXIT_DONE, rc;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	time_t limit, now;

	while ((c = getopt_long(argc, argv, "b:nh", long_options, NULL)) != -1) {
		switch (c) {
		case 'b':
			before = optarg;
			break;
		case 'n':
			dry_run = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!before || optind < argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (clock_parse(before, &limit) < 0) {
		msg_error("purge: --before \"%s\" is not a date (YYYY-MM-DD)", before);
		return EXIT_USAGE;
	}
	clock_format_date(limit, date);
	if (clock_now(&now) < 0)
		now = time(NULL);
	clock_format(now, now_iso);
	if ((status = ws_db_open(opt->workspace, &db)) != 0)
		return status;
	/* Deleted text must not linger in free pages of the file. */
	sqlite3_exec(db, "PRAGMA secure_delete = ON", NULL, NULL, NULL);
	if ((rc = db_begin(db)) != SQLITE_OK) {
		status = ws_db_exit_code(rc);
		goto out;
	}
	rc = sqlite3_prepare_v2(db, "SELECT s.id" CLOSED_CASES " ORDER BY s.id", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto sql_fail;
	sqlite3_bind_text(stmt, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, claimed_prefix(opt->workspace, work, sizeof work), -1,
			  SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (nids == alloc) {
			size_t grown_alloc = alloc ? alloc * 2 : 256;
			long long *grown = realloc(ids, grown_alloc * sizeof *grown);
			if (!grown) {
				rc = SQLITE_NOMEM;
				break;
			}
			ids = grown;
			alloc = grown_alloc;
		}
		ids[nids++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc != SQLITE_DONE)
		goto sql_fail;
	if (dry_run) {
		db_rollback(db);
		printf("%zu afsluttede sager modtaget før %s ville blive renset for personoplysninger.\n",
		       nids, date);
		goto out;
	}
	for (size_t i = 0; i < nids; i++) {
		long long id = ids[i];
		/*
		 * The files first: the archived document and the letters hold
		 * the same data.  A row that skema retry sent through again
		 * names the place of its successor's file: that file goes with
		 * the last unpurged row naming it, not with the old row.
		 */
		rc = sqlite3_prepare_v2(db,
					"SELECT stored_path, 1 FROM submissions s WHERE id = ?1"
					" AND NOT EXISTS (SELECT 1 FROM submissions o"
					"  WHERE o.stored_path = s.stored_path AND o.id <> s.id"
					"  AND o.purged_at IS NULL)"
					" UNION ALL SELECT path, 0 FROM letters WHERE submission_id = ?1",
					-1, &stmt, NULL);
		if (rc != SQLITE_OK)
			goto sql_fail;
		sqlite3_bind_int64(stmt, 1, id);
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(stmt, 0);
			remove_file(opt, name);
			/* A quarantined file has its reason beside it, which
			 * names the file and quotes what was wrong with it. */
			if (name && sqlite3_column_int(stmt, 1)) {
				char reason[PATH_MAX];
				if ((size_t)snprintf(reason, sizeof reason, "%s" WS_REASON_SUFFIX, name) <
				    sizeof reason)
					remove_file(opt, reason);
			}
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
		/* The claim also linked the document as archive/.objects/<sha256>;
		 * it goes with the last case holding those bytes (a duplicate
		 * not yet purged keeps it; those purged earlier in this run are
		 * already marked). */
		rc = sqlite3_prepare_v2(db,
					"SELECT sha256 FROM submissions s WHERE id = ?1 AND sha256 IS NOT NULL"
					" AND length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'"
					" AND NOT EXISTS (SELECT 1 FROM submissions o WHERE o.sha256 = s.sha256"
					" AND o.id <> s.id AND o.purged_at IS NULL)",
					-1, &stmt, NULL);
		if (rc != SQLITE_OK)
			goto sql_fail;
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			char object[PATH_MAX];
			snprintf(object, sizeof object, "%s/%s", WS_OBJECTS,
				 (const char *)sqlite3_column_text(stmt, 0));
			remove_file(opt, object);
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
		if ((rc = exec_bound(db, "DELETE FROM fields WHERE submission_id = ?1", id, NULL)) ||
		    (rc = exec_bound(db,
				     "UPDATE submissions SET record = NULL, applicant_name = NULL,"
				     " applicant_key = NULL, original_name = '', stored_path = NULL,"
				     " error_message = NULL, error_message_da = NULL, purged_at = ?2"
				     " WHERE id = ?1",
				     id, now_iso)) ||
		    /* A changed outcome is explained by the reviewer's reason
		     * itself, so the explanation goes with the reason. */
		    (rc = exec_bound(db,
				     "UPDATE decisions SET explanation = 'Afgørelsen er truffet af en"
				     " sagsbehandler; begrundelsen er slettet efter opbevaringsperioden.'"
				     " WHERE submission_id = ?1 AND reason IS NOT NULL AND explanation = reason",
				     id, NULL)) ||
		    (rc = exec_bound(db, "UPDATE decisions SET reason = NULL WHERE submission_id = ?1",
				     id, NULL)) ||
		    (rc = db_event(db, id, "purged", date)))
			goto sql_fail;
	}
	snprintf(detail, sizeof detail, "%zu sager modtaget før %s", nids, date);
	if ((rc = db_event(db, 0, "purge", detail)) != SQLITE_OK)
		goto sql_fail;
	if ((rc = db_commit(db)) != SQLITE_OK)
		goto sql_fail;
	/* ... nor in old page images in the write-ahead log. */
	if (sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
		msg_warn("purge: the write-ahead log could not be checkpointed now; "
			 "old page images stay in skema.db-wal until the next checkpoint");
	if (opt->verbosity >= 0)
		printf("Personoplysninger er slettet i %zu afsluttede sager modtaget før %s.\n", nids,
		       date);
	/* The reports in the workspace list applicants by name and file name:
	 * written again now, they hold only what is left. */
	if (nids > 0) {
		char dbpath[PATH_MAX], reports[PATH_MAX];
		struct stat st;
		paths_join(reports, sizeof reports, opt->workspace, "reports");
		if (stat(reports, &st) == 0 && S_ISDIR(st.st_mode)) {
			ws_db_path(opt->workspace, dbpath, sizeof dbpath);
			char *args[] = {(char *)"skema-report", (char *)"-d", dbpath, (char *)"-o",
					reports, NULL};
			int reported = run_stage("report", args);
			if (reported != EXIT_DONE)
				msg_warn("purge: skema-report exited %d; the reports in %s still name "
					 "the purged cases until the next skema run",
					 reported, reports);
		}
	}
	goto out;
sql_fail:
	msg_error("purge: %s", sqlite3_errmsg(db));
	status = ws_db_exit_code(rc);
	sqlite3_finalize(stmt);
	db_rollback(db);
out:
	free(ids);
	sqlite3_close(db);
	return status;
}
