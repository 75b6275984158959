/*
 * skema-decide - proposes an outcome for every live submission, offer by
 * offer, according to the offer's selection policy (offers.md; the
 * policies are in decide_policy.c).
 *
 * usage: skema-decide [--offer ID] [--force] [--now ISO] [--forms DIR] DB
 *
 * For each offer in the definitions (forms/<id>/offer.xml) it reads the
 * stored submissions, runs the policy, and for every submission whose
 * decision is new or changed writes a decisions row (state "proposed", or
 * "final" when the offer's auto-confirm lists the outcome; the row it
 * replaces stays, with current = 0) and one JSON line on stdout:
 *   {"submission_id", "case_number", "offer_id", "outcome", "state", "explanation"}
 * Re-running with nothing changed writes nothing.  A decision a reviewer
 * made final is never changed, except that a final place on a waiting list
 * becomes a proposed place when one is freed (and stands again, with no new
 * decision and no line, when that place goes again: restore_final).  A
 * place held while a forløb runs (capacity period concurrent) is freed by
 * a withdrawal, a reviewer's refusal, or the end of the forløb (skema
 * complete, completed_on): an ended forløb keeps its decision and no
 * longer counts against capacity.
 *
 * --if-waiting ID is the same question for a reviewer's final venteliste:
 * the line's "offered" is true when the policy would at once propose the
 * case a place (it would be first on the list with a place free).
 *
 * --if-granted ID (with --offer) decides nothing: it answers skema decide,
 * which asks before a reviewer grants submission ID a place for good
 * whether one is left.  It runs the offer's policy as if ID were granted
 * finally (a deadline round as if decided now) and prints one JSON line:
 *   {"submission_id", "case_number", "offer_id", "fits", "capacity",
 *    "unit", "pool", "period", "rolling", "confirmed": [case numbers]}
 * fits is false when a place given for good would then be beyond the
 * capacity or moved out of its period, i.e. the grant could only take a
 * place a reviewer has confirmed; pool names the places in Danish ("3.
 * kvartal 2021") and confirmed lists the places given for good in it.
 *
 * Deadline offers are decided only once the deadline has passed (--now
 * sets the time; --force decides an open round); in an open round a
 * proposal made while it was closed is taken back (event retracted: the
 * deadline moved later, skema rejudge, or an earlier --force).  A round with fewer
 * eligible applications than the offer's minimum is logged as a
 * below_minimum event and reported on stderr, for the manager.
 *
 * Exit codes: 0 done; 64 usage; 70 internal error; 75 database busy, full
 * or read-only (nothing of the offer being decided is written; run again);
 * 78 an offer definition could not be loaded.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sqlite3.h>

#include "clock.h"
#include "db.h"
#include "decide.h"
#include "msg.h"
#include "normalize.h"
#include "offer.h"
#include "paths.h"
#include "record.h"
#include "strbuf.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

static int decide_offer(sqlite3 *db, const struct offer *offer, time_t now, int force);
static int check_grant(sqlite3 *db, const struct offer *offer, long long id, time_t now,
		       const char *as);
static void warn_unknown_offers(sqlite3 *db, const struct offer_set *set);
static int load_cases(sqlite3 *db, const struct offer *offer, struct decide_case **out,
		      size_t *count);

static void usage(FILE *out)
{
	fprintf(out,
		"usage: skema-decide [--offer ID] [--force] [--now ISO] [--forms DIR] DB\n"
		"\n"
		"Proposes outcomes for the stored submissions in DB by each offer's policy and\n"
		"writes one JSON line per new or changed decision.\n"
		"\n"
		"  -o, --offer ID    only this offer\n"
		"  -f, --force       decide a deadline round before its deadline\n"
		"      --if-granted ID  write nothing: whether granting submission ID for good\n"
		"                    leaves every confirmed place in place (needs --offer)\n"
		"      --if-waiting ID  write nothing: whether submission ID, put on the waiting\n"
		"                    list for good, would be offered a place at once (needs --offer)\n"
		"  -n, --now ISO     the time to decide at (default: now, or $SKEMA_NOW)\n"
		"      --forms DIR   offer definitions (default: $SKEMA_FORMS or <datadir>/forms)\n"
		"  -q, --quiet       errors only\n"
		"  -v, --verbose     say what is decided\n"
		"      --help        this text\n"
		"      --version     the version\n"
		"\n"
		"Exit: 0 done, 64 usage, 70 internal error, 75 database busy, full or\n"
		"read-only (run again), 78 offer definition error.\n");
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"offer", required_argument, NULL, 'o'}, {"force", no_argument, NULL, 'f'},
		{"now", required_argument, NULL, 'n'},   {"forms", required_argument, NULL, 'F'},
		{"quiet", no_argument, NULL, 'q'},       {"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},        {"version", no_argument, NULL, 'V'},
		{"if-granted", required_argument, NULL, 'G'},
		{"if-waiting", required_argument, NULL, 'W'},
		{NULL, 0, NULL, 0},
	};
	const char *only = NULL, *now_text = NULL, *forms = NULL;
	long long if_granted = 0;
	const char *as = "bevilget";
	char *end;
	int c, force = 0, verbosity = 0, status = EXIT_DONE, matched = 0;
	struct offer_set set;
	struct strbuf err;
	sqlite3 *db = NULL;
	time_t now;

	msg_set_program("skema-decide");
	clock_init();
	while ((c = getopt_long(argc, argv, "o:fn:qvhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			only = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'n':
			now_text = optarg;
			break;
		case 'F':
			forms = optarg;
			break;
		case 'G':
		case 'W':
			as = c == 'G' ? "bevilget" : "venteliste";
			if_granted = strtoll(optarg, &end, 10);
			if (*end || if_granted <= 0) {
				msg_error("--if-%s: \"%s\" is not a submission id",
					  c == 'G' ? "granted" : "waiting", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'q':
			verbosity = -1;
			break;
		case 'v':
			verbosity = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("skema-decide (skema) %s\n", SKEMA_VERSION);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || (if_granted && !only)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	msg_set_verbosity(verbosity);
	if (now_text) {
		if (clock_parse(now_text, &now) < 0) {
			msg_error("--now: \"%s\" is not an ISO date or time", now_text);
			return EXIT_USAGE;
		}
	} else if (clock_now(&now) < 0) {
		return EXIT_USAGE;
	}

	offer_set_init(&set);
	strbuf_init(&err, 64 * 1024);
	if (offer_set_load(&set, forms ? forms : paths_forms_dir(), &err) < 0) {
		/* The good definitions are still loaded; decide those. */
		msg_error("offer definitions:\n%s", strbuf_str(&err));
		status = EXIT_CONFIG;
	}
	umask(077);
	int rc = db_open(argv[optind], 0, &db);
	if (rc != SQLITE_OK) {
		status = db_temporary(rc) ? EXIT_TEMPFAIL : EXIT_SOFTWARE;
		goto out;
	}
	for (size_t i = 0; i < set.count; i++) {
		const struct offer *offer = set.offers[i];
		if (only && strcmp(only, offer->id) != 0)
			continue;
		matched = 1;
		if (if_granted) {
			status = check_grant(db, offer, if_granted, now, as);
			break;
		}
		rc = decide_offer(db, offer, now, force);
		if (rc != SQLITE_OK) {
			status = db_temporary(rc) ? EXIT_TEMPFAIL : EXIT_SOFTWARE;
			break;
		}
	}
	if (!only && status == EXIT_DONE)
		warn_unknown_offers(db, &set);
	if (only && !matched && status == EXIT_DONE) {
		msg_error("%s: no such offer", only);
		status = EXIT_USAGE;
	}
