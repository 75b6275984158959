/*
 * sandbox.c - reading one document in a child process that can do almost
 * nothing, forked by a small helper (the "zygote").
 *
 * libxml2's README says it is not meant for untrusted data, and libzip has
 * had its CVEs; so every document is parsed in its own fresh child: it
 * limits itself (RLIMIT_AS, RLIMIT_CPU, RLIMIT_FSIZE 0, RLIMIT_NOFILE),
 * installs a seccomp filter that allows reading and writing already open
 * descriptors, memory management and exit (open, socket, execve and the
 * rest fail with EPERM), and only then reads the file from the descriptor
 * it was handed.  It writes its scan as one JSON text into a pipe and
 * exits.  Whatever the child does (crash, kill, garbage, silence) becomes
 * an error for that one document: crash, timeout or out_of_memory.
 *
 * The children are not forked by the stage itself but by the zygote, a
 * helper the stage forks at the very start of main, while it is still
 * small: before the offers, jansson's state and the stage's buffers exist.
 * A fork of the grown stage copied its page tables, and both processes
 * then took copy-on-write faults on the heap they shared (README, "Speed
 * and memory").  The zygote holds the compiled filter and does nothing but
 * fork: the stage opens each file and sends the descriptor, with the write
 * end of the answer pipe, over a socketpair (SCM_RIGHTS); the zygote forks
 * a child for it and reports back how the child ended.  The stage keeps
 * the clock: a child over its time is killed on the stage's request.  The
 * zygote dies with the stage (PR_SET_PDEATHSIG, and EOF on its socket); if
 * it dies first, the stage starts another (a few times at most) and reads
 * again the documents it had in flight, else they get a temporary error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "extract.h"
#include "fdio.h"
#include "json_write.h"

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

/*
 * Largest answer accepted from a child: four times the largest record
 * (--max-record), since the answer also carries the tables and paragraphs
 * the label fallback reads, and within these bounds.  A form's answer is
 * some 20 KB; a bigger one would only be refused after the parent had
 * parsed it, at several times its size in memory.
 */
#define MIN_ANSWER (1u << 20)
#define MAX_ANSWER (64u << 20)

static size_t answer_cap(const struct extract_limits *limits)
{
	size_t cap = limits->max_record > MAX_ANSWER / 4 ? MAX_ANSWER : limits->max_record * 4;
	return cap < MIN_ANSWER ? MIN_ANSWER : cap;
}

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
 * Bytes of address space mapped now (libraries, heap), or 0: read once by
 * the zygote, whose children start with its mappings.  Without stdio, so
 * the zygote's heap stays as small as it is.
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
 * The seccomp program, compiled by libseccomp once, in the zygote: compiling
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
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) || size > 32000 ||
	    lseek(fd, 0, SEEK_SET) < 0)
		goto out;
	/*
	 * One instruction in front, X = 0 (which it already is): the kernel
	 * builds a cache of the syscalls a new filter always allows by running
	 * the filter for each of the ~900 syscall numbers of both x86 ABIs,
	 * with interrupts off, and stops at the first instruction it does not
	 * model.  On libseccomp's chain of comparisons that cost ~60 us per
	 * child, more than the parse of a small form; with the cache not
	 * built, each syscall runs the (JIT-compiled) filter, and the child
	 * makes few.  Jumps in classic BPF are relative: the rest is unchanged.
	 */
	struct sock_filter *code = malloc((size_t)size + sizeof *code);
	if (!code)
		goto out;
	if (read(fd, code + 1, (size_t)size) != (ssize_t)size) {
		free(code);
		goto out;
	}
	code[0] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);
	filter.len = (unsigned short)((size_t)size / sizeof(struct sock_filter) + 1);
	filter.filter = code;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return rc;
}

static int confine(const struct extract_limits *limits, size_t mapped)
{
	struct rlimit rl;
	/*
	 * The limit is what the document may add: the program's own mappings
	 * (libicudata alone is 30 MB) differ between builds, and a limit below
	 * them makes every allocation fail, which ends in a crash, not an error.
	 */
	rl.rlim_cur = rl.rlim_max = mapped + limits->max_memory;
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

	/* The filter was compiled once in the zygote; loading it is two prctl calls. */
	if (!filter.filter || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) < 0)
		return -1;
	return 0;
}

/* ---- the zygote's side ------------------------------------------------- */

