/*
 * cmd_status.c - skema status: what is in each state.
 *
 * usage: skema status [--files] [--json]
 *
 * Counts the files in inbox/ (waiting, still being written, ignored), the
 * claims in work/, the files in archive/ and quarantine/ (reason files not
 * counted), and the submissions in skema.db by status and by current
 * decision.  The database is opened read-only, so status works on a
 * read-only workspace and never waits for a writer.
 *
 * Exit codes: 0, 64 usage, 78 not a workspace.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "commands.h"
#include "msg.h"
#include "record.h"
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
	size_t suffix = strlen(WS_REASON_SUFFIX);
	int n = scandir(ws_path(ws, dir, sizeof dir, rel), &names, NULL, NULL);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		if (name[0] != '.' &&
		    !(len > suffix && strcmp(name + len - suffix, WS_REASON_SUFFIX) == 0))
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
	size_t suffix = strlen(WS_REASON_SUFFIX);
	int n = scandir(ws_path(ws, dir, sizeof dir, rel), &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		if (name[0] != '.' &&
		    !(len > suffix && strcmp(name + len - suffix, WS_REASON_SUFFIX) == 0))
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

static void print_group(const char *title, json_t *obj)
{
	const char *key;
	json_t *value;
	printf("%s:", title);
	if (json_object_size(obj) == 0)
		printf(" none");
	printf("\n");
	json_object_foreach(obj, key, value)
		printf("  %-20s %lld\n", key, (long long)json_integer_value(value));
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
	json_object_set_new(files, "claimed", json_integer(claimed < 0 ? 0 : claimed));
	json_object_set_new(files, "archive", json_integer(count_files(&ws, "archive")));
	json_object_set_new(files, "quarantine", json_integer(count_files(&ws, "quarantine")));
	json_object_set_new(out, "workspace", json_string(ws.root));
	json_object_set_new(out, "files", files);
	if (list_files)
		json_object_set_new(out, "names", json_incref(names));

	json_t *by_status = json_object(), *by_outcome = json_object();
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
		group_counts(db,
			     "SELECT outcome || CASE state WHEN 'proposed' THEN ' (forslag)' ELSE '' END,"
			     " count(*) FROM decisions WHERE current = 1 GROUP BY 1 ORDER BY 1",
			     by_outcome);
	} else {
		msg_warn("%s: %s", db_path, sqlite3_errmsg(db));
	}
	sqlite3_close(db);
	json_object_set_new(out, "submissions", by_status);
	json_object_set_new(out, "decisions", by_outcome);

	if (json) {
		record_write(stdout, out);
	} else {
		printf("workspace: %s\n", ws.root);
		printf("inbox:         %ld waiting", (long)list.count);
		if (list.unsettled)
			printf(", %zu still being written", list.unsettled);
		if (list.ignored)
			printf(", %zu ignored (temporary or lock files)", list.ignored);
		printf("\nclaimed:       %ld (work/; finished by the next run)\n", claimed < 0 ? 0 : claimed);
		printf("archive:       %lld\n",
		       (long long)json_integer_value(json_object_get(files, "archive")));
		printf("quarantine:    %lld (a reason file beside each)\n",
		       (long long)json_integer_value(json_object_get(files, "quarantine")));
		print_group("submissions by status", by_status);
		print_group("decisions by outcome", by_outcome);
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
	candidate_list_release(&list);
	ws_release(&ws);
	return EXIT_DONE;
}
