/*
 * cmd_init.c - skema init: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_init(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("init: not implemented yet");
	return EXIT_SOFTWARE;
}
