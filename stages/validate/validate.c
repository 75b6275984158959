/*
 * validate.c - skema-validate: judges each application against its offer.
 *
 * usage: skema-validate [--forms DIR]            records on stdin -> stdout
 *        skema-validate --check [--forms DIR]    check the definitions only
 *
 * Reads the records of docs/records.md on stdin and writes each with
 * "validation" added: every field normalised again and checked against its
 * type and limits, missing required fields, every criterion evaluated by
 * SQLite (engine.c), the deadline checked against received_at, and a result
 * eligible / not_eligible / incomplete.  A record with "error" passes
 * through untouched; a record whose form is unknown gets an error.
 *
 * --check loads every definition under DIR and compiles every criterion,
 * reporting administrators' mistakes with file and line (skema check-forms).
 *
 * Exit codes: 0 done, 64 usage, 65 a line on stdin was not a record,
 * 70 internal error, 78 an offer definition is broken.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "record.h"
#include "strbuf.h"
#include "validate.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: skema-validate [--forms DIR]\n"
		     "       skema-validate --check [--forms DIR]\n"
		     "Adds \"validation\" to each record on stdin (JSON Lines) and writes it to stdout.\n"
		     "  --forms DIR   offer definitions (default: the data directory's forms/)\n"
		     "  --check       only load and check every definition, then exit\n"
		     "  -q, --quiet   errors only\n"
		     "  -h, --help    this text\n"
		     "  -V, --version the version\n");
}

static int check_definitions(const char *dir)
{
	struct offer_set set;
	struct strbuf err;
	int rc = EXIT_DONE;

	offer_set_init(&set);
	strbuf_init(&err, 0);
	if (offer_set_load_for_check(&set, dir, &err) < 0)
		rc = EXIT_CONFIG;
	for (size_t i = 0; i < set.count; i++) {
		struct validate_engine e;
		size_t before = err.len;
		if (validate_engine_open(&e, set.offers[i], &err) < 0) {
			rc = EXIT_CONFIG;
		} else if (!set.offers[i]->flawed) {
			size_t required = 0;
			for (size_t j = 0; j < set.offers[i]->nfields; j++)
				required += set.offers[i]->fields[j].required != 0;
			if (msg_verbosity() >= 0)
				printf("%s: ok (%zu fields, %zu required, %zu criteria, %s)\n",
				       set.offers[i]->id, set.offers[i]->nfields, required,
				       set.offers[i]->ncriteria,
				       set.offers[i]->rolling ? "rolling" : set.offers[i]->deadline);
		}
		(void)before;
		validate_engine_release(&e);
	}
	if (set.count == 0 && rc == EXIT_DONE) {
		strbuf_printf(&err, "%s: no offer definitions found\n", dir);
		rc = EXIT_CONFIG;
	}
	/* Each problem is already "FILE:LINE: problem"; prefix the program. */
	for (const char *p = strbuf_str(&err); *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		msg_error("%.*s", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	strbuf_release(&err);
	offer_set_release(&set);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"forms", required_argument, NULL, 'f'},
		{"check", no_argument, NULL, 'c'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *forms = NULL;
	int check = 0, c, rc = EXIT_DONE;
	struct offer_set set;
	struct validate_engine *engines = NULL;
	struct strbuf err;

	msg_set_program("skema-validate");
	while ((c = getopt_long(argc, argv, "qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			forms = optarg;
			break;
		case 'c':
			check = 1;
			break;
		case 'q':
			msg_set_verbosity(-1);
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("skema-validate (skema) %s\n", SKEMA_VERSION);
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
	clock_init();
	if (!forms)
		forms = paths_forms_dir();
	if (check)
		return check_definitions(forms);

	offer_set_init(&set);
	strbuf_init(&err, 0);
	/* A broken definition stops the stage: judging applications by half a
	 * definition would be worse than not judging them now. */
	if (offer_set_load(&set, forms, &err) < 0) {
		for (const char *p = strbuf_str(&err); *p;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			msg_error("%.*s", (int)n, p);
			p += n + (nl ? 1 : 0);
		}
		rc = EXIT_CONFIG;
		goto out;
	}
	engines = calloc(set.count ? set.count : 1, sizeof *engines);
	if (!engines) {
		rc = EXIT_SOFTWARE;
		goto out;
	}
	for (size_t i = 0; i < set.count; i++) {
		if (validate_engine_open(&engines[i], set.offers[i], &err) < 0) {
			msg_error("%s", strbuf_str(&err));
			rc = EXIT_CONFIG;
			goto out;
		}
	}
	for (;;) {
		json_t *rec = NULL;
		int r = record_read(stdin, &rec);
		if (r == 0)
			break;
		if (r < 0) {
			rc = EXIT_DATAERR;
			continue;
		}
		if (!record_failed(rec)) {
			const json_t *form = json_object_get(rec, "form");
			const char *id = form ? record_str(form, "id") : NULL;
			size_t k = 0;
			while (k < set.count && (!id || strcmp(set.offers[k]->id, id) != 0))
				k++;
			if (k == set.count) {
				char shown[128];
				msg_escape(shown, sizeof shown, id ? id : "(none)");
				strbuf_reset(&err);
				strbuf_printf(&err, "unknown form \"%s\"", shown);
				record_fail(rec, "validate", "unknown_form", 1, strbuf_str(&err),
					    "Skemaet kunne ikke genkendes som et af Socialstyrelsens ansøgningsskemaer. "
					    "Kontrollér, at ansøgeren har brugt det rigtige skema.");
			} else {
				strbuf_reset(&err);
				if (validate_record(&engines[k], rec, &err) < 0) {
					msg_error("%s", strbuf_str(&err));
					json_decref(rec);
					rc = EXIT_SOFTWARE;
					goto out;
				}
			}
		}
		if (record_write(stdout, rec) < 0) {
			msg_syserror("stdout");
			json_decref(rec);
			rc = EXIT_TEMPFAIL;
			goto out;
		}
		json_decref(rec);
	}
out:
	for (size_t i = 0; engines && i < set.count; i++)
		validate_engine_release(&engines[i]);
	free(engines);
	offer_set_release(&set);
	strbuf_release(&err);
	return rc;
}
