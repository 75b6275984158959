/*
 * cmd_export.c - skema export: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_export(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("export: not implemented yet");
	return EXIT_SOFTWARE;
}
