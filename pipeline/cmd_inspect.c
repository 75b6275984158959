/*
 * cmd_inspect.c - skema inspect FILE...: what skema sees in a document.
 *
 * The driver parses no document (style.md): it hands the files to
 * `skema-extract --inspect`, which reads each one in its sandbox and lists
 * every field (name, kind, value, raw text, where it was found).  Options
 * after "inspect" go to the stage as they are (--json, --forms, limits);
 * the global --json asks for the same.
 */
#include <stdlib.h>

#include "commands.h"
#include "msg.h"

int cmd_inspect(int argc, char **argv, const struct global_options *opt)
{
	if (argc < 2) {
		msg_error("usage: skema inspect [--json] FILE...");
		return EXIT_USAGE;
	}
	/* skema-extract --inspect [--json] ARGS... NULL */
	char **args = calloc((size_t)argc + 3, sizeof *args);
	if (!args) {
		msg_error("out of memory");
		return EXIT_SOFTWARE;
	}
	static char name[] = "skema-extract", inspect[] = "--inspect", json[] = "--json";
	int n = 0;
	args[n++] = name;
	args[n++] = inspect;
	if (opt && opt->json)
		args[n++] = json;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	int status = run_stage("extract", args);
	free(args);
	return status;
}
