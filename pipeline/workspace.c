/*
 * workspace.c - opening a workspace, its locks, and the file-system moves
 * every state change is made of (rename without replace, then fsync of the
 * directories: a rename is atomic, but only durable once the directory is
 * synced), one by one or for a whole group of files at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "fdio.h"
#include "msg.h"
#include "paths.h"
#include "strbuf.h"
#include "workspace.h"

int ws_open(struct workspace *ws, const char *dir)
{
	char path[PATH_MAX], shown[512];
	struct stat st;

	memset(ws, 0, sizeof *ws);
	config_init(&ws->config);
	msg_escape(shown, sizeof shown, dir);
	char *real = realpath(dir, NULL);
	if (!real) {
		msg_syserror("%s", shown);
		return EXIT_CONFIG;
	}
	snprintf(ws->root, sizeof ws->root, "%s", real);
	free(real);
	if (stat(ws_path(ws, path, sizeof path, "inbox"), &st) < 0 || !S_ISDIR(st.st_mode) ||
	    access(ws_path(ws, path, sizeof path, WS_DB), F_OK) < 0) {
		msg_error("%s: not a skema workspace (no inbox/ or skema.db); "
			  "create one with: skema init DIR",
			  shown);
		return EXIT_CONFIG;
	}
	ws_path(ws, path, sizeof path, WS_CONF);
	if (access(path, F_OK) == 0) {
		struct strbuf err;
		strbuf_init(&err, 4096);
		if (config_load(&ws->config, path, &err) < 0) {
			msg_error("%s", strbuf_str(&err));
			strbuf_release(&err);
			return EXIT_CONFIG;
		}
		strbuf_release(&err);
		if (ws_check_settings(&ws->config) < 0)
			return EXIT_CONFIG;
	}
	ws->settle_seconds = config_get_long(&ws->config, "inbox.settle_seconds", 5);
	ws->max_size = config_get_long(&ws->config, "inbox.max_size", 64L * 1024 * 1024);
	ws->batch_size = config_get_long(&ws->config, "run.batch_size", 200);
	ws->jobs = config_get_long(&ws->config, "run.jobs", 0);
	ws->max_attempts = config_get_long(&ws->config, "run.max_attempts", 3);
	ws->max_deferrals = config_get_long(&ws->config, "run.max_deferrals", 50);
	if (ws->settle_seconds < 0)
		ws->settle_seconds = 0;
	if (ws->batch_size < 1)
		ws->batch_size = 1;
	if (ws->jobs < 0)
		ws->jobs = 0;
	if (ws->max_attempts < 1)
		ws->max_attempts = 1;
	if (ws->max_deferrals < 1)
		ws->max_deferrals = 1;
	ws->read_only = access(ws_path(ws, path, sizeof path, "work"), W_OK) < 0 ||
			access(ws_path(ws, path, sizeof path, "inbox"), W_OK) < 0;
	return 0;
}

void ws_release(struct workspace *ws)
{
	if (!ws)
		return;
	config_release(&ws->config);
}

int ws_enter(struct workspace *ws, const char *dir)
{
	int rc = ws_open(ws, dir);
	if (rc != 0) {
		ws_release(ws);
		return rc;
	}
	/* Anything we create in the workspace holds personal data. */
	umask(077);
	return 0;
}

int ws_output_option(int c, int *verbosity, int *json)
{
	switch (c) {
	case 'q':
		*verbosity = -1;
		return 1;
	case 'v':
		*verbosity = 1;
		return 1;
	case 'J':
		*json = 1;
		return 1;
	default:
		return 0;
	}
}

void ws_catch_stop(void (*handler)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL); /* a closed terminal: stop as cleanly */
	/* A stage that exits early must not kill us when we write to it. */
	signal(SIGPIPE, SIG_IGN);
	/* A file-size limit must make writes fail (EFBIG), not kill us mid-move. */
	signal(SIGXFSZ, SIG_IGN);
}

char *ws_db_path(const char *dir, char *buf, size_t size)
{
	return paths_join(buf, size, dir, WS_DB);
}

int ws_db_exit_code(int rc)
{
	return db_temporary(rc) ? EXIT_TEMPFAIL : EXIT_SOFTWARE;
}

int ws_db_open(const char *dir, sqlite3 **db)
{
	char path[PATH_MAX];
	*db = NULL;
	/* Anything we create in the workspace holds personal data. */
	umask(077);
	ws_db_path(dir, path, sizeof path);
	if (access(path, F_OK) != 0) {
		msg_syserror("%s (create a workspace with: skema init DIR)", path);
		return EXIT_CONFIG;
	}
	int rc = db_open(path, 0, db);
	return rc == SQLITE_OK ? 0 : ws_db_exit_code(rc);
}

char *ws_path(const struct workspace *ws, char *buf, size_t size, const char *rel)
{
	return paths_join(buf, size, ws->root, rel);
}

int ws_is_reason_file(const char *dir, const char *name)
{
	size_t len = strlen(name), suffix = strlen(WS_REASON_SUFFIX);
	char partner[PATH_MAX];
	struct stat st;
	if (len <= suffix || strcmp(name + len - suffix, WS_REASON_SUFFIX) != 0)
		return 0;
	if (snprintf(partner, sizeof partner, "%s/%.*s", dir, (int)(len - suffix), name) >=
	    (int)sizeof partner)
		return 0;
	return lstat(partner, &st) == 0;
}

