/*
 * cmd_rejudge.c - skema rejudge: judge open cases again by their offer's
 * definition as it is now.
 *
 * usage: skema rejudge --offer ID... [--no-decide]
 *        skema rejudge CASE... [--no-decide]
 *
 * skema judges a form once, when it arrives (docs/offer-format.md,
 * "Changing an offer that has cases").  When an administrator has changed
 * an offer's criteria, fields, rules or deadline, the cases already stored
 * keep the judgement of the old definition.  This reads each open case's
 * archived document again (skema-extract: a field renamed by the new
 * definition is found by its label, as in a form that arrives now), judges
 * it (skema-validate) and stores the new judgement (skema-store
 * --rejudge): the fields, the validation, each criterion's result and
 * sentence, and a "rejudged" event with the judgement before and after; a
 * case whose judgement did not change is left as it was.  Then
 * skema-decide runs for the offer, so that its proposals follow the new
 * judgement (--no-decide leaves that to the next skema run); the next run
 * writes their drafts and review sheets again.
 *
 * Open: live (status stored), and the standing decision not final, or a
 * final venteliste (it still waits for a place, which the new judgement
 * may deny it; its decision stays).  A final decision was confirmed by a
 * reviewer, or sent by the offer itself (auto-confirm), and its letter may
 * have gone out: it stays as it is.  A document that is no longer the one
 * received (its SHA-256) is not read: it would become this case's form.  A
 * named case with a final decision is refused (a reviewer decides it with
 * skema decide); with --offer such cases are counted and left.  Named
 * cases are all or nothing: every problem is named, and nothing is judged
 * unless all of them can be.
 *
 * Exit codes: 0 done; 64 usage; 65 a case unknown, not live or decided for
 * good, or one that could not be judged again (its document unreadable, a
 * reviewer's final decision meanwhile: named on stderr, the others are
 * stored); 70 internal error; 75 database busy or read-only; 78 no
 * workspace, an offer without a definition, or definitions that do not
 * load.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "commands.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "record.h"
#include "review.h"
#include "sha256.h"
#include "strbuf.h"
#include "workspace.h"

#define OFFER_ID_SIZE 128

/* One case to judge again. */
struct target {
	long long id;
	char offer[OFFER_ID_SIZE];
};

struct targets {
	struct target *items;
	size_t count, alloc;
	size_t kept_final; /* --offer: cases with a final decision, left as they are */
};

static void usage(FILE *out)
{
	fprintf(out, "usage: skema rejudge --offer ID... [--no-decide]\n"
		     "       skema rejudge CASE... [--no-decide]\n"
		     "\n"
		     "Judges the open cases of an offer (or the cases named) again by the offer's\n"
		     "definition as it is now, after its criteria, fields or deadline changed, and\n"
		     "runs skema-decide for it.  A case with a final decision is left as it is.\n"
		     "\n"
		     "  --offer ID    every open case of the offer (may be repeated)\n"
		     "  --no-decide   do not run skema-decide now (the next skema run does)\n"
		     "  --help        this text\n");
}

static int add_target(struct targets *t, long long id, const char *offer)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->items[i].id == id)
			return 0; /* named twice (number and id) */
	if (t->count == t->alloc) {
		size_t grown = t->alloc ? t->alloc * 2 : 16;
		struct target *bigger = realloc(t->items, grown * sizeof *bigger);
		if (!bigger)
			return -1;
		t->items = bigger;
		t->alloc = grown;
	}
	t->items[t->count].id = id;
	snprintf(t->items[t->count].offer, sizeof t->items[t->count].offer, "%s", offer);
	t->count++;
	return 0;
}

/*
 * The standing decision's state of submission id ("final", "proposed"), or
 * "" when none.  A final venteliste counts as open: it still waits for a
 * place, which a new judgement may or may not let it have.
 */
