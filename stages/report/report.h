/*
 * report.h - the modules of skema-report: what it counts (report_data.c),
 * the list of an offer's applications (report_list.c),
 * how it draws (report_pdf.c: pages, tables, charts on libharu) and what a
 * report says (report_doc.c).
 */
#ifndef SKEMA_REPORT_H
#define SKEMA_REPORT_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "offer.h"

/* Denmark's five regions, plus one for a kommune we could not place. */
#define REPORT_REGIONS 6
extern const char *const report_region_names[REPORT_REGIONS];

/* A labelled number, for charts and tables. */
struct report_count {
	char *label;
	long value;
};

struct report_counts {
	struct report_count *items;
	size_t count;
};

/* What the report is about: the whole database, or a period (dates, inclusive). */
struct report_scope {
	const char *from; /* "YYYY-MM-DD" or NULL */
	const char *to;   /* "YYYY-MM-DD" or NULL */
};

/* The numbers of one offer round. */
struct report_offer {
	char *id;
	const struct offer *def; /* borrowed; NULL when the definition is missing */
	long received, duplicates, superseded, withdrawn, failed;
	long incomplete, not_eligible, eligible;
	long selected, waiting, rejected, missing, confirmed;
	long awaiting_review, undecided;
	/* of the selected: forløb that have ended (skema complete, completed_on) */
	long completed;
	/* of the selected: those that do not meet the criteria (a reviewer's grant) */
	long selected_unmet;
	/*
	 * The ranks live applications' decisions were written with: how many
	 * have one, how many distinct, the highest.  Unless they are 1 to
	 * ranked, the list's numbers (report_list.c) differ from some of them.
	 */
	long ranked, ranks_distinct, rank_max;
	/*
	 * At a concurrent offer: the forløb running now (bevilget, not ended),
	 * over every application whatever the scope, since the places are
	 * held now and not in the period asked for.  0 for other offers.
	 */
	long running_now;
	/* of each outcome: proposals not yet confirmed by a reviewer */
	long selected_proposed, waiting_proposed, rejected_proposed, missing_proposed;
	long confirmed_proposed;
	struct report_counts per_day;  /* "YYYY-MM-DD" -> submissions received */
	struct report_counts regions;  /* REPORT_REGIONS items, in report_region_names order */
	struct report_counts types;    /* applicant type -> live applications */
	struct report_counts failed_criteria; /* criterion id -> failures, most first */
	/* granted per capacity period ("2026-Q1" -> 6), when capacity is per period */
	struct report_counts selected_periods;
};

/* The state of the database the report was made from, for its footer. */
struct report_db_state {
	long long submissions;
	long long max_event_id;
	int schema_version;
};

/*
 * Fills o with the numbers of offer id within scope.  Returns an SQLite code
 * (SQLITE_OK); out of memory is SQLITE_NOMEM.
 */
int report_offer_load(sqlite3 *db, const char *id, const struct offer *def,
		      const struct report_scope *scope, struct report_offer *o);
void report_offer_release(struct report_offer *o);

/*
 * The offer ids to report on: every loaded definition, then every other
 * offer id found in the database, sorted.  Caller frees each and the array.
 */
int report_offer_ids(sqlite3 *db, const struct offer_set *set, char ***ids, size_t *count);

int report_db_state_load(sqlite3 *db, struct report_db_state *state);

/* Adds value under label (a new item or added to an existing one). */
int report_counts_add(struct report_counts *c, const char *label, long value);
void report_counts_release(struct report_counts *c);
long report_counts_max(const struct report_counts *c);

/* The common WHERE for one offer and a scope; binds :offer, :from, :to. */
void report_bind_scope(sqlite3_stmt *stmt, const char *offer_id, const struct report_scope *scope);

/*
 * "year", "quarter" or "month" when the offer's capacity is per period
 * (granted places counted by receipt date, as skema-decide does), NULL when
 * it is one pool (round, concurrent, none).
 */
