/*
 * record.h - the JSON Lines records that stages pass along.
 *
 * One JSON object per line, one line per submission.  The fields are
 * documented in docs/records.md; that file is the contract.  A record that
 * failed at some stage keeps travelling with an "error" object, so the store
 * can record the failure instead of the file vanishing.
 */
#ifndef SKEMA_RECORD_H
#define SKEMA_RECORD_H

#include <stdio.h>

#include <jansson.h>

/* Longest record line accepted on stdin: a form with 100 fields of 100 KB. */
#define RECORD_MAX_LINE (32u * 1024u * 1024u)

/*
 * Reads the next record.  Returns 1 with *rec set (caller json_decref()s),
 * 0 at end of input, -1 on a line that is not a JSON object (a message names
 * the line number; the caller may go on reading).
 */
int record_read(FILE *in, json_t **rec);

/* Writes rec as one compact line and flushes.  Returns 0 or -1 (errno). */
int record_write(FILE *out, json_t *rec);

/* Borrowed string member, or NULL when absent or not a string. */
const char *record_str(const json_t *rec, const char *key);

/* Sets rec[key] to a copy of value (NULL sets JSON null). */
void record_set_str(json_t *rec, const char *key, const char *value);

/*
 * Marks the record as failed at stage: "error": {stage, code, permanent,
 * message, message_da}.  message is English for administrators; message_da
 * is the Danish sentence staff read in the reason file.  An existing error
 * is kept: the first failure is the one that matters.
 */
void record_fail(json_t *rec, const char *stage, const char *code, int permanent,
		 const char *message, const char *message_da);

/* 1 when the record carries an error. */
int record_failed(const json_t *rec);

/* Appends a warning string to rec["warnings"]. */
void record_warn(json_t *rec, const char *stage, const char *text);

#endif
