/*
 * letter.h - the modules of skema-letter: loading a case from the
 * database (letter_case.c), the data a letter text is rendered with and the
 * letter itself (letter_doc.c), and the reviewer's sheet (letter_review.c).
 */
#ifndef SKEMA_LETTER_H
#define SKEMA_LETTER_H

#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "config.h"
#include "offer.h"
#include "pdf.h"
#include "strbuf.h"

/* Longest field value printed on a review sheet; the rest is counted, not shown. */
#define LETTER_REVIEW_MAX_VALUE 6000

/* Everything a letter or review sheet says about one submission. */
struct letter_case {
	long long submission_id;
	char *case_number;    /* journalnummer */
	char *record_id;
	char *original_name;
	char *offer_id;
	char *received_at;    /* ISO */
	char *status;
	char *validation;
	char *applicant_name;
	long long duplicate_of, superseded_by;
	int has_decision;
	long long decision_id;
	char *outcome;
	char *state;          /* proposed | final */
	char *explanation;
	char *reason;
	char *decided_at;
	char *actor;          /* the OS user of the program that wrote the decision */
	char *decided_by;     /* who decided, as reviewers are shown it (current_decisions) */
	char *changed_from;   /* the outcome a reviewer's decision replaced, or NULL */
	json_t *fields;       /* name -> {kind, raw, value, source, error} */
	json_t *criteria;     /* [{id, kind, passed: true|false|null, text}] */
	json_t *record;       /* of the stored record: validation, extra_fields, warnings; or NULL */
	json_t *related;      /* [{case_number, status, received_at, relation}] */
	char *completed_on;   /* the day its forløb ended (skema complete), or NULL */
	char *completion_note;
	char *withdrawn_at;   /* ISO, when skema withdraw withdrew it, or NULL */
	/* A corrected form that replaced this one: its case number and receipt, or NULL. */
	char *superseded_by_case;
	char *superseded_by_received;
	/* 1 when a final waiting-list letter went out for it: a place later is news. */
	int waited;
	/*
	 * The earlier versions this submission replaces, directly or through
	 * versions between: [{case_number, received_at, lacked}], oldest
	 * first; lacked is true when that version lacked information (its
	 * decision was mangler, or undecided it was validated incomplete).
	 */
	json_t *replaces;
};

void letter_case_init(struct letter_case *c);
void letter_case_release(struct letter_case *c);

/*
 * Loads submission id.  Returns SQLITE_OK, SQLITE_NOTFOUND when there is no
 * such submission, or another SQLite code (message printed).
 */
int letter_case_load(sqlite3 *db, long long id, struct letter_case *c);

/* Finalizes the statements letter_case_load() keeps prepared; call before closing the database. */
void letter_case_finish(void);

/*
 * Ids of submissions whose current decision has no letter of its kind yet
 * (a draft for a proposed decision, a final letter for a final one).
 * *ids is caller-freed.  Returns an SQLite code.
 */
int letter_pending(sqlite3 *db, long long **ids, size_t *count);

/*
 * Events after which a case's review sheet is out of date although its
 * decision, and so its letter, stands: skema complete and its --undo
 * (pipeline/cmd_complete.c), and skema withdraw (pipeline/cmd_withdraw.c),
 * after which no letter is written at all; and skema-decide's restored,
 * when a proposed place lapses and the final waiting-list decision under
 * it stands again (its letter was written); and, on a live case, store's
 * supersedes (an older form held back and stored after it: the sheet
 * should name it) and the driver's reinstated (what had replaced the case
 * was a file still being written); and skema rejudge's rejudged (the
 * criteria the sheet lists changed) and skema-decide's retracted (a
 * proposal the case's judgement contradicts in a round open again: the
 * case has no decision, and its drafts go).  A new decision gets a new sheet with
 * its letter (letter_pending, which also writes a draft again after a
 * rejudged).
 */
#define LETTER_SHEET_EVENTS                                                                      \
	"'completed', 'completion_undone', 'withdrawn', 'superseded', 'restored', 'supersedes',"  \
	" 'reinstated', 'rejudged', 'retracted'"

/*
 * Ids of unpurged submissions, live, withdrawn or superseded, with one of
 * LETTER_SHEET_EVENTS newer than their last review sheet (or with no
 * sheet): --pending --review-sheets writes them a fresh sheet.  *ids is
 * caller-freed.  Returns an SQLite code.
 */
int letter_stale_sheets(sqlite3 *db, long long **ids, size_t *count);

/* A configuration value with the documented default (docs/letters.md). */
const char *letter_conf(const struct config *cfg, const char *key);

/*
 * The data a letter text is rendered with (keys in docs/letters.md).
 * Returns a new object (caller json_decref()s), or NULL when out of memory.
 */
json_t *letter_data(const struct letter_case *c, const struct offer *offer,
		    const struct config *cfg, time_t now);

/*
 * Builds the letter: letterhead, recipient, the rendered letter text.
 * Returns 0, or -1 with a message in err (template errors name file and line).
 */
int letter_build(struct pdf_doc *doc, const struct letter_case *c, const struct offer *offer,
		 const struct config *cfg, time_t now, struct strbuf *err);

/*
 * Checks every letter text the offers in set would use (each outcome they
 * can get: the offer's own text, else the default) as skema check-forms
 * does (letter_texts.h): "FILE:LINE: problem" in err for each that is
 * missing, does not parse or names what no letter has; files no letter
 * reads are warned about on stderr.  Returns the number of problems.
 */
int letter_check_texts(const struct offer_set *set, struct strbuf *err);

/* Builds the reviewer's sheet.  Returns 0 or -1 (out of memory). */
int letter_build_review(struct pdf_doc *doc, const struct letter_case *c,
			const struct offer *offer, const struct config *cfg, time_t now);

/*
 * The Danish sentence for a criterion result {id, passed, text}: the one
 * stored when the case was judged, else the offer's pass or fail text
 * filled with the case's fields.  *changed (may be NULL) is 1 when the
 * offer's sentence now reads otherwise than the stored one.  Freed by the
 * caller.
 */
char *letter_criterion_text(const struct offer *offer, json_t *criterion, json_t *fields,
			    int *changed);

/* The Danish name of an outcome for headings ("Bevilget", "Venteliste", ...). */
const char *letter_outcome_title(const char *outcome);

#endif
