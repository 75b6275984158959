/*
 * skema - the driver: owns the workspace, claims dropped files, runs the
 * stage programs over them, and moves each file to archive/ or quarantine/.
 * It parses no document itself.
 *
 * usage: skema [-C DIR] [-q|-v] [--json] COMMAND [ARGS]
 *        skema --help | --version
 *
 * The workspace is -C DIR, else $SKEMA_HOME, else the current directory.
 * $SKEMA_NOW (an ISO time) overrides the clock.
 *
 * Exit codes: 0 done, 64 usage, 65 bad input, 70 internal error,
 * 75 temporary failure (retry), 78 configuration error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "msg.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv, const struct global_options *opt);
	const char *summary;
};

static const struct command commands[] = {
	{"init", cmd_init, "create a workspace: skema init DIR"},
	{"run", cmd_run, "process everything in the inbox once, then exit"},
	{"watch", cmd_watch, "process files as they arrive, until stopped"},
	{"status", cmd_status, "show what is in each state"},
	{"retry", cmd_retry, "send a quarantined file through again: skema retry ID"},
	{"inspect", cmd_inspect, "list every field skema sees in documents: skema inspect FILE..."},
	{"export", cmd_export, "write every submission as CSV on stdout"},
	{"check-forms", cmd_check_forms, "load and check every offer definition"},
	{"review", cmd_review, "list decisions that await a reviewer"},
	{"decide", cmd_decide, "record a reviewer's decision: skema decide ID OUTCOME --reason TEXT"},
	{"withdraw", cmd_withdraw, "withdraw an application: skema withdraw ID"},
	{"complete", cmd_complete, "record that a granted forløb has ended, freeing its place: skema complete ID"},
	{"rejudge", cmd_rejudge, "judge open cases again by the offer's definition as it is now: skema rejudge --offer ID"},
	{"purge", cmd_purge, "remove personal data of closed cases: skema purge --before DATE"},
	{"report", cmd_report, "write summary reports to reports/"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: skema [-C DIR] [-q|-v] [--json] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nThe workspace is -C DIR, else $SKEMA_HOME, else the current directory.\n"
		     "See skema(1).\n");
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{"help", no_argument, NULL, 'h'},    {"version", no_argument, NULL, 'V'},
		{"quiet", no_argument, NULL, 'q'},   {"verbose", no_argument, NULL, 'v'},
		{"json", no_argument, NULL, 'j'},    {"workspace", required_argument, NULL, 'C'},
		{NULL, 0, NULL, 0},
	};
	struct global_options opt = {0};
	int c;

	msg_set_program("skema");
	clock_init();
	opt.workspace = getenv("SKEMA_HOME");
	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+C:qvhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'C':
			opt.workspace = optarg;
			break;
		case 'q':
			opt.verbosity = -1;
			break;
		case 'v':
			opt.verbosity = 1;
			break;
		case 'j':
			opt.json = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("skema %s\n", SKEMA_VERSION);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!opt.workspace || !*opt.workspace)
		opt.workspace = ".";
	msg_set_verbosity(opt.verbosity);
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[optind];
	int sub_argc = argc - optind;
	char **sub_argv = argv + optind;
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(commands[i].name, name) == 0) {
			optind = 0; /* GNU getopt: 0 reinitialises for the subcommand */
			return commands[i].run(sub_argc, sub_argv, &opt);
		}
	}
	msg_error("unknown command \"%s\" (see skema --help)", name);
	return EXIT_USAGE;
}
