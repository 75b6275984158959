/*
 * cmd_review.c - skema review: the decisions that await a reviewer.
 *
 * usage: skema review [--offer ID] [--all]
 *        skema review CASE
 *
 * Lists the proposed decisions on live cases (the review_queue view,
 * docs/schema.md): case number, offer, applicant, proposed outcome and the
 * explanation the letter will carry.  --all lists the standing decision of
 * every live case, final ones too.  With the global --json, one JSON object
 * per line.  A reviewer confirms or changes a proposal with skema decide.
 *
 * With a CASE, prints that case's decisions and events instead: the audit
 * trail an auditor asks for.  A decision skema-decide made shows as made
 * by "skema (automatisk)", not by the OS user who ran the pipeline; a
 * reviewer's decision that changed the outcome says "ændret fra" what it
 * replaced.
 *
 * Also holds the helpers the reviewer's other subcommands share (review.h).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "commands.h"
#include "db.h"
#include "event_da.h"
#include "msg.h"
#include "paths.h"
#include "record.h"
#include "review.h"
#include "strbuf.h"
#include "utf8.h"
#include "workspace.h"

/* The width of the longest Danish event name, "afslutning annulleret". */
#define EVENT_NAME_WIDTH 21

static void usage(FILE *out)
{
	fprintf(out, "usage: skema review [--offer ID] [--all]\n"
		     "       skema review CASE\n"
		     "\n"
		     "Lists the proposed decisions that await a reviewer: case number, offer,\n"
		     "applicant, proposed outcome and its explanation.  Confirm or change one with\n"
		     "  skema decide CASE OUTCOME --reason TEXT\n"
		     "With a CASE (case number or id): every decision and event of that case.\n"
		     "\n"
		     "  -o, --offer ID   only this offer\n"
		     "  -a, --all        every live case's standing decision, final ones too\n"

		     "      --help       this text\n"
		     "With skema --json, one JSON object per line.\n");
}

int review_open_case(const struct global_options *opt, const char *verb, const char *key,
		     const char *not_open, sqlite3 **db, long long *id, char *offer,
		     size_t offer_size)
{
	char status_text[32];
	int status, rc;

	if ((status = ws_db_open(opt->workspace, db)) != 0)
		return status;
	if ((rc = db_begin(*db)) != SQLITE_OK) {
		status = ws_db_exit_code(rc);
		goto out;
	}
	int found = review_find_case(*db, key, id, status_text, sizeof status_text, offer,
				     offer_size);
	if (found <= 0) {
		if (found == 0)
			msg_error("%s: %s: sagen findes ikke", verb, key);
		status = found == 0 ? EXIT_DATAERR : ws_db_exit_code(-found);
		db_rollback(*db);
		goto out;
	}
	if (strcmp(status_text, "stored") != 0) {
		const char *da = record_status_da(status_text);
		msg_error("%s: %s: sagen har status »%s« og %s", verb, key, da ? da : status_text, not_open);
		status = EXIT_DATAERR;
		db_rollback(*db);
		goto out;
	}
	return 0;
out:
	sqlite3_close(*db);
	*db = NULL;
	return status;
}

