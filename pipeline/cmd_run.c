/*
 * cmd_run.c - skema run: processes everything in the inbox once, then exits.
 *
 * usage: skema run [--jobs N] [--batch N] [--settle SECONDS] [--quiet|--verbose|--json]
 *
 * On a terminal a progress bar with counts and rate; otherwise one line per
 * file on stdout: "TIME FILE: OUTCOME (DETAIL)", outcome archived,
 * quarantined or deferred.  --json: one JSON object per file instead.
 * SIGTERM or SIGINT: nothing more is claimed; what is claimed is finished.
 *
 * Exit codes: 0 every file handled (archived or quarantined), 75 some stay
 * claimed for the next run (a temporary failure, or the workspace is
 * read-only), 64 usage, 78 not a workspace.  A later stage (decide, letter,
 * report) that fails is reported on stderr but is not a failure to handle
 * the files; the next run runs it again.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "msg.h"
#include "workspace.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: skema run [--jobs N] [--batch N] [--settle SECONDS] [-q|-v|--json]\n"
		     "Processes every complete file in the inbox once, then exits.\n"
		     "  -j, --jobs N        documents read, letters rendered at once (default: the CPUs)\n"
		     "      --batch N       files per pass through the stages (default: skema.conf)\n"
		     "      --settle S      seconds a file must be unchanged (default: skema.conf)\n"
		     "  -q, --quiet         errors only\n"
		     "  -v, --verbose       say more\n"
		     "      --json          one JSON object per file on stdout\n"
		     "Exit: 0 all handled, 75 some left for the next run, 78 not a workspace.\n");
}

/* Parses a non-negative number; returns 0 or -1. */
static int parse_count(const char *text, long *out)
{
	char *end;
	long value = strtol(text, &end, 10);
	if (end == text || *end || value < 0)
		return -1;
	*out = value;
	return 0;
}

int cmd_run(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"help", no_argument, NULL, 'h'},       {"jobs", required_argument, NULL, 'j'},
		{"batch", required_argument, NULL, 'b'},  {"settle", required_argument, NULL, 's'}, {"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},    {"json", no_argument, NULL, 'J'},
		{NULL, 0, NULL, 0},
	};
	struct workspace ws;
	struct runner r;
	int verbosity = opt->verbosity, json = opt->json, c;
	long jobs = 0, batch = 0, settle = -1;

	while ((c = getopt_long(argc, argv, "hj:qv", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'j':
			if (parse_count(optarg, &jobs) < 0 || jobs < 1) {
				msg_error("run: --jobs: not a positive number: %s", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'b':
			if (parse_count(optarg, &batch) < 0 || batch < 1) {
				msg_error("run: --batch: not a positive number: %s", optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			if (parse_count(optarg, &settle) < 0) {
				msg_error("run: --settle: not a number of seconds: %s", optarg);
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
	int rc = ws_enter(&ws, opt->workspace);
	if (rc != 0)
		return rc;
	ws_catch_stop(on_stop);

	runner_init(&r, &ws);
	r.verbosity = verbosity;
	r.jobs = jobs;
	r.batch = batch;
	r.settle = settle;
	r.stop = &stop_requested;
	r.always_later = 1;
	r.output = json ? RUNNER_JSON
			: (isatty(STDERR_FILENO) && verbosity >= 0 ? RUNNER_PROGRESS : RUNNER_LINES);
	rc = runner_pass(&r);
	if (verbosity >= 0 && !json)
		msg_info("%ld claimed, %ld archived, %ld quarantined, %ld left for the next run%s",
			 r.claimed, r.archived, r.quarantined, r.deferred,
			 r.unsettled ? " (some files are still being written)" : "");
	ws_release(&ws);
	return rc;
}
