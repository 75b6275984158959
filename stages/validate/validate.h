/*
 * validate.h - judging one application against its offer's definition:
 * field types and limits, required fields, the criteria and the deadline.
 *
 * Criteria are SQLite expressions (docs/offer-format.md, "Criteria"),
 * evaluated by SQLite over a one-row temporary table "application" whose
 * columns are the offer's fields plus context columns (received_at,
 * received_date, received_time, received_year, deadline_at, kommune_region).
 * Values are bound, never pasted into SQL text, and an authorizer lets a
 * test read that one table and call functions, nothing else: a definition
 * cannot write, attach or read anything.
 */
#ifndef SKEMA_VALIDATE_H
#define SKEMA_VALIDATE_H

#include <jansson.h>
#include <sqlite3.h>

#include "offer.h"
#include "strbuf.h"

struct validate_engine {
	const struct offer *offer; /* borrowed */
	sqlite3 *db;
	sqlite3_stmt *clear;       /* DELETE FROM application */
	sqlite3_stmt *insert;      /* INSERT INTO application VALUES (?, ...) */
	sqlite3_stmt **tests;      /* per criterion: SELECT (test) FROM application */
	sqlite3_stmt **required_if; /* per field, NULL where the field has none */
	sqlite3_stmt **rules;      /* per rule: SELECT (test) FROM application */
	size_t ncolumns;           /* fields + context columns */
	int internal;              /* 1 while the engine prepares its own statements */
	int progress;              /* progress-handler calls during the current test */
};

/* Allocates nothing. */
void validate_engine_init(struct validate_engine *e);

/*
 * Compiles every criterion, rule and required-if of offer.  Returns 0, or -1 with
 * "FILE:LINE: criterion ID: problem" lines appended to err: an unknown field,
 * a syntax error, a write, a read of anything but the application, a choice
 * value the field does not offer.  This is what `skema check-forms` runs.
 */
int validate_engine_open(struct validate_engine *e, const struct offer *offer, struct strbuf *err);
void validate_engine_release(struct validate_engine *e);

/*
 * Adds rec["validation"] (docs/records.md).  rec must name this engine's
 * offer; a record with "error" is left alone.  Returns 0, or -1 on an
 * internal (SQLite) failure with a message in err.
 */
int validate_record(struct validate_engine *e, json_t *rec, struct strbuf *err);

/*
 * When rec's form names a version (skema.version) other than the offer's,
 * adds a Danish warning for the review sheet: both versions, the fields
 * the form has that the offer does not know (extra_fields, with what they
 * said) and the offer's fields the form does not have.  A form without a
 * version, or of the offer's, is left alone.  The judgement is not
 * changed (form_version.c says why).  Returns the facts for
 * validation.form_version, {"form", "offer", "unknown": [names],
 * "absent": [names]} (new reference), or NULL when the versions agree.
 */
json_t *validate_form_version(const struct offer *offer, json_t *rec);

/*
 * Checks that every quoted value compared with a choice field in expr
 * ("kursustype = 'fælleskursus'", "sted_type IN ('a', 'b')") is one of the
 * field's choices.  Returns 0, or -1 with a message appended to err.
 */
int validate_check_choice_literals(const struct offer *offer, const char *expr, const char *where,
				   struct strbuf *err);

#endif
