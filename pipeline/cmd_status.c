/*
 * cmd_status.c - skema status: what is in each state.
 *
 * usage: skema status [--files] [--json]
 *
 * Counts the files in inbox/ (waiting, still being written, ignored), the
 * claims in work/, the files in archive/ and quarantine/ (reason files not
 * counted), the submissions in skema.db by status, the live ones by
 * standing decision, and per offer the live applications and the granted.  At an
 * offer whose places are held while a forløb runs (capacity period
 * "concurrent": the rådgivningsforløb, 8 at a time) it also says how many
 * forløb run, how many have ended (skema complete) and how many places are
 * free, counted as skema-decide and skema-report count them; at a rolling
 * offer with places per year, quarter or month, how many of the places of
 * today's period are granted and how many are free.  Last, in
 * Danish, the mangler cases whose svarfrist has passed without a corrected
 * form ("mangler uden svar"), for the staff to follow up.  The database
 * is opened read-only, so status works on a read-only workspace and never
 * waits for a writer.
 *
 * Exit codes: 0, 64 usage, 78 not a workspace.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "clock.h"
#include "commands.h"
#include "config.h"
#include "db.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "record.h"
#include "strbuf.h"
#include "utf8.h"
#include "workspace.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: skema status [--files] [--json]\n"
		     "Shows what is in each state: inbox, claimed, archive, quarantine, and\n"
		     "the submissions in the database by status and outcome.\n"
		     "  --files   also name the files waiting, claimed and in quarantine\n"
		     "  --json    one JSON object\n");
}

/* Files in dir not starting with '.', reason files left out. */
static long count_files(const struct workspace *ws, const char *rel)
{
	char dir[PATH_MAX];
	struct dirent **names = NULL;
	long count = 0;
	int n = scandir(ws_path(ws, dir, sizeof dir, rel), &names, NULL, NULL);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (name[0] != '.' && !ws_is_reason_file(dir, name))
			count++;
		free(names[i]);
	}
	free(names);
	return count;
}

/* The files in dir (not reason files), escaped for a terminal.  New reference. */
static json_t *list_dir(const struct workspace *ws, const char *rel)
{
	char dir[PATH_MAX], shown[PATH_MAX];
	struct dirent **names = NULL;
	json_t *out = json_array();
	int n = scandir(ws_path(ws, dir, sizeof dir, rel), &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (name[0] != '.' && !ws_is_reason_file(dir, name))
			json_array_append_new(out, json_string(msg_escape(shown, sizeof shown, name)));
		free(names[i]);
	}
	free(names);
	return out;
}

/* Adds "value -> count" rows of query to obj. */
static void group_counts(sqlite3 *db, const char *query, json_t *obj)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(db, query, -1, &stmt, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(stmt, 0);
		json_object_set_new(obj, key ? key : "(none)",
				    json_integer(sqlite3_column_int64(stmt, 1)));
	}
	sqlite3_finalize(stmt);
}

/* An empty row for an offer nothing has been received for yet. */
static json_t *offer_row(json_t *offers, const char *id)
{
	json_t *row = json_object_get(offers, id);
	if (!row) {
		row = json_object();
		json_object_set_new(row, "live", json_integer(0));
		json_object_set_new(row, "bevilget", json_integer(0));
		json_object_set_new(row, "completed", json_integer(0));
		json_object_set_new(offers, id, row);
	}
	return row;
}

/*
 * The key skema-decide stores in decisions.period for the period of now
 * ("2027-Q1"); 0 for an offer whose places are not per period.
 */
static int current_period(const struct offer *offer, char key[32])
{
	time_t now;
	if (clock_now(&now) < 0)
		now = time(NULL);
	offer_period_key(offer, offer_period_index(offer, now), key, 32);
	return key[0] != '\0';
}

/*
 * At a rolling offer with places per year, quarter or month (the
 * temaforløb, 10 a quarter) that has live applications: the period of now and how many places in it
 * are granted (proposed or final) and free, counted as skema-decide counts
 * them, by the period a place was counted against (decisions.period).
 */