int review_find_case(sqlite3 *db, const char *key, long long *id, char *status,
		     size_t status_size, char *offer, size_t offer_size)
{
	sqlite3_stmt *stmt;
	char *end;
	long long number = strtoll(key, &end, 10);
	int by_id = *key && *end == '\0' && number > 0;
	int rc = sqlite3_prepare_v2(db,
				    by_id ? "SELECT id, status, offer_id FROM submissions WHERE id = ?1"
					  : "SELECT id, status, offer_id FROM submissions"
					    " WHERE case_number = ?1",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		msg_error("%s", sqlite3_errmsg(db));
		return -rc;
	}
	if (by_id)
		sqlite3_bind_int64(stmt, 1, number);
	else
		sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *text;
		*id = sqlite3_column_int64(stmt, 0);
		if (status) {
			text = sqlite3_column_text(stmt, 1);
			snprintf(status, status_size, "%s", text ? (const char *)text : "");
		}
		if (offer) {
			text = sqlite3_column_text(stmt, 2);
			snprintf(offer, offer_size, "%s", text ? (const char *)text : "");
		}
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		msg_error("%s", sqlite3_errmsg(db));
		rc = -rc;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Prints text indented, wrapped at about 78 columns on spaces.  Columns are
 * counted in UTF-8 characters, so æ, ø and å count once.
 */
static void print_wrapped(const char *text, const char *indent)
{
	size_t width = 78 - strlen(indent), column = 0;
	fputs(indent, stdout);
	while (*text) {
		const char *end = text;
		size_t chars = 0;
		while (*end && *end != ' ') {
			chars += ((unsigned char)*end & 0xC0) != 0x80;
			end++;
		}
		if (column > 0 && column + 1 + chars > width) {
			printf("\n%s", indent);
			column = 0;
		} else if (column > 0) {
			putchar(' ');
			column++;
		}
		fwrite(text, 1, (size_t)(end - text), stdout);
		column += chars;
		text = end;
		while (*text == ' ')
			text++;
	}
	putchar('\n');
}

/* What skema-decide told the manager: the latest below-minimum notice per offer. */
static void print_notices(sqlite3 *db, const char *only)
{
	sqlite3_stmt *stmt;
	char detail[512];
	if (sqlite3_prepare_v2(db,
			       "SELECT detail FROM events WHERE id IN (SELECT MAX(id) FROM events"
			       " WHERE event = 'below_minimum' GROUP BY substr(detail, 1, instr(detail, ':')))"
			       " AND (?1 IS NULL OR detail LIKE ?1 || ':%') ORDER BY detail",
			       -1, &stmt, NULL) != SQLITE_OK)
		return;
	if (only)
		sqlite3_bind_text(stmt, 1, only, -1, SQLITE_STATIC);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(stmt, 0);
		printf("Bemærk: %s.\n", msg_escape(detail, sizeof detail, text ? (const char *)text : ""));
	}
	sqlite3_finalize(stmt);
}

static const char *column(sqlite3_stmt *stmt, int i);

/*
 * The audit trail of one case: its decisions (proposed and final, by whom,
 * when, why) and its events, in the order they happened.
 */
