/*
 * review.h - what the reviewer's subcommands (review, decide, withdraw,
 * purge) share: opening the workspace database and finding a case.
 */
#ifndef SKEMA_REVIEW_H
#define SKEMA_REVIEW_H

#include <stddef.h>

#include <sqlite3.h>

#include "commands.h"

/*
 * Opens <workspace>/skema.db (never creating it) with files made private.
 * Returns 0 with *db set, or an exit code (msg.h) with a message printed.
 */
int review_open_db(const struct global_options *opt, sqlite3 **db);

/* The exit code for an SQLite failure: 75 when it may pass, else 70. */
int review_exit_code(int rc);

/*
 * Finds a submission by case number ("2026-000017") or database id ("17").
 * Returns 1 with *id set (and status, offer copied into the buffers when
 * given), 0 when there is none, or -SQLite code.
 */
int review_find_case(sqlite3 *db, const char *key, long long *id, char *status,
		     size_t status_size, char *offer, size_t offer_size);

#endif
