/*
 * workspace.h - the driver's view of a workspace: its directories, its
 * settings, the claim protocol that moves dropped files between states, and
 * the runner that sends claimed files through the stage programs.
 *
 * States are places (docs/workspace.md):
 *   inbox/       staff drop files here
 *   work/C.EXT   claimed: renamed out of the inbox, C being
 *                "<receipt seconds>.P<pid>R<random>", its notes (.origin,
 *                .attempts, .deferrals) its own extended attributes; or
 *                work/C/ a claim directory holding the file with its
 *                notes (also .retry) beside it (claim.c says when)
 *   archive/     stored in skema.db; archive/.objects/<sha256> is the
 *                content-addressed copy (a hard link) made at claim time
 *   quarantine/  a permanent problem; a reason file (Danish) beside it
 * A move is a rename(2) within one file system, followed by an fsync of the
 * directories, so a crash leaves every file in exactly one state.
 */
#ifndef SKEMA_WORKSPACE_H
#define SKEMA_WORKSPACE_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <sqlite3.h>

#include "config.h"

#define WS_CONF "skema.conf"
#define WS_DB "skema.db"
#define WS_OBJECTS "archive/.objects"
#define WS_REASON_SUFFIX ".årsag.txt"

struct workspace {
	char root[PATH_MAX];     /* absolute */
	struct config config;
	long settle_seconds;     /* inbox.settle_seconds */
	long long max_size;      /* inbox.max_size, bytes */
	long batch_size;         /* run.batch_size */
	long jobs;               /* run.jobs; 0: the number of CPUs */
	long max_attempts;       /* run.max_attempts: crashes before quarantine */
	long max_deferrals;      /* run.max_deferrals: temporary errors before quarantine */
	int read_only;           /* the workspace cannot be written */
};

/*
 * Opens the workspace at dir: checks that it is one (inbox/ and skema.db)
 * and loads skema.conf.  Returns 0, or an exit code with a message printed.
 */
int ws_open(struct workspace *ws, const char *dir);

/*
 * Checks skema.conf's keys (settings.c): an unknown key is a warning, a
 * number that is not one an error.  Returns 0, or -1 with the messages
 * printed.
 */
int ws_check_settings(const struct config *cfg);
void ws_release(struct workspace *ws);

/*
 * A stage's message as staff and administrators should see it: the claimed
 * file's internal path ("/ws/work/C/document.docx") replaced by origin, the
 * name as staff dropped it.  claimed: that path, or NULL when it is gone
 * (then a message that starts with such a path is fixed).  Returns buf, or
 * message itself when nothing is to be replaced or buf is too small.
 */
const char *ws_shown_message(const char *message, const char *claimed, const char *origin,
			     char *buf, size_t size);

/*
 * ws_open() for a command that works in the workspace: on failure the
 * workspace is released and the exit code returned (the message printed);
 * on success files are made private from now on (umask 077).
 */
int ws_enter(struct workspace *ws, const char *dir);

/*
 * The output options run, watch and retry share, as getopt_long returns
 * them: 'q' (-q, --quiet), 'v' (-v, --verbose), 'J' (--json).  Applies c;
 * returns 1 when it was one of them, else 0.
 */
int ws_output_option(int c, int *verbosity, int *json);

/*
 * For run and watch: handler on SIGTERM, SIGINT and SIGHUP (stop cleanly);
 * SIGPIPE and SIGXFSZ ignored, so a write fails instead of killing us.
 */
void ws_catch_stop(void (*handler)(int));

/*
 * The database of the workspace at dir (-C, $SKEMA_HOME or "."), for the
 * commands that need only it.  ws_db_path: dir/skema.db into buf.
 * ws_db_open: opens it, never creating it, with files made private;
 * returns 0 with *db set, or an exit code (msg.h) with a message printed.
 * ws_db_exit_code: the exit code for an SQLite failure, 75 when it may
 * pass (busy, locked, full, read-only, I/O), else 70.
 */
char *ws_db_path(const char *dir, char *buf, size_t size);
int ws_db_open(const char *dir, sqlite3 **db);
int ws_db_exit_code(int rc);

/* root/rel into buf; returns buf. */
char *ws_path(const struct workspace *ws, char *buf, size_t size, const char *rel);

/*
 * 1 when name in dir is the reason file of a file beside it: "X.årsag.txt"
 * with X in dir too.  A dropped file that merely ends in ".årsag.txt" (a
 * reason file put back into the inbox) is a file like any other.
 */
int ws_is_reason_file(const char *dir, const char *name);

/*
 * Takes the lock root/.NAME.lock (flock).  wait: block until free.  Returns
 * the open descriptor (keep it to hold the lock), -2 when held by another
 * process (its pid, if known, in *holder), or -1 on error.
 */
int ws_lock(const struct workspace *ws, const char *name, int wait, long *holder);

