/*
 * test_claim.c - the driver's claim protocol: which inbox entries are taken,
 * the names files get inside a claim and in archive/ and quarantine/, moves
 * that never replace, and recovery of claims a crash left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "claim_note.h"
#include "paths.h"
#include "../../pipeline/workspace.h"

#define CHECK_STR(got, want, what)                                                            \
	do {                                                                                  \
		if (strcmp((got), (want)) != 0)                                               \
			fail_msg("%s: got \"%s\", want \"%s\"", (what), (got), (want));        \
	} while (0)

struct fixture {
	char root[64];
	struct workspace ws;
};

/* sha256("one"), sha256("two") */
#define ONE_SHA256 "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed"
#define TWO_SHA256 "3fc4ccfe745870e2c0d99f71f30ff0656c8dedd41cc1d7d3d376b0dbe685e2f3"

static void touch(const char *root, const char *rel, const char *content)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	static const char *const dirs[] = {"inbox", "work", "archive", "archive/.objects",
					   "quarantine"};
	struct fixture *fx = calloc(1, sizeof *fx);
	char path[PATH_MAX];
	snprintf(fx->root, sizeof fx->root, "/tmp/skema-test-claim-XXXXXX");
	if (!fx || !mkdtemp(fx->root))
		return -1;
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		snprintf(path, sizeof path, "%s/%s", fx->root, dirs[i]);
		mkdir(path, 0700);
	}
	touch(fx->root, "skema.db", "");
	if (ws_open(&fx->ws, fx->root) != 0)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char command[128];
	ws_release(&fx->ws);
	snprintf(command, sizeof command, "rm -rf '%s'", fx->root);
	if (system(command) != 0)
		return -1;
	free(fx);
	return 0;
}

/* Whether the fixture's file system keeps user attributes on regular files (flat claims). */
static int user_attributes(const char *root)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/probe", root);
	FILE *f = fopen(path, "w");
	if (!f)
		return 0;
	fclose(f);
	int ok = lsetxattr(path, "user.skema.probe", "1", 1, 0) == 0;
	unlink(path);
	return ok;
}

static int listed(const struct candidate_list *list, const char *rel)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->items[i].rel, rel) == 0)
			return 1;
	return 0;
}

static void test_scan_ignores(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *name;
		int taken;
	} cases[] = {
		{"inbox/ansøgning.docx", 1},   {"inbox/form.ODT", 1},
		{"inbox/~$form.docx", 0},      {"inbox/.~lock.form.odt#", 0},
		{"inbox/.DS_Store", 0},        {"inbox/._form.docx", 0},
		{"inbox/Thumbs.db", 0},        {"inbox/desktop.ini", 0},
		{"inbox/upload.docx.part", 0}, {"inbox/~WRL0001.tmp", 0},
		{"inbox/backup.docx~", 0},     {"inbox/.form.docx.Xa1b2c", 0},
		{"inbox/x.crdownload", 0},     {"inbox/no extension", 1},
	};
	struct candidate_list list;
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		touch(fx->root, cases[i].name, "x");
	snprintf(path, sizeof path, "%s/inbox/Kommune A", fx->root);
	mkdir(path, 0700);
	touch(fx->root, "inbox/Kommune A/form.docx", "x");
	snprintf(path, sizeof path, "%s/inbox/__MACOSX", fx->root);
	mkdir(path, 0700);
	touch(fx->root, "inbox/__MACOSX/form.docx", "x");
	snprintf(path, sizeof path, "%s/inbox/link.docx", fx->root);
	assert_int_equal(symlink("/etc/shadow", path), 0);

	candidate_list_init(&list);
	assert_int_equal(claim_scan(&fx->ws, 0, &list), 0);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int got = listed(&list, cases[i].name + strlen("inbox/"));
		if (got != cases[i].taken)
			fail_msg("%s: got taken=%d, want %d", cases[i].name, got, cases[i].taken);
	}
	assert_true(listed(&list, "Kommune A/form.docx"));
	assert_false(listed(&list, "__MACOSX/form.docx"));
	/* The symlink is listed, as not regular: claimed only to be quarantined. */
	for (size_t i = 0; i < list.count; i++)
		if (strcmp(list.items[i].rel, "link.docx") == 0)
			assert_int_equal(list.items[i].regular, 0);
	assert_true(listed(&list, "link.docx"));
	assert_int_equal(list.ignored, 11);
	candidate_list_release(&list);

	/* A settle time: files just written are counted, not taken. */
	candidate_list_init(&list);
	assert_int_equal(claim_scan(&fx->ws, 60, &list), 0);
	assert_int_equal(list.count, 1); /* only the symlink */
	assert_int_equal(list.unsettled, 4);
	candidate_list_release(&list);
}

