/*
 * cmd_purge.c - skema purge: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_purge(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("purge: not implemented yet");
	return EXIT_SOFTWARE;
}