/* What the stage asks of the zygote, one datagram each. */
enum { ZY_FORK = 1, ZY_KILL = 2 };
struct zy_request {
	uint32_t op;
	uint32_t id;
	char display[1024]; /* ZY_FORK: the file as named in messages */
};

/* What the zygote answers: how child id ended, or that it could not fork. */
enum { ZY_EXITED = 1, ZY_NOFORK = 2 };
struct zy_reply {
	uint32_t id;
	int32_t what;
	int32_t status; /* ZY_EXITED: as from waitpid */
	int32_t err;	/* ZY_NOFORK: errno */
};

/* Children of one zygote at most; the stage has at most MAX_JOBS (16) at once. */
#define ZY_KIDS 64

/*
 * Leaves a document's child only stderr, its answer pipe as fd 3 and the
 * document as fd 4: not the zygote's socket, nor anything the stage had,
 * which a subverted parser could otherwise write to or read from.
 */
static int keep_only(int answer, int file)
{
	int a = fcntl(answer, F_DUPFD, 10);
	int f = fcntl(file, F_DUPFD, 10);
	if (a < 0 || f < 0 || dup2(a, 3) < 0 || dup2(f, 4) < 0)
		return -1;
	if (close_range(5, ~0U, 0) < 0)
		return -1;
	close(0);
	close(1);
	return 0;
}

/* One document's child: confine, then read fd 4, answer on fd 3.  Never returns. */
static void doc_child(int answer, int file, const char *display,
		      const struct extract_limits *limits, size_t mapped, pid_t zygote)
{
	struct extract_scan scan;
	unsigned char *data = NULL;
	size_t size = 0;
	sigset_t none;

	/* A child outlives nothing: if the zygote is killed, so is its reader. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != zygote)
		_exit(CHILD_NO_SANDBOX);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (keep_only(answer, file) < 0 || confine(limits, mapped) < 0)
		_exit(CHILD_NO_SANDBOX);
	/* The first byte of the document is read under the filter. */
	extract_scan_init(&scan, limits, display);
	if (extract_read_fd(4, &scan, &data, &size) == 0)
		extract_document_mem(data, size, &scan);
	json_t *result = extract_scan_json(&scan);
	char *text = result ? json_compact(result) : NULL;
	if (!text)
		_exit(CHILD_OOM);
	int status = fdio_write_all(3, text, strlen(text)) < 0 ? EXIT_FAILURE : 0;
	/* The process ends anyway; freeing keeps valgrind's count of leaks meaningful. */
	free(text);
	json_decref(result);
	extract_scan_release(&scan);
	free(data);
	_exit(status);
}

static void zy_reply(int sock, uint32_t id, int what, int status, int err)
{
	struct zy_reply r = {.id = id, .what = what, .status = status, .err = err};
	if (send(sock, &r, sizeof r, MSG_NOSIGNAL) != (ssize_t)sizeof r)
		_exit(0); /* the stage is gone: so are we */
}

/*
 * Receives one request and its descriptors (fds[0..1] set to -1 when
 * none came).  Returns the request's size, 0 at EOF, -1 on error.
 */
static ssize_t zy_receive(int sock, struct zy_request *req, int fds[2])
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = req, .iov_len = sizeof *req};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof control.buf};
	fds[0] = fds[1] = -1;
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int got[2] = {-1, -1};
		memcpy(got, CMSG_DATA(c), (k > 2 ? 2 : k) * sizeof(int));
		for (size_t i = 0; i < k && i < 2; i++)
			fds[i] = got[i];
	}
	return n;
}

/*
 * The zygote: forks one child per request and reports how each ended.
 * Runs in the process forked at the start of the stage; never returns.
 */