static int decision_state(sqlite3 *db, long long id, char *state, size_t size)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db,
				    "SELECT CASE WHEN outcome = 'venteliste' THEN 'waiting' ELSE state END"
				    " FROM decisions WHERE submission_id = ?1 AND current = 1",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	state[0] = '\0';
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		snprintf(state, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A case named on the command line: live and not decided for good.  Returns an exit code. */
static int check_named(sqlite3 *db, const char *key, struct targets *t)
{
	char status[32], offer[OFFER_ID_SIZE], state[16], shown[128];
	long long id;
	int found = review_find_case(db, key, &id, status, sizeof status, offer, sizeof offer);
	msg_escape(shown, sizeof shown, key);
	if (found < 0)
		return ws_db_exit_code(-found);
	if (found == 0) {
		msg_error("rejudge: %s: ingen sag med det nummer", shown);
		return EXIT_DATAERR;
	}
	if (strcmp(status, "stored") != 0) {
		msg_error("rejudge: %s: sagen har status »%s« og vurderes ikke igen", shown,
			  record_status_da(status));
		return EXIT_DATAERR;
	}
	int rc = decision_state(db, id, state, sizeof state);
	if (rc != SQLITE_OK)
		return ws_db_exit_code(rc);
	if (strcmp(state, "final") == 0) {
		msg_error("rejudge: %s: sagen har en endelig afgørelse og vurderes ikke igen; en "
			  "sagsbehandler kan afgøre den på ny med skema decide",
			  shown);
		return EXIT_DATAERR;
	}
	return add_target(t, id, offer) < 0 ? EXIT_SOFTWARE : EXIT_DONE;
}

/* Every open case of offer.  Returns an exit code. */
static int add_offer(sqlite3 *db, const char *offer, struct targets *t)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db,
				    "SELECT s.id, CASE WHEN d.outcome = 'venteliste' THEN 'waiting'"
				    "  ELSE coalesce(d.state, '') END FROM submissions s"
				    " LEFT JOIN decisions d ON d.submission_id = s.id AND d.current = 1"
				    " WHERE s.status = 'stored' AND s.offer_id = ?1 ORDER BY s.id",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return ws_db_exit_code(rc);
	sqlite3_bind_text(stmt, 1, offer, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (strcmp((const char *)sqlite3_column_text(stmt, 1), "final") == 0)
			t->kept_final++;
		else if (add_target(t, sqlite3_column_int64(stmt, 0), offer) < 0)
			rc = SQLITE_NOMEM;
		if (rc == SQLITE_NOMEM)
			break;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? EXIT_DONE : ws_db_exit_code(rc);
}

/* 1 when the file at path holds the bytes whose SHA-256 is sha256. */
static int same_bytes(const char *path, const char *sha256)
{
	char hex[65];
	uint64_t size;
	int fd = path[0] ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd < 0)
		return 0;
	int ok = sha256_fd(fd, hex, &size) == 0 && strcmp(hex, sha256) == 0;
	close(fd);
	return ok;
}

/*
 * The stored record of submission id as skema-extract takes it: what
 * ingest said of the file (id, receipt, name, bytes), with "path" the
 * archived document's; what extract, validate and store added is left
 * out, to be found again.  One line on out.
 */