static void period_counts(sqlite3 *db, const struct offer *offer, const char *period,
			  json_t *offers)
{
	sqlite3_stmt *stmt = NULL;
	json_int_t granted = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM submissions s JOIN decisions d ON d.id ="
			       "  (SELECT max(d2.id) FROM decisions d2"
			       "   WHERE d2.submission_id = s.id AND d2.current = 1)"
			       " WHERE s.status = 'stored' AND s.offer_id = ?1"
			       "  AND d.outcome = 'bevilget' AND d.period = ?2",
			       -1, &stmt, NULL) != SQLITE_OK) {
		sqlite3_finalize(stmt);
		return; /* a database from before schema v3: the next run migrates it */
	}
	sqlite3_bind_text(stmt, 1, offer->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, period, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		granted = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	json_t *row = json_object_get(offers, offer->id);
	json_int_t available = offer->capacity_max - granted;
	json_object_set_new(row, "period", json_string(period));
	json_object_set_new(row, "places", json_integer(offer->capacity_max));
	json_object_set_new(row, "granted_in_period", json_integer(granted));
	json_object_set_new(row, "free", json_integer(available > 0 ? available : 0));
}

/*
 * Per offer: live applications, the granted and the granted whose forløb
 * ended, as {"live", "bevilget", "completed"}; at a concurrent offer also
 * "places" (its maximum at a time), "running" (granted, proposed or final,
 * and not ended: these hold the places) and "free".  A concurrent offer
 * with nothing received yet is listed too: all its places are free.  A
 * database from before schema v5 (no completed_on) gets no per-offer
 * counts; the next skema run migrates it.  New reference.
 */