static void zygote_main(int sock, pid_t stage, const struct extract_limits *limits)
{
	struct {
		pid_t pid;
		uint32_t id;
	} kids[ZY_KIDS];
	size_t nkids = 0;
	sigset_t chld;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != stage)
		_exit(0);
	prctl(PR_SET_NAME, "skema-zygote", 0, 0, 0);
	/* Nothing of the stage's: not its record streams, only the socket. */
	if (sock != 3) {
		if (dup2(sock, 3) < 0)
			_exit(EXIT_FAILURE);
		sock = 3;
	}
	close_range(4, ~0U, 0);
	close(0);
	close(1);
	/* libzip converts DOS times with mktime(), which stats /etc/localtime each time. */
	setenv("TZ", "UTC", 1);
	extract_xml_setup();
	/*
	 * jansson seeds its hash function on the first object made, from
	 * /dev/urandom: once here, not in every child (where the filter makes
	 * the open fail and it falls back to the clock).
	 */
	json_object_seed(0);
	/* A failure shows in every child, which then cannot confine itself (exit 72). */
	compile_filter();
	/*
	 * The children grow their heap in large steps and keep what they
	 * freed: each new page is a fault, and a child lives for one document.
	 */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
	size_t mapped = mapped_now();

	/* An ignored SIGCHLD (inherited from whoever started the stage) reaps by itself. */
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		_exit(EXIT_FAILURE);
	pid_t self = getpid();
	for (;;) {
		struct pollfd p[2] = {{.fd = sock, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(EXIT_FAILURE);
		}
		if (p[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) > 0)
				;
			int status;
			pid_t pid;
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
				for (size_t i = 0; i < nkids; i++)
					if (kids[i].pid == pid) {
						zy_reply(sock, kids[i].id, ZY_EXITED, status, 0);
						kids[i] = kids[--nkids];
						break;
					}
		}
		if (!p[0].revents)
			continue;
		struct zy_request req;
		int fds[2];
		ssize_t n = zy_receive(sock, &req, fds);
		if (n == 0 || (n < 0 && errno != EINTR))
			_exit(0); /* the stage closed its end or is gone */
		if (n < (ssize_t)offsetof(struct zy_request, display)) {
			for (int i = 0; i < 2; i++)
				if (fds[i] >= 0)
					close(fds[i]);
			continue;
		}
		if (req.op == ZY_KILL) {
			for (size_t i = 0; i < nkids; i++)
				if (kids[i].id == req.id)
					kill(kids[i].pid, SIGKILL);
		} else if (req.op == ZY_FORK) {
			size_t len = (size_t)n - offsetof(struct zy_request, display);
			req.display[len < sizeof req.display ? len : sizeof req.display - 1] = '\0';
			pid_t pid = -1;
			int err = EINVAL;
			if (fds[0] < 0 || fds[1] < 0)
				err = EBADF;
			else if (nkids == ZY_KIDS)
				err = EAGAIN;
			else if ((pid = fork()) == 0)
				doc_child(fds[1], fds[0], req.display, limits, mapped, self);
			else if (pid < 0)
				err = errno;
			if (pid > 0) {
				kids[nkids].pid = pid;
				kids[nkids].id = req.id;
				nkids++;
			} else {
				zy_reply(sock, req.id, ZY_NOFORK, 0, err);
			}
			for (int i = 0; i < 2; i++)
				if (fds[i] >= 0)
					close(fds[i]);
		}
	}
}

/* ---- the stage's side -------------------------------------------------- */

/* How often a zygote is started in all: the first, and restarts after it died. */
#define ZY_STARTS 3

/* A zygote's answer that does not come this long after the child's time: it is stuck. */
#define ZY_GRACE_MS 2000

static struct {
	pid_t pid;
	int sock; /* -1: none running */
	int starts;
	int start_err; /* errno of the last start that failed */
	uint32_t next_id;
	struct extract_limits limits;
	int have_limits;
} zy = {.sock = -1};

/* One document being read by a child. */
struct extract_child {
	char *path;
	char *display;
	uint32_t id;
	int fd;	     /* read end of the answer pipe, -1 when closed */
	int waiting; /* 1 while the zygote owes us how the child ended */
	int status;  /* as from waitpid, once !waiting */
	int fork_err;
	int redone; /* read again after its zygote died */
	struct timespec start;
	int timed_out, too_big;
	struct strbuf answer;
	json_t *result; /* set for a child that could not be started */
	const struct extract_limits *limits;
};

/* Children the zygote owes an answer for, found by id. */
static struct extract_child *live[ZY_KIDS];
static size_t nlive;

static void live_add(struct extract_child *c)
{
	live[nlive++] = c;
}

static void live_remove(struct extract_child *c)
{
	for (size_t i = 0; i < nlive; i++)
		if (live[i] == c) {
			live[i] = live[--nlive];
			return;
		}
}

int extract_zygote_start(const struct extract_limits *limits)
{
	int sv[2];
	if (zy.sock >= 0)
		return 0;
	if (limits) {
		zy.limits = *limits;
		zy.have_limits = 1;
	}
	if (!zy.have_limits || zy.starts >= ZY_STARTS) {
		if (!zy.start_err)
			zy.start_err = EAGAIN;
		return -1;
	}
	zy.starts++;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		zy.start_err = errno;
		return -1;
	}
	fflush(NULL);
	pid_t stage = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		zy.start_err = errno;
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		zygote_main(sv[1], stage, &zy.limits);
	}
	close(sv[1]);
	zy.pid = pid;
	zy.sock = sv[0];
	return 0;
}