static int write_record(sqlite3 *db, const struct workspace *ws, long long id, FILE *out)
{
	static const char *const found_again[] = {"format",   "form",	   "fields",
						  "extra_fields", "warnings", "validation",
						  "submission",   "rejudged", "error"};
	sqlite3_stmt *stmt;
	json_t *rec = NULL;
	char path[PATH_MAX] = "", sha256[65] = "", case_number[32] = "";
	int rc = sqlite3_prepare_v2(db,
				    "SELECT record, stored_path, sha256, case_number FROM submissions"
				    " WHERE id = ?1",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return ws_db_exit_code(rc);
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
		rec = json_loads((const char *)sqlite3_column_text(stmt, 0), 0, NULL);
		const char *stored = (const char *)sqlite3_column_text(stmt, 1);
		if (stored && stored[0] == '/')
			snprintf(path, sizeof path, "%s", stored);
		else if (stored)
			paths_join(path, sizeof path, ws->root, stored);
		if (sqlite3_column_text(stmt, 2))
			snprintf(sha256, sizeof sha256, "%s", (const char *)sqlite3_column_text(stmt, 2));
		if (sqlite3_column_text(stmt, 3))
			snprintf(case_number, sizeof case_number, "%s",
				 (const char *)sqlite3_column_text(stmt, 3));
	}
	sqlite3_finalize(stmt);
	if (!json_is_object(rec)) {
		json_decref(rec);
		msg_error("rejudge: submission %lld: its stored record cannot be read", id);
		return EXIT_SOFTWARE;
	}
	/*
	 * The archive holds what was received, or the case is judged on
	 * something else: a file put in its place would become this
	 * applicant's form.
	 */
	if (!same_bytes(path, sha256)) {
		json_decref(rec);
		msg_error("rejudge: %s: kunne ikke vurderes igen: det arkiverede dokument er ikke "
			  "længere det modtagne (mangler eller er ændret); en sagsbehandler må se på "
			  "sagen",
			  case_number);
		return EXIT_DATAERR;
	}
	for (size_t i = 0; i < sizeof found_again / sizeof *found_again; i++)
		json_object_del(rec, found_again[i]);
	/* No archived document (a row from before stored_path): extract names the error. */
	json_object_set_new(rec, "path", json_string(path));
	int bad = json_dumpf(rec, out, JSON_COMPACT) < 0 || fputc('\n', out) == EOF;
	json_decref(rec);
	return bad ? EXIT_SOFTWARE : EXIT_DONE;
}

/* An unnamed file for the records between the stages (they hold personal data). */
static FILE *scratch(const char *workspace)
{
	int fd = open(workspace, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		FILE *f = fdopen(fd, "w+");
		if (f)
			return f;
		close(fd);
	}
	return tmpfile();
}

/* Runs stage name with in as its input and a new scratch file as its output. */
static int pipe_through(const char *workspace, const char *name, char *const args[], FILE *in,
			FILE **out)
{
	*out = NULL;
	if (fflush(in) == EOF || fseek(in, 0, SEEK_SET) < 0) {
		msg_syserror("rejudge");
		return EXIT_SOFTWARE;
	}
	FILE *result = scratch(workspace);
	if (!result) {
		msg_syserror("rejudge: a temporary file");
		return EXIT_TEMPFAIL;
	}
	int status = run_stage_io(name, args, fileno(in), fileno(result));
	if (status != EXIT_DONE || fseek(result, 0, SEEK_SET) < 0) {
		fclose(result);
		return status != EXIT_DONE ? status : EXIT_SOFTWARE;
	}
	*out = result;
	return EXIT_DONE;
}

/* What came of judging one case again. */
enum judged { JUDGED_SAME, JUDGED_CRITERIA, JUDGED_CHANGED, JUDGED_FAILED };

/* Tells, in Danish, what the new judgement of one case is. */
static enum judged tell(json_t *rec, int verbosity)
{
	const json_t *sub = json_object_get(rec, "submission");
	const json_t *judged = json_object_get(rec, "rejudged");
	const char *case_number = record_str(sub, "case_number");
	const json_t *error = json_object_get(rec, "error");
	if (error || !judged) {
		char shown[128];
		/* The error of another stage names the file; the case is what staff know. */
		msg_error("rejudge: %s: kunne ikke vurderes igen: %s",
			  case_number ? case_number
				      : msg_escape(shown, sizeof shown, record_str(rec, "original_name")),
			  record_str(error, "message_da") ? record_str(error, "message_da")
							  : "den nye vurdering kunne ikke gemmes");
		return JUDGED_FAILED;
	}
	const char *before = record_str(judged, "before"), *after = record_str(judged, "after");
	const char *criteria = record_str(judged, "criteria");
	int changed = strcmp(before ? before : "", after ? after : "") != 0;
	int criteria_changed = criteria && *criteria;
	if (verbosity >= 0) {
		if (changed)
			printf("%s: vurderingen er ændret fra »%s« til »%s«", case_number,
			       record_validation_da(before), record_validation_da(after));
		else
			printf("%s: vurderingen er fortsat »%s«", case_number,
			       record_validation_da(after));
		if (criteria_changed)
			printf("; kriterier med et nyt resultat: %s", criteria);
		printf(".\n");
	}
	return changed ? JUDGED_CHANGED : criteria_changed ? JUDGED_CRITERIA : JUDGED_SAME;
}

