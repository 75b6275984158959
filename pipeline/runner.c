/*
 * runner.c - one pass of the driver: recover what is claimed, claim what is
 * complete, send it through
 *
 *   skema-ingest --claim | skema-extract | skema-validate | skema-store DB
 *
 * in batches, and move each file to archive/ or quarantine/ by what the
 * last stage says about its record.  Then the later stages (decide, letter,
 * report), each only if it is installed.
 *
 * Outcome of a file, from its record at the end of the chain:
 *   error, permanent       quarantine/ with a reason file (error.message_da)
 *   error, temporary       stays claimed; the next pass runs it again
 *   no error, stored       archive/
 *   no record at all       a stage crashed or stopped: the batch is run again
 *                          file by file; a file that crashes the chain
 *                          run.max_attempts times is quarantined, so one bad
 *                          document cannot stop the queue.  A crash is
 *                          never a verdict on the other files.
 * A stage of the chain that is missing or cannot be started gives no
 * verdict either: nothing is claimed (missing) or the batch stays claimed
 * (exec failed), and the pass returns 75.  A later stage not installed is
 * skipped with a warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "claim_note.h"
#include "clock.h"
#include "db.h"
#include "json_write.h"
#include "msg.h"
#include "paths.h"
#include "record.h"
#include "strbuf.h"
#include "workspace.h"

#define CHAIN_MAX 4

enum claim_state { CLAIM_PENDING, CLAIM_DONE, CLAIM_DEFERRED };

struct chain {
	pid_t pids[CHAIN_MAX];
	const char *names[CHAIN_MAX];
	int count;
	int out_fd;
};

/* What a pass knows about the installed stages and the database. */
struct pass {
	struct runner *r;
	sqlite3 *db;
	int have_store;
	int chain_broken;  /* a stage could not be started (1) or stopped on its
			    * configuration (2): the rest waits */
	long total, handled;
	/* note_place()'s statements, prepared once per pass (finalized with db). */
	sqlite3_stmt *set_path, *event;
};

static void report(struct runner *r, struct pass *p, const char *origin, const char *id,
		   const char *outcome, const char *detail, const char *where);

void runner_init(struct runner *r, struct workspace *ws)
{
	memset(r, 0, sizeof *r);
	r->ws = ws;
	r->settle = -1;
	clock_gettime(CLOCK_MONOTONIC, &r->started);
}

/*
 * Documents read at once: --jobs, else run.jobs, else one per CPU.  Each is
 * parsed in its own confined child of skema-extract; the database still has
 * one writer, skema-store.
 */
long runner_jobs(const struct runner *r)
{
	long jobs = r->jobs > 0 ? r->jobs : r->ws->jobs;
	if (jobs <= 0)
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	return jobs > 16 ? 16 : jobs;
}

static int stage_path(const char *name, char *buf, size_t size)
{
	return paths_stage(name, buf, size);
}

/* In the child before exec: tells the parent errno, then exits. */
static _Noreturn void spawn_fail(int report_fd)
{
	int saved = errno;
	ssize_t unused = write(report_fd, &saved, sizeof saved);
	(void)unused;
	_exit(EXIT_SOFTWARE);
}

/*
 * Starts path with argv, stdin from in_fd and stdout to out_fd.  sandbox:
 * the parser of untrusted documents gets no new privileges and no core
 * dumps (skema-extract adds its own rlimits and seccomp per document).
 */
static pid_t spawn(const char *path, char *const argv[], int in_fd, int out_fd, int sandbox)
{
	/*
	 * The child writes errno here when it cannot exec the program; the
	 * pipe closes on a successful exec (O_CLOEXEC) with nothing written.
	 * So a program that cannot be started is told apart from one that
	 * ran and failed: the first is the installation's problem, never a
	 * verdict on a document.
	 */
	int report_fds[2];
	if (pipe2(report_fds, O_CLOEXEC) < 0)
		return -1;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int saved = errno;
		close(report_fds[0]);
		close(report_fds[1]);
		errno = saved;
		return -1;
	}
	if (pid > 0) {
		int child_errno = 0;
		ssize_t n;
		close(report_fds[1]);
		while ((n = read(report_fds[0], &child_errno, sizeof child_errno)) < 0 &&
		       errno == EINTR)
			;
		close(report_fds[0]);
		if (n <= 0)
			return pid;
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = child_errno ? child_errno : ENOEXEC;
		return -1;
	}
	close(report_fds[0]);
	/*
	 * A stage outliving a killed driver would write on after .run.lock is
	 * free, beside the next run's stages: it dies with the driver, as in a
	 * power cut.  The next run redoes its work (every stage is idempotent).
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		spawn_fail(report_fds[1]);
	if (in_fd != STDIN_FILENO && dup2(in_fd, STDIN_FILENO) < 0)
		spawn_fail(report_fds[1]);
	if (out_fd != STDOUT_FILENO && dup2(out_fd, STDOUT_FILENO) < 0)
		spawn_fail(report_fds[1]);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* Under a file-size limit a write fails with EFBIG (a temporary
	 * error the stage reports) instead of killing the stage. */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	if (sandbox)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	execv(path, argv);
	spawn_fail(report_fds[1]);
}

static void missing_once(struct runner *r, const char *name)
{
	if (r->missing_reported & (1 << name[0] % 31))
		return;
	r->missing_reported |= 1 << name[0] % 31;
	msg_warn("skema-%s is not installed: skipped in this run", name);
}

/*
 * Checks that every stage of the chain is installed and executable, before
 * anything is claimed.  A stage missing (not installed, being rebuilt) is
 * the installation's problem: a chain without it would quarantine valid
 * forms (without skema-extract every form is an "unknown form") or store
 * them unvalidated.  So nothing is processed and the files wait where they
 * are.  Returns 0, or -1 with a message naming the program.
 */
