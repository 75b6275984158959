/*
 * cmd_run.c - skema run: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_run(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("run: not implemented yet");
	return EXIT_SOFTWARE;
}
