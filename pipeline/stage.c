/*
 * stage.c - starting a stage program from the driver.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "msg.h"
#include "paths.h"

int run_stage(const char *name, char *const args[])
{
	return run_stage_io(name, args, -1, -1);
}

int run_stage_io(const char *name, char *const args[], int in, int out)
{
	char path[PATH_MAX];
	if (paths_stage(name, path, sizeof path) < 0) {
		msg_error("cannot find the stage program skema-%s", name);
		return EXIT_SOFTWARE;
	}
	pid_t pid = fork();
	if (pid < 0) {
		msg_syserror("fork");
		return EXIT_TEMPFAIL;
	}
	if (pid == 0) {
		if ((in >= 0 && dup2(in, STDIN_FILENO) < 0) || (out >= 0 && dup2(out, STDOUT_FILENO) < 0)) {
			msg_syserror("skema-%s: dup2", name);
			_exit(EXIT_SOFTWARE);
		}
		execv(path, args);
		msg_syserror("%s", path);
		_exit(EXIT_SOFTWARE);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			msg_syserror("waitpid");
			return EXIT_SOFTWARE;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	msg_error("skema-%s died of signal %d", name, WTERMSIG(status));
	return EXIT_SOFTWARE;
}
