/*
 * skema-report - summary reports for managers: a PDF per offer round, an
 * overview PDF across all offers, and the ranked list of each offer as CSV.
 *
 * usage: skema-report -d DB -o DIR [--offer ID] [--from DATE] [--to DATE]
 *
 * Files written into DIR (docs/reports.md):
 *   oversigt.pdf           every offer, open work, quarantine
 *   <offer>.pdf            one offer round
 *   <offer>.csv            its ranked list (UTF-8 with BOM, ';')
 * With --from/--to the names get the period: <offer>_<from>_<to>.pdf, so a
 * report made on demand never replaces the ones `skema run` keeps fresh.
 * With --offer only that offer's files are written.
 *
 * Each file is written under a temporary name (NAME.tmp.PID), fsynced and
 * renamed, so a reader never sees half a report.  A run that was killed
 * mid-write leaves its temporary file behind; the next run removes those
 * whose PID is no longer alive.  The database is only read (opening it
 * may bring its schema up to date, as every skema program does).
 *
 * Exit codes: 0 done, 64 usage, 70 internal error, 75 temporary (database
 * busy, disk full: retry later), 78 configuration (no database, bad
 * SKEMA_NOW).  A report that fails (a libharu error even in its plain
 * rebuild, report_doc.c) does not stop the others: they are written, and
 * the exit code is that of the first failure.  A broken offer definition is a warning: the report goes on
 * without that offer's capacity and deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "db.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "pdf.h"
#include "report.h"
#include "stale_tmp.h"
#include "strbuf.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

static void usage(FILE *out);
static int valid_date(const char *text);
static int write_offer(const struct report_context *ctx, const struct report_offer *o,
		       const char *dir, const char *suffix);

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"db", required_argument, NULL, 'd'},	    {"database", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{"offer", required_argument, NULL, 'O'},    {"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},	    {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},	    {NULL, 0, NULL, 0},
	};
	const char *db_path = NULL, *dir = NULL, *only = NULL;
	struct report_context ctx;
	struct offer_set set;
	struct strbuf err;
	struct report_offer **offers = NULL;
	char **ids = NULL, suffix[64] = "", path[PATH_MAX];
	size_t nids = 0, noffers = 0;
	int c, status = EXIT_SOFTWARE, rc;

	msg_set_program("skema-report");
	clock_init();
	memset(&ctx, 0, sizeof ctx);
	offer_set_init(&set);
	strbuf_init(&err, 64 * 1024);
	while ((c = getopt_long(argc, argv, "d:o:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			db_path = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case 'O':
			only = optarg;
			break;
		case 'f':
			ctx.scope.from = optarg;
			break;
		case 't':
			ctx.scope.to = optarg;
			break;
		case 'h':
			usage(stdout);
			status = EXIT_DONE;
			goto out;
		case 'V':
			printf("skema-report (skema) %s\n", SKEMA_VERSION);
			status = EXIT_DONE;
			goto out;
		default:
			usage(stderr);
			status = EXIT_USAGE;
			goto out;
		}
	}
	if (!db_path || !dir || optind < argc || (ctx.scope.from && !valid_date(ctx.scope.from)) ||
	    (ctx.scope.to && !valid_date(ctx.scope.to))) {
		if (db_path && dir && optind == argc)
			msg_error("--from and --to take a date: YYYY-MM-DD");
		usage(stderr);
		status = EXIT_USAGE;
		goto out;
	}
	if (ctx.scope.from || ctx.scope.to)
		snprintf(suffix, sizeof suffix, "_%s_%s", ctx.scope.from ? ctx.scope.from : "start",
			 ctx.scope.to ? ctx.scope.to : "nu");
	if (clock_now(&ctx.now) < 0) {
		status = EXIT_CONFIG;
		goto out;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		msg_syserror("%s", dir);
		status = EXIT_TEMPFAIL;
		goto out;
	}
	stale_tmp_remove(dir);
	/* A broken definition loses its capacity and deadline, not the report. */
	if (offer_set_load(&set, paths_forms_dir(), &err) < 0)
		msg_warn("offer definitions: %s", strbuf_str(&err));
	if (access(db_path, F_OK) < 0) {
		msg_syserror("%s", db_path);
		status = EXIT_CONFIG;
		goto out;
	}
	if ((rc = db_open(db_path, 0, &ctx.db)) != SQLITE_OK) {
		status = (rc & 0xff) == SQLITE_BUSY ? EXIT_TEMPFAIL : EXIT_SOFTWARE;
		goto out;
	}
	ctx.offers = &set;
	/* One read transaction: every number in every file is the same state. */
	if (sqlite3_exec(ctx.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    report_db_state_load(ctx.db, &ctx.state) != SQLITE_OK ||
	    report_offer_ids(ctx.db, &set, &ids, &nids) != SQLITE_OK) {
		msg_error("%s: %s", db_path, sqlite3_errmsg(ctx.db));
		goto out;
	}
	offers = calloc(nids + 1, sizeof *offers);
	if (!offers) {
		msg_error("out of memory");
		goto out;
	}
	for (size_t i = 0; i < nids; i++) {
		if (only && strcmp(only, ids[i]) != 0)
			continue;
		struct report_offer *o = calloc(1, sizeof *o);
		if (!o) {
			msg_error("out of memory");
			goto out;
		}
		offers[noffers++] = o;
		if ((rc = report_offer_load(ctx.db, ids[i], offer_set_find(&set, ids[i]), &ctx.scope,
					    o)) != SQLITE_OK) {
			msg_error("%s: %s: %s", db_path, ids[i], sqlite3_errstr(rc));
			goto out;
		}
	}
	if (only && noffers == 0) {
		msg_error("no offer \"%s\" in the definitions or the database", only);
		status = EXIT_USAGE;
		goto out;
	}
	/* One report that cannot be made must not cost the others: go on, and
	 * exit with the first failure at the end.  The failed offer keeps its
	 * previous file. */
	int failed = EXIT_DONE;
	for (size_t i = 0; i < noffers; i++)
		if ((rc = write_offer(&ctx, offers[i], dir, suffix)) != EXIT_DONE && failed == EXIT_DONE)
			failed = rc;
	if (!only) {
		unsigned char *pdf = NULL;
		size_t len = 0;
		snprintf(path, sizeof path, "%s/oversigt%s.pdf", dir, suffix);
		if (report_doc_overview(&ctx, offers, noffers, &pdf, &len) < 0) {
			if (failed == EXIT_DONE)
				failed = EXIT_SOFTWARE;
		} else if (report_write_file(path, pdf, len) < 0) {
			msg_syserror("%s", path);
			if (failed == EXIT_DONE)
				failed = EXIT_TEMPFAIL;
		} else {
			msg_debug("wrote %s", path);
		}
		free(pdf);
	}
	status = failed;
out:
	if (ctx.db) {
		sqlite3_exec(ctx.db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(ctx.db);
	}
	for (size_t i = 0; i < noffers; i++) {
		report_offer_release(offers[i]);
		free(offers[i]);
	}
	free(offers);
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	offer_set_release(&set);
	strbuf_release(&err);
	pdf_cache_release();
	return status;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: skema-report -d DB -o DIR [--offer ID] [--from DATE] [--to DATE]\n"
		"\n"
		"Writes summary reports in Danish into DIR: oversigt.pdf, and per offer\n"
		"<offer>.pdf and <offer>.csv (its ranked list).  With --from/--to (YYYY-MM-DD,\n"
		"inclusive) only submissions received in that period count, and the file\n"
		"names carry the period.  See docs/reports.md.\n");
}