const char *report_capacity_period(const struct offer *def);
/*
 * 1 when the offer holds its places while a forløb runs (capacity period
 * "concurrent" with a maximum): an ended forløb frees its place.
 */
int report_concurrent(const struct offer *def);
/* "2026-Q1" -> "1. kvartal 2026", "2026-03" -> "marts 2026", "2026" -> "2026". */
void report_period_label(const char *key, char *buf, size_t size);

/* Makes label start with a capital (a-z, à-þ as æ ø å), in place. */
void report_capitalise(char *label);

/* Danish label of an outcome ("bevilget" -> "Bevilget"). Borrowed. */
const char *report_outcome_label(const char *outcome);

/*
 * Writes the ranked list of one offer as CSV (Danish Excel dialect) to
 * path, atomically.  def may be NULL (an offer without a definition).
 * Returns 0, or -1 with a message printed.
 */
int report_write_ranked_csv(sqlite3 *db, const char *offer_id, const struct offer *def,
			    const struct report_scope *scope, const char *path);

/* --- report_list.c: the list of an offer's live applications ------------- */

/* One row; the strings are the statement's, valid until the next row. */
struct report_list_row {
	/* the place in the list (1, 2, ...), consecutive; 0: not ranked */
	long number;
	/* decisions.rank as written with the decision; 0: none */
	long decided_rank;
	long long id;
	const char *case_number, *applicant, *received_at, *validation;
	const char *outcome, *state, *explanation, *original_name, *completed_on;
	/*
	 * A reviewer's final decision that changed what skema-decide proposed:
	 * the outcome proposed ("" when none was); NULL for any other decision.
	 */
	const char *changed_from;
};

struct report_list {
	sqlite3_stmt *stmt;
	const char *offer_id; /* borrowed */
	long numbered;
	char changed_from[32];
};

/*
 * The live applications of one offer in the scope, in list order: the
 * ranked (by period where places are per period, then rank, receipt), a
 * reviewer's grants outside the ranking, then the rest by receipt.  def
 * may be NULL.  Returns an SQLite code.
 */
int report_list_open(sqlite3 *db, const char *offer_id, const struct offer *def,
		     const struct report_scope *scope, struct report_list *list);
/* SQLITE_ROW with *row filled, SQLITE_DONE, or an SQLite error. */
int report_list_next(struct report_list *list, struct report_list_row *row);
void report_list_close(struct report_list *list);
/*
 * What happened to the case since skema-decide proposed it, in Danish for
 * the CSV ("ændret af sagsbehandler; forslaget var afslag", "forløbet er
 * afsluttet ..."), "" when nothing.  Returns buf.
 */
const char *report_list_note(const struct report_list_row *row, char *buf, size_t size);
/*
 * 1 when some ranked row of the list shows a number other than the rank
 * its decision was written with (its explanation may name that one).
 */
int report_list_renumbered(const struct report_offer *o);

/*
 * Writes data to path the safe way: a temporary name in the same directory,
 * fsync, rename, fsync of the directory; a reader sees the old file or the
 * new one, never half.  Returns 0, or -1 with errno set.
 */
int report_write_file(const char *path, const void *data, size_t len);

/* --- report_doc.c: the documents ------------------------------------------ */

struct report_context {
	sqlite3 *db;
	const struct offer_set *offers;
	struct report_scope scope;
	struct report_db_state state;
	time_t now;
};

/*
 * Builds the PDF of one offer round / the overview of all offers into
 * memory: *out (caller frees) and *len.  Returns 0, or -1 with a message
 * printed.
 */
int report_doc_offer(const struct report_context *ctx, const struct report_offer *o,
		     unsigned char **out, size_t *len);
int report_doc_overview(const struct report_context *ctx, struct report_offer *const *offers,
			size_t count, unsigned char **out, size_t *len);

#endif
