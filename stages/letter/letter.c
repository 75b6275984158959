/*
 * skema-letter - writes the PDF decision letters and the reviewers' sheets.
 *
 * usage: skema-letter -d DB -o DIR [--pending] [--review-sheets] [--config FILE]
 *                     [--jobs N]
 *
 * Reads JSON Lines on stdin, one object per submission to write for, with
 * "submission_id" (= submissions.id, as skema-decide prints; a stored
 * record's "submission": {"db_id"} also works), or with --pending takes
 * every submission whose current decision has no letter yet (and, with
 * --review-sheets, the sheet alone of every case ended or taken up again
 * by skema complete, or withdrawn, or back on its confirmed waiting list,
 * since its last sheet: letter_stale_sheets).  For each it
 * loads the submission, fields, criteria and current decision from DB and
 * writes DIR/<case_number>-<outcome>.pdf: a proposed decision gives a draft
 * marked UDKAST on every page, named ...-<outcome>-udkast.pdf; a final
 * letter never replaces a file (a second one is ...-<outcome>-2.pdf).  With
 * --review-sheets it also writes DIR/<case_number>-gennemgang.pdf.  Each
 * file is written to a temporary name, synced and renamed (in batches, see
 * BATCH), then recorded in the letters table (path, sha256, kind, draft)
 * and reported as one JSON line on stdout:
 *   {"submission_id", "case_number", "kind", "draft", "path", "sha256",
 *    "pages", "size", "letter_id"}
 * The texts come from forms/letters/ (docs/letters.md), the authority's
 * name, signatory and complaints body from the workspace configuration
 * (--config, else skema.conf beside DB).  Under SKEMA_NOW the same input
 * gives the same bytes.  With --jobs N (default: the CPUs) the PDFs are
 * rendered by N forked workers (see MAX_JOBS); the output is the same.
 *
 * Exit codes: 0 done; 64 usage; 65 an input line or submission id was bad
 * (the others are written); 70 a PDF could not be made; 75 the database is
 * busy or the disk full (run again); 78 configuration, letter text or font
 * missing or wrong.
 *
 * Security: field values are untrusted.  They reach libharu only through
 * the layout module, which validates UTF-8, replaces characters the font
 * lacks and caps lengths; they reach the letter text only escaped
 * (pdf_markup_escape), so a value cannot add headings or bold.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "fdio.h"
#include "letter.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "stale_tmp.h"
#include "pdf.h"
#include "record.h"
#include "sha256.h"
#include "strbuf.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

/*
 * Files are published in batches: each is written to a temporary name,
 * then the whole batch is synced (syncfs(2)), renamed into place, synced
 * again and recorded in one transaction.  Two syncs and one commit per
 * BATCH files instead of three fsyncs per file, which held the rate near
 * 40 letters a second.  A crash leaves no short file under a final name
 * (data is synced before any rename) and nothing recorded that is not on
 * disk; unrecorded letters are written again by the next --pending.
 */
#define BATCH 64

/*
 * --jobs: rendering a letter is pure computation on blocks already built
 * from the database, so for each batch the PDFs are rendered and staged by
 * worker processes (forked with the batch in memory, each taking every
 * jobs-th file), while this process keeps every database read and write
 * and publishes the batch in order, as with --jobs 1.  The bytes are the
 * same either way.
 */
#define MAX_JOBS 64

struct written {
	long long submission_id, decision_id;
	int has_decision, draft, pages;
	int noreplace;       /* a final letter: never replaces a file */
	int failed;          /* could not be published: not recorded */
	int recorded;        /* in the letters table */
	int closed;          /* the sheet of a withdrawn or replaced case: no letter follows */
	int settled;         /* the sheet of a case whose decision is final: no draft belongs */
	char *case_number, *kind, *path;
	char stem[80];       /* file_stem() of the case */
	struct pdf_doc *doc; /* built, not yet rendered and staged */
	char tmp[PATH_MAX];  /* the staged file */
	char sha[65];
	size_t size;
};

/*
 * What a worker process reports for one rendered file (--jobs): the parent
 * fills the batch entry from it.  status is an exit code; failed as above.
 */
struct rendered {
	int index, status, failed, pages;
	size_t size;
	char sha[65];
	char tmp[PATH_MAX];
};

/*
 * A batch of files and, while they are rendered (--jobs), the workers
 * rendering them: one pipe and process each, and how much of the report
 * being read has arrived.
 */
