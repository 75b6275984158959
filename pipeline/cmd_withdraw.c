/*
 * cmd_withdraw.c - skema withdraw: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_withdraw(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("withdraw: not implemented yet");
	return EXIT_SOFTWARE;
}
