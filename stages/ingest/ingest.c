/*
 * skema-ingest - the first stage: one record per dropped file.
 *
 * usage: skema-ingest [--received-at ISO] [--max-size BYTES] PATH...
 *        skema-ingest --claim [--max-size BYTES] CLAIM...
 *
 * A PATH that is a directory stands for the regular files under it
 * (recursively; dot files and dot directories skipped).  For each file it
 * writes {id, path, original_name, sha256, size, received_at} on stdout
 * (docs/records.md).  It reads no document structure: only bytes, for the
 * digest.
 *
 * --claim: each argument is a claim made by the driver in work/
 * (docs/workspace.md), whose name starts with the receipt time in seconds:
 * either the claimed file itself, its ".origin" note (an extended
 * attribute) holding the name staff gave it, or a claim directory, whose
 * ".origin" note (an attribute of the directory, or a file of that name)
 * holds that name, an optional ".retry" file a retry count, and whose one
 * entry not starting with a dot is the claimed file.  Everything in the
 * record is derived from the claim, so running ingest again on the same
 * claim after a crash gives the same id: the store is idempotent on it.
 *
 * The id is YYYYMMDD-HHMMSS-<12 hex of sha256>-<n>, n = 10 x the file's inode
 * number + the retry count.  Files are only ever renamed and never deleted
 * in a workspace, so an inode number is not reused there and n is unique even
 * for the same bytes dropped twice in one second.
 *
 * Symlinks are never followed (O_NOFOLLOW), and only regular files are read.
 * A file over --max-size is not read at all (its sha256 is ""): it is
 * quarantined as too_large.
 *
 * Exit codes: 0 done (records with errors are still done), 64 usage,
 * 74 writing stdout failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "claim_note.h"
#include "clock.h"
#include "msg.h"
#include "paths.h"
#include "record.h"
#include "sha256.h"
#include "strbuf.h"
#include "utf8.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

/* A form is a few hundred KB; anything this large is not one of ours. */
#define INGEST_DEFAULT_MAX_SIZE (64LL * 1024 * 1024)
#define INGEST_MAX_DEPTH 8

struct ingest {
	time_t received_at;
	long long max_size;
	int write_failed;
};

static void usage(FILE *out);
static int ingest_path(struct ingest *in, const char *path, const char *name, int depth);
static int ingest_file(struct ingest *in, const char *path, const char *original_name,
		       time_t received_at, unsigned retry, unsigned long long claim_ino);