static int chain_ready(void)
{
	static const char *const order[] = {"ingest", "extract", "validate", "store"};
	char path[PATH_MAX];
	for (size_t s = 0; s < CHAIN_MAX; s++) {
		if (stage_path(order[s], path, sizeof path) < 0) {
			msg_error("the stage program skema-%s is not installed: no file is "
				  "processed, they wait for the next run",
				  order[s]);
			return -1;
		}
		if (access(path, X_OK) < 0) {
			msg_error("%s: cannot be run (%s): no file is processed, they wait for "
				  "the next run",
				  path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Stops the stages started so far (a chain that could not be completed). */
static void chain_abort(struct chain *ch)
{
	for (int i = 0; i < ch->count; i++) {
		kill(ch->pids[i], SIGKILL);
		while (waitpid(ch->pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	ch->count = 0;
}

/*
 * Starts the chain over n claims.  Returns 0 with ch set, or -1 (a message
 * says why: a stage missing or that cannot be started, no pipe, no
 * process), which is no verdict on any file.  The caller reads ch->out_fd
 * and calls chain_wait().
 */
static int chain_start(struct pass *p, char **claims, size_t n, struct chain *ch)
{
	static const char *const order[] = {"ingest", "extract", "validate", "store"};
	char paths[CHAIN_MAX][PATH_MAX], max_size[32], db_path[PATH_MAX], jobs[32];
	struct runner *r = p->r;
	int in_fd = -1, result = -1;

	memset(ch, 0, sizeof *ch);
	ch->out_fd = -1;
	snprintf(max_size, sizeof max_size, "%lld", r->ws->max_size);
	snprintf(jobs, sizeof jobs, "%ld", runner_jobs(r));
	ws_path(r->ws, db_path, sizeof db_path, WS_DB);
	in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in_fd < 0) {
		msg_syserror("/dev/null");
		return -1;
	}
	for (size_t s = 0; s < CHAIN_MAX; s++) {
		const char *name = order[s];
		if (stage_path(name, paths[s], sizeof paths[s]) < 0) {
			msg_error("the stage program skema-%s is not installed: the files "
				  "stay claimed for the next run",
				  name);
			goto out;
		}
		char **argv = calloc(n + 8, sizeof *argv);
		if (!argv) {
			msg_error("out of memory");
			goto out;
		}
		size_t a = 0;
		char program[64];
		snprintf(program, sizeof program, "skema-%s", name);
		argv[a++] = program;
		if (s == 0) {
			argv[a++] = (char *)"--claim";
			argv[a++] = (char *)"--max-size";
			argv[a++] = max_size;
			for (size_t i = 0; i < n; i++)
				argv[a++] = claims[i];
		} else if (s == 1) {
			argv[a++] = (char *)"--jobs";
			argv[a++] = jobs;
			/* One limit for the file, as skema.conf says: not extract's own default. */
			argv[a++] = (char *)"--max-size";
			argv[a++] = max_size;
		} else if (s == 3) {
			argv[a++] = (char *)"--brief";
			argv[a++] = db_path;
		}
		argv[a] = NULL;
		int pipe_fds[2];
		if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
			msg_syserror("pipe");
			free(argv);
			goto out;
		}
		pid_t pid = spawn(paths[s], argv, in_fd, pipe_fds[1], s == 1);
		free(argv);
		close(pipe_fds[1]);
		close(in_fd);
		in_fd = pipe_fds[0];
		if (pid < 0) {
			msg_error("%s: cannot be started (%s): the files stay claimed for the "
				  "next run",
				  paths[s], strerror(errno));
			goto out;
		}
		ch->pids[ch->count] = pid;
		ch->names[ch->count] = name;
		ch->count++;
		if (s == 3)
			p->have_store = 1;
	}
	ch->out_fd = in_fd;
	in_fd = -1;
	result = 0;
out:
	if (in_fd >= 0)
		close(in_fd);
	if (result < 0)
		chain_abort(ch);
	return result;
}

/*
 * Waits for every stage.  Returns 0 when all exited 0, 78 when one stopped
 * on its configuration or usage (64, 78: the installation's problem, no
 * verdict on any file), 75 when one asked for a retry (and none crashed),
 * 70 when one crashed or failed otherwise.
 */
static int chain_wait(struct chain *ch)
{
	int worst = 0, config = 0;
	for (int i = 0; i < ch->count; i++) {
		int status;
		while (waitpid(ch->pids[i], &status, 0) < 0) {
			if (errno != EINTR) {
				status = -1;
				break;
			}
		}
		int code;
		if (status != -1 && WIFEXITED(status)) {
			code = WEXITSTATUS(status);
			if (code != 0)
				msg_warn("skema-%s exited with %d", ch->names[i], code);
		} else if (status != -1 && WTERMSIG(status) == SIGPIPE) {
			/*
			 * The stage after it stopped reading (it exited, e.g.
			 * 75 on a full disk): a consequence, not a crash; that
			 * stage's own code says what happened.
			 */
			msg_debug("skema-%s stopped: its reader went away", ch->names[i]);
			code = 0;
		} else {
			if (status != -1)
				msg_error("skema-%s died of signal %d", ch->names[i],
					  WTERMSIG(status));
			code = EXIT_SOFTWARE;
		}
		if (code == EXIT_CONFIG || code == EXIT_USAGE)
			config = 1;
		else if (code == EXIT_TEMPFAIL && worst == 0)
			worst = EXIT_TEMPFAIL;
		else if (code != 0 && code != EXIT_TEMPFAIL)
			worst = EXIT_SOFTWARE;
	}
	return config ? EXIT_CONFIG : worst;
}

/* Ids become file names: only the characters ingest makes. */
static int safe_id(const char *id)
{
	if (!id || !*id || strlen(id) > 100)
		return 0;
	for (const char *c = id; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= 'A' && *c <= 'Z') || *c == '-' || *c == '_'))
			return 0;
	return 1;
}

/*
 * The row of a file that changed after skema-ingest read it: it describes
 * bytes that never were the file (half a copy), so it must not stand as a
 * stored or failed submission.  It becomes superseded, by the row of the
 * file read again (by, once that exists; 0 before), and keeps its history;
 * cases it superseded itself stand again (the read again supersedes them
 * anew if it should).  Idempotent: done when the change is found, and
 * again when the file read again is filed, so a crash between the two
 * loses nothing.  Inside the caller's transaction, else one of its own.
 */
static void mark_replaced(struct pass *p, const char *stale_id, long long by)
{
	static const char detail[] =
		"filen blev ændret, efter at den var læst (den var ikke færdig); den læses igen";
	sqlite3_stmt *stmt = NULL;
	long long stale = 0;
	int was_superseded = 0;
	if (!p->db || !safe_id(stale_id))
		return;
	int own = sqlite3_get_autocommit(p->db);
	if (own && db_begin(p->db) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(p->db,
			       "SELECT id, status = 'superseded' FROM submissions WHERE record_id = ?1",
			       -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, stale_id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			stale = sqlite3_column_int64(stmt, 0);
			was_superseded = sqlite3_column_int(stmt, 1);
		}
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (stale > 0 && by != stale) {
		if (!was_superseded &&
		    sqlite3_prepare_v2(p->db,
				       "UPDATE submissions SET status = 'stored', superseded_by = NULL"
				       " WHERE superseded_by = ?1 AND status = 'superseded'"
				       " RETURNING id",
				       -1, &stmt, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(stmt, 1, stale);
			long long restored[64];
			size_t n = 0;
			while (sqlite3_step(stmt) == SQLITE_ROW && n < 64)
				restored[n++] = sqlite3_column_int64(stmt, 0);
			sqlite3_finalize(stmt);
			stmt = NULL;
			for (size_t i = 0; i < n; i++)
				if (p->event || sqlite3_prepare_v3(p->db, DB_EVENT_SQL, -1,
								   SQLITE_PREPARE_PERSISTENT, &p->event,
								   NULL) == SQLITE_OK)
					db_event_prepared(p->event, restored[i], "reinstated",
							  "det, der erstattede den, var en ufærdig fil");
		}
		if (sqlite3_prepare_v2(p->db,
				       "UPDATE submissions SET status = 'superseded', stored_path = NULL,"
				       " superseded_by = coalesce(?2, superseded_by) WHERE id = ?1",
				       -1, &stmt, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(stmt, 1, stale);
			if (by > 0)
				sqlite3_bind_int64(stmt, 2, by);
			sqlite3_step(stmt);
		}
		sqlite3_finalize(stmt);
		if (!was_superseded &&
		    (p->event || sqlite3_prepare_v3(p->db, DB_EVENT_SQL, -1, SQLITE_PREPARE_PERSISTENT,
						    &p->event, NULL) == SQLITE_OK))
			db_event_prepared(p->event, stale, "superseded", detail);
	}
	if (own && db_commit(p->db) != SQLITE_OK)
		db_rollback(p->db);
}

/*
 * Records where the file lives (or is about to: see claim_plan()), for
 * skema export, and an event when event is not NULL.
 */
static void note_place(struct pass *p, const char *claim, const char *origin, const json_t *rec,
		       const char *where, const char *event)
{
	if (!p->db)
		return;
	/*
	 * A file sent through again by skema retry: its old (failed) row
	 * follows the file, so it never names a quarantine/ place that is
	 * gone.  The .retry_of note holds the old record id.
	 */
	char retry_of[128] = "", note[PATH_MAX];
	int fd = open(paths_join(note, sizeof note, claim, ".retry_of"),
		      O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, retry_of, sizeof retry_of - 1);
		retry_of[n > 0 ? n : 0] = '\0';
		retry_of[strcspn(retry_of, "\n")] = '\0';
		close(fd);
		if (!safe_id(retry_of))
			retry_of[0] = '\0';
	}
	const char *id = record_str(rec, "id");
	sqlite3_stmt *stmt = NULL;
	/* Inside a group's transaction (flush_group()) or one of its own. */
	int own = sqlite3_get_autocommit(p->db);
	if (own && db_begin(p->db) != SQLITE_OK)
		return;
	if (p->set_path ||
	    sqlite3_prepare_v3(p->db, "UPDATE submissions SET stored_path = ?1 WHERE record_id = ?2",
			       -1, SQLITE_PREPARE_PERSISTENT, &p->set_path, NULL) == SQLITE_OK) {
		sqlite3_bind_text(p->set_path, 1, where, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(p->set_path, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_step(p->set_path);
		if (retry_of[0] && id && strcmp(retry_of, id) != 0) {
			sqlite3_reset(p->set_path);
			sqlite3_bind_text(p->set_path, 2, retry_of, -1, SQLITE_TRANSIENT);
			sqlite3_step(p->set_path);
		}
		sqlite3_reset(p->set_path);
		sqlite3_clear_bindings(p->set_path);
	}
	/*
	 * The stages name the file by its claim's path, which is gone once
	 * the file is moved and says nothing to anyone: the stored message
	 * (export's error column) names the file as staff dropped it.
	 */
	const char *path = record_str(rec, "path");
	const char *message = record_str(json_object_get(rec, "error"), "message");
	char shown[2048];
	const char *fixed = ws_shown_message(message, path, origin ? origin : "", shown, sizeof shown);
	if (message && fixed != message && strcmp(fixed, message) != 0 &&
	    sqlite3_prepare_v2(p->db,
			       "UPDATE submissions SET error_message = ?1"
			       " WHERE record_id = ?2 AND error_message = ?3",
			       -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, fixed, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 3, message, -1, SQLITE_TRANSIENT);
		sqlite3_step(stmt);
	}
	sqlite3_finalize(stmt);
	json_t *sub = json_object_get(rec, "submission");
	long long db_id = json_integer_value(json_object_get(sub, "db_id"));
	/* Read again after it changed: the row of what was read before is replaced. */
	char replaces[128];
	if (db_id > 0 && event && claim_note_read(claim, ".replaces", replaces, sizeof replaces) == 0 &&
	    id && strcmp(replaces, id) != 0)
		mark_replaced(p, replaces, db_id);
	if (db_id > 0 && event) {
		/*
		 * The event log is append-only and outlives a purge, and the
		 * file name is often the applicant's name: the detail is the
		 * place without the name ("quarantine/<record id>"), which
		 * with stored_path (cleared by a purge) finds the file.
		 */
		char detail[PATH_MAX];
		size_t dir_len = strcspn(where, "/");
		snprintf(detail, sizeof detail, "%.*s/%s", (int)dir_len, where, id ? id : "");
		if (p->event || sqlite3_prepare_v3(p->db, DB_EVENT_SQL, -1, SQLITE_PREPARE_PERSISTENT,
						   &p->event, NULL) == SQLITE_OK)
			db_event_prepared(p->event, db_id, event, detail);
	}
	if (own && db_commit(p->db) != SQLITE_OK)
		db_rollback(p->db);
}

/*
 * A file's verdict, carried out together with the others of its group:
 * their places noted in one database transaction, then the files moved,
 * then one sync for all (see flush_group()).
 */
struct verdict {
	size_t claim;	   /* index in the batch */
	json_t *rec;	   /* held */
	int quarantine;	   /* else archive */
	char *origin;	   /* the name staff gave the file */
	char *id;
	char *message;	   /* quarantine: what went wrong, for the log */
	char *message_da;  /* quarantine: the reason file's text */
	char *planned;	   /* where the file is going */
};

/* Records whose verdicts are carried out together: at most this many. */
#define GROUP_MAX 64

struct group {
	struct verdict items[GROUP_MAX];
	size_t count;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void verdict_release(struct verdict *v)
{
	json_decref(v->rec);
	free(v->origin);
	free(v->id);
	free(v->message);
	free(v->message_da);
	free(v->planned);
	memset(v, 0, sizeof *v);
}

/*
 * The sha256 and size of the bytes skema-ingest read for rec, as its row
 * in the database has them (skema-store --brief passes neither on), else
 * as the record says; size -1 when neither says.
 */
static void read_bytes(struct pass *p, const json_t *rec, char sha256[65], long long *size)
{
	const char *id = record_str(rec, "id");
	const char *sha = record_str(rec, "sha256");
	const json_t *bytes = json_object_get(rec, "size");
	snprintf(sha256, 65, "%s", sha ? sha : "");
	*size = json_is_integer(bytes) ? (long long)json_integer_value(bytes) : -1;
	sqlite3_stmt *stmt = NULL;
	if (p->db && id &&
	    sqlite3_prepare_v2(p->db, "SELECT sha256, size FROM submissions WHERE record_id = ?1", -1,
			       &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			const char *row_sha = (const char *)sqlite3_column_text(stmt, 0);
			snprintf(sha256, 65, "%s", row_sha ? row_sha : "");
			*size = sqlite3_column_type(stmt, 1) == SQLITE_INTEGER
					? sqlite3_column_int64(stmt, 1)
					: -1;
		}
	}
	sqlite3_finalize(stmt);
}

/*
 * A file that is not what skema-ingest read: someone wrote on after it was
 * claimed (a copy that paused longer than inbox.settle_seconds, on a file
 * system where no lease tells).  No verdict on bytes it never had: it
 * stays claimed and is read again from the start by the next run; the row
 * made of what was read is marked replaced (first noted on the claim, so a
 * crash in between is finished when the file read again is filed).
 */
static void file_changed(struct pass *p, const char *claim, enum claim_state *state,
			 const struct verdict *v)
{
	struct runner *r = p->r;
	if (v->id) {
		struct stat st;
		int flat = lstat(claim, &st) == 0 && !S_ISDIR(st.st_mode);
		if ((flat ? claim_note_set(claim, ".replaces", v->id, strlen(v->id))
			  : claim_note_write(claim, ".replaces", v->id, strlen(v->id))) < 0)
			msg_syserror("%s: .replaces", claim);
		mark_replaced(p, v->id, 0);
	}
	state[v->claim] = CLAIM_DEFERRED;
	r->deferred++;
	report(r, p, v->origin, v->id, "deferred",
	       "the file changed after it was read, it was still being written: "
	       "the next run reads it again",
	       NULL);
}

/*
 * Carries out the group's verdicts: the planned places go into the
 * database first (one transaction: a crash after it finds the files still
 * claimed and runs them again, which the store recognises), then the files
 * move, then one sync makes every move durable, and only then is each file
 * reported as done.
 */
static void flush_group(struct pass *p, char **claims, enum claim_state *state, struct group *g)
{
	struct runner *r = p->r;
	char where[PATH_MAX];
	char *moved_to[GROUP_MAX] = {NULL};

	char *objects[GROUP_MAX] = {NULL};

	if (g->count == 0)
		return;
	/*
	 * First the copy into archive/.objects, which checks that each file
	 * is still the bytes its record was made of: a file written to since
	 * gets no verdict and no place in the database.
	 */
	fs_group_begin();
	size_t kept = 0;
	for (size_t k = 0; k < g->count; k++) {
		struct verdict *v = &g->items[k];
		const char *claim = claims[v->claim];
		char temp[PATH_MAX], sha256[65];
		long long size;
		read_bytes(p, v->rec, sha256, &size);
		int rc = claim_object_copy(r->ws, claim, sha256, size, temp, sizeof temp);
		if (rc != 0) {
			if (rc == 1) {
				file_changed(p, claim, state, v);
			} else {
				/* A disk full, an I/O error: the file waits, claimed. */
				msg_syserror("%s: archive copy", claim);
				state[v->claim] = CLAIM_DEFERRED;
				r->deferred++;
				report(r, p, v->origin, v->id, "deferred",
				       "its copy in archive/.objects could not be made", NULL);
			}
			verdict_release(v);
			continue;
		}
		objects[kept] = temp[0] ? strdup(temp) : NULL;
		if (kept != k) {
			g->items[kept] = *v;
			memset(v, 0, sizeof *v);
		}
		kept++;
	}
	g->count = kept;

	int in_txn = p->db && db_begin(p->db) == SQLITE_OK;
	for (size_t k = 0; k < g->count; k++) {
		struct verdict *v = &g->items[k];
		note_place(p, claims[v->claim], v->origin, v->rec, v->planned,
			   v->quarantine ? "quarantined" : "archived");
	}
	if (in_txn && db_commit(p->db) != SQLITE_OK)
		db_rollback(p->db);

	int renamed = 0;
	for (size_t k = 0; k < g->count; k++) {
		struct verdict *v = &g->items[k];
		const char *claim = claims[v->claim];
		int rc = v->quarantine ? claim_quarantine(r->ws, claim, v->id, v->message_da,
							  v->message, where, sizeof where)
				       : claim_archive(r->ws, claim, v->id, where, sizeof where);
		if (rc < 0) {
			msg_syserror("%s: %s", claim, v->quarantine ? "quarantine" : "archive");
			state[v->claim] = CLAIM_DEFERRED;
			r->deferred++;
			continue;
		}
		state[v->claim] = CLAIM_DONE;
		moved_to[k] = strdup(where);
		renamed += moved_to[k] && strcmp(where, v->planned) != 0;
	}
	if (fs_group_end(r->ws->root) < 0)
		msg_syserror("%s: sync", r->ws->root);
	/* The copies are durable now: they get their names (a crash before: claim_object_cleanup()). */
	for (size_t k = 0; k < g->count; k++) {
		if (objects[k] && claim_object_commit(objects[k]) < 0)
			msg_syserror("%s", objects[k]);
		free(objects[k]);
	}

	/* A name that was taken: the place noted becomes the one it got. */
	if (renamed) {
		in_txn = p->db && db_begin(p->db) == SQLITE_OK;
		for (size_t k = 0; k < g->count; k++)
			if (moved_to[k] && strcmp(moved_to[k], g->items[k].planned) != 0)
				note_place(p, claims[g->items[k].claim], g->items[k].origin,
					   g->items[k].rec, moved_to[k], NULL);
		if (in_txn && db_commit(p->db) != SQLITE_OK)
			db_rollback(p->db);
	}

	for (size_t k = 0; k < g->count; k++) {
		struct verdict *v = &g->items[k];
		if (moved_to[k]) {
			if (v->quarantine) {
				r->quarantined++;
				report(r, p, v->origin, v->id, "quarantined", v->message, moved_to[k]);
			} else {
				json_t *sub = json_object_get(v->rec, "submission");
				const char *status = record_str(sub, "status");
				const char *case_number = record_str(sub, "case_number");
				char detail[128];
				snprintf(detail, sizeof detail, "%s%s%s", status ? status : "stored",
					 case_number ? ", " : "", case_number ? case_number : "");
				r->archived++;
				report(r, p, v->origin, v->id, "archived", detail, moved_to[k]);
			}
		}
		free(moved_to[k]);
		verdict_release(v);
	}
	g->count = 0;
}

/* Adds a verdict to the group; a full group is carried out first. */
static void add_verdict(struct pass *p, char **claims, enum claim_state *state, struct group *g,
			size_t i, json_t *rec, int quarantine, const char *origin, const char *id,
			const char *message, const char *message_da)
{
	char planned[PATH_MAX];
	if (g->count == GROUP_MAX)
		flush_group(p, claims, state, g);
	struct verdict *v = &g->items[g->count++];
	claim_plan(claims[i], id, quarantine ? "quarantine" : "archive", planned, sizeof planned);
	v->claim = i;
	v->rec = json_incref(rec);
	v->quarantine = quarantine;
	v->origin = dup_or_null(origin);
	v->id = dup_or_null(id);
	v->message = dup_or_null(message);
	v->message_da = dup_or_null(message_da);
	v->planned = dup_or_null(planned);
	/* Marked now, so a second record for the same claim is not taken too. */
	state[i] = CLAIM_DONE;
}

static void handle_record(struct pass *p, char **claims, size_t n, enum claim_state *state,
			  struct group *g, json_t *rec)
{
	struct runner *r = p->r;
	const char *path = record_str(rec, "path");
	const char *id = record_str(rec, "id");
	char origin[PATH_MAX];
	size_t i;

	for (i = 0; path && i < n; i++) {
		size_t len = strlen(claims[i]);
		if (strncmp(path, claims[i], len) == 0 && (path[len] == '/' || path[len] == '\0'))
			break;
	}
	if (!path || i == n) {
		msg_warn("a record for no claim of this batch: %s", path ? path : "(no path)");
		return;
	}
	if (state[i] != CLAIM_PENDING)
		return;
	claim_origin(claims[i], origin, sizeof origin);
	if (!safe_id(id))
		id = NULL;
	json_t *error = json_object_get(rec, "error");
	if (error) {
		const char *message = record_str(error, "message");
		char shown[2048];
		/*
		 * "work/C/document.docx: problem": the claim's path says
		 * nothing to anyone.  At the start it goes (the log line and
		 * the reason file name the file already); elsewhere it
		 * becomes the name staff gave the file.
		 */
		size_t path_len = strlen(path);
		if (message && strncmp(message, path, path_len) == 0 && message[path_len] == ':')
			message += path_len + (message[path_len + 1] == ' ' ? 2 : 1);
		message = ws_shown_message(message, path, origin, shown, sizeof shown);
		/* A stage that names the file itself: the line names it already. */
		size_t origin_len = strlen(origin);
		if (message && origin_len > 0 && strncmp(message, origin, origin_len) == 0 &&
		    message[origin_len] == ':' && message[origin_len + 1] == ' ')
			message += origin_len + 2;
		int permanent = json_is_true(json_object_get(error, "permanent"));
		/*
		 * "internal": a stage could not do its work (its sandbox could
		 * not be set up, ...), which says nothing about the file.  Never
		 * a verdict, and not counted towards run.max_deferrals either:
		 * an installation problem that lasts a day must not quarantine
		 * every form of that day.
		 */
		const char *code = record_str(error, "code");
		int internal = code && strcmp(code, "internal") == 0;
		if (internal)
			permanent = 0;
		/*
		 * A zip cut short may be a copy that paused longer than
		 * settle_seconds where no lease could say it is still open
		 * (not skema's file, a network file system).  It waits as an
		 * empty file does, twelve times settle_seconds from its last
		 * write, before it is judged truncated; not counted towards
		 * run.max_deferrals, as the wait ends by itself.
		 */
		int writer_may_return = 0;
		if (permanent && code && strcmp(code, "truncated") == 0) {
			char file[PATH_MAX], sha256[65];
			long long size;
			struct stat st;
			long settle = r->settle >= 0 ? r->settle : r->ws->settle_seconds;
			read_bytes(p, rec, sha256, &size);
			/* Grown since it was read: file_changed() sees to it, at filing. */
			writer_may_return = claim_file(claims[i], file, sizeof file) >= 0 &&
					    lstat(file, &st) == 0 && st.st_size == size &&
					    claim_may_be_written(file, settle * 12);
			if (writer_may_return)
				permanent = 0;
		}
		const char *message_da = record_str(error, "message_da");
		char gave_up[1024];
		/* A temporary problem that never goes away (a file no one may read). */
		if (!permanent && !internal && !writer_may_return &&
		    claim_bump(claims[i], ".deferrals") >= r->ws->max_deferrals) {
			/*
			 * Not the temporary message ("skema prøver igen ved
			 * næste kørsel"), which this contradicts: what it means
			 * now, and who can do something about it.
			 */
			if (code && strcmp(code, "io") == 0)
				snprintf(gave_up, sizeof gave_up,
					 "Filen kunne ikke læses, og skema har givet op efter at "
					 "have prøvet %ld gange. Det skyldes som regel, at skema ikke "
					 "har lov at læse filen (filens rettigheder), eller at et andet "
					 "program holder den låst. Bed en administrator om at kontrollere "
					 "filen; derefter kan den prøves igen.",
					 r->ws->max_deferrals);
			else
				snprintf(gave_up, sizeof gave_up,
					 "skema kunne ikke behandle filen og har givet op efter at have "
					 "prøvet %ld gange. Bed en administrator om at se på den; den "
					 "tekniske besked nedenfor siger, hvad der gik galt.",
					 r->ws->max_deferrals);
			message_da = gave_up;
			permanent = 1;
		}
		if (permanent) {
			add_verdict(p, claims, state, g, i, rec, 1, origin, id, message, message_da);
			return;
		}
		state[i] = CLAIM_DEFERRED;
		r->deferred++;
		if (writer_may_return)
			r->unsettled++;
		report(r, p, origin, id, "deferred",
		       writer_may_return ? "cut short, and it may still be being written (no lease could tell): "
					   "it stays claimed until its last write is twelve times settle_seconds old"
					 : message,
		       NULL);
		return;
	}
	if (!p->have_store || !json_is_object(json_object_get(rec, "submission")) || !id) {
		state[i] = CLAIM_DEFERRED;
		r->deferred++;
		report(r, p, origin, id, "deferred",
		       p->have_store ? "the store returned no submission" : "skema-store is not installed",
		       NULL);
		return;
	}
	add_verdict(p, claims, state, g, i, rec, 0, origin, id, NULL, NULL);
}

/* Runs the chain over n claims; returns the chain's worst exit code. */
static int run_batch(struct pass *p, char **claims, size_t n, enum claim_state *state)
{
	struct chain ch;
	/* Not started (a stage missing, no exec, no fork): no verdict on any file. */
	if (chain_start(p, claims, n, &ch) < 0) {
		p->chain_broken = 1;
		return EXIT_TEMPFAIL;
	}
	struct record_reader out;
	struct group *group = calloc(1, sizeof *group);
	if (!group) {
		close(ch.out_fd);
		chain_wait(&ch);
		return EXIT_SOFTWARE;
	}
	record_reader_init(&out, ch.out_fd);
	json_t *rec;
	int rc;
	for (;;) {
		/* What has come is carried out before waiting for more. */
		if (group->count > 0 && !record_reader_ready(&out))
			flush_group(p, claims, state, group);
		if ((rc = record_reader_next(&out, &rec)) == 0)
			break;
		if (rc < 0)
			continue;
		handle_record(p, claims, n, state, group, rec);
		json_decref(rec);
	}
	flush_group(p, claims, state, group);
	free(group);
	close(ch.out_fd);
	record_reader_release(&out);
	return chain_wait(&ch);
}

/*
 * Runs path with argv, input on its stdin, its stdout collected into out
 * (capped).  For one record at a time, so the input fits the pipe.  Returns
 * the exit code, or 70.
 */
static int pipe_through(const char *path, char *const argv[], const char *input,
			struct strbuf *out)
{
	int to_child[2], from_child[2], status;
	if (pipe2(to_child, O_CLOEXEC) < 0)
		return EXIT_SOFTWARE;
	if (pipe2(from_child, O_CLOEXEC) < 0) {
		close(to_child[0]);
		close(to_child[1]);
		return EXIT_SOFTWARE;
	}
	pid_t pid = spawn(path, argv, to_child[0], from_child[1], 0);
	close(to_child[0]);
	close(from_child[1]);
	if (pid > 0) {
		size_t len = strlen(input);
		while (len > 0) {
			ssize_t n = write(to_child[1], input, len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			input += n;
			len -= (size_t)n;
		}
	}
	close(to_child[1]);
	char buf[4096];
	ssize_t n;
	while (pid > 0 && ((n = read(from_child[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			strbuf_append(out, buf, (size_t)n);
	close(from_child[0]);
	if (pid < 0)
		return EXIT_SOFTWARE;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_SOFTWARE;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_SOFTWARE;
}

/*
 * A file that crashed the chain run.max_attempts times: its record is made
 * by ingest alone (which reads bytes, not documents) and stored with the
 * error "crash", so it can be found like every other file; then it is
 * quarantined.  Without a record (ingest or store unusable) it is still
 * quarantined, under its claim's name.
 */
static void quarantine_crasher(struct pass *p, const char *claim, const char *origin)
{
	static const char reason_da[] =
		"skema gik ned under læsningen af filen, flere gange. Filen kan være "
		"beskadiget. Åbn den i Word eller LibreOffice, gem den igen som .docx eller "
		".odt, og læg den i indbakken igen.";
	struct runner *r = p->r;
	char ingest[PATH_MAX], store[PATH_MAX], db_path[PATH_MAX], max_size[32], where[PATH_MAX];
	struct strbuf out;
	json_t *rec = NULL, *stored = NULL;
	const json_t *final = NULL;
	const char *id = NULL;

	strbuf_init(&out, RECORD_MAX_LINE);
	snprintf(max_size, sizeof max_size, "%lld", r->ws->max_size);
	if (stage_path("ingest", ingest, sizeof ingest) == 0) {
		char *argv[] = {(char *)"skema-ingest", (char *)"--claim", (char *)"--max-size", max_size,
				(char *)claim, NULL};
		if (pipe_through(ingest, argv, "", &out) == 0)
			rec = json_loads(strbuf_str(&out), JSON_DISABLE_EOF_CHECK, NULL);
	}
	if (json_is_object(rec)) {
		record_fail(rec, "driver", "crash", 1, "the chain crashed on this file", reason_da);
		final = rec;
		char *line = json_compact(rec);
		if (line && p->have_store && stage_path("store", store, sizeof store) == 0) {
			char *argv[] = {(char *)"skema-store", ws_path(r->ws, db_path, sizeof db_path, WS_DB),
					NULL};
			strbuf_reset(&out);
			if (pipe_through(store, argv, line, &out) == 0) {
				stored = json_loads(strbuf_str(&out), JSON_DISABLE_EOF_CHECK, NULL);
				if (json_is_object(stored))
					final = stored;
			}
		}
		free(line);
		id = record_str(final, "id");
		if (!safe_id(id))
			id = NULL;
	}
	char planned[PATH_MAX], object[PATH_MAX] = "", sha256[65];
	long long size;
	/* Its copy, checked like any other: but a file that crashes us is quarantined anyway. */
	if (final)
		read_bytes(p, final, sha256, &size);
	if (final && claim_object_copy(r->ws, claim, sha256, size, object, sizeof object) < 0)
		msg_syserror("%s: archive copy", claim);
	if (final && id) {
		claim_plan(claim, id, "quarantine", planned, sizeof planned);
		note_place(p, claim, origin, final, planned, "quarantined");
	}
	if (claim_quarantine(r->ws, claim, id, reason_da, "the chain crashed on this file", where,
			     sizeof where) == 0) {
		r->quarantined++;
		if (final && id && strcmp(where, planned) != 0)
			note_place(p, claim, origin, final, where, NULL);
		report(r, p, origin, id, "quarantined", "the chain crashed on this file", where);
	} else {
		msg_syserror("%s: quarantine", claim);
		r->deferred++;
	}
	if (object[0] && claim_object_commit(object) < 0)
		msg_syserror("%s", object);
	json_decref(rec);
	json_decref(stored);
	strbuf_release(&out);
}

/*
 * Sends claims through in batches.  Files a crashed batch left without a
 * record are run again one by one, so only the file that crashes the chain
 * pays for it.
 */
static int process(struct pass *p, char **claims, size_t n)
{
	struct runner *r = p->r;
	size_t batch = (size_t)(r->batch > 0 ? r->batch : r->ws->batch_size);
	int worst = 0;

	for (size_t start = 0; start < n; start += batch) {
		size_t count = n - start < batch ? n - start : batch;
		enum claim_state *state = calloc(count, sizeof *state);
		if (!state)
			return EXIT_SOFTWARE;
		/* Once the chain could not be started, the rest waits too. */
		int rc = p->chain_broken ? EXIT_TEMPFAIL : run_batch(p, claims + start, count, state);
		if (rc == EXIT_CONFIG) {
			/* Said on stderr by the stage; the same for every batch. */
			p->chain_broken = 2;
			rc = EXIT_TEMPFAIL;
		}
		for (size_t i = 0; i < count; i++) {
			const char *claim = claims[start + i];
			char origin[PATH_MAX];
			int crashed = rc == EXIT_SOFTWARE;

			if (state[i] != CLAIM_PENDING)
				continue;
			if (crashed && count > 1 && !(r->stop && *r->stop) && !p->chain_broken) {
				enum claim_state one = CLAIM_PENDING;
				int rc1 = run_batch(p, claims + start + i, 1, &one);
				state[i] = one;
				if (one != CLAIM_PENDING)
					continue;
				crashed = rc1 == EXIT_SOFTWARE;
			}
			claim_origin(claim, origin, sizeof origin);
			/* Stopped by us, a retry asked for: not a verdict on the file. */
			if (crashed && !(r->stop && *r->stop) &&
			    claim_bump_attempts(claim) >= r->ws->max_attempts) {
				quarantine_crasher(p, claim, origin);
				continue;
			}
			r->deferred++;
			report(r, p, origin, NULL, "deferred",
			       p->chain_broken == 2 ? "a stage program stopped on its configuration"
			       : p->chain_broken    ? "a stage program could not be started"
			       : crashed	 ? "no result from the chain"
					 : "a stage asked to retry later",
			       NULL);
		}
		free(state);
		if (rc > worst)
			worst = rc;
		if (r->stop && *r->stop)
			break;
	}
	return worst;
}

int runner_stage(const char *name, char *const args[])
{
	char path[PATH_MAX];
	if (stage_path(name, path, sizeof path) < 0)
		return -1;
	/*
	 * Their records on stdout are for programs, not for the log (and would
	 * break run --json): dropped, or shown on stderr with -v.
	 */
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int out_fd = msg_verbosity() > 0 ? STDERR_FILENO : null_fd;
	pid_t pid = spawn(path, args, null_fd < 0 ? STDIN_FILENO : null_fd,
			  out_fd < 0 ? STDERR_FILENO : out_fd, 0);
	if (null_fd >= 0)
		close(null_fd);
	if (pid < 0) {
		msg_error("%s: cannot be started (%s)", path, strerror(errno));
		return EXIT_TEMPFAIL;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_SOFTWARE;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	msg_error("skema-%s died of signal %d", name, WTERMSIG(status));
	return EXIT_SOFTWARE;
}

/* decide, letter, report: only those installed; a failure is logged. */
static int later_stages(struct runner *r)
{
	char db[PATH_MAX], letters[PATH_MAX], reports[PATH_MAX];
	ws_path(r->ws, db, sizeof db, WS_DB);
	ws_path(r->ws, letters, sizeof letters, "letters");
	ws_path(r->ws, reports, sizeof reports, "reports");
	char *decide[] = {(char *)"skema-decide", db, NULL};
	char jobs[32];
	snprintf(jobs, sizeof jobs, "%ld", runner_jobs(r));
	/* --jobs: the PDFs are rendered in that many processes; one writes the database. */
	char *letter[] = {(char *)"skema-letter", (char *)"-d", db, (char *)"-o", letters,
			  (char *)"--pending", (char *)"--review-sheets", (char *)"--jobs", jobs, NULL};
	char *report_args[] = {(char *)"skema-report", (char *)"-d", db, (char *)"-o", reports, NULL};
	struct {
		const char *name;
		char **args;
	} steps[] = {{"decide", decide}, {"letter", letter}, {"report", report_args}};
	int worst = 0;
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		int rc = runner_stage(steps[i].name, steps[i].args);
		if (rc < 0) {
			missing_once(r, steps[i].name);
			continue;
		}
		if (rc != 0) {
			msg_error("skema-%s failed (exit %d); the files are in place, and the "
				  "next run tries it again",
				  steps[i].name, rc);
			if (rc == EXIT_TEMPFAIL && worst == 0)
				worst = EXIT_TEMPFAIL;
			else if (rc != EXIT_TEMPFAIL)
				worst = EXIT_SOFTWARE;
		} else {
			msg_debug("skema-%s done", steps[i].name);
		}
	}
	return worst;
}

/* --- what the user sees --------------------------------------------------- */

static double elapsed(const struct runner *r)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - r->started.tv_sec) +
	       (double)(now.tv_nsec - r->started.tv_nsec) / 1e9;
}

static void progress(struct runner *r, struct pass *p)
{
	long done = p->handled, total = p->total > 0 ? p->total : 1;
	int width = 24, filled = (int)(done * width / total);
	double secs = elapsed(r);
	char bar[32];
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[width] = '\0';
	fprintf(stderr, "\r[%s] %ld/%ld  arkiveret %ld  karantæne %ld  venter %ld  %.1f filer/s ",
		bar, done, p->total, r->archived, r->quarantined, r->deferred,
		secs > 0 ? (double)done / secs : 0.0);
	fflush(stderr);
}

static void report(struct runner *r, struct pass *p, const char *origin, const char *id,
		   const char *outcome, const char *detail, const char *where)
{
	char now_iso[CLOCK_ISO_SIZE], shown[PATH_MAX], shown_detail[1024];
	time_t now;
	p->handled++;
	if (clock_now(&now) < 0)
		now = time(NULL);
	clock_format(now, now_iso);
	msg_escape(shown, sizeof shown, origin ? origin : "");
	msg_escape(shown_detail, sizeof shown_detail, detail ? detail : "");
	switch (r->output) {
	case RUNNER_JSON: {
		json_t *line = json_object();
		record_set_str(line, "time", now_iso);
		record_set_str(line, "file", shown);
		record_set_str(line, "id", id);
		record_set_str(line, "outcome", outcome);
		record_set_str(line, "detail", detail);
		record_set_str(line, "path", where);
		record_write(stdout, line);
		json_decref(line);
		break;
	}
	case RUNNER_PROGRESS:
		if (r->verbosity > 0) {
			fprintf(stderr, "\r\033[K");
			printf("%s %s: %s%s%s%s\n", now_iso, shown, outcome, detail ? " (" : "",
			       detail ? shown_detail : "", detail ? ")" : "");
			fflush(stdout);
		}
		progress(r, p);
		break;
	case RUNNER_LINES:
		if (r->verbosity >= 0) {
			printf("%s %s: %s%s%s%s\n", now_iso, shown, outcome, detail ? " (" : "",
			       detail ? shown_detail : "", detail ? ")" : "");
			fflush(stdout);
		}
		break;
	}
}

/* --- the pass ------------------------------------------------------------- */

static int add_claim(char ***claims, size_t *count, size_t *alloc, const char *dir)
{
	if (*count == *alloc) {
		size_t grown = *alloc ? *alloc * 2 : 64;
		char **more = realloc(*claims, (grown + 1) * sizeof *more);
		if (!more)
			return -1;
		*claims = more;
		*alloc = grown;
	}
	(*claims)[(*count)++] = strdup(dir);
	return 0;
}

int runner_pass(struct runner *r)
{
	struct workspace *ws = r->ws;
	struct pass p = {.r = r};
	struct candidate_list list;
	char **claims = NULL, db_path[PATH_MAX], store[PATH_MAX];
	size_t count = 0, alloc = 0;
	int result = 0, lock = -1;

	candidate_list_init(&list);
	/* A stage that exits early must not kill us when we write to it. */
	signal(SIGPIPE, SIG_IGN);
	if (ws->read_only) {
		msg_error("%s: the workspace is read-only: nothing can be claimed", ws->root);
		return EXIT_TEMPFAIL;
	}
	long holder = 0;
	lock = ws_lock(ws, "run", 0, &holder);
	if (lock == -2) {
		/* A watch's pass or another run: ours follows it, never beside it. */
		msg_info("waiting for the pass under way in this workspace (pid %ld)", holder);
		lock = ws_lock(ws, "run", 1, NULL);
	}
	if (lock < 0) {
		msg_syserror("%s: lock", ws->root);
		return EXIT_TEMPFAIL;
	}
	/*
	 * A stage missing from the installation: nothing is claimed or run,
	 * so no file gets a verdict from a chain that cannot give one.
	 */
	if (chain_ready() < 0) {
		result = EXIT_TEMPFAIL;
		goto out;
	}
	/* Recovery first: what a crashed or stopped run left claimed. */
	claim_object_cleanup(ws);
	char **left = NULL;
	long nleft = claim_list(ws, &left), busy = 0;
	for (long i = 0; i < nleft; i++) {
		char file[PATH_MAX], origin[PATH_MAX];
		/* Read again only once its writer has let go (see file_changed()). */
		if (claim_file(left[i], file, sizeof file) >= 0 && claim_open_for_writing(file)) {
			claim_origin(left[i], origin, sizeof origin);
			report(r, &p, origin, NULL, "deferred",
			       "still open for writing: it stays claimed until it is finished", NULL);
			r->deferred++;
			r->unsettled++;
			busy++;
		} else {
			add_claim(&claims, &count, &alloc, left[i]);
		}
		free(left[i]);
	}
	free(left);
	if (nleft > busy + r->own_claims)
		msg_info("%ld file(s) left claimed by an earlier run: finishing them",
			 nleft - busy - r->own_claims);

	long settle = r->settle >= 0 ? r->settle : ws->settle_seconds;
	if (!(r->stop && *r->stop) && claim_scan(ws, settle, &list) < 0) {
		result = EXIT_TEMPFAIL;
		goto out;
	}
	r->unsettled += list.unsettled;
	p.total = (long)(count + list.count) + busy;
	/*
	 * Folders the scan could not search: their files would wait unseen,
	 * every run, with skema status counting none of them.
	 */
	for (size_t i = 0; i < list.nblocked; i++) {
		char shown[PATH_MAX];
		msg_warn("inbox/%s: %s", msg_escape(shown, sizeof shown, list.blocked[i].rel),
			 blocked_folder_advice(&list.blocked[i]));
	}
	ws_path(ws, db_path, sizeof db_path, WS_DB);
	if (stage_path("store", store, sizeof store) == 0 && db_open(db_path, 0, &p.db) != SQLITE_OK)
		p.db = NULL;

	/*
	 * The claims are made durable together, before any stage reads them:
	 * one sync of the file system instead of several per file.
	 */
	fs_group_begin();
	for (size_t i = 0; i < list.count && !(r->stop && *r->stop); i++) {
		char dir[PATH_MAX];
		time_t received_at;
		if (clock_now(&received_at) < 0)
			received_at = time(NULL);
		int rc = claim_take(ws, &list.items[i], received_at, dir, sizeof dir);
		if (rc < 0) {
			result = EXIT_TEMPFAIL;
			continue;
		}
		if (rc == 0 || rc == CLAIM_BUSY) {
			/* Gone, or still being written: a later pass takes it. */
			r->unsettled += rc == CLAIM_BUSY;
			p.total--;
			continue;
		}
		r->claimed++;
		/* Symlinks, FIFOs and devices too: ingest records them unopened. */
		add_claim(&claims, &count, &alloc, dir);
	}
	if (fs_group_end(ws->root) < 0)
		msg_syserror("%s: sync", ws->root);
	if (count > 0) {
		int rc = process(&p, claims, count);
		/*
		 * A crash was said on stderr and is handled per file: what it
		 * left without a verdict is deferred (75 below), or quarantined
		 * after run.max_attempts.
		 */
		if (rc == EXIT_SOFTWARE)
			rc = 0;
		if (rc > result)
			result = rc;
	}
	if (r->output == RUNNER_PROGRESS && p.handled > 0)
		fputc('\n', stderr);
	/*
	 * A failing later stage is an error to fix, said loudly, but not a
	 * failure to handle the files: they are all in their place, and the
	 * next pass runs the later stages again (they are idempotent).
	 */
	if ((p.db || stage_path("store", store, sizeof store) == 0) &&
	    (count > 0 || r->claimed > 0 || r->always_later) && !(r->stop && *r->stop))
		r->later_failed = later_stages(r) != 0;
	if (r->deferred > 0 && result == 0)
		result = EXIT_TEMPFAIL;
out:
	for (size_t i = 0; i < count; i++)
		free(claims[i]);
	free(claims);
	candidate_list_release(&list);
	sqlite3_finalize(p.set_path);
	sqlite3_finalize(p.event);
	sqlite3_close(p.db);
	if (lock >= 0)
		close(lock);
	return result;
}
