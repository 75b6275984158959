/*
 * cmd_export.c - skema export: every submission as CSV on stdout, for
 * spreadsheets and for scripts.
 *
 * usage: skema export [--format csv] [--rfc] [--fields] [--offer ID]
 *
 * One row per submission (per dropped file, duplicates and quarantined
 * files included), in the order they were stored.  The first nine columns
 * are a public contract, in this order:
 *
 *   id,original_name,sha256,form,received_at,status,outcome,letter_path,error
 *
 * then record_id, case_number, applicant_name, validation, rank and
 * decision_state (outcome, rank and decision_state are empty for a
 * proposal on a case that is no longer live); with --fields one column per
 * form field (the offer definitions' order, then any other names alphabetically), holding the
 * normalised value, or the raw text where normalising failed.  The last
 * column is completed_on: the day a forløb ended (skema complete,
 * YYYY-MM-DD), empty while it runs and for everything else.  It came
 * later, so it comes after them: no column a script already reads by
 * position moves, with or without --fields.  After it, for the same
 * reason, decided_by ("skema (automatisk)" for skema-decide's decisions,
 * else the reviewer) and changed_from (the outcome a reviewer's decision
 * replaced), both empty where no decision is shown.
 *
 * --offer ID keeps that offer's submissions and orders them as the ranked
 * list: by the rank of the current decision, then by receipt.
 *
 * The default dialect is Danish Excel's (UTF-8 with BOM, ';'); --rfc gives
 * plain RFC 4180 (','), see stages/lib/csv.h.  Cells are defused against
 * spreadsheet formulas.
 *
 * The database is only read.  Exit codes: 0 done, 64 usage, 70 internal
 * error, 75 the database is busy or output could not be written.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commands.h"
#include "csv.h"
#include "db.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "strbuf.h"
#include "workspace.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

/* The field columns of --fields. */
struct export_columns {
	char **names;
	size_t count;
};

static void usage(FILE *out);
static int export_run(sqlite3 *db, const char *offer_id, int with_fields, FILE *out,
		      enum csv_dialect dialect);
static int load_field_columns(sqlite3 *db, const char *offer_id, struct export_columns *cols);
static void columns_release(struct export_columns *cols);

