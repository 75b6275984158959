/*
 * sandbox.c - reading one document in a child process that can do almost
 * nothing.
 *
 * libxml2's README says it is not meant for untrusted data, and libzip has
 * had its CVEs; so the parse runs in a forked child: the file is read into
 * memory first, then the child limits itself (RLIMIT_AS, RLIMIT_CPU,
 * RLIMIT_FSIZE 0, RLIMIT_NOFILE) and installs a seccomp filter that
 * allows reading and writing already open descriptors, memory management
 * and exit; open, socket, execve and the rest fail with EPERM.  The child
 * writes its scan as one JSON text into a pipe and exits.  The parent
 * enforces a wall-clock timeout and turns whatever the child does (crash,
 * kill, garbage, silence) into an error for that one document: crash,
 * timeout or out_of_memory.  A fork of this small process costs well under a
 * millisecond, so one document per child is affordable.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "extract.h"

/* The child's exit status when it could not even produce its answer. */
#define CHILD_OOM 71

/*
 * The child's exit status when it could not confine itself (rlimits,
 * descriptors, the seccomp filter): the installation's failure, not the
 * document's, so the file waits for the next run (permanent false).
 */
#define CHILD_NO_SANDBOX 72

/* Danish advice when the sandbox itself failed: the file is left for the next run. */
static const char sandbox_da[] =
    "skema kunne ikke starte læsningen af filen (en fejl i installationen, ikke i "
    "filen). Filen bliver liggende og læses igen ved næste kørsel. Kontakt en "
    "administrator, hvis det bliver ved.";

/* Largest answer accepted from a child: its parts are capped well below this. */
#define MAX_ANSWER (64u << 20)

static json_t *error_scan(const char *display, const char *code, const char *what)
{
	char line[1200];
	snprintf(line, sizeof line, "%s: %s", display, what);
	json_t *err = json_object();
	json_object_set_new(err, "code", json_string(code));
	json_object_set_new(err, "message", extract_json_string(line));
	json_object_set_new(err, "message_da", json_string(extract_error_da(code)));
	json_object_set_new(err, "permanent", json_true());
	return json_pack("{s:o}", "error", err);
}

/*
 * The sandbox could not be set up (filter, pipe, fork, descriptors): a
 * temporary io error, so the driver retries the file instead of
 * quarantining a good form.  errno, when given, says why.
 */
static json_t *sandbox_error(const char *display, const char *what, int errnum)
{
	char line[1200];
	if (errnum)
		snprintf(line, sizeof line, "%s: %s: %s", display, what, strerror(errnum));
	else
		snprintf(line, sizeof line, "%s: %s", display, what);
	json_t *err = json_object();
	json_object_set_new(err, "code", json_string("io"));
	json_object_set_new(err, "message", extract_json_string(line));
	json_object_set_new(err, "message_da", json_string(sandbox_da));
	json_object_set_new(err, "permanent", json_false());
	return json_pack("{s:o}", "error", err);
}

static json_t *scan_in_process(const char *path, const char *display,
			       const struct extract_limits *limits)
{
	struct extract_scan scan;
	extract_scan_init(&scan, limits, display);
	extract_document(path, &scan);
	json_t *result = extract_scan_json(&scan);
	extract_scan_release(&scan);
	return result;
}

/*
 * Bytes of address space mapped now (libraries, heap, the document), or 0.
 * Read without stdio: it runs in every child, and a FILE is a malloc'd
 * buffer the child would fault in for one number.
 */
static size_t mapped_now(void)
{
	char buf[64];
	unsigned long pages = 0;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			pages = strtoul(buf, NULL, 10);
		}
	}
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * The seccomp program, compiled by libseccomp once per process: compiling
 * it in every child cost more than the parse of a small form.
 */
static struct sock_fprog filter;

