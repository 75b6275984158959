/*
 * cmd_complete.c - skema complete: a granted forløb has ended, and its
 * place is free.
 *
 * usage: skema complete CASE... [--date YYYY-MM-DD] [--note TEXT]
 *                      [--no-decide]
 *        skema complete --undo CASE... [--no-decide]
 *
 * An offer whose places are held while a forløb runs (capacity period
 * "concurrent": the rådgivningsforløb, 8 at a time) frees a place when a
 * forløb ends.  CASE is a case number or a database id of a live case of
 * such an offer whose final decision is bevilget (a proposed place is
 * confirmed first, skema decide: no letter has granted it yet).  The day
 * it ended (--date, default today; SKEMA_NOW is honoured) goes into
 * submissions.completed_on, the note into completion_note, and the event
 * log gets a "completed" event.  The decision stays as it was: the forløb
 * was granted and took place.  skema-decide then runs for the offer, so
 * that the first on the waiting list is proposed the place (--no-decide
 * leaves that to the next skema run; the letter comes with the next run
 * that writes letters, as for any new proposal).  What the reviewer reads
 * is the Danish summary skema withdraw and skema decide print
 * (review_decide.c): who was proposed the freed place, or that nobody
 * got it; with --undo, whose proposed place went back to the waiting list.
 *
 * All or nothing: every CASE is checked and every problem named, and
 * nothing is written unless all of them can be completed, so the same
 * command can simply be run again once it is corrected.
 *
 * The note stays out of the append-only event log (it may name people,
 * and a purge cannot remove an event); a purge clears it (schema step 5).
 *
 * --undo takes back a completion recorded by mistake (a wrong case number
 * typed): completed_on and the note are cleared, the event log gets a
 * "completion_undone" event beside the "completed" one, which stays, and
 * skema-decide runs again, so the forløb holds its place once more and a
 * place proposed from it goes back to the waiting list.  A place already
 * confirmed by a reviewer stays: the offer is then over its capacity
 * until a forløb ends, and the report says so.
 *
 * Exit codes: 0 done; 64 usage; 65 a case that is unknown, not live, not
 * granted (or only proposed), of an offer without concurrent places, already completed (with
 * --undo: not completed), or a date before its receipt or after today; 70 internal error; 75 database
 * busy or read-only; 78 no workspace, or no definition for the offer.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "commands.h"
#include "db.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "record.h"
#include "review.h"
#include "strbuf.h"
#include "utf8.h"
#include "workspace.h"

/* A note is a line or two for the file, not a report. */
#define NOTE_MAX 2000
#define OFFER_ID_SIZE 128

/* One case named on the command line, once checked. */
struct completion {
	long long id;
	char offer[OFFER_ID_SIZE];
	char case_number[64];
	char completed_on[16]; /* --undo: the day that was recorded */
};

static int check_date(const char *date, const char *today);
static int check_case(sqlite3 *db, const struct offer_set *set, const char *key, const char *date,
		      struct completion *out);
static int record_completion(sqlite3 *db, const struct completion *c, const char *date,
			     const char *note);
static int check_undo(sqlite3 *db, const char *key, struct completion *out);
static int record_undo(sqlite3 *db, const struct completion *c);
static void usage(FILE *out);

/* A capacity period (offer.rng) as Danish says it. */
static const char *period_da(const char *period)
{
	static const char *const map[][2] = {
		{"year", "år"},		 {"quarter", "kvartal"}, {"concurrent", "samtidige"},
		{"round", "ansøgningsrunde"}, {"none", "ingen"},
	};
	for (size_t i = 0; period && i < sizeof map / sizeof *map; i++)
		if (strcmp(map[i][0], period) == 0)
			return map[i][1];
	return period ? period : "år";
}

/* "2027-02-26" as "26. februar 2027"; the text itself when it is not a date. */
static const char *danish_date(const char *iso, char buf[CLOCK_ISO_SIZE])
{
	time_t t;
	if (!iso || clock_parse(iso, &t) < 0)
		return iso ? iso : "";
	return clock_format_danish(t, buf);
}