static int ingest_claim(struct ingest *in, const char *dir);
static int emit(struct ingest *in, json_t *rec);

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"received-at", required_argument, NULL, 'r'},
		{"max-size", required_argument, NULL, 'm'},
		{"claim", no_argument, NULL, 'c'},
		{NULL, 0, NULL, 0},
	};
	struct ingest in = {.max_size = INGEST_DEFAULT_MAX_SIZE};
	int claim = 0, have_time = 0, c;
	char *end;

	msg_set_program("skema-ingest");
	clock_init();
	while ((c = getopt_long(argc, argv, "hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("skema-ingest (skema) %s\n", SKEMA_VERSION);
			return EXIT_DONE;
		case 'r':
			if (clock_parse(optarg, &in.received_at) < 0) {
				msg_error("--received-at: not a time: %s", optarg);
				return EXIT_USAGE;
			}
			have_time = 1;
			break;
		case 'm':
			errno = 0;
			in.max_size = strtoll(optarg, &end, 10);
			if (errno || *end || in.max_size <= 0) {
				msg_error("--max-size: not a positive number: %s", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			claim = 1;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!have_time && clock_now(&in.received_at) < 0)
		return EXIT_USAGE;

	for (int i = optind; i < argc && !in.write_failed; i++) {
		if (claim) {
			ingest_claim(&in, argv[i]);
		} else {
			const char *slash = strrchr(argv[i], '/');
			const char *base = slash && slash[1] ? slash + 1 : argv[i];
			ingest_path(&in, argv[i], base, 0);
		}
	}
	if (in.write_failed || fflush(stdout) != 0) {
		msg_syserror("stdout");
		return 74;
	}
	return EXIT_DONE;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: skema-ingest [--received-at ISO] [--max-size BYTES] PATH...\n"
		     "       skema-ingest --claim [--max-size BYTES] CLAIM...\n"
		     "Writes one JSON record per regular file (docs/records.md).\n");
}

/* Skips what is not a dropped document: dot files, editor and OS droppings. */
static int skipped_name(const char *name)
{
	return name[0] == '.' || strncmp(name, "~$", 2) == 0;
}

/*
 * A directory given on the command line stands for the files in it.  name
 * is the path relative to the argument, used as original_name.
 */
static int ingest_path(struct ingest *in, const char *path, const char *name, int depth)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		char shown[512];
		msg_syserror("%s", msg_escape(shown, sizeof shown, path));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return ingest_file(in, path, name, in->received_at, 0, 0);
	if (!S_ISDIR(st.st_mode) || depth >= INGEST_MAX_DEPTH) {
		char shown[512];
		msg_warn("%s: not a regular file, skipped", msg_escape(shown, sizeof shown, path));
		return 0;
	}
	/* Sorted, so the order of records does not depend on the file system. */
	struct dirent **list = NULL;
	int n = scandir(path, &list, NULL, alphasort);
	if (n < 0) {
		char shown[512];
		msg_syserror("%s", msg_escape(shown, sizeof shown, path));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *entry = list[i]->d_name;
		if (!skipped_name(entry) && !in->write_failed) {
			char child[PATH_MAX], child_name[PATH_MAX];
			paths_join(child, sizeof child, path, entry);
			if (depth == 0)
				snprintf(child_name, sizeof child_name, "%s", entry);
			else
				paths_join(child_name, sizeof child_name, name, entry);
			ingest_path(in, child, child_name, depth + 1);
		}
		free(list[i]);
	}
	free(list);
	return 0;
}

/* Formats the id's time part, "20210913-115900", in local time. */
static void id_time(time_t t, char *buf, size_t size)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y%m%d-%H%M%S", &tm);
}

/* Original names may hold any bytes; the record holds valid UTF-8 only. */
static void set_name(json_t *rec, const char *name)
{
	char shown[PATH_MAX * 4];
	/* msg_escape keeps valid UTF-8 and escapes control bytes as \xNN. */
	msg_escape(shown, sizeof shown, name);
	record_set_str(rec, "original_name", shown);
}

/*
 * What tells this file apart in its id: its inode, unless it has other
 * names (hard links dropped side by side share one inode, and each is
 * its own submission): then the inode of its claim directory, which the
 * driver makes for such a file (pipeline/claim.c) and which is the
 * claim's own as long as it exists.
 */
static unsigned long long file_number(const struct stat *st, unsigned long long claim_ino)
{
	return st->st_nlink > 1 && claim_ino ? claim_ino : (unsigned long long)st->st_ino;
}

