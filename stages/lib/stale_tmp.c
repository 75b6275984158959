/*
 * stale_tmp.c - removing the temporary files of writers killed mid-write
 * (stale_tmp.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "stale_tmp.h"

long stale_tmp_pid(const char *name)
{
	const char *mark = strstr(name, ".tmp.");
	char *end;
	long pid;

	if (!mark || mark - name < 5 ||
	    (strncmp(mark - 4, ".pdf", 4) != 0 && strncmp(mark - 4, ".csv", 4) != 0))
		return 0;
	mark += 5;
	if (*mark < '1' || *mark > '9')
		return 0;
	errno = 0;
	pid = strtol(mark, &end, 10);
	if (errno || pid <= 0 || pid > INT_MAX)
		return 0;
	/* pdf_stage_file() adds a counter: ".<n>", digits only. */
	if (*end == '.') {
		const char *n = end + 1;
		if (!*n)
			return 0;
		for (; *n; n++)
			if (*n < '0' || *n > '9')
				return 0;
	} else if (*end) {
		return 0;
	}
	return pid;
}

/*
 * Whether pid is a process that may still write: alive and not a zombie.
 * A writer killed with its parent still running stays a zombie until
 * reaped, and kill(pid, 0) succeeds on it; its file would be left a run
 * longer.  EPERM: someone else's process, not ours to judge.
 */
static int pid_may_write(pid_t pid)
{
	if (kill(pid, 0) < 0)
		return errno != ESRCH;
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	/* "pid (comm) S ...": the state follows the last ')', as comm may hold one. */
	const char *paren = strrchr(buf, ')');
	return !(paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'));
}

void stale_tmp_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *entry;

	if (!d) {
		msg_syserror("%s", dir);
		return;
	}
	while ((entry = readdir(d)) != NULL) {
		long pid = stale_tmp_pid(entry->d_name);
		struct stat st;
		if (pid == 0 || (pid_t)pid == getpid())
			continue;
		if (pid_may_write((pid_t)pid))
			continue;
		if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dirfd(d), entry->d_name, 0) < 0)
			msg_syserror("%s/%s: cannot remove a stale temporary file", dir,
				     entry->d_name);
		else
			msg_info("%s/%s: removed a temporary file left by an interrupted run", dir,
				 entry->d_name);
	}
	closedir(d);
}