struct batch {
	struct written w[BATCH];
	size_t n;
	struct pollfd fds[MAX_JOBS];
	pid_t pids[MAX_JOBS];
	size_t got[MAX_JOBS], nfds;
	struct rendered res[MAX_JOBS];
};

struct run {
	sqlite3 *db;
	const char *dir;
	int dirfd;
	int review;
	struct config cfg;
	struct offer_set offers;
	time_t now;
	int jobs;               /* processes rendering PDFs (--jobs) */
	struct batch batches[2];
	struct batch *cur;      /* being filled */
	struct batch *rendering; /* rendered by workers meanwhile, or NULL */
};

static int process(struct run *run, long long id, int sheet_only);
static int flush(struct run *run, struct batch *b);
static int render_start(struct run *run, struct batch *b);
static int render_finish(struct run *run, struct batch *b);
static int drain(struct run *run);
static int worse(int a, int b);

static void usage(FILE *out)
{
	fprintf(out,
		"usage: skema-letter -d DB -o DIR [--pending] [--review-sheets] [--config FILE]\n"
		"                    [--jobs N]\n"
		"       skema-letter --check\n"
		"\n"
		"Writes the PDF letter for the current decision of each submission named on\n"
		"stdin (JSON Lines with \"submission_id\"), or of every submission without\n"
		"one (--pending), records it in DB and prints one JSON line per file.\n"
		"\n"
		"  -d, --db DB           the workspace database\n"
		"  -o, --output DIR      where the PDF files go (created if missing)\n"
		"  -p, --pending         every current decision that has no letter yet (with\n"
		"                        -r also the sheet of a case completed or withdrawn\n"
		"                        since its last)\n"
		"  -r, --review-sheets   also write the reviewer's sheet per submission\n"
		"  -c, --config FILE     the workspace configuration (default: skema.conf\n"
		"                        beside DB, if present)\n"
		"  -j, --jobs N          processes rendering PDFs at once (default: the\n"
		"                        number of CPUs; the database stays in this one)\n"
		"      --check           only read every letter text the offers use, and\n"
		"                        report each that is missing or broken (exit 78)\n"
		"  -q, --quiet           errors only\n"
		"  -v, --verbose         say what is written\n"
		"  -h, --help            this text\n"
		"  -V, --version         the version\n"
		"\n"
		"Exit codes: 0 done, 64 usage, 65 bad input, 70 a PDF could not be made,\n"
		"75 database busy or disk full, 78 configuration, letter text or font.\n");
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"db", required_argument, NULL, 'd'},     {"output", required_argument, NULL, 'o'},
		{"pending", no_argument, NULL, 'p'},      {"review-sheets", no_argument, NULL, 'r'},
		{"config", required_argument, NULL, 'c'}, {"quiet", no_argument, NULL, 'q'},
		{"jobs", required_argument, NULL, 'j'},
		{"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},      {"check", no_argument, NULL, 'C'},
		{NULL, 0, NULL, 0},
	};
	int check = 0;
	const char *db_path = NULL, *config_path = NULL;
	int c, pending = 0, status = EXIT_DONE, rc;
	struct run run;
	struct strbuf err;

	msg_set_program("skema-letter");
	/* Each letter allocates and frees the same few hundred KB (libharu's
	 * tables, zlib's window): keep them in the heap rather than give them
	 * back to the kernel and ask again, 20 brk calls a letter. */
	mallopt(M_TRIM_THRESHOLD, 16 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	memset(&run, 0, sizeof run);
	run.dirfd = -1;
	run.cur = &run.batches[0];
	config_init(&run.cfg);
	offer_set_init(&run.offers);
	strbuf_init(&err, 64 * 1024);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	run.jobs = ncpu > 0 ? (ncpu > MAX_JOBS ? MAX_JOBS : (int)ncpu) : 1;
	while ((c = getopt_long(argc, argv, "d:o:prc:j:qvhV", long_options, NULL)) != -1) {
		char *end;
		long n;
		switch (c) {
		case 'j':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 || n > MAX_JOBS) {
				msg_error("--jobs: a number from 1 to %d, not \"%s\"", MAX_JOBS, optarg);
				usage(stderr);
				return EXIT_USAGE;
			}
			run.jobs = (int)n;
			break;
		case 'd': db_path = optarg; break;
		case 'o': run.dir = optarg; break;
		case 'p': pending = 1; break;
		case 'C': check = 1; break;
		case 'r': run.review = 1; break;
		case 'c': config_path = optarg; break;
		case 'q': msg_set_verbosity(-1); break;
		case 'v': msg_set_verbosity(1); break;
		case 'h': usage(stdout); return EXIT_DONE;
		case 'V': printf("skema-letter (skema) %s\n", SKEMA_VERSION); return EXIT_DONE;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (check && optind == argc) {
		/* What skema check-forms runs: the texts, before any letter needs them. */
		if (offer_set_load(&run.offers, paths_forms_dir(), &err) < 0)
			msg_warn("some offer definitions could not be loaded: %s", strbuf_str(&err));
		strbuf_reset(&err);
		int problems = letter_check_texts(&run.offers, &err);
		if (problems) {
			while (err.len && err.data[err.len - 1] == '\n')
				err.data[--err.len] = '\0';
			msg_error("%s", strbuf_str(&err));
		}
		else if (msg_verbosity() >= 0)
			printf("letter texts: ok (%zu offers)\n", run.offers.count);
		status = problems ? EXIT_CONFIG : EXIT_DONE;
		goto out;
	}
	if (optind != argc || !db_path || !run.dir) {
		if (optind != argc)
			msg_error("unexpected argument: %s", argv[optind]);
		else
			msg_error("both -d DB and -o DIR are needed");
		usage(stderr);
		return EXIT_USAGE;
	}
	clock_init();
	if (clock_now(&run.now) < 0)
		return EXIT_USAGE;

	/* Configuration: the named file must exist; the default may not. */
	char conf[PATH_MAX];
	if (!config_path) {
		snprintf(conf, sizeof conf, "%s", db_path);
		char *slash = strrchr(conf, '/');
		if (slash)
			snprintf(slash + 1, sizeof conf - (size_t)(slash + 1 - conf), "skema.conf");
		else
			snprintf(conf, sizeof conf, "skema.conf");
		if (access(conf, F_OK) == 0)
			config_path = conf;
	}
	if (config_path && config_load(&run.cfg, config_path, &err) < 0) {
		msg_error("%s", strbuf_str(&err));
		status = EXIT_CONFIG;
		goto out;
	}
	if (pdf_font_has('A') != 1) {
		msg_error("%s: fonts/skema-sans.ttf or fonts/skema-sans-bold.ttf missing or unreadable"
			  " (make fonts)", paths_datadir());
		status = EXIT_CONFIG;
		goto out;
	}
	strbuf_reset(&err);
	if (offer_set_load(&run.offers, paths_forms_dir(), &err) < 0)
		msg_warn("some offer definitions could not be loaded: %s", strbuf_str(&err));
	if (mkdir(run.dir, 0755) < 0 && errno != EEXIST) {
		msg_syserror("%s", run.dir);
		status = EXIT_CONFIG;
		goto out;
	}
	run.dirfd = open(run.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (run.dirfd < 0) {
		msg_syserror("%s", run.dir);
		status = EXIT_CONFIG;
		goto out;
	}
	/* A run killed while letters were staged left them full size beside the letters. */
	stale_tmp_remove(run.dir);
	if ((rc = db_open(db_path, 0, &run.db)) != SQLITE_OK) {
		status = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ? EXIT_TEMPFAIL
										     : EXIT_CONFIG;
		goto out;
	}

	if (pending) {
		long long *ids = NULL, *stale = NULL;
		size_t count = 0, nstale = 0;
		if ((rc = letter_pending(run.db, &ids, &count)) != SQLITE_OK ||
		    (run.review && (rc = letter_stale_sheets(run.db, &stale, &nstale)) != SQLITE_OK)) {
			status = (rc & 0xff) == SQLITE_BUSY ? EXIT_TEMPFAIL : EXIT_SOFTWARE;
		} else {
			for (size_t i = 0; i < count && status != EXIT_TEMPFAIL; i++)
				status = worse(status, process(&run, ids[i], 0));
			/* A sheet gone stale while the letter stands (an ended
			 * forløb) or none will come (a withdrawn case): the
			 * sheet again, not the letter.  Both lists
			 * are sorted; a case in both has its sheet already. */
			for (size_t i = 0, k = 0; i < nstale && status != EXIT_TEMPFAIL; i++) {
				while (k < count && ids[k] < stale[i])
					k++;
				if (k < count && ids[k] == stale[i])
					continue;
				status = worse(status, process(&run, stale[i], 1));
			}
		}
		free(ids);
		free(stale);
	} else {
		json_t *rec;
		while ((rc = record_read(stdin, &rec)) != 0) {
			if (rc < 0) {
				status = worse(status, EXIT_DATAERR);
				continue;
			}
			json_t *id = json_object_get(rec, "submission_id");
			if (!json_is_integer(id))
				id = json_object_get(json_object_get(rec, "submission"), "db_id");
			if (!json_is_integer(id) || json_integer_value(id) <= 0) {
				msg_error("stdin: a line without \"submission_id\"");
				status = worse(status, EXIT_DATAERR);
			} else {
				status = worse(status, process(&run, json_integer_value(id), 0));
			}
			json_decref(rec);
			if (status == EXIT_TEMPFAIL)
				break;
		}
	}
	status = worse(status, drain(&run));
out:
	if (run.dirfd > 0)
		close(run.dirfd);
	letter_case_finish();
	if (run.db)
		sqlite3_close(run.db);
	offer_set_release(&run.offers);
	config_release(&run.cfg);
	strbuf_release(&err);
	pdf_cache_release();
	return status;
}

/* The exit status that matters more: temporary beats everything, then the rest by weight. */
static int worse(int a, int b)
{
	static const int order[] = {EXIT_DONE, EXIT_DATAERR, EXIT_SOFTWARE, EXIT_CONFIG, EXIT_TEMPFAIL};
	int ra = 0, rb = 0;
	for (int i = 0; i < 5; i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return rb > ra ? b : a;
}

/* A case number made safe for a file name: [A-Za-z0-9_-], others become '_'. */
static void file_stem(const struct letter_case *c, char *buf, size_t size)
{
	if (!c->case_number || !*c->case_number) {
		snprintf(buf, size, "sag-%lld", c->submission_id);
		return;
	}
	size_t i = 0;
	for (const char *p = c->case_number; *p && i + 1 < size && i < 64; p++, i++)
		buf[i] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					 (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'
				 ? *p
				 : '_';
	buf[i] = '\0';
}

static int exit_for_sqlite(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_FULL || rc == SQLITE_READONLY ||
			       rc == SQLITE_IOERR
		       ? EXIT_TEMPFAIL
		       : EXIT_SOFTWARE;
}

/* Adds the letters row and the event for one written file (inside a transaction). */
static int insert_letter(struct run *run, struct written *w, long long *letter_id)
{
	sqlite3_stmt *stmt = NULL;
	char at[CLOCK_ISO_SIZE], detail[PATH_MAX + 64];
	int rc = sqlite3_prepare_v2(run->db,
				    "INSERT INTO letters (submission_id, decision_id, kind, draft, path,"
				    " sha256, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				    -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, w->submission_id);
		if (w->has_decision)
			sqlite3_bind_int64(stmt, 2, w->decision_id);
		else
			sqlite3_bind_null(stmt, 2);
		sqlite3_bind_text(stmt, 3, w->kind, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 4, w->draft);
		sqlite3_bind_text(stmt, 5, w->path, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 6, w->sha, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 7, clock_format(run->now, at), -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(run->db);
		*letter_id = sqlite3_last_insert_rowid(run->db);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_OK)
		return rc;
	snprintf(detail, sizeof detail, "%s%s: %s", w->kind, w->draft ? " (udkast)" : "", w->path);
	return db_event(run->db, w->submission_id,
			strcmp(w->kind, "review") == 0 ? "review_sheet" : "letter", detail);
}

static void written_release(struct written *w)
{
	if (w->tmp[0])
		unlink(w->tmp); /* staged but never published */
	free(w->case_number);
	free(w->kind);
	free(w->path);
	pdf_doc_free(w->doc);
	memset(w, 0, sizeof *w);
}

/*
 * Renames a staged file into place; a final letter takes the next free
 * name ("-2", "-3", ...) rather than replace one.  Returns 0 or -1 (errno).
 */
static int commit(struct written *w)
{
	char name[PATH_MAX];
	size_t stem = strlen(w->path) - 4; /* ".pdf" */
	int rc = pdf_commit_file(w->tmp, w->path, w->noreplace);

	for (int n = 2; rc < 0 && errno == EEXIST && w->noreplace && n < 1000; n++) {
		snprintf(name, sizeof name, "%.*s-%d.pdf", (int)stem, w->path, n);
		if ((rc = pdf_commit_file(w->tmp, name, 1)) == 0) {
			char *copy = strdup(name);
			if (copy) {
				free(w->path);
				w->path = copy;
			}
		}
	}
	if (rc == 0)
		w->tmp[0] = '\0';
	return rc;
}

/*
 * Removes the drafts a letter just recorded has made stale: the case's
 * drafts of other outcomes, and with a final letter its own draft too, so
 * that the letters folder holds no draft beside the letter to send; and
 * with the sheet of a withdrawn or replaced case every draft it had, since
 * no letter will follow and a draft left there could be sent.  So does the
 * sheet of a case whose decision is final: a proposed place that lapsed
 * leaves the final waiting-list decision under it standing, whose letter
 * was written before the draft of the place (skema-decide's restored).  The
 * names are made from the case and the outcomes its drafts were recorded
 * under, in this run's folder, never taken from a stored path.  A draft
 * that stays (a failure here) is only clutter: it says UDKAST on every page.
 */
static void remove_stale_drafts(struct run *run, const struct written *w)
{
	sqlite3_stmt *stmt = NULL;
	char name[PATH_MAX];
	if ((strcmp(w->kind, "review") == 0 && !w->closed && !w->settled) ||
	    sqlite3_prepare_v2(run->db,
			       "SELECT DISTINCT kind FROM letters WHERE submission_id = ?1"
			       " AND draft = 1 AND kind <> 'review'",
			       -1, &stmt, NULL) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return;
	}
	sqlite3_bind_int64(stmt, 1, w->submission_id);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(stmt, 0);
		if (!kind || !*kind || strchr(kind, '/') || kind[0] == '.' ||
		    (w->draft && !w->closed && strcmp(kind, w->kind) == 0))
			continue;
		snprintf(name, sizeof name, "%s-%s-udkast.pdf", w->stem, kind);
		if (unlinkat(run->dirfd, name, 0) == 0)
			msg_debug("%s/%s: removed, %s", run->dir, name,
				  w->closed    ? "the case is withdrawn, replaced or undecided"
				  : w->settled ? "the case's decision is final"
				  : w->draft   ? "the case has a draft of another outcome"
					       : "the case has its final letter");
		else if (errno != ENOENT)
			msg_warn("%s/%s: %s", run->dir, name, strerror(errno));
	}
	sqlite3_finalize(stmt);
}

/*
 * Makes the batch durable, records it in one transaction and reports it on
 * stdout.  Returns an exit code; on failure nothing of the batch is
 * recorded or reported.
 */
static int flush(struct run *run, struct batch *b)
{
	long long ids[BATCH];
	int rc, status = EXIT_DONE;

	if (b->n == 0)
		return EXIT_DONE;
	/* The data first, then the names, then the record. */
	if (syncfs(run->dirfd) < 0) {
		msg_syserror("%s: syncing the letters written", run->dir);
		status = EXIT_TEMPFAIL;
		goto out;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct written *w = &b->w[i];
		if (w->failed)
			continue;
		if (commit(w) < 0) {
			msg_syserror("%s", w->path);
			w->failed = 1;
			status = worse(status, errno == ENOSPC || errno == EIO ? EXIT_TEMPFAIL : EXIT_CONFIG);
		}
	}
	if (syncfs(run->dirfd) < 0) {
		msg_syserror("%s: syncing the letters written", run->dir);
		status = EXIT_TEMPFAIL;
		goto out;
	}
	if ((rc = db_begin(run->db)) != SQLITE_OK) {
		status = exit_for_sqlite(rc);
		goto out;
	}
	for (size_t i = 0; i < b->n; i++) {
		if (b->w[i].failed)
			continue;
		if ((rc = insert_letter(run, &b->w[i], &ids[i])) != SQLITE_OK) {
			msg_error("%s: recording %s: %s", sqlite3_db_filename(run->db, "main"),
				  b->w[i].path, sqlite3_errstr(rc));
			db_rollback(run->db);
			status = exit_for_sqlite(rc);
			goto out;
		}
	}
	if ((rc = db_commit(run->db)) != SQLITE_OK) {
		db_rollback(run->db);
		status = exit_for_sqlite(rc);
		goto out;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct written *w = &b->w[i];
		if (w->failed)
			continue;
		w->recorded = 1;
		remove_stale_drafts(run, w);
		json_t *line = json_pack("{s:I, s:s?, s:s, s:b, s:s, s:s, s:i, s:I, s:I}",
					 "submission_id", (json_int_t)w->submission_id, "case_number",
					 w->case_number, "kind", w->kind, "draft", w->draft, "path",
					 w->path, "sha256", w->sha, "pages", w->pages, "size",
					 (json_int_t)w->size, "letter_id", (json_int_t)ids[i]);
		if (!line || record_write(stdout, line) < 0) {
			msg_syserror("stdout");
			status = EXIT_TEMPFAIL;
		}
		json_decref(line);
	}
out:
	for (size_t i = 0; i < b->n; i++) {
		struct written *w = &b->w[i];
		/* A new final letter the database does not know is taken back, so
		 * the next run writes it under its own name, not as "-2".  (A
		 * draft or review sheet replaced in place stays: its name is
		 * recorded from before.) */
		if (!w->recorded && !w->failed && !w->tmp[0] && w->noreplace && w->path)
			unlink(w->path);
		written_release(w);
	}
	b->n = 0;
	return status;
}

/*
 * Renders w's document and stages it as a temporary file beside its path
 * (in whichever process runs it).  Returns an exit code; on failure the
 * entry is marked failed (not published, not recorded).
 */
static int render_one(struct written *w)
{
	unsigned char *pdf = NULL, digest[32];
	size_t len = 0;
	char err[256];
	struct sha256 ctx;
	struct pdf_doc *doc = w->doc;

	w->doc = NULL;
	if (pdf_doc_render(doc, &pdf, &len, err, sizeof err) < 0) {
		msg_error("%s: %s", w->path, err);
		pdf_doc_free(doc);
		w->failed = 1;
		return EXIT_SOFTWARE;
	}
	if (pdf_doc_degraded(doc) == 1)
		msg_warn("%s: written without the PDF/A extras after: %s", w->path, err);
	else if (pdf_doc_degraded(doc) == 2)
		msg_warn("%s: written plain (characters beyond Latin-1 as \"?\", no PDF/A extras) after: %s",
			 w->path, err);
	if (pdf_doc_replaced(doc) > 0)
		msg_info("%s: %zu characters the font lacks were printed as U+FFFD", w->path,
			 pdf_doc_replaced(doc));
	w->pages = pdf_doc_pages(doc);
	pdf_doc_free(doc);
	sha256_init(&ctx);
	sha256_update(&ctx, pdf, len);
	sha256_final(&ctx, digest);
	sha256_hex(digest, w->sha);
	if (pdf_stage_file(w->path, pdf, len, w->tmp, sizeof w->tmp) < 0) {
		int temporary = errno == ENOSPC || errno == EDQUOT || errno == EIO;
		msg_syserror("%s", w->path);
		free(pdf);
		w->tmp[0] = '\0';
		w->failed = 1;
		return temporary ? EXIT_TEMPFAIL : EXIT_CONFIG;
	}
	free(pdf);
	w->size = len;
	return EXIT_DONE;
}
/*
 * A worker: renders the entries first, first + step, ... of the batch and
 * reports each on fd.  Runs in a forked child, which ends with _exit() so
 * that nothing of the parent (stdio buffers, the database, atexit
 * handlers) is flushed or closed twice.
 */
static void worker(struct batch *b, size_t first, size_t step, int fd)
{
	for (size_t i = first; i < b->n; i += step) {
		struct written *w = &b->w[i];
		struct rendered res;
		if (!w->doc)
			continue;
		memset(&res, 0, sizeof res);
		res.index = (int)i;
		res.status = render_one(w);
		res.failed = w->failed;
		res.pages = w->pages;
		res.size = w->size;
		memcpy(res.sha, w->sha, sizeof res.sha);
		memcpy(res.tmp, w->tmp, sizeof res.tmp);
		if (fdio_write_all(fd, &res, sizeof res) < 0)
			break;
	}
	fflush(stderr);
	_exit(0);
}

/* Fills batch entry r->index from a worker's report.  Returns its exit code. */
static int take_result(struct batch *b, const struct rendered *r)
{
	if (r->index < 0 || (size_t)r->index >= b->n)
		return EXIT_SOFTWARE;
	struct written *w = &b->w[r->index];
	pdf_doc_free(w->doc);
	w->doc = NULL;
	w->failed = r->failed;
	w->pages = r->pages;
	w->size = r->size;
	memcpy(w->sha, r->sha, sizeof w->sha);
	memcpy(w->tmp, r->tmp, sizeof w->tmp);
	w->sha[sizeof w->sha - 1] = '\0';
	w->tmp[sizeof w->tmp - 1] = '\0';
	return r->status;
}

/*
 * Starts rendering and staging every entry of b still holding a document:
 * here and now (--jobs 1, or one file), or in up to run->jobs forked
 * workers, collected by render_finish().  Returns the worst exit code so
 * far.
 */
static int render_start(struct run *run, struct batch *b)
{
	size_t todo = 0;
	int status = EXIT_DONE;

	b->nfds = 0;
	for (size_t i = 0; i < b->n; i++)
		todo += b->w[i].doc != NULL;
	if (todo == 0)
		return EXIT_DONE;
	if (run->jobs <= 1 || todo == 1) {
		for (size_t i = 0; i < b->n; i++)
			if (b->w[i].doc)
				status = worse(status, render_one(&b->w[i]));
		return status;
	}

	size_t nworkers = (size_t)run->jobs < todo ? (size_t)run->jobs : todo;
	pid_t parent = getpid();

	/* The workers start from a loaded libharu handle, not each their own. */
	pdf_cache_prepare();
	fflush(stdout);
	fflush(stderr);
	for (size_t k = 0; k < nworkers; k++) {
		int pipefd[2];
		if (pipe2(pipefd, O_CLOEXEC) < 0) {
			msg_syserror("pipe");
			status = EXIT_TEMPFAIL;
			break;
		}
		pid_t pid = fork();
		if (pid < 0) {
			msg_syserror("fork");
			close(pipefd[0]);
			close(pipefd[1]);
			status = EXIT_TEMPFAIL;
			break;
		}
		if (pid == 0) {
			/* A worker outlives no parent: its files would never be
			 * published (the next run writes them again). */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(1);
			close(pipefd[0]);
			worker(b, k, nworkers, pipefd[1]);
		}
		close(pipefd[1]);
		b->fds[b->nfds].fd = pipefd[0];
		b->fds[b->nfds].events = POLLIN;
		b->pids[b->nfds] = pid;
		b->got[b->nfds] = 0;
		b->nfds++;
	}
	return status;
}

/*
 * Waits for b's workers and takes their reports.  Whatever no worker
 * reported (one died, or never started) is not published.  Returns the
 * worst exit code.
 */
static int render_finish(struct run *run, struct batch *b)
{
	int status = EXIT_DONE;
	size_t open_fds = b->nfds;

	(void)run;
	/* Reports arrive whole or in pieces, from any worker: poll them all,
	 * so that no worker waits on a full pipe. */
	while (open_fds > 0) {
		if (poll(b->fds, b->nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			msg_syserror("poll");
			break;
		}
		for (size_t k = 0; k < b->nfds; k++) {
			if (b->fds[k].fd < 0 || !(b->fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(b->fds[k].fd, (char *)&b->res[k] + b->got[k],
					 sizeof b->res[k] - b->got[k]);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(b->fds[k].fd);
				b->fds[k].fd = -1;
				open_fds--;
				continue;
			}
			b->got[k] += (size_t)n;
			if (b->got[k] == sizeof b->res[k]) {
				b->got[k] = 0;
				status = worse(status, take_result(b, &b->res[k]));
			}
		}
	}
	for (size_t k = 0; k < b->nfds; k++) {
		int wstatus;
		if (b->fds[k].fd >= 0)
			close(b->fds[k].fd);
		while (waitpid(b->pids[k], &wstatus, 0) < 0 && errno == EINTR)
			;
	}
	b->nfds = 0;
	for (size_t i = 0; i < b->n; i++) {
		struct written *w = &b->w[i];
		if (w->doc) {
			msg_error("%s: not rendered (a worker process failed)", w->path);
			pdf_doc_free(w->doc);
			w->doc = NULL;
			w->failed = 1;
			status = worse(status, EXIT_SOFTWARE);
		}
	}
	return status;
}

/*
 * Queues doc (which it takes) to be rendered for path; it is rendered,
 * published, recorded and reported with its batch.
 */
static int publish(struct run *run, const struct letter_case *c, struct pdf_doc *doc,
		   const char *kind, int draft, const char *path)
{
	struct batch *b = run->cur;
	struct written *w = &b->w[b->n];

	memset(w, 0, sizeof *w);
	w->doc = doc;
	w->submission_id = c->submission_id;
	w->decision_id = c->decision_id;
	w->has_decision = c->has_decision;
	w->draft = draft;
	w->noreplace = !draft && strcmp(kind, "review") != 0;
	/* A live case without a decision (a proposal skema-decide retracted) has no draft to keep either. */
	w->closed = strcmp(kind, "review") == 0 && c->status &&
		    (strcmp(c->status, "withdrawn") == 0 || strcmp(c->status, "superseded") == 0 ||
		     !c->has_decision);
	w->settled = strcmp(kind, "review") == 0 && c->has_decision && c->state &&
		     strcmp(c->state, "final") == 0;
	file_stem(c, w->stem, sizeof w->stem);
	w->case_number = c->case_number ? strdup(c->case_number) : NULL;
	w->kind = strdup(kind);
	w->path = strdup(path);
	b->n++;
	if (!w->kind || !w->path || (c->case_number && !w->case_number)) {
		pdf_doc_free(w->doc);
		w->doc = NULL;
		w->failed = 1;
		msg_error("out of memory");
		return worse(EXIT_SOFTWARE, drain(run));
	}
	msg_debug("%s: %s", c->case_number ? c->case_number : "?", path);
	if (b->n < BATCH)
		return EXIT_DONE;
	/* The batch before this one is published (its workers are done or
	 * soon will be), and this one goes to the workers while the next is
	 * built: the database work here overlaps the rendering there. */
	int status = EXIT_DONE;
	if (run->rendering) {
		status = worse(status, render_finish(run, run->rendering));
		status = worse(status, flush(run, run->rendering));
		run->rendering = NULL;
	}
	status = worse(status, render_start(run, b));
	run->rendering = b;
	run->cur = b == &run->batches[0] ? &run->batches[1] : &run->batches[0];
	return status;
}

/* Renders, publishes and records everything queued, in order. */
static int drain(struct run *run)
{
	int status = EXIT_DONE;

	if (run->rendering) {
		status = worse(status, render_finish(run, run->rendering));
		status = worse(status, flush(run, run->rendering));
		run->rendering = NULL;
	}
	status = worse(status, render_start(run, run->cur));
	status = worse(status, render_finish(run, run->cur));
	return worse(status, flush(run, run->cur));
}

/*
 * Writes the letter for submission id's current decision and, with
 * --review-sheets, its review sheet; with sheet_only the sheet alone.
 */
static int process(struct run *run, long long id, int sheet_only)
{
	struct letter_case c;
	char stem[80], path[PATH_MAX];
	struct strbuf err;
	int rc, status = EXIT_DONE;

	strbuf_init(&err, 64 * 1024);
	if ((rc = letter_case_load(run->db, id, &c)) != SQLITE_OK) {
		if (rc == SQLITE_NOTFOUND) {
			msg_error("submission %lld: not in the database", id);
			status = EXIT_DATAERR;
		} else {
			status = exit_for_sqlite(rc);
		}
		goto out;
	}
	const struct offer *offer = c.offer_id ? offer_set_find(&run->offers, c.offer_id) : NULL;
	file_stem(&c, stem, sizeof stem);

	if (c.has_decision && !sheet_only && c.offer_id && !offer) {
		/*
		 * Without its definition a letter has no title, criteria or
		 * contact, and a final letter is never replaced: it waits, as
		 * for a letter text that does not parse, until the definition
		 * is back (a folder removed or renamed).
		 */
		char shown[256];
		msg_error("%s: offer %s is not defined (no %s/%s/offer.xml); its letter is written "
			  "when the definition is back",
			  c.case_number ? c.case_number : "?", msg_escape(shown, sizeof shown, c.offer_id),
			  paths_forms_dir(), shown);
		status = EXIT_CONFIG;
	} else if (c.has_decision && !sheet_only) {
		int draft = !c.state || strcmp(c.state, "final") != 0;
		struct pdf_doc *doc = pdf_doc_new();
		if (!doc) {
			status = EXIT_SOFTWARE;
			goto out;
		}
		if (letter_build(doc, &c, offer, &run->cfg, run->now, &err) < 0) {
			msg_error("%s: %s", c.case_number ? c.case_number : "?", strbuf_str(&err));
			status = strstr(strbuf_str(&err), "out of memory") ? EXIT_SOFTWARE : EXIT_CONFIG;
			pdf_doc_free(doc);
			goto out;
		}
		/* A draft is redone freely; a final letter never replaces a file (publish). */
		snprintf(path, sizeof path, "%s/%s-%s%s.pdf", run->dir, stem, c.outcome,
			 draft ? "-udkast" : "");
		status = worse(status, publish(run, &c, doc, c.outcome, draft, path));
	} else if (!run->review && !sheet_only) {
		msg_warn("%s: no current decision, so no letter", c.case_number ? c.case_number : "?");
	}
	if (run->review && status != EXIT_TEMPFAIL) {
		struct pdf_doc *doc = pdf_doc_new();
		if (!doc || letter_build_review(doc, &c, offer, &run->cfg, run->now) < 0) {
			msg_error("%s: out of memory building the review sheet", stem);
			status = worse(status, EXIT_SOFTWARE);
			pdf_doc_free(doc);
		} else {
			snprintf(path, sizeof path, "%s/%s-gennemgang.pdf", run->dir, stem);
			status = worse(status, publish(run, &c, doc, "review", 0, path));
		}
	}
out:
	letter_case_release(&c);
	strbuf_release(&err);
	return status;
}
