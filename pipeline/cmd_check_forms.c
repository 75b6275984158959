/*
 * cmd_check_forms.c - skema check-forms [--forms DIR]: loads every offer
 * definition and compiles every criterion, so an administrator's mistake
 * (a schema violation, an unknown field in a test, a choice the form does
 * not offer, a broken expression) is found with file and line before any
 * application is judged.
 *
 * The definitions are checked by skema-validate (--check): the driver
 * judges no definition itself, so what check-forms accepts is exactly what
 * the pipeline will run.  The letter texts are read with the library
 * skema-letter renders them with (letter_texts.h): each text an offer can
 * need (only for the outcomes it can get), every name a text asks for, and
 * what under forms/letters/ no letter reads.  In a workspace, last, the
 * live cases of an offer that is no longer defined.
 *
 * Exit codes: 0 all good (warnings may have been printed), 78 a definition
 * or a letter text is broken, 64 usage.
 */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commands.h"
#include "letter_texts.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "strbuf.h"
#include "workspace.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: skema check-forms [--forms DIR]\n"
		     "Loads and checks every offer definition (forms/<id>/offer.xml).\n"
		     "  --forms DIR   the definitions to check (default: the installed forms/)\n");
}

/* Prints each line of text as one message, an error or a warning. */
static void print_lines(const struct strbuf *text, int error)
{
	const char *p = strbuf_str(text);
	while (*p) {
		size_t n = strcspn(p, "\n");
		if (n) {
			if (error)
				msg_error("%.*s", (int)n, p);
			else
				msg_warn("%.*s", (int)n, p);
		}
		p += n + (p[n] == '\n');
	}
}

/*
 * The offers with a folder (forms/<id>/offer.xml, shipped or local) that
 * did not load: their definitions are broken, so their texts go unchecked.
 */
static size_t unloaded_offers(const struct offer_set *set, char ***ids)
{
	char local[PATH_MAX];
	const char *dirs[] = {paths_forms_dir(), paths_join(local, sizeof local, paths_confdir(), "forms")};
	size_t count = 0;
	*ids = NULL;
	for (size_t d = 0; d < 2; d++) {
		struct dirent **names = NULL;
		int n = scandir(dirs[d], &names, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			const char *name = names[i]->d_name;
			char file[PATH_MAX], rel[NAME_MAX + 16];
			snprintf(rel, sizeof rel, "%s/offer.xml", name);
			int seen = offer_set_find(set, name) != NULL;
			for (size_t k = 0; k < count && !seen; k++)
				seen = strcmp((*ids)[k], name) == 0;
			if (name[0] != '.' && !seen &&
			    access(paths_join(file, sizeof file, dirs[d], rel), F_OK) == 0) {
				char **grown = realloc(*ids, (count + 1) * sizeof *grown);
				if (grown && (grown[count] = strdup(name))) {
					*ids = grown;
					count++;
				} else if (grown) {
					*ids = grown;
				}
			}
			free(names[i]);
		}
		free(names);
	}
	return count;
}

static size_t check_letter_texts(const struct offer_set *set, int verbosity)
{
	char **unchecked = NULL;
	size_t nunchecked = unloaded_offers(set, &unchecked);
	struct strbuf errors, warnings;
	strbuf_init(&errors, 0);
	strbuf_init(&warnings, 0);
	size_t problems = letter_texts_check(set, (const char *const *)unchecked, nunchecked,
					     &errors, &warnings);
	print_lines(&errors, 1);
	print_lines(&warnings, 0);
	for (size_t i = 0; i < nunchecked; i++) {
		msg_error("%s: letter texts not checked: the offer's definition has errors", unchecked[i]);
		free(unchecked[i]);
	}
	/* Not "ok" while some offer's texts went unread. */
	if (!problems && !nunchecked && verbosity >= 0)
		printf("letter texts: ok (%zu offers)\n", set->count);
	free(unchecked);
	strbuf_release(&errors);
	strbuf_release(&warnings);
	return problems + nunchecked;
}

/*
 * Live cases (stored, as skema status counts them) of an offer with no
 * definition: skema-decide cannot judge them and skema-letter writes them
 * no offer's text.  Read-only, as skema status opens the database: this
 * never waits for a running skema, nor creates a database.
 */
static void check_cases(const struct offer_set *set, const char *workspace)
{
	char path[PATH_MAX], uri[PATH_MAX + 16];
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;

	ws_db_path(workspace ? workspace : ".", path, sizeof path);
	if (access(path, F_OK) != 0)
		return;
	snprintf(uri, sizeof uri, "file:%s?mode=ro", path);
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT offer_id, count(*) FROM submissions"
			       " WHERE status = 'stored' AND offer_id IS NOT NULL"
			       " GROUP BY offer_id ORDER BY offer_id",
			       -1, &stmt, NULL) != SQLITE_OK) {
		msg_warn("%s: the cases were not checked: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(stmt, 0);
		long long n = sqlite3_column_int64(stmt, 1);
		char shown[256];
		if (id && !offer_set_find(set, id))
			msg_warn("%s: warning: %lld live case%s of offer %s, which is not defined", path,
				 n, n == 1 ? "" : "s", msg_escape(shown, sizeof shown, id));
	}
out:
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

int cmd_check_forms(int argc, char **argv, const struct global_options *opt)
{
	static const struct option longopts[] = {
		{"forms", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *forms = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			forms = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	char *args[6];
	int n = 0;
	args[n++] = (char *)"skema-validate";
	args[n++] = (char *)"--check";
	if (opt && opt->verbosity < 0)
		args[n++] = (char *)"--quiet";
	if (forms) {
		args[n++] = (char *)"--forms";
		args[n++] = (char *)forms;
	}
	args[n] = NULL;
	int status = run_stage("validate", args);
	/* The letter texts too: a broken one would stop letters only at the
	 * first decision that needs it.  They belong to the installed
	 * definitions, not to a draft folder; so do the workspace's cases. */
	if (!forms) {
		struct offer_set set;
		struct strbuf err;
		offer_set_init(&set);
		strbuf_init(&err, 0);
		/* skema-validate has said what is wrong with a definition that did not load. */
		offer_set_load(&set, paths_forms_dir(), &err);
		if (check_letter_texts(&set, opt ? opt->verbosity : 0) && status == EXIT_DONE)
			status = EXIT_CONFIG;
		check_cases(&set, opt ? opt->workspace : NULL);
		offer_set_release(&set);
		strbuf_release(&err);
	}
	return status;
}
