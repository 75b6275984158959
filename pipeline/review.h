/*
 * review.h - what the reviewer's subcommands (review, decide, withdraw,
 * purge) share: finding a case (the database is opened by ws_db_open(),
 * workspace.h).
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

#endif
