/*
 * review_decide.c - what a reviewer's command (withdraw, decide, complete)
 * does after it has changed a case: runs skema-decide for the offer and
 * tells, in Danish, which other cases it changed.  skema-decide's own JSON
 * lines are for programs; the reviewer wants to know who got a freed place
 * and who lost a proposed one.  What changed is found by reading the
 * offer's standing decisions before and after the run, so the summary says
 * what each case was as well as what it is now.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "review.h"
#include "strbuf.h"
#include "workspace.h"

/* The standing decision of each live case of an offer, by submission id. */
struct standing {
	long long id;
	char case_number[REVIEW_CASE_SIZE];
	char applicant[REVIEW_NAME_SIZE];
	char outcome[REVIEW_OUTCOME_SIZE];
	char state[REVIEW_OUTCOME_SIZE];
};

static void copy_column(sqlite3_stmt *stmt, int i, char *buf, size_t size)
{
	const unsigned char *text = sqlite3_column_text(stmt, i);
	snprintf(buf, size, "%s", text ? (const char *)text : "");
}

/* Reads the offer's live cases in id order.  Returns the count, or -1. */
static long read_standing(const char *workspace, const char *offer, struct standing **out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	struct standing *list = NULL;
	size_t count = 0, alloc = 0;
	long result = -1;

	*out = NULL;
	if (ws_db_open(workspace, &db) != 0)
		return -1;
	if (sqlite3_prepare_v2(db,
			       "SELECT s.id, s.case_number, s.applicant_name, d.outcome, d.state"
			       " FROM submissions s LEFT JOIN decisions d"
			       "  ON d.submission_id = s.id AND d.current = 1"
			       " WHERE s.offer_id = ?1 AND s.status = 'stored' ORDER BY s.id",
			       -1, &stmt, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(stmt, 1, offer, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (count == alloc) {
			size_t grown = alloc ? alloc * 2 : 32;
			struct standing *bigger = realloc(list, grown * sizeof *list);
			if (!bigger)
				goto out;
			list = bigger;
			alloc = grown;
		}
		struct standing *s = &list[count++];
		s->id = sqlite3_column_int64(stmt, 0);
		copy_column(stmt, 1, s->case_number, sizeof s->case_number);
		/* A name quotes the document: nothing for the terminal to obey. */
		const unsigned char *name = sqlite3_column_text(stmt, 2);
		msg_escape(s->applicant, sizeof s->applicant, name ? (const char *)name : "");
		copy_column(stmt, 3, s->outcome, sizeof s->outcome);
		copy_column(stmt, 4, s->state, sizeof s->state);
	}
	if (rc == SQLITE_DONE) {
		*out = list;
		list = NULL;
		result = (long)count;
	}
out:
	if (result < 0)
		msg_error("%s", sqlite3_errmsg(db));
	free(list);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return result;
}

/* 1 when the offer has a definition that loads, as skema-decide needs it. */
static int offer_defined(const char *id)
{
	struct offer_set set;
	struct strbuf err;
	offer_set_init(&set);
	strbuf_init(&err, 0);
	offer_set_load(&set, paths_forms_dir(), &err);
	int defined = offer_set_find(&set, id) != NULL;
	offer_set_release(&set);
	strbuf_release(&err);
	return defined;
}

int review_decide_offer(const char *workspace, const char *offer, const char *verb,
			struct review_changes *changes)
{
	char db_path[PATH_MAX];
	struct standing *before = NULL, *after = NULL;
	long nbefore, nafter;
	int decided, saved = -1, quiet = -1;

	changes->items = NULL;
	changes->count = 0;
	if (!offer_defined(offer)) {
		/* skema-decide would only say "no such offer" (exit 64). */
		char shown[256];
		msg_warn("%s: tilbuddet %s har ingen definition (ingen %s/%s/offer.xml; fjernet eller "
			 "omdøbt?). Afgørelsen er registreret, men pladserne fordeles ikke, og brevet "
			 "skrives først, når definitionen er tilbage",
			 verb, msg_escape(shown, sizeof shown, offer), paths_forms_dir(), shown);
		return EXIT_CONFIG;
	}
	if ((nbefore = read_standing(workspace, offer, &before)) < 0)
		return EXIT_SOFTWARE;
	ws_db_path(workspace, db_path, sizeof db_path);
	char *args[] = {(char *)"skema-decide", (char *)"--offer", (char *)offer, db_path, NULL};
	/* Its JSON lines are for programs; what they say is told below. */
	fflush(stdout);
	if ((quiet = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0 &&
	    (saved = dup(STDOUT_FILENO)) >= 0 && dup2(quiet, STDOUT_FILENO) >= 0) {
		decided = run_stage("decide", args);
		dup2(saved, STDOUT_FILENO);
	} else {
		msg_syserror("%s: /dev/null", verb);
		decided = EXIT_SOFTWARE;
	}
	if (saved >= 0)
		close(saved);
	if (quiet >= 0)
		close(quiet);
	if (decided != EXIT_DONE) {
		msg_warn("%s: skema-decide sluttede med %d; næste skema run træffer afgørelserne for "
			 "tilbuddet",
			 verb, decided);
		free(before);
		return decided;
	}
	if ((nafter = read_standing(workspace, offer, &after)) < 0) {
		free(before);
		return EXIT_SOFTWARE;
	}
	changes->items = calloc(nafter ? (size_t)nafter : 1, sizeof *changes->items);
	if (!changes->items) {
		free(before);
		free(after);
		return EXIT_SOFTWARE;
	}
	/* Both lists are in id order; a case stored meanwhile had nothing before. */
	for (long i = 0, j = 0; j < nafter; j++) {
		const struct standing *now = &after[j];
		while (i < nbefore && before[i].id < now->id)
			i++;
		const struct standing *was = i < nbefore && before[i].id == now->id ? &before[i] : NULL;
		if (was && strcmp(was->outcome, now->outcome) == 0 && strcmp(was->state, now->state) == 0)
			continue;
		struct review_change *c = &changes->items[changes->count++];
		snprintf(c->case_number, sizeof c->case_number, "%s", now->case_number);
		snprintf(c->applicant, sizeof c->applicant, "%s", now->applicant);
		snprintf(c->before, sizeof c->before, "%s", was ? was->outcome : "");
		snprintf(c->before_state, sizeof c->before_state, "%s", was ? was->state : "");
		snprintf(c->after, sizeof c->after, "%s", now->outcome);
		snprintf(c->after_state, sizeof c->after_state, "%s", now->state);
	}
	free(before);
	free(after);
	return EXIT_DONE;
}

void review_changes_release(struct review_changes *changes)
{
	free(changes->items);
	changes->items = NULL;
	changes->count = 0;
}

/* "foreslået venteliste", "endelig afslag", "ingen afgørelse". */
static const char *decision_da(const char *outcome, const char *state, char *buf, size_t size)
{
	if (!*outcome)
		snprintf(buf, size, "ingen afgørelse");
	else
		snprintf(buf, size, "%s %s", strcmp(state, "final") == 0 ? "endelig" : "foreslået",
			 outcome);
	return buf;
}

void review_print_changes(const struct review_changes *changes, int freed)
{
	int granted = 0;
	for (size_t i = 0; i < changes->count; i++) {
		const struct review_change *c = &changes->items[i];
		char was[64], now[64], who[REVIEW_CASE_SIZE + REVIEW_NAME_SIZE + 4];
		int had_place = strcmp(c->before, "bevilget") == 0;
		int has_place = strcmp(c->after, "bevilget") == 0;
		if (*c->applicant)
			snprintf(who, sizeof who, "%s (%s)", c->case_number, c->applicant);
		else
			snprintf(who, sizeof who, "%s", c->case_number);
		decision_da(c->before, c->before_state, was, sizeof was);
		decision_da(c->after, c->after_state, now, sizeof now);
		granted += has_place && !had_place;
		/* A proposal taken back in a round open again (skema-decide's retracted). */
		if (!*c->after)
			printf("%s har nu ingen afgørelse (før %s); den træffes sammen med de andre "
			       "efter ansøgningsfristen.\n",
			       who, was);
		else if (had_place && !has_place)
			printf("%s mistede sin foreslåede plads og er nu %s.\n", who, now);
		else if (has_place && !had_place)
			printf("%s får en ledig plads: nu %s (før %s).\n", who, now, was);
		else
			printf("%s er nu %s (før %s).\n", who, now, was);
	}
	if (freed == 1 && granted == 0)
		printf("Ingen anden sag har fået pladsen.\n");
	else if (freed > 1 && granted == 0)
		printf("Ingen anden sag har fået de %d ledige pladser.\n", freed);
	else if (freed > granted)
		printf("%d af de %d ledige pladser har ingen anden sag fået.\n", freed - granted,
		       freed);
}