/* "11 sager er vurderet igen: 1 med en ændret vurdering, 10 med nye resultater af kriterier, ..." */
static void summarize(const size_t count[4], size_t kept_final)
{
	size_t judged = count[JUDGED_SAME] + count[JUDGED_CRITERIA] + count[JUDGED_CHANGED];
	printf("%zu %s vurderet igen", judged, judged == 1 ? "sag er" : "sager er");
	if (judged > 0)
		printf(": %zu med en ændret vurdering, %zu med nye resultater af kriterier, %zu med "
		       "samme vurdering",
		       count[JUDGED_CHANGED], count[JUDGED_CRITERIA], count[JUDGED_SAME]);
	printf(".");
	if (count[JUDGED_FAILED])
		printf(" %zu kunne ikke vurderes igen (se ovenfor).", count[JUDGED_FAILED]);
	if (kept_final)
		printf(" %zu %s en endelig afgørelse og er ikke vurderet igen.", kept_final,
		       kept_final == 1 ? "sag har" : "sager har");
	printf("\n");
}

/* The Danish line for a definition that is missing or does not load. */
static void no_definition(const char *offer)
{
	char shown[256];
	msg_error("rejudge: tilbuddet %s har ingen definition, der kan indlæses (skema check-forms "
		  "siger hvorfor); ingen sag er vurderet igen",
		  msg_escape(shown, sizeof shown, offer));
}

/* The cases to judge: every open one of each --offer, and those named.  Returns an exit code. */
static int choose(sqlite3 *db, const struct offer_set *set, const char **offers, size_t noffers,
		  char **keys, int nkeys, struct targets *targets)
{
	int status = EXIT_DONE;
	for (size_t i = 0; i < noffers; i++) {
		if (!offer_set_find(set, offers[i])) {
			no_definition(offers[i]);
			return EXIT_CONFIG;
		}
		if ((status = add_offer(db, offers[i], targets)) != EXIT_DONE)
			return status;
	}
	for (int i = 0; i < nkeys; i++) {
		int checked = check_named(db, keys[i], targets);
		if (checked == EXIT_DONE)
			continue;
		if (status == EXIT_DONE)
			status = checked;
		if (checked != EXIT_DATAERR)
			break;
	}
	for (size_t i = 0; status == EXIT_DONE && i < targets->count; i++)
		if (!offer_set_find(set, targets->items[i].offer)) {
			no_definition(targets->items[i].offer);
			status = EXIT_CONFIG;
		}
	if (status != EXIT_DONE && targets->count > 0 && nkeys > 0)
		msg_warn("rejudge: ingen sag er vurderet igen, heller ikke dem, der kunne");
	return status;
}

/*
 * Reads, judges and stores the cases in records again: extract, validate,
 * store --rejudge, each with the last one's output, and tells what came of
 * each (count, by enum judged).  Returns an exit code.
 */
static int judge_again(const struct workspace *ws, FILE *records, int verbosity, size_t count[4])
{
	char db_path[PATH_MAX], max_size[32];
	FILE *read = NULL, *judged = NULL, *stored = NULL;
	snprintf(max_size, sizeof max_size, "%lld", ws->max_size);
	char *extract[] = {(char *)"skema-extract", (char *)"--max-size", max_size, NULL};
	char *validate[] = {(char *)"skema-validate", NULL};
	char *store[] = {(char *)"skema-store", (char *)"-q", (char *)"--rejudge",
			 ws_path(ws, db_path, sizeof db_path, WS_DB), NULL};
	int status = pipe_through(ws->root, "extract", extract, records, &read);
	if (status == EXIT_DONE)
		status = pipe_through(ws->root, "validate", validate, read, &judged);
	if (status == EXIT_CONFIG)
		msg_error("rejudge: tilbudsdefinitionerne kan ikke indlæses (skema check-forms siger "
			  "hvorfor); ingen sag er vurderet igen");
	if (status == EXIT_DONE)
		status = pipe_through(ws->root, "store", store, judged, &stored);
	if (status == EXIT_DONE) {
		char *line = NULL;
		size_t size = 0;
		while (getline(&line, &size, stored) > 0) {
			json_t *rec = json_loads(line, 0, NULL);
			if (rec)
				count[tell(rec, verbosity)]++;
			json_decref(rec);
		}
		free(line);
	}
	if (read)
		fclose(read);
	if (judged)
		fclose(judged);
	if (stored)
		fclose(stored);
	return status;
}

