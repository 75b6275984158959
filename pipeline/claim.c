/*
 * claim.c - the claim protocol, in the manner of Maildir and Postfix's
 * queue: a file is taken out of the inbox only once it is complete, by an
 * atomic rename that never replaces anything, and leaves work/ only by
 * another rename, into archive/ or quarantine/.  Nothing is ever deleted:
 * the only things removed are the claim's own notes and its empty
 * directory.
 *
 * A claim is one of two things in work/ (C = <seconds>.P<pid>R<random>):
 *   work/C.EXT   flat: the claimed file itself, its notes its own extended
 *                attributes; the usual claim, which makes and frees no
 *                inode (a directory per file was two fifths of the
 *                driver's time: ext4 without a journal scans past every
 *                recently freed inode before it hands out a new one)
 *   work/C/      a directory holding the file as document.EXT, its notes
 *                the directory's attributes or dot files: for what takes
 *                no user attribute (a symlink, a FIFO, a file skema may not
 *                write, a file system without them, an origin too long for
 *                one), for a file with hard links (they share attributes),
 *                for retries (cmd_retry.c), and as older skemas left them.
 *
 * Crash safety, step by step (what the next run finds after a kill -9):
 *   flat:
 *   1. note the origin on inbox/F   still in the inbox: claimed next run
 *   2. rename inbox/F work/C.EXT    claimed: processed by the next run
 *   directory:
 *   1. mkdir work/C                 an empty claim: removed by claim_list()
 *   2. note the origin on C         a claim with no file: removed
 *   3. rename inbox/F work/C/F      claimed: processed by the next run
 *   then, both:
 *   4. store commits the record     processed again: the store is idempotent
 *                                   on the record id, which ingest derives
 *                                   from the claim alone
 *   5. copy to archive/.objects/.tmp-<sha256>.C, checked against the row
 *                                   processed again; the copy is finished
 *                                   or removed by claim_object_cleanup()
 *   6. rename to archive/ or quarantine/, then the notes and C removed
 *   7. the copy renamed to archive/.objects/<sha256>
 *                                   done by claim_object_cleanup()
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claim_note.h"
#include "clock.h"
#include "msg.h"
#include "paths.h"
#include "sha256.h"
#include "strbuf.h"
#include "workspace.h"

#define CLAIM_MAX_DEPTH 6

void candidate_list_init(struct candidate_list *list)
{
	memset(list, 0, sizeof *list);
}

void candidate_list_release(struct candidate_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i].rel);
	free(list->items);
	for (size_t i = 0; i < list->nblocked; i++)
		free(list->blocked[i].rel);
	free(list->blocked);
	memset(list, 0, sizeof *list);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

/*
 * Files that are not a finished drop: partial downloads and copies, Office
 * owner files (~$x.docx), LibreOffice locks (.~lock.x.odt#), macOS and
 * Windows droppings, and every dot file (rsync's .x.XXXXXX temporaries).
 */
static int ignored_file(const char *name)
{
	return name[0] == '.' || strncmp(name, "~$", 2) == 0 || ends_with(name, ".part") ||
	       ends_with(name, ".tmp") || ends_with(name, ".partial") ||
	       ends_with(name, ".crdownload") || ends_with(name, ".filepart") ||
	       ends_with(name, "~") || strcasecmp(name, "Thumbs.db") == 0 ||
	       strcasecmp(name, "desktop.ini") == 0;
}

static int ignored_dir(const char *name)
{
	return name[0] == '.' || strcmp(name, "__MACOSX") == 0 || strcmp(name, "@eaDir") == 0 ||
	       strcasecmp(name, "$RECYCLE.BIN") == 0 ||
	       strcmp(name, "System Volume Information") == 0;
}

/* Adds a copy of cand, its path copied too: a big inbox holds only what it needs. */
static int push(struct candidate_list *list, const struct candidate *cand, const char *rel)
{
	if (list->count == list->alloc) {
		size_t alloc = list->alloc ? list->alloc * 2 : 64;
		struct candidate *items = realloc(list->items, alloc * sizeof *items);
		if (!items)
			return -1;
		list->items = items;
		list->alloc = alloc;
	}
	char *copy = strdup(rel);
	if (!copy)
		return -1;
	list->items[list->count] = *cand;
	list->items[list->count++].rel = copy;
	return 0;
}

