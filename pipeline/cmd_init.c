/*
 * cmd_init.c - skema init DIR: creates a workspace.
 *
 * DIR gets inbox/, work/, archive/ (with .objects/), quarantine/, letters/,
 * reports/, the database skema.db and a commented skema.conf with the
 * defaults (docs/workspace.md lists the keys).  Everything is private to
 * its owner (umask 077): the files hold personal data.  Running it again on
 * a workspace adds what is missing and changes nothing else; an existing
 * skema.conf is never overwritten.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commands.h"
#include "db.h"
#include "msg.h"
#include "paths.h"
#include "workspace.h"

/* EX_CANTCREAT: the workspace could not be created. */
#define EXIT_CANTCREAT 73

static const char default_config[] =
	"# skema.conf - settings of this skema workspace (docs/workspace.md).\n"
	"# Lines are \"key = value\"; '#' starts a comment.  Edit, then run skema again.\n"
	"\n"
	"# --- the inbox ----------------------------------------------------------\n"
	"# A file is taken only when it has not changed for this many seconds\n"
	"# (a copy over the network may take a while); an empty file waits twelve\n"
	"# times as long, as it is often a placeholder about to be filled.\n"
	"inbox.settle_seconds = 5\n"
	"# Files larger than this (bytes) are quarantined unread.\n"
	"inbox.max_size = 67108864\n"
	"\n"
	"# --- skema run / skema watch ---------------------------------------------\n"
	"# Files sent through the stages together: each pass starts the stage\n"
	"# programs anew, so a larger batch costs less per file.\n"
	"run.batch_size = 200\n"
	"# Documents read (each in its own confined process) and letters rendered\n"
	"# at once; 0: one per CPU.  The database has one writer whatever this says.\n"
	"run.jobs = 0\n"
	"# A file on which a stage crashes this many times is quarantined.\n"
	"run.max_attempts = 3\n"
	"# A file whose stage keeps reporting a temporary problem (it cannot be\n"
	"# read, say) is quarantined after this many runs.\n"
	"run.max_deferrals = 50\n"
	"# skema watch: 0 uses inotify; N > 0 polls every N seconds instead (network\n"
	"# shares, where inotify sees nothing).  A full rescan happens anyway every\n"
	"# watch.rescan_seconds.\n"
	"watch.poll_seconds = 0\n"
	"watch.rescan_seconds = 300\n"
	"\n"
	"# --- the authority, for letters (read by skema-letter) --------------------\n"
	"authority.name = Socialstyrelsen\n"
	"authority.unit = SISO – Videnscenter for sociale indsatser ved vold og seksuelle overgreb mod børn\n"
	"authority.address = Edisonsvej 18, 1. sal\n"
	"authority.postcode = 5000\n"
	"authority.city = Odense C\n"
	"authority.phone = 72 42 37 00\n"
	"authority.email = siso@socialstyrelsen.dk\n"
	"authority.web = www.socialstyrelsen.dk\n"
	"\n"
	"# Who signs the letters, e.g. \"letter.signatory = Jens Hansen\" and\n"
	"# \"letter.signatory_title = Kontorchef\"; empty: the contact person of\n"
	"# the offer (<contact> in its offer.xml).\n"
	"letter.signatory =\n"
	"letter.signatory_title =\n"
	"# Whom applicants contact about an offer whose offer.xml names no\n"
	"# <contact>; empty: the authority above.\n"
	"letter.contact_name =\n"
	"letter.contact_email =\n"
	"letter.contact_phone =\n"
	"\n"
	"# The appeal guidance (klagevejledning) printed in letters that do not\n"
	"# grant everything applied for.  Which body hears appeals of these\n"
	"# decisions is for the agency to confirm before letters are sent; these\n"
	"# are skema-letter's own defaults (docs/letters.md).\n"
	"klage.body = Social-, Bolig- og Ældreministeriet\n"
	"klage.address =\n"
	"klage.via = Socialstyrelsen, Edisonsvej 18, 1. sal, 5000 Odense C, eller på e-mail til siso@socialstyrelsen.dk\n"
	"klage.weeks = 4\n";

static const char *const dirs[] = {"inbox",   "work",    "archive", WS_OBJECTS,
				   "quarantine", "letters", "reports"};

static void usage(FILE *out)
{
	fprintf(out, "usage: skema init DIR\n"
		     "Creates a workspace in DIR: inbox/, work/, archive/, quarantine/,\n"
		     "letters/, reports/, skema.db and skema.conf.\n");
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	char shown[512];
	msg_syserror("%s", msg_escape(shown, sizeof shown, path));
	return -1;
}

int cmd_init(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char path[PATH_MAX];
	sqlite3 *db = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	const char *dir = optind < argc ? argv[optind] : NULL;
	if (!dir) {
		/* "skema -C DIR init" and SKEMA_HOME name it too. */
		if (opt->workspace && strcmp(opt->workspace, ".") != 0)
			dir = opt->workspace;
		else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 < argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	umask(077);
	if (make_dir(dir) < 0)
		return EXIT_CANTCREAT;
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		if (make_dir(paths_join(path, sizeof path, dir, dirs[i])) < 0)
			return EXIT_CANTCREAT;
	paths_join(path, sizeof path, dir, WS_DB);
	if (db_open(path, 1, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return EXIT_CANTCREAT;
	}
	sqlite3_close(db);
	char confdir[PATH_MAX];
	snprintf(confdir, sizeof confdir, "%s", dir);
	paths_join(path, sizeof path, dir, WS_CONF);
	if (access(path, F_OK) < 0 &&
	    fs_write_file(confdir, WS_CONF, default_config, sizeof default_config - 1) < 0) {
		msg_syserror("%s", path);
		return EXIT_CANTCREAT;
	}
	fs_fsync_dir(dir);
	if (opt->verbosity >= 0)
		printf("workspace ready: %s (drop forms into %s/inbox, then run: skema -C %s run)\n",
		       dir, dir, dir);
	return EXIT_DONE;
}