/*
 * Group commit for the file system.  Between fs_group_begin() and
 * fs_group_end() the syncs below are not made one by one: fs_group_end()
 * makes every change since fs_group_begin() durable at once with syncfs(2)
 * on the workspace's file system (one journal commit instead of ten fsyncs
 * a file).  The order of the changes is kept by the file system's journal;
 * what needs a sync before the next step (a database commit that names a
 * place) ends the group first.  Groups nest; the outermost end syncs.
 * fs_group_end() returns 0, or -1 (errno) when the sync failed.
 */
void fs_group_begin(void);
int fs_group_end(const char *root);

/* Syncs an open file (or, in a group, leaves it to the group's end). */
int fs_fsync_fd(int fd);

/* Syncs a directory, so that a rename in it survives a power cut. */
int fs_fsync_dir(const char *dir);

/* Syncs the directory a path is in. */
int fs_fsync_parent(const char *path);

/*
 * Writes data to dir/name through a temporary name, fsync and rename, then
 * syncs dir.  Replaces an existing file.  Returns 0 or -1 (errno).
 */
int fs_write_file(const char *dir, const char *name, const char *data, size_t len);

/*
 * Renames from into dir under name without ever replacing a file
 * (renameat2 RENAME_NOREPLACE): when name is taken, tries "stem (2).ext" and
 * so on.  Syncs both directories.  The final path goes into out.  Returns 0
 * or -1 (errno).
 */
int fs_move(const char *from, const char *dir, const char *name, char *out, size_t out_size);

/* --- claims (claim.c) ----------------------------------------------------- */

/* A file found in the inbox. */
struct candidate {
	char *rel;           /* path relative to inbox/ (owned by the list) */
	int regular;         /* 0: symlink, FIFO, device, socket */
	off_t size;
	struct timespec mtime;
	struct timespec ctime; /* when it was dropped, by this machine's clock: the claim order */
};

/* A folder of the inbox the scan could not search: its files are not seen. */
enum folder_problem { FOLDER_TOO_DEEP, FOLDER_UNREADABLE };

struct blocked_folder {
	char *rel;           /* path relative to inbox/ */
	enum folder_problem problem;
};

struct candidate_list {
	struct candidate *items;
	size_t count, alloc;
	size_t unsettled;    /* files seen but still being written */
	size_t ignored;      /* temporary and lock files left alone */
	struct blocked_folder *blocked; /* folders not searched: said to staff */
	size_t nblocked;
};

/*
 * What to tell staff about a blocked folder, in English like the rest of
 * the run log and skema status: "inbox/a/b/c/d/e/f/g: folders nested
 * deeper than 6 levels are not searched; move its files up".
 */
const char *blocked_folder_advice(const struct blocked_folder *folder);

void candidate_list_init(struct candidate_list *list);
void candidate_list_release(struct candidate_list *list);

/*
 * Lists what in the inbox may be claimed now: regular files whose size and
 * mtime have not changed for settle seconds (now is the wall clock) and
 * that no process holds open for writing, and non-regular entries, which
 * are claimed only to be quarantined.  Skips temporary, lock and OS files
 * and dot directories; descends into sub-folders, CLAIM_MAX_DEPTH levels;
 * a non-empty folder deeper than that, or one it may not read, goes into
 * list->blocked.  Returns 0 or -1 (the inbox itself cannot be read).
 */
int claim_scan(const struct workspace *ws, long settle, struct candidate_list *list);

/*
 * Claims one candidate: note its origin on it and rename it to work/C.EXT
 * (a flat claim), or, where the file takes no such note, mkdir work/C, note
 * the origin there and rename the file into it; never replacing anything.
 * Syncs the data of a regular file.  Returns 1 with the claim (the file or
 * the directory) in claim_dir, 0 when the file was gone or changed (someone
 * else took it, or staff are still writing), CLAIM_BUSY when a process
 * still holds it open for writing, -1 on error.
 */
#define CLAIM_BUSY 2
int claim_take(const struct workspace *ws, const struct candidate *cand, time_t received_at,
	       char *claim_dir, size_t size);

/*
 * 1 when a process holds the regular file at path open for writing (a read
 * lease, fcntl F_SETLEASE, is refused), 0 when none does or it cannot be
 * told (not our file and no CAP_LEASE, a network file system): then the
 * ctime heuristic alone decides.
 */
int claim_open_for_writing(const char *path);

/*
 * Whether the regular file at path may still be written to: 1 when a
 * process holds it open for writing, or when no lease can tell and its last
 * write (mtime) is less than young_seconds ago; 0 otherwise.
 */
int claim_may_be_written(const char *path, long young_seconds);

