/*
 * cmd_check_forms.c - skema check-forms [--forms DIR]: loads every offer
 * definition and compiles every criterion, so an administrator's mistake
 * (a schema violation, an unknown field in a test, a choice the form does
 * not offer, a broken expression) is found with file and line before any
 * application is judged.
 *
 * The checking is skema-validate's (--check) and, for the letter texts
 * each offer uses, skema-letter's (--check): the driver parses no
 * definition itself, so what check-forms accepts is exactly what the
 * pipeline will run.  Exit codes: 0 all good, 78 a definition or a letter
 * text is broken, 64 usage.
 */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "msg.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: skema check-forms [--forms DIR]\n"
		     "Loads and checks every offer definition (forms/<id>/offer.xml).\n"
		     "  --forms DIR   the definitions to check (default: the installed forms/)\n");
}

int cmd_check_forms(int argc, char **argv, const struct global_options *opt)
{
	static const struct option longopts[] = {
		{"forms", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *forms = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			forms = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	char *args[6];
	int n = 0;
	args[n++] = (char *)"skema-validate";
	args[n++] = (char *)"--check";
	if (opt && opt->verbosity < 0)
		args[n++] = (char *)"--quiet";
	if (forms) {
		args[n++] = (char *)"--forms";
		args[n++] = (char *)forms;
	}
	args[n] = NULL;
	int status = run_stage("validate", args);
	/* The letter texts too: a broken one would stop letters only at the
	 * first decision that needs it.  They belong to the installed
	 * definitions, not to a draft folder. */
	if (!forms) {
		char *letter_args[] = {(char *)"skema-letter", (char *)"--check", NULL};
		int letters = run_stage("letter", letter_args);
		if (status == EXIT_DONE)
			status = letters;
	}
	return status;
}