static void push_blocked(struct candidate_list *list, const char *rel, enum folder_problem problem)
{
	struct blocked_folder *more =
		realloc(list->blocked, (list->nblocked + 1) * sizeof *list->blocked);
	if (!more)
		return;
	list->blocked = more;
	char *copy = strdup(rel);
	if (!copy)
		return;
	list->blocked[list->nblocked].rel = copy;
	list->blocked[list->nblocked++].problem = problem;
}

const char *blocked_folder_advice(const struct blocked_folder *folder)
{
	return folder->problem == FOLDER_TOO_DEEP
		       ? "folders nested deeper than 6 levels are not searched, so its files "
			 "are never taken: move them up"
		       : "skema may not read this folder, so its files are never taken: fix "
			 "its permissions, or move the files out of it";
}

/* A folder holding anything at all: one entry is enough, nothing is followed. */
static int folder_has_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 1; /* cannot look inside: say so rather than hide it */
	struct dirent *e;
	int found = 0;
	while (!found && (e = readdir(d)))
		found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return found;
}

enum lease_answer { LEASE_FREE, LEASE_BUSY, LEASE_UNKNOWN };

static enum lease_answer lease_answer(const char *path)
{
	/*
	 * A read lease is refused (EAGAIN) while any process has the file
	 * open for writing: a copy that pauses longer than settle_seconds
	 * still holds its descriptor.  O_NONBLOCK: the open itself must not
	 * wait for someone else's lease (a Samba oplock) to be broken.  Only
	 * the file's owner (or CAP_LEASE) may take one; EACCES, EPERM, EINVAL
	 * (leases off, a network file system): no answer, the ctime alone
	 * decides as before.
	 */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) /* EWOULDBLOCK: another process holds a write lease */
		return errno == EWOULDBLOCK ? LEASE_BUSY : LEASE_UNKNOWN;
	enum lease_answer answer = LEASE_FREE;
	if (fcntl(fd, F_SETLEASE, F_RDLCK) == 0)
		fcntl(fd, F_SETLEASE, F_UNLCK);
	else
		answer = errno == EAGAIN || errno == EWOULDBLOCK ? LEASE_BUSY : LEASE_UNKNOWN;
	close(fd);
	return answer;
}

int claim_open_for_writing(const char *path)
{
	return lease_answer(path) == LEASE_BUSY;
}

