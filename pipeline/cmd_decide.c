/*
 * cmd_decide.c - skema decide: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_decide(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("decide: not implemented yet");
	return EXIT_SOFTWARE;
}