out:
	sqlite3_close(db);
	strbuf_release(&err);
	offer_set_release(&set);
	return status;
}

/* Live submissions of an offer with no definition are never decided: say so. */
static void warn_unknown_offers(sqlite3 *db, const struct offer_set *set)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db,
			       "SELECT offer_id, COUNT(*) FROM submissions WHERE status = 'stored'"
			       " AND offer_id IS NOT NULL GROUP BY offer_id",
			       -1, &stmt, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(stmt, 0);
		char shown[256];
		if (id && !offer_set_find(set, id))
			msg_warn("%s: %d submissions for an offer without a definition are not decided",
				 msg_escape(shown, sizeof shown, id), sqlite3_column_int(stmt, 1));
	}
	sqlite3_finalize(stmt);
}

/*
 * 1 when submission id was filled in on another version of the form, whose
 * fields the definition does not know, while fields of the definition are
 * not in it (validation.form_version, skema-validate): a field renamed
 * between the versions, whose answer the judgement could not see.  Such a
 * decision waits for a reviewer even where the offer confirms its outcome
 * by itself (a mangler letter would ask for what the form did say).
 */
static int form_changed_under(sqlite3 *db, long long id)
{
	sqlite3_stmt *stmt;
	int changed = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT json_array_length(record, '$.validation.form_version.unknown') > 0"
			       " AND json_array_length(record, '$.validation.form_version.absent') > 0"
			       " FROM submissions WHERE id = ?1 AND json_valid(record)",
			       -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		changed = sqlite3_column_int(stmt, 0) == 1;
	sqlite3_finalize(stmt);
	return changed;
}

static int auto_confirmed(const struct offer *offer, const char *outcome)
{
	for (size_t i = 0; i < offer->nauto_confirm; i++)
		if (strcmp(offer->auto_confirm[i], outcome) == 0)
			return 1;
	return 0;
}