static int print_history(sqlite3 *db, const char *key)
{
	static char text[64 * 1024];
	char status_text[32], offer[128];
	long long id = 0;
	sqlite3_stmt *stmt;
	int found = review_find_case(db, key, &id, status_text, sizeof status_text, offer, sizeof offer);
	if (found <= 0) {
		if (found == 0)
			msg_error("review: %s: sagen findes ikke", key);
		return found == 0 ? EXIT_DATAERR : ws_db_exit_code(-found);
	}
	/* A live case is "aktiv" here: it is what a reviewer can still act on. */
	const char *shown = strcmp(status_text, "stored") == 0 ? "aktiv" : record_status_da(status_text);
	if (!shown)
		shown = status_text;
	/*
	 * Named as everywhere else (the case number, also when asked by id),
	 * with the applicant, and a forløb that has ended as such.
	 */
	char case_number[64], applicant[512], ended[CLOCK_ISO_SIZE + 16] = "";
	snprintf(case_number, sizeof case_number, "%s", key);
	applicant[0] = '\0';
	int rc = sqlite3_prepare_v2(db,
				    "SELECT case_number, applicant_name, completed_on FROM submissions"
				    " WHERE id = ?1",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return ws_db_exit_code(rc);
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		time_t t;
		char date[CLOCK_ISO_SIZE];
		if (*column(stmt, 0))
			snprintf(case_number, sizeof case_number, "%s", column(stmt, 0));
		msg_escape(applicant, sizeof applicant, column(stmt, 1));
		if (*column(stmt, 2) && strcmp(status_text, "stored") == 0 &&
		    clock_parse(column(stmt, 2), &t) == 0)
			snprintf(ended, sizeof ended, "afsluttet %s", clock_format_danish(t, date));
	}
	sqlite3_finalize(stmt);
	printf("%s  %s%s%s  (%s)\n\nAfgørelser:\n", case_number, *applicant ? applicant : "",
	       *applicant ? "  " : "", *offer ? offer : "ukendt tilbud", *ended ? ended : shown);
	/* Who: the pipeline's decisions are not the OS user's who ran it
	 * (schema step 7); a reviewer's change says what it replaced. */
	rc = sqlite3_prepare_v2(db,
				    "SELECT decided_at,"
				    "  CASE automatic WHEN 1 THEN 'skema (automatisk)' ELSE actor END,"
				    "  outcome, state, current, explanation, reason,"
				    "  CASE WHEN automatic = 0 AND prev <> outcome THEN prev END"
				    " FROM (SELECT *, lag(outcome) OVER (ORDER BY id) AS prev FROM decisions"
				    "  WHERE submission_id = ?1) ORDER BY id",
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return ws_db_exit_code(rc);
	sqlite3_bind_int64(stmt, 1, id);
	/*
	 * skema-decide writes a proposal again when only its place in the
	 * ranking moved (a case above it withdrawn): the same words once more
	 * told a reviewer nothing, three times over (the reviewer playtest).
	 */
	struct strbuf previous;
	strbuf_init(&previous, 0);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		struct strbuf same_as;
		strbuf_init(&same_as, 0);
		for (int k = 1; k <= 3; k++)
			strbuf_printf(&same_as, "%s%c", column(stmt, k), 0x1f);
		for (int k = 5; k <= 7; k++)
			strbuf_printf(&same_as, "%s%c", column(stmt, k), 0x1f);
		int repeated = previous.len > 0 && strcmp(strbuf_str(&previous), strbuf_str(&same_as)) == 0;
		strbuf_reset(&previous);
		strbuf_puts(&previous, strbuf_str(&same_as));
		strbuf_release(&same_as);
		printf("  %s  %s  %s (%s%s%s)%s%s\n", column(stmt, 0), column(stmt, 1), column(stmt, 2),
		       strcmp(column(stmt, 3), "final") == 0 ? "endelig" : "forslag",
		       *column(stmt, 7) ? ", ændret fra " : "", column(stmt, 7),
		       repeated ? ", skrevet igen med samme begrundelse" : "",
		       sqlite3_column_int(stmt, 4) ? "  <- gældende" : "");
		if (repeated)
			continue;
		print_wrapped(msg_escape(text, sizeof text, column(stmt, 5)), "      ");
		if (*column(stmt, 6) && strcmp(column(stmt, 6), column(stmt, 5)) != 0) {
			printf("      Sagsbehandlerens begrundelse:\n");
			print_wrapped(msg_escape(text, sizeof text, column(stmt, 6)), "      ");
		}
	}
	strbuf_release(&previous);
	sqlite3_finalize(stmt);
	printf("\nHændelser:\n");
	rc = sqlite3_prepare_v2(db, "SELECT at, actor, event, detail FROM events WHERE submission_id = ?1"
				    " ORDER BY id",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return ws_db_exit_code(rc);
	sqlite3_bind_int64(stmt, 1, id);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		/* The log keeps its codes; the reviewer reads them in Danish. */
		static char detail[16 * 1024];
		const char *name = event_name_da(column(stmt, 2));
		size_t width = utf8_length(name);
		printf("  %s  %-10s %s%*s %s\n", column(stmt, 0), column(stmt, 1), name,
		       (int)(width < EVENT_NAME_WIDTH ? EVENT_NAME_WIDTH - width : 0), "",
		       msg_escape(text, sizeof text,
				  event_detail_da(column(stmt, 2), column(stmt, 3), detail, sizeof detail)));
	}
	sqlite3_finalize(stmt);
	return EXIT_DONE;
}

static const char *column(sqlite3_stmt *stmt, int i)
{
	const unsigned char *text = sqlite3_column_text(stmt, i);
	return text ? (const char *)text : "";
}

