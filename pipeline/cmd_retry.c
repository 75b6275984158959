/*
 * cmd_retry.c - skema retry ID...: sends quarantined files through again,
 * after a fix (a new offer definition, a repaired stage).
 *
 * The file quarantine/ID-NAME is claimed again (renamed into a new claim in
 * work/, never copied), keeping its original receipt time, so a form that
 * came in before a deadline still counts as on time.  Its new record id
 * differs from the old one in the retry count (the last digit of n), so the
 * store keeps the old failed row and adds a new one.  The old reason file
 * is removed: it is skema's own note, not something staff dropped.  Then a
 * normal pass runs (it also finishes anything else claimed).
 *
 * Exit codes: as skema run; 65 when an ID is not in quarantine/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "commands.h"
#include "db.h"
#include "msg.h"
#include "paths.h"
#include "workspace.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: skema retry [-q|-v|--json] ID...\n"
		     "Sends the quarantined files with these ids through the pipeline again.\n"
		     "The id is the start of the file name in quarantine/ (and in the reason file).\n");
}

/* The receipt time an id or claim name starts with. */
static int id_time(const char *id, time_t *out)
{
	char iso[32];
	if (strlen(id) >= 15 && id[8] == '-') {
		snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", id, id + 4, id + 6, id + 9,
			 id + 11, id + 13);
		return clock_parse(iso, out);
	}
	char *end;
	long long seconds = strtoll(id, &end, 10);
	if (end == id || *end != '.')
		return -1;
	*out = (time_t)seconds;
	return 0;
}

/* The retry count the id already carries (last digit of n), for an id made by ingest. */
static unsigned id_retry(const char *id)
{
	const char *dash = strrchr(id, '-');
	if (!dash || strlen(id) < 15 || id[8] != '-')
		return 0;
	return (unsigned)(strtoull(dash + 1, NULL, 10) % 10);
}

/* Finds quarantine/ID-NAME (not the reason file); name into buf.  Returns 0 or -1. */
static int find_quarantined(const char *dir, const char *id, char *buf, size_t size)
{
	struct dirent **names = NULL;
	size_t idlen = strlen(id);
	int found = -1;
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (found < 0 && strncmp(name, id, idlen) == 0 && name[idlen] == '-' &&
		    !ws_is_reason_file(dir, name)) {
			snprintf(buf, size, "%s", name);
			found = 0;
		}
		free(names[i]);
	}
	free(names);
	return found;
}

/*
 * The old row stays (the event log and the failed attempt are history); an
 * event on it says the file was sent through again, so a reader of the old
 * row can follow it.
 */
static void note_retry(const struct workspace *ws, const char *id, const char *claimed)
{
	char db_path[PATH_MAX];
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	if (db_open(ws_path(ws, db_path, sizeof db_path, WS_DB), 0, &db) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT id FROM submissions WHERE record_id = ?1", -1, &stmt,
			       NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) != SQLITE_ROW)
		goto out;
	sqlite3_int64 row = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	/*
	 * The old row no longer names quarantine/: the file is claimed now,
	 * and the pass moves this stored_path on with the file (.retry_of).
	 */
	if (db_begin(db) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "UPDATE submissions SET stored_path = ?1 WHERE id = ?2", -1,
			       &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, claimed, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, row);
		sqlite3_step(stmt);
	}
	if (db_event(db, row, "retried",
		     "sent through again by skema retry; the new row has the same receipt time") !=
		    SQLITE_OK ||
	    db_commit(db) != SQLITE_OK)
		db_rollback(db);
out:
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

/* Reclaims one quarantined file.  Returns 0, or an exit code. */
static int reclaim(const struct workspace *ws, const char *id)
{
	char quarantine[PATH_MAX], name[NAME_MAX + 1], from[PATH_MAX], reason[PATH_MAX];
	char work[PATH_MAX], dir[PATH_MAX], to[PATH_MAX], claim[64], retry[16], shown[256];
	unsigned char random[6];
	time_t received_at;

	msg_escape(shown, sizeof shown, id);
	ws_path(ws, quarantine, sizeof quarantine, "quarantine");
	if (strchr(id, '/') || find_quarantined(quarantine, id, name, sizeof name) < 0) {
		msg_error("retry: %s: ligger ikke i quarantine/", shown);
		return EXIT_DATAERR;
	}
	if (id_time(id, &received_at) < 0 && clock_now(&received_at) < 0)
		received_at = time(NULL);
	paths_join(from, sizeof from, quarantine, name);
	if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random)
		memset(random, 0, sizeof random);
	snprintf(claim, sizeof claim, "%lld.P%ldR%02x%02x%02x%02x%02x%02x", (long long)received_at,
		 (long)getpid(), random[0], random[1], random[2], random[3], random[4], random[5]);
	ws_path(ws, work, sizeof work, "work");
	paths_join(dir, sizeof dir, work, claim);
	if (mkdir(dir, 0700) < 0) {
		msg_syserror("%s", dir);
		return EXIT_TEMPFAIL;
	}
	const char *origin = name + strlen(id) + 1;
	int len = snprintf(retry, sizeof retry, "%u\n", id_retry(id) + 1);
	if (claim_note_write(dir, ".origin", origin, strlen(origin)) < 0 ||
	    fs_write_file(dir, ".retry", retry, (size_t)len) < 0 ||
	    fs_write_file(dir, ".retry_of", id, strlen(id)) < 0) {
		msg_syserror("%s", dir);
		claim_finish(dir);
		return EXIT_TEMPFAIL;
	}
	char inner[32];
	claim_inner_name(origin, inner, sizeof inner);
	paths_join(to, sizeof to, dir, inner);
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) < 0) {
		msg_syserror("retry: quarantine/%s", shown);
		claim_finish(dir);
		return EXIT_TEMPFAIL;
	}
	fs_fsync_dir(dir);
	fs_fsync_dir(quarantine);
	fs_fsync_dir(work);
	if (snprintf(reason, sizeof reason, "%s%s", from, WS_REASON_SUFFIX) < (int)sizeof reason)
		unlink(reason);
	char claimed[PATH_MAX];
	snprintf(claimed, sizeof claimed, "work/%s/%s", claim, inner);
	note_retry(ws, id, claimed);
	msg_info("%s: sent through again", shown);
	return 0;
}

int cmd_retry(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'}, {"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	struct workspace ws;
	struct runner r;
	int verbosity = opt->verbosity, json = opt->json, c, rc;

	while ((c = getopt_long(argc, argv, "hqv", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			if (ws_output_option(c, &verbosity, &json))
				break;
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	msg_set_verbosity(verbosity);
	rc = ws_enter(&ws, opt->workspace);
	if (rc != 0)
		return rc;
	if (ws.read_only) {
		msg_error("%s: the workspace is read-only", ws.root);
		ws_release(&ws);
		return EXIT_TEMPFAIL;
	}
	int lock = ws_lock(&ws, "run", 1, NULL);
	int worst = 0;
	long reclaimed = 0;
	for (int i = optind; i < argc; i++) {
		rc = reclaim(&ws, argv[i]);
		if (rc > worst)
			worst = rc;
		reclaimed += rc == 0;
	}
	if (lock >= 0)
		close(lock);
	runner_init(&r, &ws);
	r.verbosity = verbosity;
	r.always_later = 1;
	r.own_claims = reclaimed; /* not "left by an earlier run" */
	r.output = json ? RUNNER_JSON : RUNNER_LINES;
	rc = runner_pass(&r);
	ws_release(&ws);
	return worst ? worst : rc;
}