int cmd_complete(int argc, char **argv, const struct global_options *opt)
{
	char shown_date[CLOCK_ISO_SIZE];
	static const struct option long_options[] = {
		{"date", required_argument, NULL, 'd'},
		{"note", required_argument, NULL, 'm'},
		{"no-decide", no_argument, NULL, 'n'},
		{"undo", no_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *date = NULL, *note = NULL;
	char today[CLOCK_ISO_SIZE];
	struct completion *done = NULL;
	struct offer_set set;
	struct strbuf err;
	size_t ndone = 0;
	int c, status = EXIT_DONE, decide = 1, undo = 0, rc;
	sqlite3 *db = NULL;
	time_t now;

	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			date = optarg;
			break;
		case 'm':
			note = optarg;
			break;
		case 'n':
			decide = 0;
			break;
		case 'u':
			undo = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (undo && (date || note)) {
		msg_error("complete: --undo bruges uden --date og --note: det annullerer blot det, "
			  "der er registreret");
		return EXIT_USAGE;
	}
	if (note && !*note)
		note = NULL;
	if (note && (!utf8_is_valid(note) || strlen(note) > NOTE_MAX)) {
		msg_error("complete: --note skal være tekst (UTF-8) på højst %d byte", NOTE_MAX);
		return EXIT_USAGE;
	}
	if (clock_now(&now) < 0)
		return EXIT_USAGE;
	clock_format_date(now, today);
	if (!date)
		date = today;
	if ((status = check_date(date, today)) != 0)
		return status;

	offer_set_init(&set);
	strbuf_init(&err, 64 * 1024);
	/* A broken definition of another offer does not stop this one. */
	if (offer_set_load(&set, paths_forms_dir(), &err) < 0)
		msg_warn("complete: offer definitions:\n%s", strbuf_str(&err));
	done = calloc((size_t)(argc - optind), sizeof *done);
	if (!done) {
		msg_syserror("complete");
		status = EXIT_SOFTWARE;
		goto out;
	}
	if ((status = ws_db_open(opt->workspace, &db)) != 0)
		goto out;
	if ((rc = db_begin(db)) != SQLITE_OK) {
		status = ws_db_exit_code(rc);
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		struct completion *next = &done[ndone];
		int checked = undo ? check_undo(db, argv[i], next)
				   : check_case(db, &set, argv[i], date, next);
		if (checked == EXIT_DONE) {
			int again = 0;
			for (size_t k = 0; k < ndone; k++)
				again |= done[k].id == next->id;
			/* The same case named twice (number and id) is completed once. */
			if (!again)
				ndone++;
			continue;
		}
		if (status == EXIT_DONE)
			status = checked;
		/* The database failed: the other cases would fail alike. */
		if (checked != EXIT_DATAERR && checked != EXIT_CONFIG)
			break;
	}
	if (status != EXIT_DONE) {
		if (ndone > 0)
			msg_warn("complete: intet er registreret, heller ikke for de sager, der kunne afsluttes");
		db_rollback(db);
		goto out;
	}
	for (size_t k = 0; k < ndone; k++)
		if ((rc = undo ? record_undo(db, &done[k])
			       : record_completion(db, &done[k], date, note)) != SQLITE_OK)
			goto sql_fail;
	if ((rc = db_commit(db)) != SQLITE_OK)
		goto sql_fail;
	sqlite3_close(db);
	db = NULL;
	for (size_t k = 0; k < ndone && opt->verbosity >= 0; k++)
		if (undo)
			printf("%s: afslutningen %s er annulleret, og forløbet optager igen en "
			       "plads\n",
			       done[k].case_number, danish_date(done[k].completed_on, shown_date));
		else
			printf("%s: forløbet er afsluttet %s, og pladsen er ledig\n",
			       done[k].case_number, danish_date(date, shown_date));
	for (size_t k = 0; k < ndone && decide; k++) {
		struct review_changes changes;
		int seen = 0, freed = 0;
		for (size_t j = 0; j < k; j++)
			seen |= strcmp(done[j].offer, done[k].offer) == 0;
		if (seen)
			continue;
		for (size_t j = k; j < ndone && !undo; j++)
			freed += strcmp(done[j].offer, done[k].offer) == 0;
		/* A completion frees the place its forløb held; an undo takes one back. */
		if (review_decide_offer(opt->workspace, done[k].offer, "complete", &changes) == EXIT_DONE &&
		    opt->verbosity >= 0)
			review_print_changes(&changes, freed);
		review_changes_release(&changes);
	}
	goto out;
sql_fail:
	msg_error("complete: %s", sqlite3_errmsg(db));
	status = ws_db_exit_code(rc);
	db_rollback(db);
out:
	sqlite3_close(db);
	free(done);
	strbuf_release(&err);
	offer_set_release(&set);
	return status;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: skema complete CASE... [--date YYYY-MM-DD] [--note TEXT] [--no-decide]\n"
		     "       skema complete --undo CASE... [--no-decide]\n"
		     "\n"
		     "Records that a granted forløb (case number or id) has ended, for an offer whose\n"
		     "places are held while a forløb runs (rådgivningsforløb: 8 at a time).  Its\n"
		     "place goes to the first on the waiting list: skema-decide runs for the offer\n"
		     "afterwards.  Every case or none is recorded.\n"
		     "\n"
		     "      --date DATE   the day the forløb ended (default: today)\n"
		     "      --note TEXT   a note for the case file (not in the event log)\n"
		     "      --no-decide   do not run skema-decide now\n"
		     "      --undo        take back a completion recorded by mistake: the forløb\n"
		     "                    holds its place again (the event log keeps both)\n"
		     "      --help        this text\n");
}

/*
 * A date must be a real day written YYYY-MM-DD (as the database keeps
 * dates), and not after today: a forløb that has not ended still holds
 * its place.  Returns 0 or an exit code with a message printed.
 */
static int check_date(const char *date, const char *today)
{
	char back[CLOCK_ISO_SIZE], shown[64];
	time_t t;

	/* The round trip refuses 2026-02-30 and every other spelling. */
	if (strlen(date) != 10 || clock_parse(date, &t) < 0 ||
	    strcmp(clock_format_date(t, back), date) != 0) {
		msg_error("complete: --date: »%s« er ikke en dato (ÅÅÅÅ-MM-DD)",
			  msg_escape(shown, sizeof shown, date));
		return EXIT_USAGE;
	}
	if (strcmp(date, today) > 0) {
		msg_error("complete: --date %s er efter i dag (%s): et forløb, der stadig er i gang, "
			  "beholder sin plads",
			  date, today);
		return EXIT_DATAERR;
	}
	return EXIT_DONE;
}

static const char *column_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *text = sqlite3_column_text(stmt, i);
	return text ? (const char *)text : NULL;
}