int cmd_review(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"offer", required_argument, NULL, 'o'},
		{"all", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *only = NULL, *history = NULL;
	int c, all = 0, status = EXIT_DONE;
	sqlite3 *db;
	sqlite3_stmt *stmt = NULL;
	size_t shown = 0;

	while ((c = getopt_long(argc, argv, "o:ah", long_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			only = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1 || (argc - optind == 1 && (only || all))) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (optind < argc)
		history = argv[optind];
	if ((status = ws_db_open(opt->workspace, &db)) != 0)
		return status;
	if (history) {
		status = print_history(db, history);
		sqlite3_close(db);
		return status;
	}
	int rc = sqlite3_prepare_v2(
		db,
		all ? "SELECT case_number, offer_id, applicant_name, outcome, state, explanation,"
		      " submission_id, rank, decided_by, changed_from, automatic FROM current_decisions"
		      " WHERE status = 'stored' AND (?1 IS NULL OR offer_id = ?1)"
		      " ORDER BY offer_id, rank IS NULL, rank, received_at, submission_id"
		    : "SELECT case_number, offer_id, applicant_name, outcome, state, explanation,"
		      " submission_id, rank, decided_by, changed_from, automatic FROM review_queue"
		      " WHERE (?1 IS NULL OR offer_id = ?1)",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		msg_error("%s", sqlite3_errmsg(db));
		status = ws_db_exit_code(rc);
		goto out;
	}
	if (only)
		sqlite3_bind_text(stmt, 1, only, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (opt->json) {
			json_t *line = json_object();
			json_object_set_new(line, "submission_id", json_integer(sqlite3_column_int64(stmt, 6)));
			json_object_set_new(line, "case_number", json_string(column(stmt, 0)));
			json_object_set_new(line, "offer_id", json_string(column(stmt, 1)));
			json_object_set_new(line, "applicant", json_string(column(stmt, 2)));
			json_object_set_new(line, "outcome", json_string(column(stmt, 3)));
			json_object_set_new(line, "state", json_string(column(stmt, 4)));
			json_object_set_new(line, "explanation", json_string(column(stmt, 5)));
			if (sqlite3_column_type(stmt, 7) != SQLITE_NULL)
				json_object_set_new(line, "rank", json_integer(sqlite3_column_int(stmt, 7)));
			json_object_set_new(line, "decided_by", json_string(column(stmt, 8)));
			if (sqlite3_column_type(stmt, 10) != SQLITE_NULL)
				json_object_set_new(line, "automatic",
						    json_boolean(sqlite3_column_int(stmt, 10)));
			if (*column(stmt, 9))
				json_object_set_new(line, "changed_from", json_string(column(stmt, 9)));
			record_write(stdout, line);
			json_decref(line);
		} else {
			/* Names and explanations quote documents: no control characters to the terminal. */
			static char name[1024], explanation[64 * 1024];
			msg_escape(name, sizeof name, column(stmt, 2));
			msg_escape(explanation, sizeof explanation, column(stmt, 5));
			int final = strcmp(column(stmt, 4), "final") == 0;
			printf("%s  %s  %s\n  %s: %s", column(stmt, 0), column(stmt, 1),
			       *name ? name : "(ansøger ikke oplyst)", final ? "Afgjort" : "Forslag",
			       column(stmt, 3));
			/* A proposal is always the pipeline's; who made a final one matters. */
			if (final)
				printf(" – %s%s%s", column(stmt, 8), *column(stmt, 9) ? ", ændret fra " : "",
				       column(stmt, 9));
			putchar('\n');
			print_wrapped(explanation, "    ");
			putchar('\n');
		}
		shown++;
	}
	if (rc != SQLITE_DONE) {
		msg_error("%s", sqlite3_errmsg(db));
		status = ws_db_exit_code(rc);
		goto out;
	}
	if (!opt->json)
		print_notices(db, only);
	if (!opt->json) {
		if (shown == 0)
			printf("Ingen afgørelser afventer gennemgang.\n");
		else if (!all)
			printf("%zu forslag afventer gennemgang. Bekræft eller ændr med:\n"
			       "  skema decide SAGSNR bevilget|afslag|venteliste|mangler|bekræftelse "
			       "--reason \"...\"\n",
			       shown);
	}
out:
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return status;
}
