/*
 * cmd_report.c - skema report: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_report(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("report: not implemented yet");
	return EXIT_SOFTWARE;
}
