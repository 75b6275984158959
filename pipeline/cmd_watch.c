/*
 * cmd_watch.c - skema watch: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_watch(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("watch: not implemented yet");
	return EXIT_SOFTWARE;
}