int claim_may_be_written(const char *path, long young_seconds)
{
	switch (lease_answer(path)) {
	case LEASE_BUSY:
		return 1;
	case LEASE_FREE:
		return 0;
	case LEASE_UNKNOWN:
		break;
	}
	struct stat st;
	struct timespec now;
	if (young_seconds <= 0 || lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	double age = (double)(now.tv_sec - st.st_mtim.tv_sec) + (double)(now.tv_nsec - st.st_mtim.tv_nsec) / 1e9;
	return age >= 0 && age < (double)young_seconds; /* a future mtime says nothing */
}

static int scan_dir(const char *inbox, const char *rel, int depth, long settle,
		    const struct timespec *now, struct candidate_list *list)
{
	char dir[PATH_MAX];
	struct dirent **names = NULL;

	if (rel[0])
		paths_join(dir, sizeof dir, inbox, rel);
	else
		snprintf(dir, sizeof dir, "%s", inbox);
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		/* A sub-folder skema may not read: its files are shown as blocked. */
		if (rel[0] && (errno == EACCES || errno == EPERM)) {
			push_blocked(list, rel, FOLDER_UNREADABLE);
			return 0;
		}
		char shown[512];
		msg_syserror("%s", msg_escape(shown, sizeof shown, dir));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct candidate cand;
		struct stat st;
		char path[PATH_MAX], cand_rel[PATH_MAX];

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			goto next;
		memset(&cand, 0, sizeof cand);
		if (rel[0])
			paths_join(cand_rel, sizeof cand_rel, rel, name);
		else
			snprintf(cand_rel, sizeof cand_rel, "%s", name);
		paths_join(path, sizeof path, inbox, cand_rel);
		/* lstat: a symlink is looked at, never followed. */
		if (lstat(path, &st) < 0)
			goto next; /* gone meanwhile: someone took it */
		if (S_ISDIR(st.st_mode)) {
			if (ignored_dir(name))
				goto next;
			/*
			 * The depth is a guard (against a tree made to exhaust
			 * us), not a place where files may wait unseen: a
			 * deeper folder that holds anything is reported.
			 */
			if (depth < CLAIM_MAX_DEPTH)
				scan_dir(inbox, cand_rel, depth + 1, settle, now, list);
			else if (folder_has_entries(path))
				push_blocked(list, cand_rel, FOLDER_TOO_DEEP);
			goto next;
		}
		if (ignored_file(name)) {
			list->ignored++;
			goto next;
		}
		cand.regular = S_ISREG(st.st_mode);
		cand.size = st.st_size;
		cand.mtime = st.st_mtim;
		cand.ctime = st.st_ctim;
		/*
		 * ctime, not mtime: every write moves it, by this machine's
		 * clock, while mtime may be copied from the sender (cp -p,
		 * SMB clients with a skewed clock).
		 */
		/*
		 * An empty file is often a placeholder that a scanner or a
		 * copy fills later (paperless #12511): it waits twelve times
		 * longer before it is taken (and quarantined as empty).
		 */
		long wait = st.st_size == 0 ? settle * 12 : settle;
		if (cand.regular && wait > 0 &&
		    (double)(now->tv_sec - st.st_ctim.tv_sec) +
				    (double)(now->tv_nsec - st.st_ctim.tv_nsec) / 1e9 <
			    (double)wait) {
			list->unsettled++;
			goto next;
		}
		if (cand.regular && claim_open_for_writing(path)) {
			list->unsettled++;
			goto next;
		}
		push(list, &cand, cand_rel);
next:
		free(names[i]);
	}
	free(names);
	return 0;
}

static int by_drop(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->ctime.tv_sec != y->ctime.tv_sec)
		return x->ctime.tv_sec < y->ctime.tv_sec ? -1 : 1;
	if (x->ctime.tv_nsec != y->ctime.tv_nsec)
		return x->ctime.tv_nsec < y->ctime.tv_nsec ? -1 : 1;
	return strcmp(x->rel, y->rel);
}

