/*
 * claim_note.c - a claim's notes as extended attributes.
 *
 * Every claim used to carry its ".origin" (the name staff gave the file) as
 * a dot file: one more inode made and removed per form, on every file
 * system the slowest thing the driver did (ext4 without a journal scans past
 * every recently freed inode before it hands out a new one).  An extended
 * attribute lives in the inode it describes: the claimed file's own (a flat
 * claim, claim.c), cleared when the file leaves work/, or a claim
 * directory's, gone with its rmdir.  Where the file system keeps no user
 * attributes (NFS, some overlays) the dot file in a claim directory is
 * still written and still read, so claims made by an older skema read the
 * same.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "claim_note.h"
#include "paths.h"

static void attr_name(const char *note, char *buf, size_t size)
{
	snprintf(buf, size, "user.skema.%s", note[0] == '.' ? note + 1 : note);
}

static void cut_newlines(char *buf)
{
	size_t len = strlen(buf);
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
}

int claim_note_read(const char *dir, const char *note, char *buf, size_t size)
{
	char name[64], path[PATH_MAX];
	if (size == 0)
		return -1;
	attr_name(note, name, sizeof name);
	ssize_t n = lgetxattr(dir, name, buf, size - 1);
	if (n >= 0) {
		buf[n] = '\0';
		cut_newlines(buf);
		return 0;
	}
	paths_join(path, sizeof path, dir, note);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	cut_newlines(buf);
	return 0;
}

int claim_note_set(const char *dir, const char *note, const char *data, size_t len)
{
	char name[64];
	attr_name(note, name, sizeof name);
	return lsetxattr(dir, name, data, len, 0);
}

void claim_note_clear(const char *path)
{
	static const char *const notes[] = {"origin", "attempts", "deferrals", "retry", "retry_of"};
	char names[1024];
	ssize_t len = llistxattr(path, names, sizeof names);
	if (len < 0) {
		/* More attributes than fit (a Mac's, say): ours by name. */
		for (size_t i = 0; i < sizeof notes / sizeof *notes; i++) {
			attr_name(notes[i], names, sizeof names);
			lremovexattr(path, names);
		}
		return;
	}
	for (ssize_t at = 0; at < len; at += (ssize_t)strlen(names + at) + 1)
		if (strncmp(names + at, "user.skema.", 11) == 0)
			lremovexattr(path, names + at);
}