int cmd_rejudge(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"offer", required_argument, NULL, 'o'},
		{"no-decide", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct targets targets = {0};
	const char **offers = calloc((size_t)argc, sizeof *offers);
	size_t noffers = 0, count[4] = {0};
	int c, status = EXIT_DONE, decide = 1;
	sqlite3 *db = NULL;
	FILE *records = NULL;
	struct workspace ws;
	struct offer_set set;
	struct strbuf err;

	if (!offers)
		return EXIT_SOFTWARE;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			offers[noffers++] = optarg;
			break;
		case 'n':
			decide = 0;
			break;
		case 'h':
			usage(stdout);
			free(offers);
			return EXIT_DONE;
		default:
			usage(stderr);
			free(offers);
			return EXIT_USAGE;
		}
	}
	if (noffers == 0 && optind == argc) {
		usage(stderr);
		free(offers);
		return EXIT_USAGE;
	}
	offer_set_init(&set);
	strbuf_init(&err, 0);
	if ((status = ws_open(&ws, opt->workspace)) != 0) {
		strbuf_release(&err);
		free(offers);
		return status;
	}
	offer_set_load(&set, paths_forms_dir(), &err);
	if ((status = ws_db_open(opt->workspace, &db)) != 0 ||
	    (status = choose(db, &set, offers, noffers, argv + optind, argc - optind, &targets)) !=
		    EXIT_DONE)
		goto out;
	if (!(records = scratch(ws.root))) {
		msg_syserror("rejudge: a temporary file");
		status = EXIT_TEMPFAIL;
		goto out;
	}
	for (size_t i = 0; i < targets.count; i++) {
		int written = write_record(db, &ws, targets.items[i].id, records);
		if (written == EXIT_DATAERR) {
			count[JUDGED_FAILED]++;
			continue;
		}
		if ((status = written) != EXIT_DONE)
			goto out;
	}
	/* skema-store writes: the driver holds no connection meanwhile. */
	sqlite3_close(db);
	db = NULL;
	if (targets.count > count[JUDGED_FAILED] &&
	    (status = judge_again(&ws, records, opt->verbosity, count)) != EXIT_DONE)
		goto out;
	if (opt->verbosity >= 0)
		summarize(count, targets.kept_final);
	/* Where only what nobody decides on changed, nothing needs deciding. */
	for (size_t k = 0; decide && count[JUDGED_CHANGED] + count[JUDGED_CRITERIA] &&
			   k < targets.count;
	     k++) {
		struct review_changes changes;
		int seen = 0;
		for (size_t j = 0; j < k; j++)
			seen |= strcmp(targets.items[j].offer, targets.items[k].offer) == 0;
		if (seen)
			continue;
		if (review_decide_offer(opt->workspace, targets.items[k].offer, "rejudge", &changes) ==
			    EXIT_DONE &&
		    opt->verbosity >= 0)
			review_print_changes(&changes, 0);
		review_changes_release(&changes);
	}
	if (count[JUDGED_FAILED])
		status = EXIT_DATAERR;
out:
	if (records)
		fclose(records);
	sqlite3_close(db);
	offer_set_release(&set);
	strbuf_release(&err);
	ws_release(&ws);
	free(targets.items);
	free(offers);
	return status;
}