static void test_inner_name(void **state)
{
	(void)state;
	static const struct {
		const char *rel, *want;
	} cases[] = {
		{"ansøgning.docx", "document.docx"},
		{"sub/dir/form.ODT", "document.ODT"},
		{"no extension", "document"},
		{"weird.ext with space", "document"},
		{"evil.\n.docx", "document.docx"},
		{"trailing.", "document"},
		{".hidden", "document"},
		{"x.verylongextension", "document"},
		{"odd\xff.docx", "document.docx"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char got[32];
		claim_inner_name(cases[i].rel, got, sizeof got);
		CHECK_STR(got, cases[i].want, cases[i].rel);
	}
}

static void test_take_archive_quarantine(void **state)
{
	struct fixture *fx = *state;
	struct candidate_list list;
	char claim[PATH_MAX], out[PATH_MAX], path[PATH_MAX];
	char long_name[300];

	/* A name that fills NAME_MAX, with a Danish letter where it is cut. */
	memset(long_name, 'a', sizeof long_name);
	memcpy(long_name + 180, "æøå", 6);
	memcpy(long_name + 240, ".docx", 6);
	touch(fx->root, "inbox/første.docx", "one");
	snprintf(path, sizeof path, "inbox/%s", long_name);
	touch(fx->root, path, "two");

	int flat = user_attributes(fx->root);
	candidate_list_init(&list);
	assert_int_equal(claim_scan(&fx->ws, 0, &list), 0);
	assert_int_equal(list.count, 2);
	for (size_t i = 0; i < list.count; i++) {
		assert_int_equal(claim_take(&fx->ws, &list.items[i], 1631527140, claim, sizeof claim), 1);
		if (flat) {
			/* work/C.docx: the file itself, its origin its own attribute */
			struct stat st;
			assert_int_equal(lstat(claim, &st), 0);
			assert_true(S_ISREG(st.st_mode));
			const char *base = strrchr(claim, '/') + 1;
			assert_int_equal(strncmp(base, "1631527140.P", 12), 0);
			CHECK_STR(base + strlen(base) - 5, ".docx", "flat claim's extension");
			assert_true(lgetxattr(claim, "user.skema.origin", NULL, 0) > 0);
		}
		char origin[PATH_MAX];
		claim_origin(claim, origin, sizeof origin);
		CHECK_STR(origin, list.items[i].rel, "origin");
		if (strcmp(list.items[i].rel, "første.docx") == 0) {
			char planned[PATH_MAX], temp[PATH_MAX];
			/* Not the bytes that were read (written on since): no copy, nothing left. */
			assert_int_equal(claim_object_copy(&fx->ws, claim, ONE_SHA256, 4, temp,
							   sizeof temp),
					 1);
			assert_int_equal(claim_object_copy(&fx->ws, claim, TWO_SHA256, 3, temp,
							   sizeof temp),
					 1);
			CHECK_STR(temp, "", "no copy left");
			assert_int_equal(claim_object_copy(&fx->ws, claim, ONE_SHA256, 3, temp,
							   sizeof temp),
					 0);
			assert_int_equal(claim_object_commit(temp), 0);
			claim_plan(claim, "20210913-115900-aaaaaaaaaaaa-10", "archive", planned,
				   sizeof planned);
			assert_int_equal(claim_archive(&fx->ws, claim, "20210913-115900-aaaaaaaaaaaa-10",
						       out, sizeof out),
					 0);
			CHECK_STR(out, "archive/20210913-115900-aaaaaaaaaaaa-10-første.docx", "archived");
			CHECK_STR(planned, out, "planned");
		} else {
			assert_int_equal(claim_quarantine(&fx->ws, claim, "20210913-115900-bbbbbbbbbbbb-20",
							  "Filen er for lang.", "too long", out,
							  sizeof out),
					 0);
			const char *base = strrchr(out, '/') + 1;
			assert_true(strlen(base) + strlen(WS_REASON_SUFFIX) <= NAME_MAX);
			/* cut on a whole UTF-8 sequence, extension kept */
			assert_non_null(strstr(base, "æ"));
			assert_int_equal(strcmp(base + strlen(base) - 5, ".docx"), 0);
			assert_true(snprintf(path, sizeof path, "%s/%s%s", fx->root, out,
					     WS_REASON_SUFFIX) < (int)sizeof path);
			assert_int_equal(access(path, F_OK), 0);
		}
		assert_int_equal(access(claim, F_OK), -1); /* the claim is gone */
		/* and the file took none of its notes along */
		assert_true(snprintf(path, sizeof path, "%s/%s", fx->root, out) < (int)sizeof path);
		assert_int_equal(lgetxattr(path, "user.skema.origin", NULL, 0), -1);
	}
	candidate_list_release(&list);
	/* Copied into the content-addressed store under its sha256: a file of its own, not a link. */
	struct stat object;
	snprintf(path, sizeof path, "%s/" WS_OBJECTS "/" ONE_SHA256, fx->root);
	assert_int_equal(lstat(path, &object), 0);
	assert_int_equal(object.st_nlink, 1);
	assert_int_equal(object.st_size, 3);
	char **none = NULL;
	assert_int_equal(claim_list(&fx->ws, &none), 0);
	free(none);
}

/*
 * Flat claims: counters kept on the file, the id a claim without a record
 * gets (its name without the extension), and what takes no attribute (a
 * symlink) claimed in a directory instead.
 */
static void test_flat_and_directory(void **state)
{
	struct fixture *fx = *state;
	struct candidate_list list;
	char claim[PATH_MAX], path[PATH_MAX], out[PATH_MAX];

	if (!user_attributes(fx->root))
		skip(); /* no user attributes here: every claim is a directory */
	touch(fx->root, "inbox/a.docx", "a");
	snprintf(path, sizeof path, "%s/inbox/link.docx", fx->root);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	candidate_list_init(&list);
	assert_int_equal(claim_scan(&fx->ws, 0, &list), 0);
	assert_int_equal(list.count, 2);
	for (size_t i = 0; i < list.count; i++) {
		struct stat st;
		assert_int_equal(claim_take(&fx->ws, &list.items[i], 1631527140, claim, sizeof claim), 1);
		assert_int_equal(lstat(claim, &st), 0);
		if (strcmp(list.items[i].rel, "a.docx") == 0) {
			assert_true(S_ISREG(st.st_mode));
			assert_int_equal(claim_bump_attempts(claim), 1);
			assert_int_equal(claim_bump_attempts(claim), 2);
			assert_int_equal(claim_bump(claim, ".deferrals"), 1);
			assert_int_equal(claim_finish(claim), 0); /* nothing to do: the file is the claim */
			assert_int_equal(access(claim, F_OK), 0);
			/* No record: the quarantined file is named by its claim, without ".docx". */
			assert_int_equal(claim_quarantine(&fx->ws, claim, NULL, "Fejl.", "crash", out,
							  sizeof out),
					 0);
			const char *base = strrchr(claim, '/') + 1;
			char want[PATH_MAX];
			snprintf(want, sizeof want, "quarantine/%.*s-a.docx", (int)(strlen(base) - 5), base);
			CHECK_STR(out, want, "quarantined without an id");
			assert_true(snprintf(path, sizeof path, "%s/%s", fx->root, out) <
				    (int)sizeof path);
			assert_int_equal(lgetxattr(path, "user.skema.attempts", NULL, 0), -1);
			assert_int_equal(lgetxattr(path, "user.skema.deferrals", NULL, 0), -1);
		} else {
			/* A symlink takes no user attribute: a claim directory holds it. */
			assert_true(S_ISDIR(st.st_mode));
			assert_int_equal(claim_file(claim, path, sizeof path), 0);
			assert_int_equal(lstat(path, &st), 0);
			assert_true(S_ISLNK(st.st_mode));
			char origin[PATH_MAX];
			claim_origin(claim, origin, sizeof origin);
			CHECK_STR(origin, "link.docx", "the symlink's origin");
			assert_int_equal(claim_quarantine(&fx->ws, claim, "20210913-115900-cccccccccccc-30",
							  "Ikke en fil.", "symlink", out, sizeof out),
					 0);
			assert_int_equal(access(claim, F_OK), -1);
		}
	}
	candidate_list_release(&list);
}

static void test_recovery(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX], **claims = NULL;

	/* A crash after mkdir: empty claim.  After .origin: claim without a file. */
	snprintf(path, sizeof path, "%s/work/1631527140.P1R000000000001", fx->root);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/work/1631527140.P1R000000000002", fx->root);
	mkdir(path, 0700);
	touch(fx->root, "work/1631527140.P1R000000000002/.origin", "x.docx");
	/* A real claim, and something that is not a claim at all. */
	snprintf(path, sizeof path, "%s/work/1631527141.P1R000000000003", fx->root);
	mkdir(path, 0700);
	touch(fx->root, "work/1631527141.P1R000000000003/.origin", "y.docx");
	touch(fx->root, "work/1631527141.P1R000000000003/document.docx", "y");
	touch(fx->root, "work/notaclaim", "z");
	/* A flat claim: the file itself. */
	touch(fx->root, "work/1631527142.P1R000000000004.odt", "w");

	long n = claim_list(&fx->ws, &claims);
	assert_int_equal(n, 2);
	assert_non_null(strstr(claims[0], "1631527141.P1R000000000003"));
	assert_non_null(strstr(claims[1], "1631527142.P1R000000000004.odt"));
	char file[PATH_MAX];
	assert_int_equal(claim_file(claims[1], file, sizeof file), 1);
	CHECK_STR(file, claims[1], "a flat claim's file");
	assert_int_equal(claim_file(claims[0], file, sizeof file), 0);
	assert_non_null(strstr(file, "1631527141.P1R000000000003/document.docx"));
	for (long i = 0; i < n; i++)
		free(claims[i]);
	free(claims);
	snprintf(path, sizeof path, "%s/work/1631527140.P1R000000000001", fx->root);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof path, "%s/work/1631527140.P1R000000000002", fx->root);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof path, "%s/work/notaclaim", fx->root);
	assert_int_equal(access(path, F_OK), 0);
}

