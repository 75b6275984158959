/*
 * review.h - what the reviewer's subcommands (review, decide, withdraw,
 * complete, purge) share: finding a case (the database is opened by
 * ws_db_open(), workspace.h), and running skema-decide afterwards with a
 * Danish summary of what it changed (review_decide.c).
 */
#ifndef SKEMA_REVIEW_H
#define SKEMA_REVIEW_H

#include <stddef.h>

#include <sqlite3.h>

#include "commands.h"

/*
 * Finds a submission by case number ("2026-000017") or database id ("17").
 * Returns 1 with *id set (and status, offer copied into the buffers when
 * given), 0 when there is none, or -SQLite code.
 */
int review_find_case(sqlite3 *db, const char *key, long long *id, char *status,
		     size_t status_size, char *offer, size_t offer_size);

/*
 * For the subcommand verb ("decide", "withdraw"): opens the workspace
 * database, begins a transaction and finds the case key, which must be open
 * (status stored; not_open ends the Danish message when it is not:
 * "sagen har status »trukket tilbage« og kan ikke afgøres").
 * Returns 0 with *db in the transaction, *id and offer set; or an exit code
 * with a message printed, *db closed and NULL.
 */
int review_open_case(const struct global_options *opt, const char *verb, const char *key,
		     const char *not_open, sqlite3 **db, long long *id, char *offer,
		     size_t offer_size);

/* Sizes of the texts a change carries. */
#define REVIEW_CASE_SIZE 32
#define REVIEW_NAME_SIZE 256
#define REVIEW_OUTCOME_SIZE 32

/* A live case whose standing decision skema-decide changed. */
struct review_change {
	char case_number[REVIEW_CASE_SIZE];
	char applicant[REVIEW_NAME_SIZE]; /* escaped for a terminal; "" unknown */
	char before[REVIEW_OUTCOME_SIZE]; /* the outcome it had, "" for none */
	char before_state[REVIEW_OUTCOME_SIZE];
	char after[REVIEW_OUTCOME_SIZE];
	char after_state[REVIEW_OUTCOME_SIZE];
};

struct review_changes {
	struct review_change *items;
	size_t count;
};

/*
 * Runs skema-decide for offer in the workspace (its JSON lines are not
 * passed on) and fills changes with the live cases of the offer whose
 * standing decision it changed (outcome or state).  verb names the
 * command in messages.  Returns 0, or skema-decide's exit code with a
 * Danish warning printed (then changes is empty: the next skema run
 * decides the offer).
 */
int review_decide_offer(const char *workspace, const char *offer, const char *verb,
			struct review_changes *changes);
void review_changes_release(struct review_changes *changes);

/*
 * Prints a Danish line per change on stdout ("2026-000003 (Vejle Kommune)
 * får en ledig plads: nu foreslået bevilget (før foreslået venteliste).").
 * freed: how many places the reviewer's command gave up; when fewer cases
 * got one, a line says how many nobody got.
 */
void review_print_changes(const struct review_changes *changes, int freed);

#endif