static int valid_date(const char *text)
{
	time_t t;
	return strlen(text) == 10 && clock_parse(text, &t) == 0;
}

/* An offer id is used in a file name: only the characters offer ids are made of. */
static int safe_name(const char *id)
{
	if (!*id || id[0] == '.')
		return 0;
	for (const char *p = id; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *p))
			return 0;
	return 1;
}

static int write_offer(const struct report_context *ctx, const struct report_offer *o,
		       const char *dir, const char *suffix)
{
	unsigned char *pdf = NULL;
	size_t len = 0;
	char path[PATH_MAX];
	int status = EXIT_DONE;

	if (!safe_name(o->id)) {
		char shown[128];
		msg_warn("offer id \"%s\" cannot be a file name; no report for it",
			 msg_escape(shown, sizeof shown, o->id));
		return EXIT_DONE;
	}
	/* The CSV needs no libharu: it is written even when the PDF cannot be. */
	snprintf(path, sizeof path, "%s/%s%s.pdf", dir, o->id, suffix);
	if (report_doc_offer(ctx, o, &pdf, &len) < 0) {
		status = EXIT_SOFTWARE;
	} else if (report_write_file(path, pdf, len) < 0) {
		msg_syserror("%s", path);
		status = EXIT_TEMPFAIL;
	} else {
		msg_debug("wrote %s", path);
	}
	free(pdf);
	snprintf(path, sizeof path, "%s/%s%s.csv", dir, o->id, suffix);
	if (report_write_ranked_csv(ctx->db, o->id, o->def, &ctx->scope, path) < 0 &&
	    status == EXIT_DONE)
		status = EXIT_TEMPFAIL;
	return status;
}