int ws_lock(const struct workspace *ws, const char *name, int wait, long *holder)
{
	char file[64], path[PATH_MAX];
	snprintf(file, sizeof file, ".%s.lock", name);
	ws_path(ws, path, sizeof path, file);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR && wait)
			continue;
		if (errno == EWOULDBLOCK || errno == EINTR) {
			char text[32] = "";
			ssize_t n = pread(fd, text, sizeof text - 1, 0);
			if (holder)
				*holder = n > 0 ? strtol(text, NULL, 10) : 0;
			close(fd);
			return -2;
		}
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	/* The holder's pid, for the message another process prints. */
	char text[32];
	int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, text, (size_t)len, 0) < 0) {
		/* Only informative; the lock is what counts. */
	}
	return fd;
}

static int group_depth, group_dirty;

void fs_group_begin(void)
{
	group_depth++;
}

int fs_group_end(const char *root)
{
	if (group_depth > 0 && --group_depth > 0)
		return 0;
	if (!group_dirty)
		return 0;
	group_dirty = 0;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = syncfs(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* In a group: the sync is left to its end (and owed). */
static int deferred(void)
{
	if (group_depth == 0)
		return 0;
	group_dirty = 1;
	return 1;
}

int fs_fsync_fd(int fd)
{
	return deferred() ? 0 : fsync(fd);
}

int fs_fsync_dir(const char *dir)
{
	if (deferred())
		return 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	/* Some file systems refuse fsync on directories; that is not a failure. */
	return rc < 0 && errno != EINVAL ? -1 : 0;
}

int fs_fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return fs_fsync_dir(".");
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return fs_fsync_dir(dir);
}

int fs_write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char tmp[PATH_MAX], final[PATH_MAX], tmp_name[64];
	snprintf(tmp_name, sizeof tmp_name, ".tmp-%ld-%u", (long)getpid(), (unsigned)rand());
	paths_join(tmp, sizeof tmp, dir, tmp_name);
	paths_join(final, sizeof final, dir, name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	if (fdio_write_all(fd, data, len) < 0 || fs_fsync_fd(fd) < 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, final) < 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return fs_fsync_dir(dir);
}

/* "name.docx" -> "name (n).docx", at most size bytes. */
static void numbered_name(const char *name, int n, char *buf, size_t size)
{
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name)
		dot = name + strlen(name);
	snprintf(buf, size, "%.*s (%d)%s", (int)(dot - name), name, n, dot);
}

int fs_move(const char *from, const char *dir, const char *name, char *out, size_t out_size)
{
	char to[PATH_MAX], alt[NAME_MAX + 1];
	const char *target = name;

	for (int n = 2; n < 1000; n++) {
		paths_join(to, sizeof to, dir, target);
		if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) {
			if (out)
				snprintf(out, out_size, "%s", to);
			if (fs_fsync_dir(dir) < 0 || fs_fsync_parent(from) < 0)
				return -1;
			return 0;
		}
		if (errno != EEXIST)
			return -1;
		numbered_name(name, n, alt, sizeof alt);
		target = alt;
	}
	errno = EEXIST;
	return -1;
}

/* Whether name (len bytes) starts as a claim's name does: "<seconds>.P". */
static int is_claim_name(const char *name, size_t len)
{
	size_t i = 0;
	while (i < len && name[i] >= '0' && name[i] <= '9')
		i++;
	return i > 0 && i + 2 <= len && name[i] == '.' && name[i + 1] == 'P';
}

/*
 * Whether s (len bytes) is a claimed file's path: ".../work/<claim>" (a flat
 * claim) or ".../work/<claim>/document[.ext]".
 */
static int is_claim_path(const char *s, size_t len)
{
	const char *last = NULL;
	for (size_t i = len; i > 0; i--)
		if (s[i - 1] == '/') {
			last = s + i;
			break;
		}
	if (!last)
		return 0;
	size_t last_start = (size_t)(last - s);
	if (is_claim_name(last, len - last_start))
		return last_start >= 6 && strncmp(last - 6, "/work/", 6) == 0;
	if (strncmp(last, "document", 8) != 0)
		return 0;
	size_t rest = len - last_start - 8;
	if (rest > 0 && (last[8] != '.' || rest > 8))
		return 0;
	/* The directory above the claim is work/. */
	size_t dir_end = last_start - 1;
	size_t claim_start = dir_end;
	while (claim_start > 0 && s[claim_start - 1] != '/')
		claim_start--;
	return claim_start >= 6 && strncmp(s + claim_start - 6, "/work/", 6) == 0 &&
	       claim_start < dir_end;
}

const char *ws_shown_message(const char *message, const char *claimed, const char *origin,
			     char *buf, size_t size)
{
	if (!message)
		return NULL;
	if (!origin || !*origin)
		return message;
	size_t claimed_len = claimed ? strlen(claimed) : 0;
	size_t used = 0;
	buf[0] = '\0';
	for (const char *m = message; *m;) {
		const char *hit = claimed_len ? strstr(m, claimed) : NULL;
		size_t hit_len = claimed_len;
		/* Without the claim's path (it is gone): a message that starts with one. */
		if (!hit && m == message && !claimed_len) {
			const char *colon = strstr(m, ": ");
			if (colon && is_claim_path(m, (size_t)(colon - m))) {
				hit = m;
				hit_len = (size_t)(colon - m);
			}
		}
		size_t before = hit ? (size_t)(hit - m) : strlen(m);
		int n = snprintf(buf + used, size - used, "%.*s%s", (int)before, m, hit ? origin : "");
		if (n < 0 || (size_t)n >= size - used)
			return message;
		used += (size_t)n;
		if (!hit)
			break;
		m = hit + hit_len;
	}
	return buf;
}