/* Ends the zygote (and so its children): at the end, or when it stopped answering. */
static void zy_close(void)
{
	if (zy.sock < 0)
		return;
	close(zy.sock);
	zy.sock = -1;
	kill(zy.pid, SIGKILL);
	while (waitpid(zy.pid, NULL, 0) < 0 && errno == EINTR)
		;
	zy.pid = 0;
}

void extract_zygote_stop(void)
{
	if (zy.sock < 0)
		return;
	/* EOF tells it to go; it has no children left when the stage is done. */
	close(zy.sock);
	zy.sock = -1;
	while (waitpid(zy.pid, NULL, 0) < 0 && errno == EINTR)
		;
	zy.pid = 0;
}

static int zy_send(const struct zy_request *req, size_t len, const int *fds, size_t nfds)
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = (void *)req, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (nfds) {
		memset(&control, 0, sizeof control);
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(zy.sock, &msg, MSG_NOSIGNAL);
		if (n == (ssize_t)len)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return -1;
	}
}

static void child_kill(struct extract_child *c)
{
	struct zy_request req = {.op = ZY_KILL, .id = c->id};
	if (c->waiting && zy.sock >= 0 &&
	    zy_send(&req, offsetof(struct zy_request, display), NULL, 0) < 0)
		zy_close();
}

/*
 * Hands c's document to the zygote: opens the file here (the child may not
 * open anything), and sends it with the answer pipe's write end.  On any
 * failure c->result is set; a zygote found dead is closed, and c is read
 * again once another is started (extract_children_wait).
 */
static void child_submit(struct extract_child *c)
{
	struct extract_scan scan;
	int file = -1, fds[2] = {-1, -1};

	clock_gettime(CLOCK_MONOTONIC, &c->start);
	if (nlive == ZY_KIDS) {
		/* More at once than the zygote keeps (the stage has at most 16). */
		c->result = sandbox_error(c->display, "too many readers at once", EAGAIN);
		return;
	}
	if (extract_zygote_start(NULL) < 0) {
		c->result = sandbox_error(c->display, "cannot start the sandbox", zy.start_err);
		return;
	}
	extract_scan_init(&scan, c->limits, c->display);
	file = extract_open_file(c->path, &scan);
	if (file < 0) {
		/* Nothing of the document was read: the error is made here. */
		c->result = extract_scan_json(&scan);
		goto out;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		c->result = sandbox_error(c->display, "cannot create a pipe", errno);
		goto out;
	}
	struct zy_request req = {.op = ZY_FORK, .id = ++zy.next_id};
	size_t len = strlen(c->display);
	if (len >= sizeof req.display)
		len = sizeof req.display - 1;
	memcpy(req.display, c->display, len);
	int send_fds[2] = {file, fds[1]};
	c->id = req.id;
	c->fd = fds[0];
	fds[0] = -1;
	/* Several children are drained from one poll loop: never block on one. */
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	c->waiting = 1;
	live_add(c);
	if (zy_send(&req, offsetof(struct zy_request, display) + len, send_fds, 2) < 0)
		zy_close(); /* c is read again by the next zygote, or gets an error */
out:
	if (file >= 0)
		close(file);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	extract_scan_release(&scan);
}

/*
 * The zygote is gone: its children were killed with it.  Each document it
 * had is read again by a new zygote (once), else gets a temporary error;
 * one already over its time keeps its timeout.
 */
static void zy_orphans(void)
{
	struct extract_child *orphans[ZY_KIDS];
	size_t n = nlive;
	memcpy(orphans, live, n * sizeof *orphans);
	nlive = 0;
	for (size_t i = 0; i < n; i++) {
		struct extract_child *c = orphans[i];
		c->waiting = 0;
		if (c->fd >= 0) {
			close(c->fd);
			c->fd = -1;
		}
		if (c->timed_out)
			continue;
		strbuf_reset(&c->answer);
		c->too_big = 0;
		if (c->redone) {
			c->result = sandbox_error(c->display, "the sandbox stopped while reading", 0);
			continue;
		}
		c->redone = 1;
		child_submit(c);
	}
}