/*
 * archive/.objects/<sha256> holds a copy of every claimed file's bytes (a
 * reflink where the file system has them), never a hard link: a writer
 * that still holds the file could otherwise change the object under its
 * name.  Made in two steps around a group's sync, so that no object name
 * ever points at bytes that are not yet durable:
 *
 * claim_object_copy() copies the claimed file to a temporary in
 * archive/.objects (its name in temp, "" when no object is made: an empty,
 * non-regular or too-large file, sha256 ""), hashes the copy, and checks
 * that it is the bytes the record describes (sha256, size; size alone when
 * sha256 is "").  Returns 0, 1 when the file is not the one that was read
 * (it changed since: still being written; nothing is left behind), -1 on
 * error (errno).
 *
 * claim_object_commit() renames the temporary to its name (an object
 * already there with those bytes is kept).  claim_object_cleanup() finishes
 * what a crash left between the two, checking each temporary's bytes.
 */
int claim_object_copy(const struct workspace *ws, const char *claim_dir, const char *sha256,
		      long long size, char *temp, size_t temp_size);
int claim_object_commit(const char *temp);
void claim_object_cleanup(const struct workspace *ws);

/*
 * Lists the claims in work/ (oldest first), cleaning up claim directories
 * that hold no file (a crash between mkdir and rename, or after the final
 * move).  *dirs receives absolute paths (caller frees each and the array).
 * Returns the count, or -1.
 */
long claim_list(const struct workspace *ws, char ***dirs);

/* The name a claimed file gets inside its claim: "document" + a plain extension. */
void claim_inner_name(const char *rel, char *buf, size_t size);

/*
 * The claimed file of claim_dir, into buf: the claim itself when flat
 * (returns 1), the file inside a claim directory (returns 0); -1 if none.
 */
int claim_file(const char *claim_dir, char *buf, size_t size);

/*
 * Stores a note (".origin", ...) on claim_dir: as its extended attribute,
 * else as the dot file.  Returns 0, or -1 with errno.
 */
int claim_note_write(const char *claim_dir, const char *note, const char *data, size_t len);

/* The name staff gave it (the .origin note, else the file name). */
void claim_origin(const char *claim_dir, char *buf, size_t size);

/* Reads and bumps the .attempts note; returns the new count. */
long claim_bump_attempts(const char *claim_dir);

/*
 * Reads and bumps the counter in the note (".deferrals"); returns the new
 * count, or LONG_MAX when a flat claim's count cannot be kept.
 */
long claim_bump(const char *claim_dir, const char *note);

/*
 * Where claim_archive() (state "archive") or claim_quarantine() (state
 * "quarantine") will put the file, relative to the root: recorded in the
 * database before the move, so a crash between the two leaves a row that
 * already names the place the next run moves the file to.
 */
void claim_plan(const char *claim_dir, const char *id, const char *state, char *out, size_t size);

/*
 * Moves the claimed file to archive/ as "<id>-<name>" and removes the claim
 * directory.  Writes the final path (relative to the root) into out.
 */
int claim_archive(const struct workspace *ws, const char *claim_dir, const char *id,
		  char *out, size_t size);

/*
 * Writes the reason file (Danish; reason_da says what is wrong and what to
 * do, detail is the English technical message) and moves the claimed file
 * to quarantine/.  id may be NULL when no record was made.
 */
int claim_quarantine(const struct workspace *ws, const char *claim_dir, const char *id,
		     const char *reason_da, const char *detail, char *out, size_t size);

/* Removes the notes and the empty claim directory; nothing for a flat claim. */
int claim_finish(const char *claim_dir);

/* --- the runner (runner.c) ------------------------------------------------ */

enum runner_output { RUNNER_LINES, RUNNER_PROGRESS, RUNNER_JSON };

struct runner {
	struct workspace *ws;
	int verbosity;              /* -1 quiet, 0, 1 verbose */
	enum runner_output output;
	long settle;                /* seconds; -1: the workspace's setting */
	long jobs;                  /* documents read at once; 0: configured */
	long batch;                 /* files per chain; 0: configured */
	volatile sig_atomic_t *stop; /* set by a signal: claim nothing more */
	int always_later;           /* run decide/letter/report even when idle */
	long own_claims;            /* claims in work/ made by the command itself (skema retry) */
	/* counts for this run */
	long claimed, archived, quarantined, deferred, failed;
	size_t unsettled;
	struct timespec started;
	int missing_reported;
	int later_failed;           /* decide, letter or report failed */
};

void runner_init(struct runner *r, struct workspace *ws);

/* Documents read at once: --jobs, else run.jobs, else the CPUs (1..16). */
long runner_jobs(const struct runner *r);

/*
 * One pass: recover what is claimed in work/, claim what is complete in
 * the inbox, run the chain over it in batches, then the later stages
 * (decide, letter, report).  Returns 0 when every file was handled, 75
 * when some stay claimed for the next run (temporary failure), another
 * exit code on a fatal error.  A later stage that fails sets later_failed
 * and prints an error, but does not change the result.
 */
int runner_pass(struct runner *r);

/* Runs one named later stage with args if it exists; returns its exit code. */
int runner_stage(const char *name, char *const args[]);

#endif
