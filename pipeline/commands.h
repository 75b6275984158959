/*
 * commands.h - the subcommands of the driver `skema`.
 *
 * Each subcommand lives in its own file, pipeline/cmd_NAME.c, and gets the
 * arguments after its name (argv[0] is the subcommand name) and the global
 * options.  It returns an exit code (msg.h).
 */
#ifndef SKEMA_COMMANDS_H
#define SKEMA_COMMANDS_H

struct global_options {
	const char *workspace; /* -C DIR, else $SKEMA_HOME, else "." */
	int verbosity;         /* -q: -1, default 0, -v: 1 */
	int json;              /* --json: machine-readable output where offered */
};

int cmd_init(int argc, char **argv, const struct global_options *opt);
int cmd_run(int argc, char **argv, const struct global_options *opt);
int cmd_watch(int argc, char **argv, const struct global_options *opt);
int cmd_status(int argc, char **argv, const struct global_options *opt);
int cmd_retry(int argc, char **argv, const struct global_options *opt);
int cmd_inspect(int argc, char **argv, const struct global_options *opt);
int cmd_export(int argc, char **argv, const struct global_options *opt);
int cmd_check_forms(int argc, char **argv, const struct global_options *opt);
int cmd_review(int argc, char **argv, const struct global_options *opt);
int cmd_decide(int argc, char **argv, const struct global_options *opt);
int cmd_withdraw(int argc, char **argv, const struct global_options *opt);
int cmd_complete(int argc, char **argv, const struct global_options *opt);
int cmd_rejudge(int argc, char **argv, const struct global_options *opt);
int cmd_purge(int argc, char **argv, const struct global_options *opt);
int cmd_report(int argc, char **argv, const struct global_options *opt);

/*
 * Runs the stage program skema-NAME with args (NULL-terminated, args[0] is
 * ignored), waiting for it.  Returns its exit code, or 70 when it could not
 * be started or died of a signal.
 */
int run_stage(const char *name, char *const args[]);

/* The same with standard input and output from in and out (-1: inherited). */
int run_stage_io(const char *name, char *const args[], int in, int out);

#endif
