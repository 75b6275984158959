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

/*
 * The same records read from a descriptor, with a way to ask whether the
 * next one can be had without waiting: a stage that groups work (one
 * database transaction for several records) closes its group before it
 * would block, so nothing waits on a slow upstream with the database
 * locked.  Lines are capped at RECORD_MAX_LINE like record_read()'s.
 */
struct record_reader {
	int fd;
	char *buf;
	size_t start, end, size;
	int eof, skipping;
	unsigned long line_number;
	/* The last record's line as read (no newline): valid until the next call. */
	const char *text;
	size_t text_len;
};

void record_reader_init(struct record_reader *r, int fd);
void record_reader_release(struct record_reader *r);

/* As record_read(). */
int record_reader_next(struct record_reader *r, json_t **rec);

/*
 * 1 when the next record_reader_next() will not wait for input (a whole
 * line is buffered, the input ended, or the descriptor has data), else 0.
 */
int record_reader_ready(struct record_reader *r);

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

/*
 * The validator's verdict (validation.result: eligible, not_eligible,
 * incomplete) as staff read it: "opfylder kravene", ...; NULL for anything
 * else.
 */
const char *record_validation_da(const char *validation);

/*
 * A submission's status (stored, duplicate, superseded, supersedes,
 * withdrawn, failed) as staff read it: "modtaget", "dublet", ...; NULL for
 * anything else.
 */
const char *record_status_da(const char *status);

/*
 * Whether validation.invalid names field name by itself (a value that could
 * not be read or broke a limit), not as one of a rule's fields.
 */
int record_invalid_field(const json_t *invalid, const char *name);

/* Appends a warning string to rec["warnings"]. */
void record_warn(json_t *rec, const char *stage, const char *text);

#endif