/*
 * Finds the live case named key (a case number or an id) for out, inside
 * the caller's transaction; shown gets key as it may be printed.  Returns
 * 0, or an exit code with a message naming the case printed; a case that
 * is not live is "sagen har status »<status>« og <not_live>", in Danish.
 */
static int find_live_case(sqlite3 *db, const char *key, const char *not_live,
			  struct completion *out, char *shown, size_t shown_size)
{
	char status_text[32];
	int found;

	msg_escape(shown, shown_size, key);
	found = review_find_case(db, key, &out->id, status_text, sizeof status_text, out->offer,
				 sizeof out->offer);
	if (found < 0)
		return ws_db_exit_code(-found);
	if (found == 0) {
		msg_error("complete: %s: sagen findes ikke", shown);
		return EXIT_DATAERR;
	}
	if (strcmp(status_text, "stored") != 0) {
		const char *da = record_status_da(status_text);
		msg_error("complete: %s: sagen har status »%s« og %s", shown, da ? da : status_text, not_live);
		return EXIT_DATAERR;
	}
	return EXIT_DONE;
}

/* After a failed statement: the message, and the exit code for it. */
static int sql_failure(sqlite3 *db, sqlite3_stmt *stmt, int rc)
{
	msg_error("complete: %s", sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return ws_db_exit_code(rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_ERROR : rc);
}

/*
 * Checks that the case named key can be completed on date, inside the
 * caller's transaction, and fills in out.  Returns 0, or an exit code with
 * a message naming the case printed.
 */
static int check_case(sqlite3 *db, const struct offer_set *set, const char *key, const char *date,
		      struct completion *out)
{
	char shown[128];
	sqlite3_stmt *stmt = NULL;
	const struct offer *offer;
	int status, rc;

	if ((status = find_live_case(db, key, "er ikke et forløb, der er i gang", out, shown, sizeof shown)) !=
	    EXIT_DONE)
		return status;
	status = EXIT_DATAERR;
	if (!(offer = offer_set_find(set, out->offer))) {
		msg_error("complete: %s: tilbuddet %s har ingen definition i %s", shown, out->offer,
			  paths_forms_dir());
		return EXIT_CONFIG;
	}
	if (!offer->capacity_period || strcmp(offer->capacity_period, "concurrent") != 0) {
		msg_error("complete: %s: %s holder ikke pladser, mens et forløb er i gang "
			  "(kapacitetsperiode: %s); kun et tilbud med samtidige pladser frigiver "
			  "en plads, når et forløb slutter",
			  shown, offer->id, period_da(offer->capacity_period));
		return EXIT_DATAERR;
	}
	rc = sqlite3_prepare_v2(db,
				"SELECT s.case_number, substr(s.received_at, 1, 10), s.completed_on,"
				" d.outcome, d.state"
				" FROM submissions s LEFT JOIN decisions d"
				" ON d.submission_id = s.id AND d.current = 1 WHERE s.id = ?1",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto sql_fail;
	sqlite3_bind_int64(stmt, 1, out->id);
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW)
		goto sql_fail;
	const char *case_number = column_text(stmt, 0), *received = column_text(stmt, 1);
	const char *completed = column_text(stmt, 2), *outcome = column_text(stmt, 3);
	const char *state = column_text(stmt, 4);
	snprintf(out->case_number, sizeof out->case_number, "%s", case_number ? case_number : key);
	if (completed)
		msg_error("complete: %s: er allerede afsluttet den %s", shown, completed);
	else if (!outcome)
		msg_error("complete: %s: sagen har endnu ingen afgørelse; kun et bevilget forløb "
			  "kan afsluttes",
			  shown);
	else if (strcmp(outcome, "bevilget") != 0)
		msg_error("complete: %s: afgørelsen er %s (%s), ikke bevilget; kun et bevilget "
			  "forløb kan afsluttes",
			  shown, outcome, state && strcmp(state, "final") == 0 ? "endelig" : "foreslået");
	/*
	 * A proposed place is one no letter has granted yet: completing it
	 * left a case in the review queue whose confirmation, or override,
	 * then spoke of a forløb that had ended (the reviewer playtest).
	 */
	else if (!state || strcmp(state, "final") != 0)
		msg_error("complete: %s: bevillingen er kun foreslået og endnu ikke bekræftet; kun en "
			  "endelig bevilling kan afsluttes. Bekræft den først: skema decide %s bevilget",
			  shown, case_number ? case_number : key);
	else if (received && strcmp(date, received) < 0)
		msg_error("complete: %s: --date %s er før ansøgningen blev modtaget (%s)",
			  shown, date, received);
	else
		status = EXIT_DONE;
	sqlite3_finalize(stmt);
	return status;
sql_fail:
	return sql_failure(db, stmt, rc);
}

/* Writes one completion and its event, inside the caller's transaction. */
static int record_completion(sqlite3 *db, const struct completion *c, const char *date,
			     const char *note)
{
	sqlite3_stmt *stmt = NULL;
	char detail[OFFER_ID_SIZE + 64];
	int rc = sqlite3_prepare_v2(db,
				    "UPDATE submissions SET completed_on = ?1, completion_note = ?2"
				    " WHERE id = ?3 AND completed_on IS NULL",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(stmt, 1, date, -1, SQLITE_STATIC);
	if (note)
		sqlite3_bind_text(stmt, 2, note, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 2);
	sqlite3_bind_int64(stmt, 3, c->id);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return rc;
	/* The offer and the day: never the note, which may name people. */
	snprintf(detail, sizeof detail, "%s: afsluttet %s", c->offer, date);
	return db_event(db, c->id, "completed", detail);
}

/*
 * Checks that the case named key has a completion to take back, inside the
 * caller's transaction, and fills in out.  Returns 0, or an exit code with
 * a message naming the case printed.
 */
static int check_undo(sqlite3 *db, const char *key, struct completion *out)
{
	char shown[128];
	sqlite3_stmt *stmt = NULL;
	int status, rc;

	if ((status = find_live_case(db, key, "kan ikke genoptages", out, shown,
				     sizeof shown)) != EXIT_DONE)
		return status;
	status = EXIT_DATAERR;
	rc = sqlite3_prepare_v2(db,
				"SELECT case_number, completed_on, substr(purged_at, 1, 10)"
				" FROM submissions WHERE id = ?1",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto sql_fail;
	sqlite3_bind_int64(stmt, 1, out->id);
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW)
		goto sql_fail;
	const char *case_number = column_text(stmt, 0), *completed = column_text(stmt, 1);
	const char *purged = column_text(stmt, 2);
	snprintf(out->case_number, sizeof out->case_number, "%s", case_number ? case_number : key);
	if (!completed) {
		msg_error("complete: %s: er ikke afsluttet, så der er intet at annullere", shown);
	} else if (purged) {
		/* Its personal data is gone: it cannot run again as a case. */
		msg_error("complete: %s: slettet den %s; en slettet sag forbliver lukket", shown, purged);
	} else {
		snprintf(out->completed_on, sizeof out->completed_on, "%s", completed);
		status = EXIT_DONE;
	}
	sqlite3_finalize(stmt);
	return status;
sql_fail:
	return sql_failure(db, stmt, rc);
}

/* Takes one completion back and logs it, inside the caller's transaction. */
static int record_undo(sqlite3 *db, const struct completion *c)
{
	sqlite3_stmt *stmt = NULL;
	char detail[OFFER_ID_SIZE + 64];
	int rc = sqlite3_prepare_v2(db,
				    "UPDATE submissions SET completed_on = NULL, completion_note = NULL"
				    " WHERE id = ?1 AND completed_on IS NOT NULL",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, c->id);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return rc;
	snprintf(detail, sizeof detail, "%s: afsluttet %s annulleret", c->offer, c->completed_on);
	return db_event(db, c->id, "completion_undone", detail);
}