static void test_move_never_replaces(void **state)
{
	struct fixture *fx = *state;
	char from[PATH_MAX], dir[PATH_MAX], out[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/quarantine", fx->root);
	touch(fx->root, "quarantine/a.docx", "old");
	touch(fx->root, "inbox/a.docx", "new");
	snprintf(from, sizeof from, "%s/inbox/a.docx", fx->root);
	assert_int_equal(fs_move(from, dir, "a.docx", out, sizeof out), 0);
	assert_non_null(strstr(out, "/quarantine/a (2).docx"));
	touch(fx->root, "inbox/a.docx", "newer");
	assert_int_equal(fs_move(from, dir, "a.docx", out, sizeof out), 0);
	assert_non_null(strstr(out, "/quarantine/a (3).docx"));
	char path[PATH_MAX], buf[8] = "";
	snprintf(path, sizeof path, "%s/quarantine/a.docx", fx->root);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	CHECK_STR(buf, "old", "kept");
}

/* The claim's path in a stage's message becomes the name staff gave the file. */
static void test_shown_message(void **state)
{
	(void)state;
	char buf[256];
	const char *claimed = "/ws/work/1.P2R3/document.docx";
	assert_string_equal(ws_shown_message("/ws/work/1.P2R3/document.docx: bad zip", claimed,
					     "Ny mappe/ansøgning.docx", buf, sizeof buf),
			    "Ny mappe/ansøgning.docx: bad zip");
	assert_string_equal(ws_shown_message("in /ws/work/1.P2R3/document.docx and "
					     "/ws/work/1.P2R3/document.docx", claimed, "a.docx",
					     buf, sizeof buf),
			    "in a.docx and a.docx");
	assert_string_equal(ws_shown_message("no path here", claimed, "a.docx", buf, sizeof buf),
			    "no path here");
	/* The claim gone (export of an old row): only a leading claim path. */
	assert_string_equal(ws_shown_message("/x y/work/17.P1Rab/document.odt: neither DOCX nor ODT",
					     NULL, "b.odt", buf, sizeof buf),
			    "b.odt: neither DOCX nor ODT");
	assert_string_equal(ws_shown_message("/x y/work/17.P1Rab.docx: not a zip", NULL, "c.docx",
					     buf, sizeof buf),
			    "c.docx: not a zip");
	assert_string_equal(ws_shown_message("/ws/work/17.P1Rab: empty", NULL, "d", buf, sizeof buf),
			    "d: empty");
	assert_string_equal(ws_shown_message("/ws/work/17.notes: x", NULL, "b.odt", buf, sizeof buf),
			    "/ws/work/17.notes: x");
	assert_string_equal(ws_shown_message("/home/work/notes.txt: x", NULL, "b.odt", buf,
					     sizeof buf),
			    "/home/work/notes.txt: x");
	assert_string_equal(ws_shown_message("/ws/work/1.P2R3/document.docx: x", claimed, "", buf,
					     sizeof buf),
			    "/ws/work/1.P2R3/document.docx: x");
	/* Too long for buf: the message as it is, never cut. */
	char tiny[8];
	assert_string_equal(ws_shown_message("/ws/work/1.P2R3/document.docx: long message",
					     claimed, "a.docx", tiny, sizeof tiny),
			    "/ws/work/1.P2R3/document.docx: long message");
}

/*
 * The origin note: an attribute of the claim directory where the file
 * system keeps them (no file made), the dot file where it cannot (a value
 * over the kernel's 64 KiB limit for any attribute stands in for a file
 * system without them), and a dot file left by an older skema still read.
 */
static void test_notes(void **state)
{
	struct fixture *fx = *state;
	char dir[PATH_MAX], path[PATH_MAX], got[PATH_MAX];
	struct stat st;

	snprintf(dir, sizeof dir, "%s/work/1631527140.P1R000000000001", fx->root);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(claim_note_write(dir, ".origin", "Kommune A/ansøgning.docx", 25), 0);
	paths_join(path, sizeof path, dir, ".origin");
	if (lgetxattr(dir, "user.skema.origin", got, sizeof got) == 25)
		assert_int_equal(lstat(path, &st), -1); /* kept in the inode, no file */
	else
		assert_int_equal(lstat(path, &st), 0); /* no user attributes here */
	claim_origin(dir, got, sizeof got);
	CHECK_STR(got, "Kommune A/ansøgning.docx", "origin from the note");
	assert_int_equal(claim_finish(dir), 0);
	assert_int_equal(lstat(dir, &st), -1);

	/* Too long for an attribute anywhere: the dot file, read back whole. */
	size_t big = 70 * 1024;
	char *long_origin = malloc(big + 1), *back = malloc(big + 1);
	assert_non_null(long_origin);
	assert_non_null(back);
	memset(long_origin, 'x', big);
	long_origin[big] = '\0';
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(claim_note_write(dir, ".origin", long_origin, big), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_size, (off_t)big);
	assert_int_equal(claim_note_read(dir, ".origin", back, big + 1), 0);
	assert_int_equal(strlen(back), big);
	free(long_origin);
	free(back);
	assert_int_equal(claim_finish(dir), 0); /* the file removed, then the directory */
	assert_int_equal(lstat(dir, &st), -1);

	/* A claim made before notes were attributes. */
	assert_int_equal(mkdir(dir, 0700), 0);
	touch(fx->root, "work/1631527140.P1R000000000001/.origin", "gammel.odt\n");
	assert_int_equal(claim_note_read(dir, ".origin", got, sizeof got), 0);
	CHECK_STR(got, "gammel.odt", "origin from an old claim's file");
	assert_int_equal(claim_note_read(dir, ".retry", got, sizeof got), -1);
	assert_int_equal(claim_finish(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_ignores, setup, teardown),
		cmocka_unit_test(test_inner_name),
		cmocka_unit_test_setup_teardown(test_take_archive_quarantine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flat_and_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_never_replaces, setup, teardown),
		cmocka_unit_test(test_shown_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