/* Writes the new decision of c (inside the caller's transaction). */
static int record_decision(sqlite3 *db, const struct offer *offer, struct decide_case *c,
			   const char *state, const char *decided_at)
{
	sqlite3_stmt *stmt = NULL;
	char detail[128];
	int rc;

	if (c->decision_id > 0) {
		rc = sqlite3_prepare_v2(db, "UPDATE decisions SET current = 0 WHERE id = ?1", -1,
					&stmt, NULL);
		if (rc != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(stmt, 1, c->decision_id);
		if ((rc = sqlite3_step(stmt)) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(stmt);
	}
	rc = sqlite3_prepare_v2(db,
				"INSERT INTO decisions (submission_id, outcome, state, rank, explanation,"
				" actor, decided_at, current, period, automatic)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, 1)",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(stmt, 1, c->id);
	sqlite3_bind_text(stmt, 2, c->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, state, -1, SQLITE_STATIC);
	if (c->rank > 0)
		sqlite3_bind_int(stmt, 4, c->rank);
	sqlite3_bind_text(stmt, 5, strbuf_str(&c->explanation), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, db_actor(), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, decided_at, -1, SQLITE_STATIC);
	/* Only a place counts against a period (the trigger of schema step 3
	 * would otherwise hand a new refusal nothing, but say so here). */
	if (c->period[0] && strcmp(c->outcome, "bevilget") == 0)
		sqlite3_bind_text(stmt, 8, c->period, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(stmt);
	snprintf(detail, sizeof detail, "%s: %s%s", offer->id, c->outcome,
		 strcmp(state, "final") == 0 ? " (automatisk bekræftet)" : "");
	return db_event(db, c->id, strcmp(state, "final") == 0 ? "decided" : "proposed", detail);
fail:
	msg_error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return rc == SQLITE_OK || rc == SQLITE_ROW ? SQLITE_ERROR : rc;
}

/*
 * One column of the decision row id, set to text (or, without text, to
 * number) by sql, whose ?1 is the value and ?2 the row.
 */
static int update_decision(sqlite3 *db, long long id, const char *sql, const char *text,
			   int number)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		if (text)
			sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int(stmt, 1, number);
		sqlite3_bind_int64(stmt, 2, id);
		rc = sqlite3_step(stmt);
	}
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return SQLITE_OK;
	}
	msg_error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return rc == SQLITE_OK || rc == SQLITE_ROW ? SQLITE_ERROR : rc;
}

/*
 * A place decided before the schema had periods (step 3) gets the period
 * the policy counts it against, once: the decision itself stands as it
 * was, so this is no new decision and no event, and a second run finds
 * nothing to fill in.
 */
static int fill_period(sqlite3 *db, const struct decide_case *c)
{
	if (c->decision_id <= 0 || c->current_period || !c->period[0] || !c->current_outcome ||
	    strcmp(c->current_outcome, "bevilget") != 0)
		return SQLITE_OK;
	return update_decision(db, c->decision_id,
			       "UPDATE decisions SET period = ?1 WHERE id = ?2 AND period IS NULL",
			       c->period, 0);
}

/*
 * A confirmed waiting-list place keeps its decision and its letter when
 * the list moves, but its stored rank follows the list, so that the
 * report (which orders the list by rank) shows the order the next free
 * place goes in: a later application that meets more priority criteria
 * goes ahead of it.  Only the rank is written; nothing is announced.
 */
static int follow_waiting_rank(sqlite3 *db, const struct decide_case *c)
{
	if (c->decision_id <= 0 || c->rank <= 0 || c->current_rank == c->rank || !c->outcome ||
	    strcmp(c->outcome, "venteliste") != 0 || !c->current_state ||
	    strcmp(c->current_state, "final") != 0)
		return SQLITE_OK;
	return update_decision(db, c->decision_id, "UPDATE decisions SET rank = ?1 WHERE id = ?2",
			       NULL, c->rank);
}

/*
 * A proposed place that goes again (a reviewer granted another case the
 * place, a completion was undone) from a case whose waiting-list place a
 * reviewer had confirmed: the policy puts it back on the waiting list,
 * which is what the reviewer confirmed and the applicant has a letter
 * about.  Nothing is new for it, so that final decision stands again
 * (current once more): no new proposal, no draft, not in the review queue.
 * The event log says that the proposal lapsed.
 *
 * The waiting-list number in the explanation may have moved meanwhile; it
 * does not count.  A confirmed venteliste is never rewritten for a new
 * number (the case stays final, its letter stands), and a case that had a
 * place proposed and taken back is in the same position as one that had
 * not.
 *
 * Only skema-decide's place over a final waiting list sits on a final
 * decision (any other final decision is left alone), so it is looked up
 * only when a proposed place goes: the lookup walks the decisions back
 * from the proposal, since no index has them by case.  Sets *restored.
 */
static int restore_final(sqlite3 *db, const struct offer *offer, const struct decide_case *c,
			 int *restored)
{
	sqlite3_stmt *stmt = NULL;
	long long final_id = 0;
	char detail[160];
	int rc;

	*restored = 0;
	if (c->decision_id <= 0 || !c->current_state || strcmp(c->current_state, "proposed") != 0 ||
	    !c->current_outcome || strcmp(c->current_outcome, "bevilget") != 0 ||
	    strcmp(c->outcome, "bevilget") == 0)
		return SQLITE_OK;
	rc = sqlite3_prepare_v2(db,
				"SELECT id, outcome FROM decisions WHERE submission_id = ?1"
				" AND state = 'final' AND id < ?2 ORDER BY id DESC LIMIT 1",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(stmt, 1, c->id);
	sqlite3_bind_int64(stmt, 2, c->decision_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *outcome = sqlite3_column_text(stmt, 1);
		if (outcome && strcmp((const char *)outcome, c->outcome) == 0)
			final_id = sqlite3_column_int64(stmt, 0);
	} else if (rc != SQLITE_DONE) {
		goto fail;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (!final_id)
		return SQLITE_OK;
	/* The proposal gives up being current first: one current per case
	 * (the unique index is checked row by row). */
	static const char *const steps[] = {
		"UPDATE decisions SET current = 0 WHERE id = ?1",
		"UPDATE decisions SET current = 1 WHERE id = ?1",
	};
	for (size_t i = 0; i < 2; i++) {
		rc = sqlite3_prepare_v2(db, steps[i], -1, &stmt, NULL);
		if (rc != SQLITE_OK)
			goto fail;
		sqlite3_bind_int64(stmt, 1, i == 0 ? c->decision_id : final_id);
		if ((rc = sqlite3_step(stmt)) != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	*restored = 1;
	snprintf(detail, sizeof detail, "%s: foreslået %s bortfalder, endelig %s står igen", offer->id,
		 c->current_outcome, c->outcome);
	return db_event(db, c->id, "restored", detail);
fail:
	msg_error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return rc == SQLITE_OK || rc == SQLITE_ROW ? SQLITE_ERROR : rc;
}

/* Logs a round below its minimum once; the message goes out every run. */
static int tell_below_minimum(sqlite3 *db, const struct offer *offer, long eligible)
{
	sqlite3_stmt *stmt;
	char detail[256];
	int rc, seen = 0;

	snprintf(detail, sizeof detail,
		 "%s: %ld egnede ansøgninger, færre end minimum %ld", offer->id, eligible,
		 offer->capacity_min);
	msg_warn("%s: only %ld eligible applications, fewer than the minimum of %ld", offer->id,
		 eligible, offer->capacity_min);
	rc = sqlite3_prepare_v2(db, "SELECT 1 FROM events WHERE event = 'below_minimum' AND detail = ?1",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(stmt, 1, detail, -1, SQLITE_STATIC);
	seen = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	return seen ? SQLITE_OK : db_event(db, 0, "below_minimum", detail);
}

/*
 * A proposal that has no place in a deadline round that is open: nothing
 * but mangler is proposed before the deadline, and a mangler only while the
 * form is incomplete.  Such a proposal was made when the round was closed
 * (the deadline has been moved later since), before skema rejudge judged
 * the case again, or by an earlier run with --force.  A final decision is
 * never touched.
 */
static int premature(const struct decide_case *c)
{
	const char *outcome = c->current_outcome, *validation = c->validation;
	if (c->outcome || !outcome || !validation || c->completed || !c->current_state ||
	    strcmp(c->current_state, "proposed") != 0)
		return 0;
	if (strcmp(outcome, "mangler") == 0)
		return strcmp(validation, "incomplete") != 0 || c->late;
	return 1;
}

/* Takes back a premature proposal: the case has no decision until the round is decided. */
static int retract(sqlite3 *db, const struct offer *offer, const struct decide_case *c)
{
	char detail[256];
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(
		db, "UPDATE decisions SET current = 0 WHERE submission_id = ?1 AND current = 1", -1,
		&stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, c->id);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return rc;
	snprintf(detail, sizeof detail,
		 "%s: forslaget om %s bortfalder; ansøgningen afgøres efter ansøgningsfristen",
		 offer->id, c->current_outcome);
	return db_event(db, c->id, "retracted", detail);
}

static int decide_offer(sqlite3 *db, const struct offer *offer, time_t now, int force)
{
	struct decide_case *cases = NULL;
	size_t ncases = 0;
	long below_minimum = -1;
	char decided_at[CLOCK_ISO_SIZE];
	json_t *lines = json_array();
	int rc;

	clock_format(now, decided_at);
	if ((rc = db_begin(db)) != SQLITE_OK)
		goto out;
	if ((rc = load_cases(db, offer, &cases, &ncases)) != SQLITE_OK)
		goto fail;
	decide_run_policy(offer, cases, ncases, now, force, &below_minimum);
	if (below_minimum >= 0 && ncases > 0 && (rc = tell_below_minimum(db, offer, below_minimum)) != SQLITE_OK)
		goto fail;
	int open_round = !offer->rolling && now < offer->deadline_at && !force;
	for (size_t i = 0; i < ncases; i++) {
		struct decide_case *c = &cases[i];
		if (open_round && premature(c)) {
			if ((rc = retract(db, offer, c)) != SQLITE_OK)
				goto fail;
			continue;
		}
		/* A proposal whose place moved is a new proposal, though its
		 * explanation may not give the number (room for all in a round). */
		int unchanged = !c->outcome ||
				(c->current_outcome && strcmp(c->current_outcome, c->outcome) == 0 &&
				 (strcmp(c->current_state, "final") == 0 ||
				  (c->current_rank == c->rank &&
				   strcmp(c->current_explanation ? c->current_explanation : "",
					  strbuf_str(&c->explanation)) == 0)));
		if (unchanged) {
			/* Left alone (a final place) or the same as before. */
			if ((rc = fill_period(db, c)) != SQLITE_OK ||
			    (rc = follow_waiting_rank(db, c)) != SQLITE_OK)
				goto fail;
			continue;
		}
		int restored;
		if ((rc = restore_final(db, offer, c, &restored)) != SQLITE_OK)
			goto fail;
		if (restored)
			continue;
		/* A reviewer's final waiting-list place is only ever turned into a place. */
		if (c->current_state && strcmp(c->current_state, "final") == 0 &&
		    strcmp(c->outcome, "bevilget") != 0)
			continue;
		const char *state = auto_confirmed(offer, c->outcome) && !form_changed_under(db, c->id)
					    ? "final"
					    : "proposed";
		if ((rc = record_decision(db, offer, c, state, decided_at)) != SQLITE_OK)
			goto fail;
		json_t *line = json_object();
		json_object_set_new(line, "submission_id", json_integer(c->id));
		json_object_set_new(line, "case_number",
				    c->case_number ? json_string(c->case_number) : json_null());
		json_object_set_new(line, "offer_id", json_string(offer->id));
		json_object_set_new(line, "outcome", json_string(c->outcome));
		json_object_set_new(line, "state", json_string(state));
		json_object_set_new(line, "explanation", json_string(strbuf_str(&c->explanation)));
		json_array_append_new(lines, line);
	}
	if ((rc = db_commit(db)) != SQLITE_OK)
		goto fail;
	/* Only what is committed is announced. */
	size_t i;
	json_t *line;
	json_array_foreach(lines, i, line) {
		msg_debug("%s: %s %s", offer->id, json_string_value(json_object_get(line, "case_number")),
			 json_string_value(json_object_get(line, "outcome")));
		if (record_write(stdout, line) < 0) {
			msg_syserror("stdout");
			break;
		}
	}
	goto out;
fail:
	db_rollback(db);
out:
	for (size_t k = 0; k < ncases; k++)
		decide_case_release(&cases[k]);
	free(cases);
	json_decref(lines);
	return rc;
}

/*
 * --if-granted: runs the policy as if submission id had a final grant and
 * tells whether every place given for good keeps its place (see the top
 * of this file).  Reads in one transaction and writes nothing.  Returns an
 * exit code.
 */
static int check_grant(sqlite3 *db, const struct offer *offer, long long id, time_t now,
		       const char *as)
{
	struct decide_case *cases = NULL, *granted = NULL;
	size_t ncases = 0;
	long below_minimum = -1;
	char pool[96];
	int rc, status = EXIT_DONE, fits = 1;

	if ((rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK ||
	    (rc = load_cases(db, offer, &cases, &ncases)) != SQLITE_OK) {
		msg_error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return db_temporary(rc) ? EXIT_TEMPFAIL : EXIT_SOFTWARE;
	}
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	for (size_t i = 0; i < ncases; i++)
		if (cases[i].id == id)
			granted = &cases[i];
	if (!granted) {
		msg_error("--if-granted: submission %lld is not a live case of %s", id, offer->id);
		status = EXIT_DATAERR;
		goto out;
	}
	free(granted->current_outcome);
	free(granted->current_state);
	free(granted->current_period);
	granted->current_outcome = strdup(as);
	granted->current_state = strdup("final");
	granted->current_period = NULL;
	granted->completed = 0;
	if (!granted->current_outcome || !granted->current_state) {
		msg_error("out of memory");
		status = EXIT_SOFTWARE;
		goto out;
	}
	/* The policy sorts the cases: find the granted one again after it. */
	decide_run_policy(offer, cases, ncases, now, 1, &below_minimum);
	granted = NULL;
	for (size_t i = 0; i < ncases; i++) {
		if (cases[i].id == id)
			granted = &cases[i];
		fits &= !cases[i].beyond_capacity;
	}
	json_t *line = json_object(), *confirmed = json_array();
	for (size_t i = 0; granted && i < ncases; i++) {
		const struct decide_case *c = &cases[i];
		if (c != granted && decide_case_fixed(c) && !c->completed &&
		    strcmp(c->current_outcome, "bevilget") == 0 && strcmp(c->period, granted->period) == 0)
			json_array_append_new(confirmed, json_string(c->case_number ? c->case_number : ""));
	}
	decide_period_label(offer, granted ? granted->period : "", pool, sizeof pool);
	json_object_set_new(line, "submission_id", json_integer(id));
	json_object_set_new(line, "case_number",
			    granted && granted->case_number ? json_string(granted->case_number) : json_null());
	json_object_set_new(line, "offer_id", json_string(offer->id));
	json_object_set_new(line, "fits", json_boolean(fits));
	/* --if-waiting: a final waiting-list place the policy would turn into a
	 * place at once (the first on the list, with a place free). */
	json_object_set_new(line, "offered",
			    json_boolean(granted && granted->outcome &&
					 strcmp(granted->outcome, "bevilget") == 0));
	json_object_set_new(line, "capacity", json_integer(offer->capacity_max));
	json_object_set_new(line, "unit", json_string(offer->capacity_unit && *offer->capacity_unit
							     ? offer->capacity_unit
							     : "pladser"));
	json_object_set_new(line, "pool", json_string(pool));
	json_object_set_new(line, "period", json_string(offer->capacity_period ? offer->capacity_period
									   : "year"));
	json_object_set_new(line, "rolling", json_boolean(offer->rolling));
	json_object_set_new(line, "confirmed", confirmed);
	if (record_write(stdout, line) < 0) {
		msg_syserror("stdout");
		status = EXIT_SOFTWARE;
	}
	json_decref(line);
out:
	for (size_t k = 0; k < ncases; k++)
		decide_case_release(&cases[k]);
	free(cases);
	return status;
}

static char *dup_column(sqlite3_stmt *stmt, int column)
{
	const unsigned char *text = sqlite3_column_text(stmt, column);
	return text ? strdup((const char *)text) : NULL;
}

/* The label of a field of the offer, for Danish sentences. */
static const char *label_of(const struct offer *offer, const char *name)
{
	const struct offer_field *field = offer_find_field(offer, name);
	return field && field->label ? field->label : name;
}

/* Sentences for an incomplete record: what is missing, what could not be read. */
static void missing_reasons(const struct offer *offer, const char *record_json, struct strbuf *out)
{
	json_t *rec = record_json ? json_loads(record_json, 0, NULL) : NULL;
	const json_t *validation = json_object_get(rec, "validation");
	const json_t *missing = json_object_get(validation, "missing");
	const json_t *invalid = json_object_get(validation, "invalid");
	size_t i;
	json_t *item;

	/* A field filled in wrongly is said once, below, with what is wrong. */
	size_t said = 0;
	json_array_foreach(missing, i, item) {
		const char *name = json_string_value(item);
		if (record_invalid_field(invalid, name))
			continue;
		strbuf_printf(out, "%s»%s«", said++ ? ", " : "Der mangler: ",
			      name ? label_of(offer, name) : "?");
	}
	if (said)
		strbuf_puts(out, ".");
	json_array_foreach(invalid, i, item) {
		const char *name = json_string_value(json_object_get(item, "field"));
		const char *message = json_string_value(json_object_get(item, "message"));
		const json_t *names = json_object_get(item, "fields");
		if (json_array_size(names) > 1) {
			/* A rule between fields: the applicant corrects them together. */
			const char *list[8];
			size_t n = 0, k;
			json_t *each;
			json_array_foreach(names, k, each) if (n < 8 && json_is_string(each))
				list[n++] = json_string_value(each);
			strbuf_puts(out, out->len ? " Felterne " : "Felterne ");
			offer_join_labels(offer, list, n, 1, out);
			strbuf_printf(out, " er ikke udfyldt korrekt%s%s.", message ? ": " : "",
				      message ? message : "");
			continue;
		}
		strbuf_printf(out, "%sFeltet »%s« er ikke udfyldt korrekt%s%s.", out->len ? " " : "",
			      name ? label_of(offer, name) : "?", message ? ": " : "",
			      message ? message : "");
	}
	if (out->len)
		strbuf_puts(out, offer_is_registration(offer)
					 ? " Send en rettet tilmelding."
					 : " Send en rettet ansøgning.");
	json_decref(rec);
}

/*
 * The record as JSON, read only for an incomplete case, not in the query
 * that lists an offer's cases: that query is sorted, and SQLite's sorter
 * would hold every record of the offer in memory (8 MB of the 11 MB heap
 * over 10,000 submissions, growing with them).
 */
static char *record_of(sqlite3 *db, long long id)
{
	sqlite3_stmt *stmt;
	char *record = NULL;
	if (sqlite3_prepare_v2(db, "SELECT record FROM submissions WHERE id = ?1", -1, &stmt,
			       NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		record = dup_column(stmt, 0);
	sqlite3_finalize(stmt);
	return record;
}

static char *field_value(sqlite3 *db, long long id, const char *name)
{
	sqlite3_stmt *stmt;
	char *value = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM fields WHERE submission_id = ?1 AND name = ?2",
			       -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		value = dup_column(stmt, 0);
	sqlite3_finalize(stmt);
	return value;
}

static int parse_int(const char *text, long *out)
{
	char *end;
	if (!text || !*text)
		return -1;
	*out = strtol(text, &end, 10);
	return *end ? -1 : 0;
}

/*
 * The value of a spread attribute: a field, or one derived from fields
 * (region from kommune, age group from alder_fra/alder_til, size band from
 * antal_pladser).  Caller frees; "" when unknown.
 */
static char *spread_value(sqlite3 *db, long long id, const char *attribute)
{
	char buf[64];
	long from, to;
	/*
	 * Spreading over 98 kommuner, every age or every size would spread over
	 * nothing: a kommune counts by its region, ages and sizes by band.
	 */
	if (strcmp(attribute, "region") == 0 || strcmp(attribute, "kommune") == 0) {
		char *kommune = field_value(db, id, "kommune");
		const char *region = kommune ? kommune_region(kommune) : NULL;
		if (!region && kommune && kommune_canonical(kommune))
			region = kommune_region(kommune_canonical(kommune));
		free(kommune);
		return strdup(region ? region : "");
	}
	if (strcmp(attribute, "aldersgruppe") == 0 || strcmp(attribute, "age_group") == 0 ||
	    strcmp(attribute, "alder_fra") == 0 || strcmp(attribute, "alder_til") == 0) {
		char *a = field_value(db, id, "alder_fra"), *b = field_value(db, id, "alder_til");
		int ok = parse_int(a, &from) == 0 && parse_int(b, &to) == 0;
		free(a);
		free(b);
		if (!ok)
			return strdup("");
		/* The middle of the ages served says which children the place is for. */
		long middle = (from + to) / 2;
		snprintf(buf, sizeof buf, "%s",
			 middle < 6 ? "0-5 år" : middle < 12 ? "6-11 år" : middle < 18 ? "12-17 år"
										  : "18-23 år");
		return strdup(buf);
	}
	if (strcmp(attribute, "stoerrelse") == 0 || strcmp(attribute, "size_band") == 0 ||
	    strcmp(attribute, "antal_pladser") == 0) {
		char *a = field_value(db, id, "antal_pladser");
		int ok = parse_int(a, &from) == 0;
		free(a);
		if (!ok)
			return strdup("");
		snprintf(buf, sizeof buf, "%s",
			 from <= 6 ? "1-6 pladser" : from <= 15 ? "7-15 pladser" : "over 15 pladser");
		return strdup(buf);
	}
	char *value = field_value(db, id, attribute);
	return value ? value : strdup("");
}

static int load_criteria(sqlite3 *db, const struct offer *offer, struct decide_case *c)
{
	sqlite3_stmt *stmt;
	struct strbuf failed, priority;
	int rc = sqlite3_prepare_v2(db,
				    "SELECT passed, text FROM criteria"
				    " WHERE submission_id = ?1 AND criterion_id = ?2",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	strbuf_init(&failed, 8192);
	strbuf_init(&priority, 8192);
	for (size_t i = 0; i < offer->ncriteria; i++) {
		const struct offer_criterion *criterion = &offer->criteria[i];
		int passed = -1;
		char *text = NULL;
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, c->id);
		sqlite3_bind_text(stmt, 2, criterion->id, -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			if (sqlite3_column_type(stmt, 0) != SQLITE_NULL)
				passed = sqlite3_column_int(stmt, 0) != 0;
			text = dup_column(stmt, 1);
		}
		if (!text || !*text) {
			free(text);
			text = NULL;
			const char *fallback = passed == 1 ? criterion->pass_text : passed == 0 ? criterion->fail_text : NULL;
			if (fallback)
				text = strdup(fallback);
		}
		if (criterion->kind == CRITERION_ELIGIBILITY && passed == 0 && text)
			strbuf_printf(&failed, "%s%s", failed.len ? " " : "", text);
		if (criterion->kind == CRITERION_PRIORITY && c->npriority < DECIDE_MAX_PRIORITY) {
			c->priority[c->npriority++] = passed;
			c->priority_passed += passed == 1;
			if (text)
				strbuf_printf(&priority, "%s%s", priority.len ? " " : "", text);
		}
		free(text);
	}
	sqlite3_finalize(stmt);
	c->reasons = failed.len ? strbuf_detach(&failed) : NULL;
	c->priority_text = priority.len ? strbuf_detach(&priority) : NULL;
	strbuf_release(&failed);
	strbuf_release(&priority);
	return SQLITE_OK;
}

/* Reads the live submissions of offer with their standing decisions.  Caller frees. */
static int load_cases(sqlite3 *db, const struct offer *offer, struct decide_case **out,
		      size_t *count)
{
	sqlite3_stmt *stmt;
	struct decide_case *cases = NULL;
	size_t n = 0, alloc = 0;
	int rc = sqlite3_prepare_v2(
		db,
		"SELECT s.id, s.case_number, s.received_at, s.validation, d.id, d.outcome, d.state,"
		" d.explanation, d.period, s.completed_on, d.rank"
		" FROM submissions s LEFT JOIN decisions d ON d.submission_id = s.id AND d.current = 1"
		" WHERE s.offer_id = ?1 AND s.status = 'stored' ORDER BY s.id",
		-1, &stmt, NULL);
	*out = NULL;
	*count = 0;
	if (rc != SQLITE_OK) {
		msg_error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
		return rc;
	}
	sqlite3_bind_text(stmt, 1, offer->id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == alloc) {
			size_t grown_alloc = alloc ? alloc * 2 : 64;
			struct decide_case *grown = realloc(cases, grown_alloc * sizeof *grown);
			if (!grown) {
				rc = SQLITE_NOMEM;
				break;
			}
			cases = grown;
			alloc = grown_alloc;
		}
		struct decide_case *c = &cases[n++];
		decide_case_init(c);
		c->id = sqlite3_column_int64(stmt, 0);
		c->case_number = dup_column(stmt, 1);
		c->received_at = dup_column(stmt, 2);
		c->validation = dup_column(stmt, 3);
		c->decision_id = sqlite3_column_int64(stmt, 4);
		c->current_outcome = dup_column(stmt, 5);
		c->current_state = dup_column(stmt, 6);
		c->current_explanation = dup_column(stmt, 7);
		c->current_period = dup_column(stmt, 8);
		c->current_rank = sqlite3_column_int(stmt, 10);
		/* Only a place held while the forløb runs is freed when it ends;
		 * a place of a year or a quarter was used, ended or not. */
		c->completed = sqlite3_column_type(stmt, 9) != SQLITE_NULL && c->current_outcome &&
			       strcmp(c->current_outcome, "bevilget") == 0 && offer->capacity_period &&
			       strcmp(offer->capacity_period, "concurrent") == 0;
		if (!c->received_at || clock_parse(c->received_at, &c->received) < 0)
			c->received = 0;
		c->late = !offer->rolling && c->received > offer->deadline_at;
		if ((rc = load_criteria(db, offer, c)) != SQLITE_OK)
			break;
		if (c->validation && strcmp(c->validation, "incomplete") == 0) {
			struct strbuf missing;
			char *record = record_of(db, c->id);
			strbuf_init(&missing, 8192);
			missing_reasons(offer, record, &missing);
			free(record);
			if (missing.len) {
				free(c->reasons);
				c->reasons = strbuf_detach(&missing);
			}
			strbuf_release(&missing);
		}
		for (size_t a = 0; a < offer->nspread && a < DECIDE_MAX_SPREAD; a++)
			c->spread[a] = spread_value(db, c->id, offer->spread[a]);
		if (offer->rank_by)
			c->rank_value = field_value(db, c->id, offer->rank_by);
		if (offer_find_field(offer, "kursustype")) {
			char *type = field_value(db, c->id, "kursustype");
			char *number = field_value(db, c->id, "antal_deltagere");
			long participants;
			if (type && strcmp(type, "fælleskursus") == 0)
				c->shared_participants =
					parse_int(number, &participants) == 0 && participants > 0 ? participants : 5;
			free(type);
			free(number);
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		msg_error("%s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
		for (size_t k = 0; k < n; k++)
			decide_case_release(&cases[k]);
		free(cases);
		return rc == SQLITE_ROW ? SQLITE_ERROR : rc;
	}
	*out = cases;
	*count = n;
	return SQLITE_OK;
}
