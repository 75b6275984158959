/*
 * cmd_withdraw.c - skema withdraw: an applicant withdraws an application.
 *
 * usage: skema withdraw CASE [--no-decide]
 *
 * CASE is a case number or a database id.  The submission's status becomes
 * "withdrawn" (withdrawn_at set, a "withdrawn" event logged); its decisions
 * stay in the history.  A place it held is free: skema-decide is then run
 * for the offer so that the first on the waiting list is proposed for it
 * (--no-decide leaves that to the next skema run).  What the reviewer
 * reads is Danish: the case withdrawn, and which cases skema-decide
 * changed (who was proposed the freed place), not its JSON lines.
 *
 * Exit codes: 0 done, 64 usage, 65 no such case or not live, 70 internal
 * error, 75 database busy or read-only, 78 no workspace.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "commands.h"
#include "db.h"
#include "msg.h"
#include "review.h"
#include "workspace.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: skema withdraw CASE [--no-decide]\n"
		     "\n"
		     "Withdraws an application (case number or id).  A place it held goes to the\n"
		     "first on the waiting list: skema-decide runs for the offer afterwards.\n"
		     "\n"
		     "      --no-decide   do not run skema-decide now\n"
		     "      --help        this text\n");
}

int cmd_withdraw(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"no-decide", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char offer[128], now_iso[CLOCK_ISO_SIZE];
	long long id = 0;
	int c, status = EXIT_DONE, decide = 1, rc, held_place = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	time_t now;

	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case 'n':
			decide = 0;
			break;
		case 'h':
			usage(stdout);
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
	if ((status = review_open_case(opt, "withdraw", argv[optind], "er ikke længere åben", &db, &id, offer,
				       sizeof offer)) != 0)
		return status;
	if (clock_now(&now) < 0)
		now = time(NULL);
	clock_format(now, now_iso);
	/* A granted forløb that has ended holds no place any more. */
	rc = sqlite3_prepare_v2(db,
				"SELECT 1 FROM decisions d JOIN submissions s ON s.id = d.submission_id"
				" WHERE d.submission_id = ?1 AND d.current = 1 AND d.outcome = 'bevilget'"
				"  AND s.completed_on IS NULL",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto sql_fail;
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW && rc != SQLITE_DONE)
		goto sql_fail;
	held_place = rc == SQLITE_ROW;
	sqlite3_finalize(stmt);
	stmt = NULL;
	rc = sqlite3_prepare_v2(db,
				"UPDATE submissions SET status = 'withdrawn', withdrawn_at = ?1 WHERE id = ?2",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto sql_fail;
	sqlite3_bind_text(stmt, 1, now_iso, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, id);
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE)
		goto sql_fail;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((rc = db_event(db, id, "withdrawn", offer)) != SQLITE_OK)
		goto sql_fail;
	if ((rc = db_commit(db)) != SQLITE_OK)
		goto sql_fail;
	sqlite3_close(db);
	db = NULL;
	if (opt->verbosity >= 0)
		printf("%s: trukket tilbage\n", argv[optind]);
	if (decide && *offer) {
		struct review_changes changes;
		if (review_decide_offer(opt->workspace, offer, "withdraw", &changes) == EXIT_DONE &&
		    opt->verbosity >= 0)
			review_print_changes(&changes, held_place);
		review_changes_release(&changes);
	}
	goto out;
sql_fail:
	msg_error("withdraw: %s", sqlite3_errmsg(db));
	status = ws_db_exit_code(rc);
	sqlite3_finalize(stmt);
	db_rollback(db);
out:
	sqlite3_close(db);
	return status;
}
