/*
 * store.h - the store stage's modules: putting one record in the database.
 */
#ifndef SKEMA_STORE_H
#define SKEMA_STORE_H

#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

/*
 * Stores rec, all or nothing (a savepoint inside the caller's transaction,
 * else a transaction of its own), and adds rec["submission"].  A record that
 * cannot be stored (no id) gets an error and SQLITE_OK is returned.
 * Returns an SQLite code; on failure nothing of rec is in the database.
 * text (len bytes) is rec as it was read, kept as the row's record; NULL:
 * rec is written out for it.
 */
int store_record(sqlite3 *db, json_t *rec, const char *text, size_t len);

/*
 * Stores again a live submission judged anew (skema rejudge): rec is its
 * document read and judged again by skema-extract and skema-validate.
 * Replaces the row's validation, record, fields and criterion results,
 * logs a "rejudged" event with the judgement before and after and the
 * criteria whose result changed, and adds "submission" and "rejudged" =
 * {"before", "after", "criteria"} to rec.  A judgement the same as the
 * stored one (result, criteria and their sentences, field values,
 * warnings) changes nothing and logs nothing.  Nothing else changes: not
 * the case number, the receipt, the applicant, nor the decisions
 * (skema-decide runs next).  A record with an error from an earlier stage
 * passes through; one that is not a live submission, whose form now reads
 * as another offer's, or whose decision has become final meanwhile (a
 * final venteliste excepted: it still waits for a place), gets an error.  Returns SQLITE_OK or an SQLite
 * error code (rolled back).
 */
int store_rejudge(sqlite3 *db, json_t *rec, const char *text, size_t len);

/* Finalizes the statements store_record() kept for db; call before closing it. */
void store_forget_statements(sqlite3 *db);

/*
 * Who applied, as a key that stays the same when the applicant sends a
 * corrected form: "cvr:12345678", "sted:<name>|<kommune>", "kommune:Aarhus",
 * "email:<address>" (lowercased).  Writes into buf; returns 0, or -1 when
 * the fields name no applicant.
 */
int store_applicant_key(const json_t *fields, char *buf, size_t size);

/*
 * The applicant's name for lists and letters ("Aarhus Kommune",
 * "Opholdsstedet Solgården").  Writes into buf; returns 0 or -1.
 */
int store_applicant_name(const json_t *fields, char *buf, size_t size);

/* "2026-000017".  Writes into buf (at least 16 bytes); returns buf. */
char *store_format_case_number(int year, long long number, char *buf, size_t size);

#endif
