/*
 * cmd_retry.c - skema retry: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_retry(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("retry: not implemented yet");
	return EXIT_SOFTWARE;
}
