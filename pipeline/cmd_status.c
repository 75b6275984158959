/*
 * cmd_status.c - skema status: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_status(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("status: not implemented yet");
	return EXIT_SOFTWARE;
}