static int compile_filter(void)
{
	static const int allowed[] = {
	    SCMP_SYS(read),	      SCMP_SYS(write),	      SCMP_SYS(close),
	    SCMP_SYS(exit),	      SCMP_SYS(exit_group),   SCMP_SYS(brk),
	    SCMP_SYS(mmap),	      SCMP_SYS(munmap),	      SCMP_SYS(mremap),
	    SCMP_SYS(madvise),	      SCMP_SYS(mprotect),     SCMP_SYS(rt_sigreturn),
	    SCMP_SYS(rt_sigprocmask), SCMP_SYS(fstat),	      SCMP_SYS(newfstatat),
	    SCMP_SYS(lseek),	      SCMP_SYS(futex),	      SCMP_SYS(getrandom),
	    SCMP_SYS(clock_gettime),  SCMP_SYS(gettimeofday), SCMP_SYS(time),
	    SCMP_SYS(getpid),	      SCMP_SYS(gettid),	      SCMP_SYS(tgkill),
	    SCMP_SYS(sigaltstack),
	};
	if (filter.filter)
		return 0;
	int rc = -1, fd = -1;
	/* Everything else fails with EPERM: open, socket, execve, ptrace ... */
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return -1;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0) < 0)
			goto out;
	fd = memfd_create("skema-seccomp", MFD_CLOEXEC);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0)
		goto out;
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) || size > 65536 ||
	    lseek(fd, 0, SEEK_SET) < 0)
		goto out;
	struct sock_filter *code = malloc((size_t)size);
	if (!code)
		goto out;
	if (read(fd, code, (size_t)size) != (ssize_t)size) {
		free(code);
		goto out;
	}
	filter.len = (unsigned short)((size_t)size / sizeof(struct sock_filter));
	filter.filter = code;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return rc;
}

static int confine(const struct extract_limits *limits)
{
	struct rlimit rl;
	/*
	 * The limit is what the document may add: the program's own mappings
	 * (libicudata alone is 30 MB) differ between builds, and a limit below
	 * them makes every allocation fail, which ends in a crash, not an error.
	 */
	rl.rlim_cur = rl.rlim_max = mapped_now() + limits->max_memory;
	if (limits->max_memory && setrlimit(RLIMIT_AS, &rl) < 0)
		return -1;
	rl.rlim_cur = (rlim_t)limits->max_cpu;
	rl.rlim_max = (rlim_t)limits->max_cpu + 1;
	if (limits->max_cpu && setrlimit(RLIMIT_CPU, &rl) < 0)
		return -1;
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		return -1;
	rl.rlim_cur = rl.rlim_max = 8;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;

	/* The filter was compiled once in the parent; loading it is two prctl calls. */
	if (!filter.filter || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) < 0)
		return -1;
	return 0;
}

static void write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(EXIT_FAILURE);
		data += n;
		len -= (size_t)n;
	}
}

/*
 * Leaves the child only stderr and its own answer pipe (as fd 3): not the
 * record streams on stdin and stdout, nor the pipes of other documents
 * being read at the same time (--jobs), which a subverted parser could
 * otherwise write to or read from.  Returns the pipe's descriptor or -1.
 */
static int keep_only_pipe(int fd)
{
	if (fd != 3) {
		if (dup2(fd, 3) < 0)
			return -1;
		close(fd);
	}
	if (close_range(4, ~0U, 0) < 0)
		return -1;
	close(0);
	close(1);
	return 3;
}

static pid_t parent_pid;

static void child(int fd, const char *path, const char *display,
		  const struct extract_limits *limits)
{
	struct extract_scan scan;
	unsigned char *data = NULL;
	size_t size = 0;

	extract_scan_init(&scan, limits, display);
	/* A child outlives nothing: if the stage is killed, so is its reader. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent_pid)
		_exit(EXIT_FAILURE);
	/* libzip converts DOS times with mktime(), which stats /etc/localtime each time. */
	setenv("TZ", "UTC", 1);
	/* Open and read before confinement: the filter forbids open(2). */
	int have = extract_read_file(path, &scan, &data, &size) == 0;
	if ((fd = keep_only_pipe(fd)) < 0)
		_exit(CHILD_NO_SANDBOX);
	if (have) {
		if (confine(limits) < 0)
			_exit(CHILD_NO_SANDBOX);
		extract_document_mem(data, size, &scan);
	}
	json_t *result = extract_scan_json(&scan);
	char *text = result ? json_dumps(result, JSON_COMPACT) : NULL;
	if (!text)
		_exit(CHILD_OOM);
	write_all(fd, text, strlen(text));
	_exit(0);
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* One document being read by a child. */
struct extract_child {
	char *display;
	pid_t pid; /* 0: no child (result already set) */
	int fd;	   /* read end of the answer pipe, -1 when closed */
	struct timespec start;
	int timed_out, too_big;
	struct strbuf answer;
	json_t *result; /* set for a child that could not be started */
	int timeout_ms;
};

struct extract_child *extract_child_start(const char *path, const char *display,
					  const struct extract_limits *limits, int sandbox)
{
	struct extract_child *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->display = strdup(display);
	c->fd = -1;
	c->timeout_ms = limits->timeout_ms;
	strbuf_init(&c->answer, MAX_ANSWER);
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	if (!sandbox) {
		c->result = scan_in_process(path, display, limits);
		return c;
	}
	if (compile_filter() < 0) {
		c->result = sandbox_error(display, "cannot compile the seccomp filter", errno);
		return c;
	}
	/*
	 * Coalesce the free chunks now, in the parent: a child that does it
	 * writes to (and so copies) every page of a fragmented heap.
	 */
	malloc_trim(0);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		c->result = sandbox_error(display, "cannot create a pipe", errno);
		return c;
	}
	fflush(NULL);
	parent_pid = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int errnum = errno;
		close(fds[0]);
		close(fds[1]);
		c->result = sandbox_error(display, "cannot fork", errnum);
		return c;
	}
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], path, display, limits);
	}
	close(fds[1]);
	/* Several children are drained from one poll loop: never block on one. */
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	c->pid = pid;
	c->fd = fds[0];
	return c;
}