int claim_scan(const struct workspace *ws, long settle, struct candidate_list *list)
{
	char inbox[PATH_MAX];
	struct timespec now;
	ws_path(ws, inbox, sizeof inbox, "inbox");
	/* The wall clock, like ctime; not SKEMA_NOW, which only dates records. */
	clock_gettime(CLOCK_REALTIME, &now);
	if (scan_dir(inbox, "", 0, settle, &now, list) < 0)
		return -1;
	/*
	 * Claimed in the order they were dropped, not by name: the receipt
	 * time is the claim's, and a correction dropped after its original
	 * must not be received before it (superseding follows receipt).
	 */
	if (list->count > 1)
		qsort(list->items, list->count, sizeof *list->items, by_drop);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void claim_stem(const char *claim, char *buf, size_t size);

/* Writes all of len bytes; -1 with errno. */
static int write_all(int fd, const unsigned char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Copies from to out and hashes what was copied: a reflink (FICLONE) where
 * the file system shares blocks, then the copy is read back; else one pass
 * of read, hash, write.  Returns 0 with hex and *copied, or -1 (errno).
 */
static int copy_hashed(int from, int out, char hex[65], uint64_t *copied)
{
	if (ioctl(out, FICLONE, from) == 0 && lseek(out, 0, SEEK_SET) == 0)
		return sha256_fd(out, hex, copied);
	struct sha256 ctx;
	unsigned char buf[64 * 1024], digest[32];
	uint64_t total = 0;
	sha256_init(&ctx);
	for (;;) {
		ssize_t n = read(from, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		sha256_update(&ctx, buf, (size_t)n);
		if (write_all(out, buf, (size_t)n) < 0)
			return -1;
		total += (uint64_t)n;
	}
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
	*copied = total;
	return 0;
}

static int is_sha256_hex(const char *s)
{
	size_t i;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int claim_object_copy(const struct workspace *ws, const char *claim_dir, const char *sha256,
		      long long size, char *temp, size_t temp_size)
{
	char file[PATH_MAX], objects[PATH_MAX], stem[NAME_MAX + 1], hex[65];
	struct stat st;
	uint64_t copied = 0;

	temp[0] = '\0';
	if (claim_file(claim_dir, file, sizeof file) < 0) {
		errno = ENOENT;
		return -1;
	}
	if (lstat(file, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode))
		return 0; /* recorded unopened: nothing to copy or compare */
	if (size >= 0 && st.st_size != size)
		return 1;
	if (!sha256 || !*sha256 || st.st_size == 0)
		return 0; /* too large (never read) or empty: no object */
	if (strlen(sha256) != 64 || !is_sha256_hex(sha256)) {
		errno = EINVAL;
		return -1;
	}
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/*
	 * ".tmp-<sha256>.<claim>": the sha256 lets claim_object_cleanup()
	 * finish it after a crash; the claim keeps two claims of the same
	 * bytes from sharing one temporary.
	 */
	claim_stem(claim_dir, stem, sizeof stem);
	ws_path(ws, objects, sizeof objects, WS_OBJECTS);
	if (snprintf(temp, temp_size, "%s/.tmp-%s.%s", objects, sha256, stem) >= (int)temp_size) {
		close(fd);
		temp[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	int out = open(temp, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0 && errno == ENOENT && mkdir(objects, 0700) == 0)
		out = open(temp, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		int saved = errno;
		close(fd);
		temp[0] = '\0';
		errno = saved;
		return -1;
	}
	int rc = copy_hashed(fd, out, hex, &copied);
	int saved = errno;
	close(fd);
	if (rc == 0 && (strcmp(hex, sha256) != 0 || (long long)copied != size))
		rc = 1; /* written to since it was read */
	else if (rc == 0 && fs_fsync_fd(out) < 0) /* in a group: at its sync */
		rc = -1, saved = errno;
	close(out);
	if (rc != 0) {
		unlink(temp);
		temp[0] = '\0';
		errno = saved;
	}
	return rc;
}

int claim_object_commit(const char *temp)
{
	char object[PATH_MAX];
	struct stat made, there;
	const char *base = base_name(temp);
	if (!temp[0])
		return 0;
	if (strncmp(base, ".tmp-", 5) != 0 || strlen(base) < 5 + 64) {
		errno = EINVAL;
		return -1;
	}
	snprintf(object, sizeof object, "%.*s%.64s", (int)(base - temp), temp, base + 5);
	if (renameat2(AT_FDCWD, temp, AT_FDCWD, object, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	/*
	 * The same bytes were dropped before.  An object of another size was
	 * torn by a crash (its name durable before its data): the checked
	 * copy takes its place.
	 */
	if (stat(temp, &made) == 0 && stat(object, &there) == 0 && made.st_size != there.st_size)
		return rename(temp, object);
	return unlink(temp);
}

void claim_object_cleanup(const struct workspace *ws)
{
	char objects[PATH_MAX], path[PATH_MAX], hex[65];
	struct dirent **names = NULL;
	ws_path(ws, objects, sizeof objects, WS_OBJECTS);
	int n = scandir(objects, &names, NULL, NULL);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (strncmp(name, ".tmp-", 5) == 0) {
			uint64_t size;
			paths_join(path, sizeof path, objects, name);
			int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			int good = fd >= 0 && strlen(name) >= 5 + 64 && is_sha256_hex(name + 5) &&
				   sha256_fd(fd, hex, &size) == 0 && strncmp(hex, name + 5, 64) == 0;
			if (fd >= 0)
				close(fd);
			if (!good || claim_object_commit(path) < 0)
				unlink(path);
		}
		free(names[i]);
	}
	free(names);
}

/* "document.docx": the extension kept when it is short and plain ASCII. */
void claim_inner_name(const char *rel, char *buf, size_t size)
{
	const char *base = base_name(rel);
	const char *dot = strrchr(base, '.');
	size_t len = 0;
	if (dot && dot != base) {
		for (len = 1; dot[len]; len++) {
			char c = dot[len];
			if (len > 10 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					  (c >= '0' && c <= '9')))
				break;
		}
		if (dot[len] != '\0' || len == 1)
			len = 0;
	}
	snprintf(buf, size, "document%.*s", (int)len, len ? dot : "");
}

/* The claim's name C, into buf (at least 64 bytes). */
static void new_claim_name(time_t received_at, char *buf, size_t size)
{
	unsigned char random[6];
	if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random)
		memset(random, 0, sizeof random);
	snprintf(buf, size, "%lld.P%ldR%02x%02x%02x%02x%02x%02x", (long long)received_at,
		 (long)getpid(), random[0], random[1], random[2], random[3], random[4], random[5]);
}

/* The claimed file's data made durable with the claim (in a group: at its end). */
static int sync_data(const char *file)
{
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fs_fsync_fd(fd);
	close(fd);
	return rc;
}

/* Reports a failed claim rename; returns 0 when the file was gone, else -1. */
static int rename_failed(const char *shown)
{
	/* ENOENT: staff took it back, or another skema won the race. */
	if (errno == ENOENT)
		return 0;
	if (errno == EXDEV)
		msg_error("inbox/%s: claim: inbox/ and work/ are on different file systems; "
			  "a workspace must be on one (docs/workspace.md)",
			  shown);
	else
		msg_syserror("inbox/%s: claim", shown);
	return -1;
}

int claim_take(const struct workspace *ws, const struct candidate *cand, time_t received_at,
	       char *claim_dir, size_t size)
{
	char work[PATH_MAX], dir[PATH_MAX], from[PATH_MAX], to[PATH_MAX], name[64], shown[512];
	char inner[32];
	struct stat st;

	ws_path(ws, work, sizeof work, "work");
	if (snprintf(from, sizeof from, "%s/inbox/%s", ws->root, cand->rel) >= (int)sizeof from)
		return -1;
	msg_escape(shown, sizeof shown, cand->rel);
	/* Still the file the scan saw?  A changed one is still being written. */
	if (lstat(from, &st) < 0)
		return 0;
	if (cand->regular && (!S_ISREG(st.st_mode) || st.st_size != cand->size ||
			      st.st_mtim.tv_sec != cand->mtime.tv_sec ||
			      st.st_mtim.tv_nsec != cand->mtime.tv_nsec))
		return 0;
	/* Looked at again just before the rename: the scan may have been long ago. */
	if (cand->regular && claim_open_for_writing(from))
		return CLAIM_BUSY;
	new_claim_name(received_at, name, sizeof name);
	/*
	 * In work/ the file is named by its claim plus "document"'s extension:
	 * the name staff gave it may hold any bytes, and records (JSON) hold
	 * only UTF-8.  The real name is its .origin note and comes back in
	 * archive/ or quarantine/.
	 */
	claim_inner_name(cand->rel, inner, sizeof inner);

	/*
	 * Flat: the origin goes on the file while it is still in the inbox,
	 * so it is claimed with its name in one rename.  Had it been swapped
	 * meanwhile, the note names the same place, so it is still right.
	 * Else a claim directory, its origin noted before the file comes; also
	 * for a file with other names (hard links), whose attributes those
	 * share: the second name's origin would overwrite the first's.
	 */
	int flat = cand->regular && st.st_nlink == 1 &&
		   claim_note_set(from, ".origin", cand->rel, strlen(cand->rel)) == 0;
	if (flat) {
		if (snprintf(to, sizeof to, "%s/%s%s", work, name, inner + 8) >= (int)sizeof to)
			return -1;
		snprintf(dir, sizeof dir, "%s", to);
	} else {
		paths_join(dir, sizeof dir, work, name);
		if (mkdir(dir, 0700) < 0) {
			msg_syserror("%s", dir);
			return -1;
		}
		if (claim_note_write(dir, ".origin", cand->rel, strlen(cand->rel)) < 0) {
			msg_syserror("%s/.origin", dir);
			claim_finish(dir);
			return -1;
		}
		paths_join(to, sizeof to, dir, inner);
	}
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) < 0) {
		int rc = rename_failed(shown);
		if (!flat)
			claim_finish(dir);
		return rc;
	}
	if ((!flat && fs_fsync_dir(dir) < 0) || fs_fsync_parent(from) < 0 || fs_fsync_dir(work) < 0)
		msg_syserror("%s: fsync", dir);
	if (cand->regular && sync_data(to) < 0)
		msg_syserror("inbox/%s: fsync", shown);
	snprintf(claim_dir, size, "%s", dir);
	return 1;
}

static int claim_name(const char *name)
{
	const char *p = name;
	while (*p >= '0' && *p <= '9')
		p++;
	return p > name && *p == '.';
}

int claim_file(const char *claim, char *buf, size_t size)
{
	struct stat st;
	if (lstat(claim, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		snprintf(buf, size, "%s", claim);
		return 1;
	}
	struct dirent **names = NULL;
	int n = scandir(claim, &names, NULL, alphasort), found = -1;
	for (int i = 0; i < n; i++) {
		if (found < 0 && names[i]->d_name[0] != '.') {
			paths_join(buf, size, claim, names[i]->d_name);
			found = 0;
		}
		free(names[i]);
	}
	free(names);
	return found;
}

/* C of work/C or work/C.EXT, into buf: the claim's name without the file's extension. */
static void claim_stem(const char *claim, char *buf, size_t size)
{
	const char *base = base_name(claim);
	const char *dot = strchr(base, '.');
	size_t len = dot ? (size_t)(dot + 1 - base) + strcspn(dot + 1, ".") : strlen(base);
	snprintf(buf, size, "%.*s", (int)len, base);
}

int claim_note_write(const char *claim_dir, const char *note, const char *data, size_t len)
{
	if (claim_note_set(claim_dir, note, data, len) == 0)
		return 0;
	/* No user attributes here (or too long for them): the dot file. */
	return fs_write_file(claim_dir, note, data, len);
}

void claim_origin(const char *claim_dir, char *buf, size_t size)
{
	char path[PATH_MAX];
	if (claim_note_read(claim_dir, ".origin", buf, size) < 0)
		buf[0] = '\0';
	if (!buf[0] && claim_file(claim_dir, path, sizeof path) >= 0)
		snprintf(buf, size, "%s", base_name(path));
}

long claim_bump_attempts(const char *claim_dir)
{
	return claim_bump(claim_dir, ".attempts");
}

long claim_bump(const char *claim_dir, const char *note)
{
	char text[32] = "";
	struct stat st;
	long count = 0;
	if (claim_note_read(claim_dir, note, text, sizeof text) == 0)
		count = strtol(text, NULL, 10);
	count++;
	int len = snprintf(text, sizeof text, "%ld", count);
	/* A claim directory falls back to a dot file; a flat claim has only its attributes. */
	int flat = lstat(claim_dir, &st) == 0 && !S_ISDIR(st.st_mode);
	if ((flat ? claim_note_set(claim_dir, note, text, (size_t)len)
		  : claim_note_write(claim_dir, note, text, (size_t)len)) < 0) {
		/*
		 * A count that cannot be kept is reported as spent: the file is
		 * quarantined, kept and retried by hand, rather than run again
		 * forever.
		 */
		msg_syserror("%s: %s", claim_dir, note);
		return LONG_MAX;
	}
	return count;
}

int claim_finish(const char *claim_dir)
{
	static const char *const notes[] = {".origin", ".retry", ".retry_of", ".attempts",
					    ".deferrals", ".replaces"};
	char path[PATH_MAX];
	struct stat st;
	/* A flat claim has nothing left once its file has gone. */
	if (lstat(claim_dir, &st) < 0 ? errno == ENOENT : !S_ISDIR(st.st_mode))
		return 0;
	/* Most claim directories hold nothing by now (their notes are attributes): one call. */
	if (rmdir(claim_dir) == 0)
		return fs_fsync_parent(claim_dir);
	for (size_t i = 0; i < sizeof notes / sizeof *notes; i++) {
		paths_join(path, sizeof path, claim_dir, notes[i]);
		unlink(path);
	}
	/* Temporaries of fs_write_file() left by a crash. */
	struct dirent **names = NULL;
	int n = scandir(claim_dir, &names, NULL, NULL);
	for (int i = 0; i < n; i++) {
		if (strncmp(names[i]->d_name, ".tmp-", 5) == 0) {
			paths_join(path, sizeof path, claim_dir, names[i]->d_name);
			unlink(path);
		}
		free(names[i]);
	}
	free(names);
	if (rmdir(claim_dir) < 0)
		return -1;
	return fs_fsync_parent(claim_dir);
}

long claim_list(const struct workspace *ws, char ***dirs)
{
	char work[PATH_MAX], dir[PATH_MAX], file[PATH_MAX];
	struct dirent **names = NULL;
	char **out = NULL;
	long count = 0;

	*dirs = NULL;
	ws_path(ws, work, sizeof work, "work");
	int n = scandir(work, &names, NULL, alphasort);
	if (n < 0) {
		msg_syserror("%s", work);
		return -1;
	}
	out = calloc((size_t)n + 1, sizeof *out);
	for (int i = 0; i < n; i++) {
		if (out && claim_name(names[i]->d_name)) {
			paths_join(dir, sizeof dir, work, names[i]->d_name);
			if (claim_file(dir, file, sizeof file) >= 0)
				out[count++] = strdup(dir);
			else if (!ws->read_only)
				claim_finish(dir); /* the file left, or never came */
		}
		free(names[i]);
	}
	free(names);
	if (!out)
		return -1;
	*dirs = out;
	return count;
}

/*
 * "<id>-<name>", cut to fit NAME_MAX with room for the reason suffix,
 * keeping the extension and whole UTF-8 sequences.
 */
static void final_name(const char *id, const char *origin, char *buf, size_t size)
{
	const char *name = base_name(origin);
	size_t room = NAME_MAX - sizeof WS_REASON_SUFFIX - strlen(id) - 1;
	size_t len = strlen(name);
	if (len <= room) {
		snprintf(buf, size, "%s-%s", id, name);
		return;
	}
	const char *dot = strrchr(name, '.');
	size_t ext = dot && strlen(dot) <= 16 ? strlen(dot) : 0;
	size_t keep = room - ext;
	while (keep > 0 && ((unsigned char)name[keep] & 0xC0) == 0x80)
		keep--;
	snprintf(buf, size, "%s-%.*s%s", id, (int)keep, name, ext ? dot : "");
}

void claim_plan(const char *claim_dir, const char *id, const char *state, char *out, size_t size)
{
	char origin[PATH_MAX], name[NAME_MAX + 1], stem[NAME_MAX + 1];
	claim_origin(claim_dir, origin, sizeof origin);
	claim_stem(claim_dir, stem, sizeof stem);
	final_name(id ? id : stem, origin, name, sizeof name);
	snprintf(out, size, "%s/%s", state, name);
}

int claim_archive(const struct workspace *ws, const char *claim_dir, const char *id, char *out,
		  size_t size)
{
	char file[PATH_MAX], archive[PATH_MAX], name[NAME_MAX + 1], final[PATH_MAX];
	char origin[PATH_MAX];
	int flat = claim_file(claim_dir, file, sizeof file);
	if (flat < 0) {
		errno = ENOENT;
		return -1;
	}
	ws_path(ws, archive, sizeof archive, "archive");
	claim_origin(claim_dir, origin, sizeof origin);
	final_name(id, origin, name, sizeof name);
	if (fs_move(file, archive, name, final, sizeof final) < 0)
		return -1;
	snprintf(out, size, "%s", final + strlen(ws->root) + 1);
	if (flat)
		claim_note_clear(final);
	else
		claim_finish(claim_dir);
	return 0;
}

/* "7. december 2026 kl. 13.23": staff read the reason file. */
static void received_da(time_t t, char *buf, size_t size)
{
	char date[CLOCK_ISO_SIZE];
	struct tm tm;
	localtime_r(&t, &tm);
	snprintf(buf, size, "%s kl. %02d.%02d", clock_format_danish(t, date), tm.tm_hour,
		 tm.tm_min);
}

int claim_quarantine(const struct workspace *ws, const char *claim_dir, const char *id,
		     const char *reason_da, const char *detail, char *out, size_t size)
{
	char file[PATH_MAX], quarantine[PATH_MAX], name[NAME_MAX + 1], final[PATH_MAX];
	char origin[PATH_MAX], shown[PATH_MAX], received[64], reason_name[NAME_MAX + 1];
	char stem[NAME_MAX + 1];
	struct strbuf text;
	int result = -1;

	int flat = claim_file(claim_dir, file, sizeof file);
	if (flat < 0) {
		errno = ENOENT;
		return -1;
	}
	claim_stem(claim_dir, stem, sizeof stem);
	claim_origin(claim_dir, origin, sizeof origin);
	msg_escape(shown, sizeof shown, origin);
	received_da((time_t)strtoll(base_name(claim_dir), NULL, 10), received, sizeof received);
	ws_path(ws, quarantine, sizeof quarantine, "quarantine");
	final_name(id ? id : stem, origin, name, sizeof name);
	/*
	 * The reason first, then the file: after a crash between the two the
	 * file is still claimed and the next run writes the reason again.
	 */
	if (snprintf(reason_name, sizeof reason_name, "%s%s", name, WS_REASON_SUFFIX) >=
	    (int)sizeof reason_name)
		return -1; /* cannot happen: final_name() leaves room */
	strbuf_init(&text, 64 * 1024);
	strbuf_printf(&text,
		      "skema kunne ikke behandle filen \"%s\".\n\n"
		      "Årsag: %s\n\n"
		      "Modtaget: %s\n",
		      shown, reason_da && *reason_da ? reason_da : "Filen kunne ikke læses.",
		      received);
	if (id)
		strbuf_printf(&text, "Id: %s\n", id);
	strbuf_printf(&text,
		      "Filen ligger nu i mappen quarantine/ som \"%s\".\n\n"
		      "Hvad gør jeg nu?\n"
		      "Ret det, der står under Årsag, og læg den rettede fil i indbakken igen.\n"
		      "Skal den samme fil blot prøves igen (fx efter at skemadefinitionen er\n"
		      "rettet), kan administrator skrive: skema retry %s\n\n"
		      "Teknisk besked til administrator: %s\n",
		      name, id ? id : stem, detail && *detail ? detail : "-");
	if (fs_write_file(quarantine, reason_name, text.data, text.len) < 0)
		goto out;
	if (fs_move(file, quarantine, name, final, sizeof final) < 0)
		goto out;
	/* A numbered name: the reason file must sit beside it under the same stem. */
	if (strcmp(base_name(final), name) != 0) {
		char from[PATH_MAX], numbered[NAME_MAX + 1];
		paths_join(from, sizeof from, quarantine, reason_name);
		if (snprintf(numbered, sizeof numbered, "%s%s", base_name(final), WS_REASON_SUFFIX) <
		    (int)sizeof numbered)
			fs_move(from, quarantine, numbered, NULL, 0);
	}
	snprintf(out, size, "%s", final + strlen(ws->root) + 1);
	if (flat)
		claim_note_clear(final);
	else
		claim_finish(claim_dir);
	result = 0;
out:
	strbuf_release(&text);
	return result;
}
