/*
 * cmd_inspect.c - skema inspect: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_inspect(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("inspect: not implemented yet");
	return EXIT_SOFTWARE;
}