static int ingest_file(struct ingest *in, const char *path, const char *original_name,
		       time_t received_at, unsigned retry, unsigned long long claim_ino)
{
	char iso[CLOCK_ISO_SIZE], when[32], hex[65], id[128];
	uint64_t size = 0;
	struct stat st;
	json_t *rec = json_object();
	int fd = -1, result = 0;

	record_set_str(rec, "path", path);
	set_name(rec, original_name);
	if (!utf8_is_valid(path)) {
		/* JSON holds UTF-8 only; skema run renames claims to safe names. */
		char shown[PATH_MAX * 4];
		record_set_str(rec, "path", msg_escape(shown, sizeof shown, path));
		record_fail(rec, "ingest", "io", 1, "the path is not valid UTF-8",
			    "Filnavnet indeholder tegn, som skema ikke kan bruge. Giv filen et "
			    "nyt navn og læg den i indbakken igen.");
		goto emit;
	}
	record_set_str(rec, "received_at", clock_format(received_at, iso));

	/*
	 * Looked at before it is opened: opening a device can do things (a
	 * tape rewinds), and a symlink is never followed.  The record still
	 * gets made, so the entry is stored and quarantined like any file.
	 */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		int link = S_ISLNK(st.st_mode);
		record_fail(rec, "ingest", "not_a_document", 1,
			    link ? "a symbolic link; not followed"
				 : "not a regular file (device, FIFO or socket); not opened",
			    link ? "Det lagte er en genvej (et symbolsk link) og ikke selve "
				   "dokumentet. skema følger ikke genveje. Læg selve dokumentet "
				   "(.docx eller .odt) i indbakken."
				 : "Det lagte er ikke en almindelig fil, men en enhed eller en "
				   "pipe. skema åbner ikke sådanne. Læg selve dokumentet (.docx "
				   "eller .odt) i indbakken.");
		goto emit;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int saved = errno;
		char message[512];
		snprintf(message, sizeof message, "cannot open: %s", strerror(saved));
		/* ELOOP: a symlink put where a file was; never followed. */
		int permanent = saved == ELOOP || saved == ENXIO;
		record_fail(rec, "ingest", "io", permanent, message,
			    permanent ? "Filen er en genvej (et symbolsk link) eller ikke en "
					"almindelig fil. Læg selve dokumentet i indbakken."
				      : "Filen kunne ikke læses lige nu. skema prøver igen "
					"ved næste kørsel.");
		goto emit;
	}
	if (!S_ISREG(st.st_mode)) {
		record_fail(rec, "ingest", "not_a_document", 1, "not a regular file",
			    "Det lagte er ikke en almindelig fil. Læg selve dokumentet "
			    "(.docx eller .odt) i indbakken.");
		goto emit;
	}
	if ((long long)st.st_size > in->max_size) {
		/*
		 * Not read at all: hashing a 1 GB (sparse) file costs seconds
		 * and says nothing, as no stage will ever open it.  Its sha256
		 * is "" (docs/records.md).
		 */
		char message[128];
		snprintf(message, sizeof message, "%lld bytes, more than the limit of %lld",
			 (long long)st.st_size, in->max_size);
		id_time(received_at, when, sizeof when);
		snprintf(id, sizeof id, "%s-%.12s-%llu", when, "000000000000",
			 file_number(&st, claim_ino) * 10ULL + retry);
		record_set_str(rec, "id", id);
		record_set_str(rec, "sha256", "");
		json_object_set_new(rec, "size", json_integer((json_int_t)st.st_size));
		record_fail(rec, "ingest", "too_large", 1, message,
			    "Filen er alt for stor til at være et ansøgningsskema. Kontrollér, "
			    "at det er den rigtige fil, og læg ansøgningen i indbakken igen.");
		goto emit;
	}
	if (sha256_fd(fd, hex, &size) < 0) {
		char message[512];
		snprintf(message, sizeof message, "read: %s", strerror(errno));
		record_fail(rec, "ingest", "io", 0, message,
			    "Filen kunne ikke læses lige nu. skema prøver igen ved næste kørsel.");
		goto emit;
	}
	id_time(received_at, when, sizeof when);
	snprintf(id, sizeof id, "%s-%.12s-%llu", when, hex,
		 file_number(&st, claim_ino) * 10ULL + retry);
	record_set_str(rec, "id", id);
	record_set_str(rec, "sha256", hex);
	json_object_set_new(rec, "size", json_integer((json_int_t)size));
	/*
	 * The receipt time has whole seconds; of two forms received in one,
	 * the one written last is the newer (superseding, docs/schema.md).
	 * The claim kept the file's mtime: a rename does not touch it.
	 */
	json_object_set_new(rec, "modified_ns",
			    json_integer((json_int_t)st.st_mtim.tv_sec * 1000000000 +
					 st.st_mtim.tv_nsec));
	if (size == 0) {
		record_fail(rec, "ingest", "empty", 1, "the file is empty",
			    "Filen er tom (0 byte). Gem ansøgningen igen som .docx eller .odt "
			    "og læg den i indbakken.");
	} else if ((long long)size > in->max_size) {
		/* It grew while being read: still too large. */
		record_fail(rec, "ingest", "too_large", 1, "grew past the size limit while read",
			    "Filen er alt for stor til at være et ansøgningsskema. Kontrollér, "
			    "at det er den rigtige fil, og læg ansøgningen i indbakken igen.");
	}