static json_t *offer_counts(sqlite3 *db, const struct offer_set *set)
{
	sqlite3_stmt *stmt = NULL;
	json_t *offers = json_object();
	char period[32];

	if (sqlite3_prepare_v2(db,
			       "SELECT s.offer_id, count(*), total(d.outcome = 'bevilget'),"
			       "  total(d.outcome = 'bevilget' AND s.completed_on IS NOT NULL)"
			       " FROM submissions s LEFT JOIN decisions d ON d.id ="
			       "  (SELECT max(d2.id) FROM decisions d2"
			       "   WHERE d2.submission_id = s.id AND d2.current = 1)"
			       " WHERE s.status = 'stored' AND s.offer_id IS NOT NULL"
			       " GROUP BY s.offer_id ORDER BY s.offer_id",
			       -1, &stmt, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		json_t *row = json_object();
		json_object_set_new(row, "live", json_integer(sqlite3_column_int64(stmt, 1)));
		json_object_set_new(row, "bevilget", json_integer(sqlite3_column_int64(stmt, 2)));
		json_object_set_new(row, "completed", json_integer(sqlite3_column_int64(stmt, 3)));
		json_object_set_new(offers, (const char *)sqlite3_column_text(stmt, 0), row);
	}
	for (size_t i = 0; i < set->count; i++) {
		const struct offer *offer = set->offers[i];
		if (offer->capacity_max >= 0 && offer->rolling && json_object_get(offers, offer->id) &&
		    current_period(offer, period))
			period_counts(db, offer, period, offers);
		if (offer->capacity_max < 0 || !offer->capacity_period ||
		    strcmp(offer->capacity_period, "concurrent") != 0)
			continue;
		json_t *row = offer_row(offers, offer->id);
		json_int_t running = json_integer_value(json_object_get(row, "bevilget")) -
				     json_integer_value(json_object_get(row, "completed"));
		json_int_t available = offer->capacity_max - running;
		json_object_set_new(row, "places", json_integer(offer->capacity_max));
		json_object_set_new(row, "running", json_integer(running));
		json_object_set_new(row, "free", json_integer(available > 0 ? available : 0));
	}
out:
	sqlite3_finalize(stmt);
	return offers;
}

/*
 * The mangler cases nobody has answered: live (a corrected form would have
 * superseded the case), the standing decision a final mangler, and the
 * svarfrist of its letter passed.  The svarfrist is the one the letter
 * printed (docs/letters.md): letter.reply_days after the day the final
 * letter was written, but while a deadline round was open not later than
 * the deadline.  A mangler whose letter is not written yet has no
 * svarfrist.  What to do about them is the staff's call; this only shows
 * them.  As an array of {"case_number", "offer_id", "applicant",
 * "svarfrist"} (YYYY-MM-DD), oldest svarfrist first.  New reference.
 */
static json_t *overdue_mangler(sqlite3 *db, const struct offer_set *set, const struct config *cfg)
{
	char today[CLOCK_ISO_SIZE], due[CLOCK_ISO_SIZE];
	sqlite3_stmt *stmt = NULL;
	json_t *list = json_array();
	time_t now;
	long days = config_get_long(cfg, "letter.reply_days", 14);

	/* As skema-letter reads it: out of range is the default. */
	if (days < 1 || days > 365)
		days = 14;
	if (clock_now(&now) < 0)
		now = time(NULL);
	clock_format_date(now, today);
	if (sqlite3_prepare_v2(db,
			       "SELECT s.case_number, s.offer_id, s.applicant_name,"
			       "  (SELECT min(l.created_at) FROM letters l WHERE l.decision_id = d.id"
			       "   AND l.kind = 'mangler' AND l.draft = 0)"
			       " FROM submissions s JOIN decisions d ON d.submission_id = s.id AND d.current = 1"
			       " WHERE s.status = 'stored' AND d.outcome = 'mangler' AND d.state = 'final'"
			       " ORDER BY s.received_at, s.id",
			       -1, &stmt, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *written = (const char *)sqlite3_column_text(stmt, 3);
		const char *offer_id = (const char *)sqlite3_column_text(stmt, 1);
		time_t sent, reply;
		if (!written || clock_parse(written, &sent) < 0)
			continue;
		reply = sent + days * 86400;
		const struct offer *offer = offer_id ? offer_set_find(set, offer_id) : NULL;
		if (offer && !offer->rolling && sent < offer->deadline_at && reply > offer->deadline_at)
			reply = offer->deadline_at;
		clock_format_date(reply, due);
		if (strcmp(due, today) >= 0)
			continue;
		const char *case_number = (const char *)sqlite3_column_text(stmt, 0);
		const char *name = (const char *)sqlite3_column_text(stmt, 2);
		json_t *row = json_object();
		json_object_set_new(row, "case_number", json_string(case_number ? case_number : ""));
		json_object_set_new(row, "offer_id", json_string(offer_id ? offer_id : ""));
		json_object_set_new(row, "applicant", json_string(name ? name : ""));
		json_object_set_new(row, "svarfrist", json_string(due));
		json_array_append_new(list, row);
	}
out:
	sqlite3_finalize(stmt);
	return list;
}

static int by_svarfrist(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return strcmp(json_string_value(json_object_get(x, "svarfrist")),
		      json_string_value(json_object_get(y, "svarfrist")));
}

/*
 * "mangler uden svar: ..." and a line per case, in Danish: staff follow
 * these up (a reminder, or a decision), so the names are shown escaped.
 */
static void print_overdue(json_t *overdue)
{
	size_t count = json_array_size(overdue), i;
	json_t *row;
	if (count == 0)
		return;
	printf("mangler uden svar: %zu %s, hvor svarfristen er overskredet, uden at der er kommet "
	       "en rettet ansøgning\n",
	       count, count == 1 ? "sag" : "sager");
	json_array_foreach(overdue, i, row) {
		char name[512], due[CLOCK_ISO_SIZE], shown[CLOCK_ISO_SIZE];
		time_t t;
		msg_escape(name, sizeof name, json_string_value(json_object_get(row, "applicant")));
		snprintf(due, sizeof due, "%s", json_string_value(json_object_get(row, "svarfrist")));
		if (clock_parse(due, &t) == 0)
			clock_format_danish(t, shown);
		else
			snprintf(shown, sizeof shown, "%s", due);
		printf("  %s  %s  %s  svarfrist %s\n", json_string_value(json_object_get(row, "case_number")),
		       json_string_value(json_object_get(row, "offer_id")),
		       *name ? name : "(ansøger ikke oplyst)", shown);
	}
}

/* Prints s left-aligned in width characters (not bytes: "bekræftelse"). */
static void print_padded(const char *s, size_t width)
{
	size_t len = utf8_length(s);
	printf("%s%*s", s, len < width ? (int)(width - len) : 0, "");
}

/* The width of the first column: the longest offer id (offers is by id), at least 20. */
static size_t offers_key_width(json_t *offers)
{
	const char *key;
	json_t *row;
	size_t width = 20;
	json_object_foreach(offers, key, row)
	{
		(void)row;
		if (utf8_length(key) > width)
			width = utf8_length(key);
	}
	return width;
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * "offers:" and a line per offer, by id:
 *   raadgivningsforloeb  9 live, 9 bevilget: 8 running, 1 completed, 0 of 8 places free
 */
static void print_offers(json_t *offers, size_t width)
{
	size_t count = json_object_size(offers), n = 0;
	const char **keys = calloc(count ? count : 1, sizeof *keys);
	const char *key;
	json_t *row;

	printf("offers:");
	if (count == 0 || !keys) {
		printf(" none\n");
		free(keys);
		return;
	}
	printf("\n");
	json_object_foreach(offers, key, row)
		keys[n++] = key;
	qsort(keys, n, sizeof *keys, compare_keys);
	for (size_t i = 0; i < n; i++) {
		char shown[512];
		row = json_object_get(offers, keys[i]);
		/* An offer id the store took from an unrecognised form is not ours. */
		printf("  ");
		print_padded(msg_escape(shown, sizeof shown, keys[i]), width);
		printf(" %lld live, %lld bevilget",
		       (long long)json_integer_value(json_object_get(row, "live")),
		       (long long)json_integer_value(json_object_get(row, "bevilget")));
		if (json_object_get(row, "period"))
			printf(": %lld in %s, %lld of %lld places free",
			       (long long)json_integer_value(json_object_get(row, "granted_in_period")),
			       json_string_value(json_object_get(row, "period")),
			       (long long)json_integer_value(json_object_get(row, "free")),
			       (long long)json_integer_value(json_object_get(row, "places")));
		else if (json_object_get(row, "places"))
			printf(": %lld running, %lld completed, %lld of %lld places free",
			       (long long)json_integer_value(json_object_get(row, "running")),
			       (long long)json_integer_value(json_object_get(row, "completed")),
			       (long long)json_integer_value(json_object_get(row, "free")),
			       (long long)json_integer_value(json_object_get(row, "places")));
		printf("\n");
	}
	free(keys);
}

static void print_group(const char *title, json_t *obj, size_t width)
{
	const char *key;
	json_t *value;
	printf("%s:", title);
	if (json_object_size(obj) == 0)
		printf(" none");
	printf("\n");
	json_object_foreach(obj, key, value)
	{
		printf("  ");
		print_padded(key, width);
		printf(" %lld\n", (long long)json_integer_value(value));
	}
}

int cmd_status(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'J'},
		{"files", no_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	struct workspace ws;
	struct candidate_list list;
	int json = opt->json, list_files = 0, c;

	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'J':
			json = 1;
			break;
		case 'f':
			list_files = 1;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	int rc = ws_enter(&ws, opt->workspace);
	if (rc != 0)
		return rc;
	candidate_list_init(&list);
	claim_scan(&ws, ws.settle_seconds, &list);
	char **claims = NULL;
	/* Read-only listing: claim_list() cleans up only when it may write. */
	int saved = ws.read_only;
	ws.read_only = 1;
	long claimed = claim_list(&ws, &claims);
	ws.read_only = saved;
	json_t *names = json_object();
	if (list_files) {
		json_t *waiting = json_array(), *working = json_array();
		char name[PATH_MAX], shown[PATH_MAX];
		for (size_t i = 0; i < list.count; i++)
			json_array_append_new(waiting, json_string(msg_escape(shown, sizeof shown,
										list.items[i].rel)));
		for (long i = 0; i < claimed; i++) {
			claim_origin(claims[i], name, sizeof name);
			json_array_append_new(working, json_string(msg_escape(shown, sizeof shown, name)));
		}
		json_object_set_new(names, "inbox", waiting);
		json_object_set_new(names, "claimed", working);
		json_object_set_new(names, "quarantine", list_dir(&ws, "quarantine"));
	}
	for (long i = 0; i < claimed; i++)
		free(claims[i]);
	free(claims);

	json_t *out = json_object();
	json_t *files = json_object();
	json_object_set_new(files, "inbox", json_integer((json_int_t)list.count));
	json_object_set_new(files, "inbox_unsettled", json_integer((json_int_t)list.unsettled));
	json_object_set_new(files, "inbox_ignored", json_integer((json_int_t)list.ignored));
	/* Folders the scan could not search: their files wait unseen (claim.c). */
	json_t *blocked = json_array();
	for (size_t i = 0; i < list.nblocked; i++) {
		char shown[PATH_MAX];
		json_array_append_new(
			blocked, json_pack("{s:s, s:s, s:s}", "folder",
					   msg_escape(shown, sizeof shown, list.blocked[i].rel), "problem",
					   list.blocked[i].problem == FOLDER_TOO_DEEP ? "too_deep"
										      : "unreadable",
					   "advice", blocked_folder_advice(&list.blocked[i])));
	}
	json_object_set_new(files, "inbox_blocked", blocked);
	json_object_set_new(files, "claimed", json_integer(claimed < 0 ? 0 : claimed));
	json_object_set_new(files, "archive", json_integer(count_files(&ws, "archive")));
	json_object_set_new(files, "quarantine", json_integer(count_files(&ws, "quarantine")));
	json_object_set_new(out, "workspace", json_string(ws.root));
	json_object_set_new(out, "files", files);
	if (list_files)
		json_object_set_new(out, "names", json_incref(names));

	json_t *by_status = json_object(), *by_outcome = json_object(), *offers = NULL;
	json_t *overdue = NULL;
	struct offer_set set;
	struct strbuf err;
	offer_set_init(&set);
	strbuf_init(&err, 64 * 1024);
	/* A broken definition only loses its places and deadline; the counts go on. */
	if (offer_set_load(&set, paths_forms_dir(), &err) < 0)
		msg_warn("status: offer definitions:\n%s", strbuf_str(&err));
	long long letters_pending = 0;
	char db_path[PATH_MAX], uri[PATH_MAX + 16];
	sqlite3 *db = NULL;
	snprintf(uri, sizeof uri, "file:%s?mode=ro", ws_path(&ws, db_path, sizeof db_path, WS_DB));
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 5000);
		/*
		 * A failed row whose file skema retry sent through again is
		 * history, not a file in quarantine: counted apart ("retried"),
		 * the file is counted again under its new row.
		 */
		group_counts(db,
			     "SELECT CASE WHEN s.status = 'failed' AND EXISTS (SELECT 1 FROM events e"
			     "  WHERE e.submission_id = s.id AND e.event = 'retried')"
			     "  THEN 'retried' ELSE s.status END, count(*)"
			     " FROM submissions s GROUP BY 1 ORDER BY 1",
			     by_status);
		/*
		 * The standing decisions of live cases: a withdrawn or replaced
		 * case keeps its decisions as history, but its proposal awaits
		 * no reviewer and its place is free (skema-decide counts so).
		 */
		group_counts(db,
			     "SELECT d.outcome || CASE d.state WHEN 'proposed' THEN ' (forslag)' ELSE '' END,"
			     " count(*) FROM decisions d JOIN submissions s ON s.id = d.submission_id"
			     " WHERE d.current = 1 AND s.status NOT IN ('duplicate', 'superseded', 'withdrawn')"
			     " GROUP BY 1 ORDER BY 1",
			     by_outcome);
		offers = offer_counts(db, &set);
		overdue = overdue_mangler(db, &set, &ws.config);
		/* skema-letter's --pending, counted: a letter that failed leaves
		 * its decision here after the run. */
		sqlite3_stmt *stmt;
		if (sqlite3_prepare_v2(db, "SELECT count(*)" DB_LETTERS_PENDING_FROM, -1, &stmt,
				       NULL) == SQLITE_OK &&
		    sqlite3_step(stmt) == SQLITE_ROW)
			letters_pending = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	} else {
		msg_warn("%s: %s", db_path, sqlite3_errmsg(db));
	}
	sqlite3_close(db);
	json_object_set_new(out, "submissions", by_status);
	json_object_set_new(out, "decisions", by_outcome);
	if (!offers)
		offers = json_object();
	json_object_set_new(out, "offers", offers);
	json_object_set_new(out, "letters_pending", json_integer(letters_pending));
	if (!overdue)
		overdue = json_array();
	/* Oldest svarfrist first: the longest overdue on top. */
	size_t noverdue = json_array_size(overdue);
	if (noverdue > 1) {
		json_t **rows = calloc(noverdue, sizeof *rows);
		if (rows) {
			for (size_t i = 0; i < noverdue; i++)
				rows[i] = json_incref(json_array_get(overdue, i));
			qsort(rows, noverdue, sizeof *rows, by_svarfrist);
			json_array_clear(overdue);
			for (size_t i = 0; i < noverdue; i++)
				json_array_append_new(overdue, rows[i]);
			free(rows);
		}
	}
	json_object_set_new(out, "mangler_overdue", overdue);

	if (json) {
		record_write(stdout, out);
	} else {
		printf("workspace: %s\n", ws.root);
		printf("inbox:         %ld waiting", (long)list.count);
		if (list.unsettled)
			printf(", %zu still being written", list.unsettled);
		if (list.ignored)
			printf(", %zu ignored (temporary or lock files)", list.ignored);
		for (size_t i = 0; i < list.nblocked; i++) {
			char shown[PATH_MAX];
			printf("\n  not searched: inbox/%s: %s",
			       msg_escape(shown, sizeof shown, list.blocked[i].rel),
			       blocked_folder_advice(&list.blocked[i]));
		}
		printf("\nclaimed:       %ld (work/; finished by the next run)\n", claimed < 0 ? 0 : claimed);
		printf("archive:       %lld\n",
		       (long long)json_integer_value(json_object_get(files, "archive")));
		printf("quarantine:    %lld (a reason file beside each)\n",
		       (long long)json_integer_value(json_object_get(files, "quarantine")));
		if (letters_pending)
			printf("letters:       %lld decision%s without %s letter (the next run writes "
			       "them; if they stay, skema run -v says why)\n",
			       letters_pending, letters_pending == 1 ? "" : "s",
			       letters_pending == 1 ? "its" : "their");
		/* One first column for all three lists, however long an offer id. */
		size_t width = offers_key_width(offers);
		print_group("submissions by status", by_status, width);
		print_group("decisions by outcome", by_outcome, width);
		print_offers(offers, width);
		print_overdue(overdue);
		const char *key;
		json_t *value;
		json_object_foreach(names, key, value) {
			size_t i;
			json_t *name;
			if (json_array_size(value) == 0)
				continue;
			printf("%s:\n", key);
			json_array_foreach(value, i, name)
				printf("  %s\n", json_string_value(name));
		}
	}
	json_decref(names);
	json_decref(out);
	strbuf_release(&err);
	offer_set_release(&set);
	candidate_list_release(&list);
	ws_release(&ws);
	return EXIT_DONE;
}
