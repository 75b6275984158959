/*
 * cmd_check_forms.c - skema check-forms: NOT YET WRITTEN (a placeholder that says so).
 */
#include "commands.h"
#include "msg.h"

int cmd_check_forms(int argc, char **argv, const struct global_options *opt)
{
	(void)argc;
	(void)argv;
	(void)opt;
	msg_error("check-forms: not implemented yet");
	return EXIT_SOFTWARE;
}