/* Reads the zygote's answers and hands each to its child. */
static void zy_read(void)
{
	for (;;) {
		struct zy_reply r;
		ssize_t n = recv(zy.sock, &r, sizeof r, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n != (ssize_t)sizeof r) {
			zy_close(); /* EOF, an error, or nonsense: it is gone */
			return;
		}
		for (size_t i = 0; i < nlive; i++) {
			struct extract_child *c = live[i];
			if (c->id != r.id)
				continue;
			c->waiting = 0;
			live_remove(c);
			if (r.what == ZY_EXITED)
				c->status = r.status;
			else
				c->fork_err = r.err ? r.err : EAGAIN;
			break;
		}
	}
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

struct extract_child *extract_child_start(const char *path, const char *display,
					  const struct extract_limits *limits, int sandbox)
{
	struct extract_child *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->path = strdup(path);
	c->display = strdup(display);
	if (!c->path || !c->display) {
		free(c->path);
		free(c->display);
		free(c);
		return NULL;
	}
	c->fd = -1;
	c->limits = limits;
	strbuf_init(&c->answer, answer_cap(limits));
	if (!sandbox) {
		c->result = scan_in_process(path, display, limits);
		return c;
	}
	if (!zy.have_limits) {
		zy.limits = *limits;
		zy.have_limits = 1;
	}
	child_submit(c);
	return c;
}

/* 1 when nothing more will come from c. */
static int child_quiet(const struct extract_child *c)
{
	return c->result || (c->fd < 0 && !c->waiting);
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
		if (n > 0) {
			c->too_big = 1;
			child_kill(c);
		}
		close(c->fd);
		c->fd = -1;
		return;
	}
}

void extract_children_wait(struct extract_child **children, size_t n)
{
	struct pollfd fds[65];
	if (n > 64)
		n = 64;
	while (n > 0 && !child_quiet(children[0])) {
		size_t nfds = 0;
		long wait_ms = -1;
		if (zy.sock < 0 && nlive > 0)
			zy_orphans();
		for (size_t i = 0; i < n; i++) {
			struct extract_child *c = children[i];
			if (child_quiet(c))
				continue;
			long left = c->limits->timeout_ms - elapsed_ms(&c->start);
			if (c->timed_out) {
				/* Killed; a zygote that does not say so in time is stuck. */
				left += ZY_GRACE_MS;
				if (left <= 0) {
					zy_close();
					break;
				}
			} else if (left <= 0) {
				/*
				 * Over its time, its pipe closed or not (a subverted
				 * reader may close it and carry on): the zygote kills
				 * it and says so.
				 */
				c->timed_out = 1;
				child_kill(c);
				if (c->fd >= 0) {
					close(c->fd);
					c->fd = -1;
				}
				continue;
			}
			if (wait_ms < 0 || left < wait_ms)
				wait_ms = left;
			if (c->fd >= 0) {
				fds[nfds].fd = c->fd;
				fds[nfds].events = POLLIN;
				fds[nfds].revents = 0;
				nfds++;
			}
		}
		if (zy.sock < 0) {
			if (nlive > 0)
				continue; /* read again, or errors, by zy_orphans */
		} else if (nlive > 0) {
			fds[nfds].fd = zy.sock;
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
			if (fds[k].fd == zy.sock) {
				zy_read();
				continue;
			}
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
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	if (c->waiting) {
		/* Only when poll itself failed: we cannot know how it ended. */
		live_remove(c);
		child_kill(c);
		c->waiting = 0;
		if (!result)
			result = sandbox_error(c->display, "lost track of the reader", 0);
	}
	if (!result) {
		int status = c->status;
		const char *display = c->display;
		if (c->timed_out) {
			result = error_scan(display, "timeout",
					    "reading took longer than the time limit");
		} else if (c->fork_err) {
			result = sandbox_error(display, "cannot fork", c->fork_err);
		} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
			result = error_scan(display, "timeout",
					    "reading used more than the CPU time limit");
		} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && !c->too_big) {
			result = error_scan(display, "timeout",
					    "the reader was killed (CPU time limit)");
		} else if (WIFSIGNALED(status) && !c->too_big) {
			char what[100];
			snprintf(what, sizeof what, "the reader crashed (signal %d)",
				 WTERMSIG(status));
			result = error_scan(display, "crash", what);
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NO_SANDBOX) {
			result = sandbox_error(display, "the reader could not confine itself", 0);
		} else if (c->too_big) {
			char what[100];
			snprintf(what, sizeof what, "the reader's answer was longer than %zu bytes",
				 c->answer.max);
			result = error_scan(display, "too_much_text", what);
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OOM) {
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
	free(c->path);
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