int cmd_export(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"format", required_argument, NULL, 'f'}, {"rfc", no_argument, NULL, 'r'},
		{"fields", no_argument, NULL, 'F'},       {"offer", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *offer_id = NULL;
	int with_fields = 0, c;
	enum csv_dialect dialect = CSV_EXCEL_DA;
	sqlite3 *db = NULL;

	while ((c = getopt_long(argc, argv, "f:o:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "csv") != 0) {
				msg_error("export: unknown format \"%s\" (only csv)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'r':
			dialect = CSV_RFC;
			break;
		case 'F':
			with_fields = 1;
			break;
		case 'o':
			offer_id = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("skema (skema) %s\n", SKEMA_VERSION);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	int status = ws_db_open(opt->workspace, &db);
	if (status != 0)
		return status;
	status = export_run(db, offer_id, with_fields, stdout, dialect);
	sqlite3_close(db);
	return status;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: skema export [--format csv] [--rfc] [--fields] [--offer ID]\n"
		"\n"
		"Writes every submission as CSV on stdout: id, original_name, sha256, form,\n"
		"received_at, status, outcome, letter_path, error, then more; last\n"
		"completed_on (the day a forløb ended), decided_by and changed_from.\n"
		"\n"
		"  --rfc       plain RFC 4180 (',' and no BOM); default: UTF-8 with BOM and ';'\n"
		"              as Danish Excel expects\n"
		"  --fields    one more column per form field\n"
		"  --offer ID  only offer ID, as its ranked list\n");
}

/*
 * One SQL statement for the whole export: the newest current decision and
 * the newest letter (final before draft) per submission.  A case that is
 * no longer live (withdrawn, superseded) shows a final decision it had,
 * which was made and sent, but not a proposal: that was never decided and
 * holds no place (skema review CASE shows it in the history); and likewise
 * a final letter, not a draft, whose file skema-letter removed.
 */
static const char export_sql[] =
	"SELECT s.id, s.original_name, s.sha256, s.offer_id, s.received_at, s.status,"
	"  d.outcome,"
	"  (SELECT l.path FROM letters l WHERE l.submission_id = s.id AND l.kind <> 'review'"
	"    AND (s.status NOT IN ('duplicate', 'superseded', 'withdrawn') OR l.draft = 0)"
	"    ORDER BY l.draft, l.id DESC LIMIT 1),"
	"  s.error_code, s.error_message,"
	"  s.record_id, s.case_number, s.applicant_name, s.validation, d.rank, d.state,"
	"  s.completed_on,"
	"  cd.decided_by, cd.changed_from"
	" FROM submissions s"
	" LEFT JOIN decisions d ON d.id = (SELECT max(d2.id) FROM decisions d2"
	"   WHERE d2.submission_id = s.id AND d2.current = 1"
	"    AND (s.status NOT IN ('duplicate', 'superseded', 'withdrawn') OR d2.state = 'final'))"
	/* Who decided and what a change replaced, as skema review shows it. */
	" LEFT JOIN current_decisions cd ON cd.decision_id = d.id"
	" WHERE ?1 IS NULL OR s.offer_id = ?1"
	" ORDER BY CASE WHEN ?1 IS NULL THEN s.id END,"
	"  d.rank IS NULL, d.rank, s.received_at, s.id";

static const char *const fixed_columns[] = {
	"id",	    "original_name", "sha256",	   "form",	       "received_at",
	"status",   "outcome",	     "letter_path", "error",	       "record_id",
	"case_number", "applicant_name", "validation", "rank",	       "decision_state",
};

static const char *column_text(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

static int export_run(sqlite3 *db, const char *offer_id, int with_fields, FILE *out,
		      enum csv_dialect dialect)
{
	struct export_columns cols = {NULL, 0};
	struct csv_writer csv;
	struct strbuf error;
	sqlite3_stmt *rows = NULL, *fields = NULL;
	const char **values = NULL;
	int status = EXIT_SOFTWARE, rc;

	strbuf_init(&error, 0);
	/* One read transaction, so the rows and their fields are one state. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto sql_error;
	if (with_fields) {
		if (load_field_columns(db, offer_id, &cols) < 0)
			goto sql_error;
		values = calloc(cols.count ? cols.count : 1, sizeof *values);
		if (!values) {
			msg_error("export: out of memory");
			goto out;
		}
		if (sqlite3_prepare_v2(db, "SELECT name, value, raw FROM fields WHERE submission_id = ?1",
				       -1, &fields, NULL) != SQLITE_OK)
			goto sql_error;
	}
	if (sqlite3_prepare_v2(db, export_sql, -1, &rows, NULL) != SQLITE_OK)
		goto sql_error;
	if (offer_id)
		sqlite3_bind_text(rows, 1, offer_id, -1, SQLITE_STATIC);

	csv_init(&csv, out, dialect);
	for (size_t i = 0; i < sizeof fixed_columns / sizeof *fixed_columns; i++)
		csv_text(&csv, fixed_columns[i]);
	for (size_t i = 0; i < cols.count; i++)
		csv_text(&csv, cols.names[i]);
	csv_text(&csv, "completed_on");
	csv_text(&csv, "decided_by");
	csv_text(&csv, "changed_from");
	csv_end_row(&csv);

	while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(rows, 0);
		csv_int(&csv, id);
		for (int i = 1; i <= 7; i++)
			csv_text(&csv, column_text(rows, i));
		/* error: "code: message", either part alone when the other is missing */
		strbuf_reset(&error);
		if (column_text(rows, 8))
			strbuf_puts(&error, column_text(rows, 8));
		if (column_text(rows, 9)) {
			/* A row stored before the driver named files by their
			 * original name: its claim path said nothing to anyone. */
			char shown[2048];
			strbuf_printf(&error, "%s%s", error.len ? ": " : "",
				      ws_shown_message(column_text(rows, 9), NULL, column_text(rows, 1),
						       shown, sizeof shown));
		}
		csv_text(&csv, strbuf_str(&error));
		for (int i = 10; i <= 13; i++)
			csv_text(&csv, column_text(rows, i));
		if (sqlite3_column_type(rows, 14) == SQLITE_NULL)
			csv_text(&csv, NULL);
		else
			csv_int(&csv, sqlite3_column_int64(rows, 14));
		csv_text(&csv, column_text(rows, 15));
		if (with_fields) {
			memset(values, 0, cols.count * sizeof *values);
			sqlite3_reset(fields);
			sqlite3_bind_int64(fields, 1, id);
			while (sqlite3_step(fields) == SQLITE_ROW) {
				const char *name = column_text(fields, 0);
				const char *value = column_text(fields, 1);
				if (!value)
					value = column_text(fields, 2);
				for (size_t i = 0; name && i < cols.count; i++)
					if (strcmp(cols.names[i], name) == 0) {
						/* Valid until the next step: copy. */
						values[i] = value ? strdup(value) : NULL;
						break;
					}
			}
			for (size_t i = 0; i < cols.count; i++) {
				csv_text(&csv, values[i]);
				free((char *)values[i]);
			}
		}
		for (int i = 16; i <= 18; i++)
			csv_text(&csv, column_text(rows, i));
		csv_end_row(&csv);
	}
	if (rc != SQLITE_DONE)
		goto sql_error;
	if (csv_flush(&csv) < 0) {
		msg_syserror("export: writing standard output");
		status = EXIT_TEMPFAIL;
		goto out;
	}
	status = EXIT_DONE;
	goto out;

sql_error:
	msg_error("export: %s: %s", sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	rc = sqlite3_errcode(db);
	status = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? EXIT_TEMPFAIL : EXIT_SOFTWARE;
out:
	sqlite3_finalize(rows);
	sqlite3_finalize(fields);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	free(values);
	columns_release(&cols);
	strbuf_release(&error);
	return status;
}

/* Where a field name sorts: its position in the offer definitions, else after them. */
struct named_column {
	char *name;
	size_t order;
};

static int compare_columns(const void *a, const void *b)
{
	const struct named_column *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

static size_t definition_order(const struct offer_set *set, const char *offer_id, const char *name)
{
	size_t position = 0;
	for (size_t i = 0; i < set->count; i++) {
		const struct offer *offer = set->offers[i];
		if (offer_id && strcmp(offer->id, offer_id) != 0)
			continue;
		for (size_t j = 0; j < offer->nfields; j++, position++)
			if (strcmp(offer->fields[j].name, name) == 0)
				return position;
	}
	return SIZE_MAX;
}

/*
 * The field columns: every field name stored for the exported submissions,
 * and with an offer, every field its definition names even when nobody
 * filled it in.  Returns 0, or -1 on an SQL error (left in db).
 */
static int load_field_columns(sqlite3 *db, const char *offer_id, struct export_columns *cols)
{
	struct offer_set set;
	struct strbuf err;
	struct named_column *list = NULL;
	size_t count = 0, alloc = 0;
	sqlite3_stmt *stmt = NULL;
	int result = -1;

	offer_set_init(&set);
	strbuf_init(&err, 64 * 1024);
	/* A broken definition only loses its column order; the export goes on. */
	if (offer_set_load(&set, paths_forms_dir(), &err) < 0)
		msg_warn("export: offer definitions: %s", strbuf_str(&err));

	if (sqlite3_prepare_v2(db,
			       "SELECT DISTINCT f.name FROM fields f JOIN submissions s"
			       " ON s.id = f.submission_id WHERE ?1 IS NULL OR s.offer_id = ?1",
			       -1, &stmt, NULL) != SQLITE_OK)
		goto out;
	if (offer_id)
		sqlite3_bind_text(stmt, 1, offer_id, -1, SQLITE_STATIC);
	const struct offer *offer = offer_id ? offer_set_find(&set, offer_id) : NULL;
	size_t defined = offer ? offer->nfields : 0;
	for (size_t i = 0;; i++) {
		const char *name;
		if (i < defined) {
			name = offer->fields[i].name;
		} else {
			int rc = sqlite3_step(stmt);
			if (rc == SQLITE_DONE)
				break;
			if (rc != SQLITE_ROW)
				goto out;
			name = (const char *)sqlite3_column_text(stmt, 0);
			if (!name || (offer && offer_find_field(offer, name)))
				continue;
		}
		if (count == alloc) {
			size_t grown = alloc ? alloc * 2 : 32;
			struct named_column *bigger = realloc(list, grown * sizeof *list);
			if (!bigger)
				goto out;
			list = bigger;
			alloc = grown;
		}
		list[count].name = strdup(name);
		if (!list[count].name)
			goto out;
		list[count].order = definition_order(&set, offer_id, name);
		count++;
	}
	qsort(list, count, sizeof *list, compare_columns);
	cols->names = calloc(count ? count : 1, sizeof *cols->names);
	if (!cols->names)
		goto out;
	for (size_t i = 0; i < count; i++) {
		cols->names[i] = list[i].name;
		list[i].name = NULL;
	}
	cols->count = count;
	result = 0;
out:
	for (size_t i = 0; i < count; i++)
		free(list[i].name);
	free(list);
	sqlite3_finalize(stmt);
	strbuf_release(&err);
	offer_set_release(&set);
	return result;
}

static void columns_release(struct export_columns *cols)
{
	for (size_t i = 0; i < cols->count; i++)
		free(cols->names[i]);
	free(cols->names);
	cols->names = NULL;
	cols->count = 0;
}