/* 1 when nothing more will come from c. */
static int child_quiet(const struct extract_child *c)
{
	return c->result || c->fd < 0;
}

/* Reads what c has written; closes the pipe at its end. */
static void child_drain(struct extract_child *c)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read(c->fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n > 0 && strbuf_append(&c->answer, chunk, (size_t)n) == 0) {
			if ((size_t)n < sizeof chunk)
				return; /* likely all there is for now; poll says when more */
			continue;
		}
		if (n > 0)
			c->too_big = 1;
		close(c->fd);
		c->fd = -1;
		return;
	}
}

void extract_children_wait(struct extract_child **children, size_t n)
{
	struct pollfd fds[64];
	if (n > 64)
		n = 64;
	while (n > 0 && !child_quiet(children[0])) {
		size_t nfds = 0;
		long wait_ms = -1;
		for (size_t i = 0; i < n; i++) {
			struct extract_child *c = children[i];
			if (child_quiet(c))
				continue;
			long left = c->timeout_ms - elapsed_ms(&c->start);
			if (left <= 0) {
				/* Over its time: the child is killed and reaped in finish. */
				c->timed_out = 1;
				kill(c->pid, SIGKILL);
				close(c->fd);
				c->fd = -1;
				continue;
			}
			if (wait_ms < 0 || left < wait_ms)
				wait_ms = left;
			fds[nfds].fd = c->fd;
			fds[nfds].events = POLLIN;
			fds[nfds].revents = 0;
			nfds++;
		}
		if (nfds == 0)
			break;
		int r = poll(fds, nfds, (int)(wait_ms > INT_MAX ? INT_MAX : wait_ms));
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		for (size_t k = 0; k < nfds; k++) {
			if (!fds[k].revents)
				continue;
			for (size_t i = 0; i < n; i++)
				if (children[i]->fd == fds[k].fd) {
					child_drain(children[i]);
					break;
				}
		}
	}
}

json_t *extract_child_finish(struct extract_child *c)
{
	extract_children_wait(&c, 1);
	json_t *result = c->result;
	c->result = NULL;
	if (!result) {
		if (c->fd >= 0) {
			close(c->fd);
			c->fd = -1;
		}
		if (c->too_big)
			kill(c->pid, SIGKILL);
		int status = 0;
		while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
			;
		const char *display = c->display;
		if (c->timed_out) {
			result = error_scan(display, "timeout",
					    "reading took longer than the time limit");
		} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
			result = error_scan(display, "timeout",
					    "reading used more than the CPU time limit");
		} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			result = error_scan(display, "timeout",
					    "the reader was killed (CPU time limit)");
		} else if (WIFSIGNALED(status)) {
			char what[100];
			snprintf(what, sizeof what, "the reader crashed (signal %d)",
				 WTERMSIG(status));
			result = error_scan(display, "crash", what);
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NO_SANDBOX) {
			result = sandbox_error(display, "the reader could not confine itself", 0);
		} else if (c->too_big || (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OOM)) {
			result =
			    error_scan(display, "out_of_memory", "the reader ran out of memory");
		} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
			char what[100];
			snprintf(what, sizeof what, "the reader failed (exit %d)",
				 WEXITSTATUS(status));
			result = error_scan(display, "crash", what);
		} else {
			json_error_t jerr;
			result = json_loadb(c->answer.data ? c->answer.data : "", c->answer.len, 0,
					    &jerr);
			if (!json_is_object(result)) {
				json_decref(result);
				result = error_scan(display, "crash", "the reader gave no answer");
			}
		}
	}
	strbuf_release(&c->answer);
	free(c->display);
	free(c);
	return result;
}

json_t *extract_scan_path(const char *path, const char *display,
			  const struct extract_limits *limits, int sandbox)
{
	struct extract_child *c = extract_child_start(path, display, limits, sandbox);
	if (!c)
		return error_scan(display, "out_of_memory", "out of memory");
	return extract_child_finish(c);
}
