/*
 * cmd_watch.c - skema watch: processes files as they arrive, until stopped.
 *
 * usage: skema watch [--jobs N] [--poll SECONDS] [--settle SECONDS]
 *                    [--rescan SECONDS] [-q|-v|--json]
 *
 * One instance per workspace: it holds .watch.lock for its whole life, and
 * a second one says who has it and exits 75.  Each pass is the same as
 * skema run (and takes .run.lock, so a run beside it waits its turn).
 *
 * inotify events are hints, never the truth (notes: paperless #13011, lost
 * events on overflow): the watch is added before the first scan, every
 * wake-up is a full scan of the inbox, IN_Q_OVERFLOW is just another
 * wake-up, and a rescan happens every --rescan seconds anyway.  Files still
 * being written wake it again after the settle time.  --poll N never uses
 * inotify (network shares, where it sees nothing) and scans every N seconds.
 *
 * SIGTERM, SIGINT, SIGHUP: nothing more is claimed; the batch under way finishes
 * (its files are moved to archive/ or quarantine/), then it exits 0.
 *
 * Exit codes: 0 stopped by a signal, 75 another watch holds the workspace,
 * 64 usage, 78 not a workspace, 70 inotify failed.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "msg.h"
#include "paths.h"
#include "workspace.h"

#define WATCH_DEPTH 6

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: skema watch [--jobs N] [--poll SECONDS] [--settle SECONDS] [--rescan SECONDS]\n"
		"                   [-q|-v|--json]\n"
		"Processes files as they arrive in the inbox, until stopped (SIGTERM).\n"
		"  -j, --jobs N documents read, letters rendered at once (default: the CPUs)\n"
		"  --poll S     scan every S seconds instead of using inotify (network shares)\n"
		"  --settle S   seconds a file must be unchanged (default: skema.conf)\n"
		"  --rescan S   full rescan at least this often (default 300)\n");
}

static int parse_seconds(const char *text, long *out)
{
	char *end;
	long value = strtol(text, &end, 10);
	if (end == text || *end || value < 0)
		return -1;
	*out = value;
	return 0;
}

/* Watches dir and its sub-folders (inotify is not recursive). */
static void add_watches(int fd, const char *dir, int depth)
{
	uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_ATTRIB |
			IN_ONLYDIR;
	if (inotify_add_watch(fd, dir, mask) < 0 || depth >= WATCH_DEPTH)
		return;
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, NULL);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (names[i]->d_type == DT_DIR && name[0] != '.') {
			char sub[PATH_MAX];
			add_watches(fd, paths_join(sub, sizeof sub, dir, name), depth + 1);
		}
		free(names[i]);
	}
	free(names);
}

/* Reads and drops pending events; they only say "look again". */
static void drain(int fd)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	while (read(fd, buf, sizeof buf) > 0)
		;
}

int cmd_watch(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"help", no_argument, NULL, 'h'},         {"poll", required_argument, NULL, 'p'},
		{"settle", required_argument, NULL, 's'}, {"rescan", required_argument, NULL, 'r'},
		{"quiet", no_argument, NULL, 'q'},        {"verbose", no_argument, NULL, 'v'},
		{"json", no_argument, NULL, 'J'},         {"jobs", required_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct workspace ws;
	struct runner r;
	int verbosity = opt->verbosity, json = opt->json, c, rc, result = EXIT_DONE;
	long poll_seconds = -1, settle = -1, rescan = -1, holder = 0, jobs = 0;
	int ifd = -1, watch_lock = -1;

	while ((c = getopt_long(argc, argv, "hj:qv", long_options, NULL)) != -1) {
		long *target = c == 'p' ? &poll_seconds : c == 's' ? &settle : &rescan;
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'j':
			if (parse_seconds(optarg, &jobs) < 0 || jobs < 1) {
				msg_error("watch: --jobs: not a positive number: %s", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
		case 's':
		case 'r':
			if (parse_seconds(optarg, target) < 0) {
				msg_error("watch: not a number of seconds: %s", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			if (ws_output_option(c, &verbosity, &json))
				break;
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	msg_set_verbosity(verbosity);
	rc = ws_enter(&ws, opt->workspace);
	if (rc != 0)
		return rc;
	if (poll_seconds < 0)
		poll_seconds = config_get_long(&ws.config, "watch.poll_seconds", 0);
	if (rescan < 0)
		rescan = config_get_long(&ws.config, "watch.rescan_seconds", 300);
	if (rescan < 1)
		rescan = 300;
	if (settle < 0)
		settle = ws.settle_seconds;

	watch_lock = ws_lock(&ws, "watch", 0, &holder);
	if (watch_lock == -2) {
		msg_error("watch: another skema watch is already running for %s (pid %ld); "
			  "stop it first, or use skema status",
			  ws.root, holder);
		result = EXIT_TEMPFAIL;
		goto out;
	}
	if (watch_lock < 0) {
		msg_syserror("watch: %s: lock", ws.root);
		result = EXIT_TEMPFAIL;
		goto out;
	}

	/* Signals stay blocked except inside ppoll(), so none is lost between
	 * looking at the flag and going to sleep. */
	ws_catch_stop(on_stop);
	sigset_t blocked, during_wait;
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGHUP);

	char inbox[PATH_MAX];
	ws_path(&ws, inbox, sizeof inbox, "inbox");
	if (poll_seconds == 0) {
		ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (ifd < 0) {
			msg_syserror("watch: inotify (use --poll SECONDS)");
			result = EXIT_SOFTWARE;
			goto out;
		}
	}
	msg_info("watching %s/inbox (%s)", ws.root, ifd >= 0 ? "inotify" : "polling");

	while (!stop_requested) {
		if (ifd >= 0)
			add_watches(ifd, inbox, 0); /* before the scan: nothing slips between */
		runner_init(&r, &ws);
		r.verbosity = verbosity;
		r.settle = settle;
		r.jobs = jobs;
		r.stop = &stop_requested;
		r.output = json ? RUNNER_JSON : RUNNER_LINES;
		rc = runner_pass(&r);
		if (rc != 0 && rc != EXIT_TEMPFAIL)
			msg_warn("watch: pass ended with %d; going on", rc);
		if (stop_requested)
			break;

		long wait = ifd >= 0 ? rescan : poll_seconds;
		/* Something is being written, or waits for a retry: look again soon. */
		if (r.unsettled > 0 && settle + 1 < wait)
			wait = settle + 1;
		if (r.deferred > 0 && wait > 30)
			wait = 30;
		struct timespec timeout = {wait, 0};
		struct pollfd pfd = {.fd = ifd, .events = POLLIN};
		sigprocmask(SIG_BLOCK, &blocked, &during_wait);
		if (!stop_requested) {
			int woke = ppoll(ifd >= 0 ? &pfd : NULL, ifd >= 0 ? 1 : 0, &timeout, &during_wait);
			if (woke > 0 && ifd >= 0) {
				/* A burst of events is one change: let it settle a moment. */
				sigprocmask(SIG_SETMASK, &during_wait, NULL);
				struct timespec pause = {0, 200 * 1000 * 1000};
				nanosleep(&pause, NULL);
				drain(ifd);
			}
		}
		sigprocmask(SIG_SETMASK, &during_wait, NULL);
	}
	msg_info("watch: stopped");
out:
	if (ifd >= 0)
		close(ifd);
	if (watch_lock >= 0)
		close(watch_lock);
	ws_release(&ws);
	return result;
}