emit:
	if (fd >= 0)
		close(fd);
	/* A record without an id still needs one for the store. */
	if (!record_str(rec, "id")) {
		/*
		 * Unopened: the inode still tells files apart (the store is
		 * idempotent on the id, so two files must never share one), and
		 * the same one as once the file can be read, so the store finds
		 * this claim's row again by the id's time and number.
		 */
		static unsigned long long unnamed;
		unsigned long long n = ++unnamed;
		if (fd >= 0 || lstat(path, &st) == 0)
			n = file_number(&st, claim_ino);
		id_time(received_at, when, sizeof when);
		snprintf(id, sizeof id, "%s-%.12s-%llu", when, "000000000000", n * 10ULL + retry);
		record_set_str(rec, "id", id);
		record_set_str(rec, "sha256", "");
		json_object_set_new(rec, "size", json_integer(0));
	}
	result = emit(in, rec);
	json_decref(rec);
	return result;
}

/* Reads a small text file of the claim into buf; returns 0 or -1. */
static int read_small(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX];
	paths_join(path, sizeof path, dir, name);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	size_t len = strlen(buf);
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return 0;
}

static int ingest_claim(struct ingest *in, const char *dir)
{
	char shown[512], origin[PATH_MAX], retry_text[32], path[PATH_MAX];
	const char *slash = strrchr(dir, '/');
	const char *base = slash && slash[1] ? slash + 1 : dir;
	char *end;
	unsigned retry = 0;

	msg_escape(shown, sizeof shown, dir);
	errno = 0;
	long long seconds = strtoll(base, &end, 10);
	if (errno || end == base || *end != '.') {
		msg_error("%s: not a claim", shown);
		return -1;
	}
	struct stat st;
	if (lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		/* A flat claim: the file itself, never a retry. */
		if (claim_note_read(dir, ".origin", origin, sizeof origin) < 0 || !origin[0])
			snprintf(origin, sizeof origin, "%s", base);
		return ingest_file(in, dir, origin, (time_t)seconds, 0, 0);
	}
	if (read_small(dir, ".retry", retry_text, sizeof retry_text) == 0)
		retry = (unsigned)strtoul(retry_text, NULL, 10) % 10;

	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, alphasort);
	if (n < 0) {
		msg_syserror("%s", shown);
		return -1;
	}
	const char *file = NULL;
	for (int i = 0; i < n; i++) {
		const char *entry = list[i]->d_name;
		/* The claim's own notes are dot files; staff files never are. */
		if (entry[0] == '.')
			continue;
		file = entry;
		break;
	}
	int result = -1;
	if (!file) {
		msg_error("%s: claim holds no file", shown);
		goto out;
	}
	paths_join(path, sizeof path, dir, file);
	if (claim_note_read(dir, ".origin", origin, sizeof origin) < 0 || !origin[0])
		snprintf(origin, sizeof origin, "%s", file);
	result = ingest_file(in, path, origin, (time_t)seconds, retry, (unsigned long long)st.st_ino);
out:
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return result;
}

static int emit(struct ingest *in, json_t *rec)
{
	if (record_write(stdout, rec) < 0) {
		in->write_failed = 1;
		return -1;
	}
	return 0;
}
