/*
 * cmd_review.c - skema review: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_review(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("review: not implemented yet");
	return EXIT_SOFTWARE;
}
