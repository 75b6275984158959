/*
 * cmd_report.c - skema report: summary reports for managers, on demand.
 *
 * usage: skema report [--offer ID] [--from DATE] [--to DATE] [--output DIR]
 *
 * Runs skema-report over the workspace database and writes into
 * <workspace>/reports/ (or DIR): oversigt.pdf, and <offer>.pdf and
 * <offer>.csv per offer; docs/reports.md describes them.  `skema run`
 * writes the same files after every run.  With --from/--to the file names
 * carry the period, so the reports of the last run stay as they are.
 *
 * Exit codes: those of skema-report (0 done, 64 usage, 70 internal error,
 * 75 busy or disk full: retry, 78 no database).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "msg.h"
#include "paths.h"
#include "workspace.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

static void usage(FILE *out)
{
	fprintf(out, "usage: skema report [--offer ID] [--from DATE] [--to DATE] [--output DIR]\n"
		     "\n"
		     "Writes summary reports (PDF, and CSV of each offer's ranked list) into the\n"
		     "workspace's reports/ folder, or DIR.  DATE is YYYY-MM-DD; --from and --to\n"
		     "keep the submissions received in that period.\n");
}

int cmd_report(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"offer", required_argument, NULL, 'O'}, {"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},	 {"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},	 {"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *offer = NULL, *from = NULL, *to = NULL, *output = NULL;
	char db[PATH_MAX], reports[PATH_MAX];
	char *args[16];
	int n = 0, c;

	while ((c = getopt_long(argc, argv, "o:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'O':
			offer = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("skema (skema) %s\n", SKEMA_VERSION);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	ws_db_path(opt->workspace, db, sizeof db);
	if (output)
		snprintf(reports, sizeof reports, "%s", output);
	else
		paths_join(reports, sizeof reports, opt->workspace, "reports");
	args[n++] = (char *)"skema-report";
	args[n++] = (char *)"-d";
	args[n++] = db;
	args[n++] = (char *)"-o";
	args[n++] = reports;
	if (offer) {
		args[n++] = (char *)"--offer";
		args[n++] = (char *)offer;
	}
	if (from) {
		args[n++] = (char *)"--from";
		args[n++] = (char *)from;
	}
	if (to) {
		args[n++] = (char *)"--to";
		args[n++] = (char *)to;
	}
	args[n] = NULL;
	return run_stage("report", args);
}
