/*
 * cmd_decide.c - skema decide: a reviewer's final decision on a case.
 *
 * usage: skema decide CASE bevilget|afslag|venteliste|mangler|bekræftelse
 *                     [--reason TEXT]
 *
 * CASE is a case number ("2026-000017") or a database id.  The standing
 * decision (a proposal, or an earlier final one) stays in the decisions
 * table with current = 0; the new one is final, carries the reviewer's
 * reason and the OS user as actor (automatic = 0: a person decided, see
 * docs/schema.md, step 7), and the event log records the change
 * ("reviewed": what was proposed, what was decided).  A reason is required
 * when the reviewer changes the proposed outcome: it becomes the
 * explanation the letter gives.  The reason itself is kept in the
 * decisions table only, not in the append-only event log, so that a purge
 * can remove it (it may name people).
 *
 * A grant takes a place.  Where the places are full, skema-decide gives
 * the reviewer's grant one and moves the proposal that held it on (to the
 * waiting list of a rolling offer, to afslag in a deadline round, as
 * offers.md has it); it never takes a place a reviewer has confirmed.  So
 * before a grant this asks skema-decide (--if-granted) whether a place is
 * left that is not confirmed, and refuses in Danish when none is, saying
 * what the reviewer can do instead, --over-capacity among it: a place
 * beyond the capacity that management decided, which takes nobody's.
 * After the decision skema-decide runs
 * for the offer (unless --no-decide), and the command says which other
 * cases it changed: who lost a proposed place and what it is now, who got
 * a freed one.
 *
 * Exit codes: 0 done, 64 usage, 65 no such case, a case that is not live,
 * a forløb that has ended (skema complete) given another outcome, or a
 * grant with every place confirmed, 70 internal error, 75 database busy or read-only, 78 no workspace.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "commands.h"
#include "db.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "record.h"
#include "review.h"
#include "workspace.h"

static const char *const outcomes[] = {"bevilget", "afslag", "venteliste", "mangler", "bekræftelse"};

static void usage(FILE *out)
{
	fprintf(out, "usage: skema decide CASE bevilget|afslag|venteliste|mangler|bekræftelse "
		     "[--reason TEXT]\n"
		     "\n"
		     "Records a reviewer's final decision on a case (case number or id).  The\n"
		     "proposal stays in the history.  --reason is required when the outcome differs\n"
		     "from the proposal; it becomes the explanation in the letter.\n"
		     "\n"
		     "A grant where every place is confirmed is refused, unless --over-capacity\n"
		     "says management gives a place beyond the capacity.  skema-decide runs for\n"
		     "the offer afterwards, and the command says which other cases it changed.\n"
		     "\n"
		     "  -r, --reason TEXT     why (Danish, for the letter)\n"
		     "      --over-capacity   grant a place beyond the capacity when every place\n"
		     "                        is confirmed (a decision of management)\n"
		     "      --no-decide       do not run skema-decide now\n"
		     "      --help          this text\n");
}

/*
 * Whether outcome fits the kind of offer: a registration (selection policy
 * none) is confirmed, not granted; an application is granted, not
 * confirmed; only a rolling offer has a waiting list.  1 when it fits or the definition cannot be read (then the
 * reviewer knows best), else 0 with a Danish message printed.
 */
static int outcome_fits(const char *key, const char *offer_id, const char *outcome)
{
	struct offer_set set;
	struct strbuf err;
	int fits = 1;
	offer_set_init(&set);
	strbuf_init(&err, 0);
	offer_set_load(&set, paths_forms_dir(), &err);
	const struct offer *offer = offer_set_find(&set, offer_id);
	if (offer && offer->policy) {
		int registration = offer_is_registration(offer);
		if (!registration && strcmp(outcome, "bekræftelse") == 0) {
			msg_error("decide: %s: »bekræftelse« bruges kun ved tilmeldinger; »%s« er en "
				  "ansøgning (%s)",
				  key, offer->title ? offer->title : offer_id,
				  offer->rolling ? "bevilget, venteliste, afslag eller mangler"
						 : "bevilget, afslag eller mangler");
			fits = 0;
		} else if (registration && (strcmp(outcome, "bevilget") == 0 ||
					    strcmp(outcome, "venteliste") == 0)) {
			msg_error("decide: %s: »%s« er en tilmelding: den bekræftes (bekræftelse) eller "
				  "afvises (afslag), eller der mangler oplysninger (mangler)",
				  key, offer->title ? offer->title : offer_id);
			fits = 0;
		} else if (!registration && !offer->rolling && strcmp(outcome, "venteliste") == 0) {
			/* A round is decided once: no place is passed on later, so a
			 * waiting list would promise what never comes (offers.md). */
			msg_error("decide: %s: »%s« har en ansøgningsfrist og ingen venteliste: "
				  "ansøgningen bevilges eller får afslag (eller der mangler oplysninger)",
				  key, offer->title ? offer->title : offer_id);
			fits = 0;
		}
	}
	offer_set_release(&set);
	strbuf_release(&err);
	return fits;
}

/*
 * Asks skema-decide --if-granted whether granting submission id of offer
 * for good leaves every confirmed place in place.  Returns 1 when it does
 * (or the answer could not be had: skema-decide itself never takes a
 * confirmed place, so the worst is an offer over its capacity, which the
 * report shows), 0 when not, with the Danish refusal printed.  Runs while
 * the caller holds the write lock with nothing written: skema-decide only
 * reads, which WAL allows.
 */
/*
 * Whether a grant finds a place that is not confirmed.  With over set the
 * answer is always yes: when none is left, a note says the grant goes
 * beyond the capacity.
 */
/*
 * Runs skema-decide --offer OFFER QUESTION ID (--if-granted, --if-waiting)
 * and reads its one line into *line (NULL when none).  Returns its exit code.
 */
static int ask_decide(const struct global_options *opt, const char *offer, const char *question,
		      long long id, json_t **line)
{
	char db_path[PATH_MAX], id_text[32];
	FILE *answer = tmpfile();
	int saved = -1, checked = EXIT_SOFTWARE;

	*line = NULL;
	ws_db_path(opt->workspace, db_path, sizeof db_path);
	snprintf(id_text, sizeof id_text, "%lld", id);
	char *args[] = {(char *)"skema-decide", (char *)"--offer", (char *)offer,
			(char *)question, id_text, db_path, NULL};
	fflush(stdout);
	if (answer && (saved = dup(STDOUT_FILENO)) >= 0 && dup2(fileno(answer), STDOUT_FILENO) >= 0) {
		checked = run_stage("decide", args);
		dup2(saved, STDOUT_FILENO);
	}
	if (saved >= 0)
		close(saved);
	if (answer) {
		rewind(answer);
		if (checked == EXIT_DONE && record_read(answer, line) <= 0)
			*line = NULL;
		fclose(answer);
	}
	return checked;
}

/*
 * A reviewer's venteliste for a case that would at once be proposed a
 * place again (the first on the list, with a place free) would not stand:
 * the next skema-decide turns it into a place.  Returns 1 when it stands
 * (or the answer could not be had), 0 when not, with the refusal printed.
 */
static int waiting_stands(const struct global_options *opt, const char *key, const char *offer,
			  long long id)
{
	json_t *line = NULL;
	int checked = ask_decide(opt, offer, "--if-waiting", id, &line);
	int offered = checked == EXIT_DONE && json_is_true(json_object_get(line, "offered"));
	if (offered) {
		msg_error("decide: %s: der er en ledig plads, og sagen er den første på ventelisten; "
			  "skema ville straks foreslå den pladsen igen. Intet er ændret.",
			  key);
		fprintf(stderr, "Det kan I gøre i stedet:\n"
				"  - bevilge pladsen og aftale opstarten med ansøgeren senere:\n"
				"      skema decide %s bevilget\n"
				"  - hvis ansøgeren ikke ønsker pladsen: trække sagen tilbage "
				"(skema withdraw %s), så går pladsen videre\n",
			key, key);
	}
	json_decref(line);
	return !offered;
}

static int grant_fits(const struct global_options *opt, const char *key, const char *offer,
		      long long id, int over)
{
	json_t *line = NULL;
	int fits = 1;
	int checked = ask_decide(opt, offer, "--if-granted", id, &line);
	if (checked == EXIT_DONE && json_is_false(json_object_get(line, "fits")))
		fits = 0;
	if (checked != EXIT_DONE)
		msg_warn("decide: %s: kunne ikke se, om der er en plads, der ikke er bekræftet "
			 "(skema-decide sluttede med %d)",
			 key, checked);
	if (!fits && over) {
		long long capacity = json_integer_value(json_object_get(line, "capacity"));
		const char *unit = record_str(line, "unit");
		printf("Bemærk: alle %lld %s er bevilget endeligt; %s får en plads ud over "
		       "kapaciteten (--over-capacity), og ingen mister sin.\n",
		       capacity, unit ? unit : "pladser", key);
		fits = 1;
	} else if (!fits) {
		const char *period = record_str(line, "period"), *unit = record_str(line, "unit");
		const char *pool = record_str(line, "pool");
		json_t *confirmed = json_object_get(line, "confirmed"), *each;
		long long capacity = json_integer_value(json_object_get(line, "capacity"));
		int concurrent = period && strcmp(period, "concurrent") == 0;
		struct strbuf which;
		size_t i;
		strbuf_init(&which, 0);
		json_array_foreach(confirmed, i, each)
			strbuf_printf(&which, "%s%s", i ? ", " : "", json_string_value(each));
		if (concurrent)
			msg_error("decide: %s: alle %lld %s, der kan være i gang ad gangen, er bevilget "
				  "endeligt%s%s%s. En bevilling mere ville tage pladsen fra en af dem, og en "
				  "bekræftet plads tages ikke fra ansøgeren. Intet er ændret.",
				  key, capacity, unit ? unit : "pladser", which.len ? " (" : "",
				  strbuf_str(&which), which.len ? ")" : "");
		else
			msg_error("decide: %s: alle %lld %s i %s er bevilget endeligt%s%s%s. En bevilling "
				  "mere ville tage pladsen fra en af dem, og en bekræftet plads tages ikke fra "
				  "ansøgeren. Intet er ændret.",
				  key, capacity, unit ? unit : "pladser", pool ? pool : "runden",
				  which.len ? " (" : "", strbuf_str(&which), which.len ? ")" : "");
		fprintf(stderr, "Det kan I gøre i stedet:\n");
		if (json_is_true(json_object_get(line, "rolling")))
			fprintf(stderr, "  - sætte sagen på venteliste, så den får den næste plads, der bliver ledig:\n"
					"      skema decide %s venteliste --reason \"...\"\n",
				key);
		fprintf(stderr, "  - hvis en ansøger med en bekræftet plads har opgivet den: trække den sag "
				"tilbage (skema withdraw SAGSNR) og så bevilge denne\n");
		if (concurrent)
			fprintf(stderr, "  - når et forløb er slut: registrere det (skema complete SAGSNR) og så "
					"bevilge denne\n");
		fprintf(stderr, "  - hvis ledelsen har besluttet at give netop denne ansøger en plads ud "
				"over kapaciteten:\n"
				"      skema decide %s bevilget --over-capacity --reason \"...\"\n",
			key);
		fprintf(stderr, "  - hvis ledelsen har besluttet flere pladser: hæve max i <capacity> i "
				"tilbuddets definition (%s/offer.xml; se skema check-forms) og så bevilge "
				"denne\n",
			offer);
		strbuf_release(&which);
	}
	json_decref(line);
	return fits;
}

static char *dup_column(sqlite3_stmt *stmt, int i)
{
	const unsigned char *text = sqlite3_column_text(stmt, i);
	return text ? strdup((const char *)text) : NULL;
}

int cmd_decide(int argc, char **argv, const struct global_options *opt)
{
	static const struct option long_options[] = {
		{"reason", required_argument, NULL, 'r'},
		{"no-decide", no_argument, NULL, 'n'},
		{"over-capacity", no_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *reason = NULL, *outcome = NULL;
	char offer[128], now_iso[CLOCK_ISO_SIZE], detail[256];
	char *old_outcome = NULL, *old_state = NULL, *old_explanation = NULL, *case_number = NULL;
	char *completed_on = NULL;
	long long id = 0, old_id = 0;
	int c, status = EXIT_DONE, old_rank = 0, rc, decide = 1, over = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	time_t now;

	/* ':' first: a reviewer's slip is said in Danish, not by getopt. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			reason = optarg;
			break;
		case ':':
			msg_error("decide: %s mangler sin tekst: skema decide SAGSNR UDFALD --reason "
				  "\"begrundelsen\"",
				  argv[optind - 1]);
			return EXIT_USAGE;
		case '?':
			msg_error("decide: %s er ikke et tilvalg (--reason, --over-capacity, --no-decide)",
				  argv[optind - 1]);
			return EXIT_USAGE;
		case 'n':
			decide = 0;
			break;
		case 'o':
			over = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* "Bevilget" as readily as "bevilget": letters only, æ/Æ too. */
	char typed[64];
	snprintf(typed, sizeof typed, "%s", argv[optind + 1]);
	for (char *t = typed; *t; t++) {
		if (*t >= 'A' && *t <= 'Z')
			*t = (char)(*t - 'A' + 'a');
		else if ((unsigned char)t[0] == 0xc3 && (unsigned char)t[1] == 0x86)
			t[1] = (char)0xa6; /* Æ -> æ */
	}
	for (size_t i = 0; i < sizeof outcomes / sizeof *outcomes; i++)
		if (strcmp(typed, outcomes[i]) == 0)
			outcome = outcomes[i];
	/* A keyboard without æ: the spelling offers.md allows for choices. */
	if (strcmp(typed, "bekraeftelse") == 0)
		outcome = "bekræftelse";
	if (!outcome) {
		msg_error("decide: »%s« er ikke et udfald (bevilget, afslag, venteliste, mangler, "
			  "bekræftelse)",
			  argv[optind + 1]);
		return EXIT_USAGE;
	}
	/* Only blanks is no reason: the letter would print an empty one. */
	if (reason && !reason[strspn(reason, " \t\r\n")])
		reason = NULL;
	if ((status = review_open_case(opt, "decide", argv[optind], "kan ikke afgøres", &db,
				       &id, offer, sizeof offer)) != 0)
		goto out;
	if (!outcome_fits(argv[optind], offer, outcome)) {
		status = EXIT_USAGE;
		goto fail;
	}
	if (clock_now(&now) < 0)
		now = time(NULL);
	clock_format(now, now_iso);
	rc = sqlite3_prepare_v2(db,
				"SELECT d.id, d.outcome, d.state, d.explanation, d.rank, s.case_number,"
				" s.completed_on"
				" FROM submissions s LEFT JOIN decisions d"
				" ON d.submission_id = s.id AND d.current = 1 WHERE s.id = ?1",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto sql_fail;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		old_id = sqlite3_column_int64(stmt, 0);
		old_outcome = dup_column(stmt, 1);
		old_state = dup_column(stmt, 2);
		old_explanation = dup_column(stmt, 3);
		old_rank = sqlite3_column_int(stmt, 4);
		case_number = dup_column(stmt, 5);
		completed_on = dup_column(stmt, 6);
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	int same = old_outcome && strcmp(old_outcome, outcome) == 0;
	/*
	 * A forløb that has ended was granted and took place: no other outcome
	 * fits it now.  Only a grant still proposed (completed before skema
	 * complete required a final one) may be confirmed.
	 */
	if (completed_on && !(same && old_state && strcmp(old_state, "proposed") == 0)) {
		const char *shown = case_number ? case_number : argv[optind];
		char ended[CLOCK_ISO_SIZE];
		time_t t;
		if (clock_parse(completed_on, &t) == 0)
			clock_format_danish(t, ended);
		else
			snprintf(ended, sizeof ended, "%s", completed_on);
		msg_error("decide: %s: forløbet blev afsluttet %s, så afgørelsen kan ikke ændres "
			  "bagefter. Blev det registreret som afsluttet ved en fejl, så fortryd det "
			  "først: skema complete --undo %s",
			  shown, ended, shown);
		status = EXIT_DATAERR;
		goto fail;
	}
	if (!same && !reason) {
		msg_error("decide: %s: skriv begrundelsen for %s med --reason (den kommer med i brevet)",
			  argv[optind], old_outcome ? "at ændre forslaget" : "afgørelsen");
		status = EXIT_USAGE;
		goto fail;
	}
	/* Only a new place can push a case out; confirming a proposed one cannot. */
	int takes_place = strcmp(outcome, "bevilget") == 0 &&
			  !(old_outcome && strcmp(old_outcome, "bevilget") == 0);
	if (takes_place && !grant_fits(opt, case_number ? case_number : argv[optind], offer, id, over)) {
		status = EXIT_DATAERR;
		goto fail;
	}
	/* A place given up for the waiting list must not come straight back. */
	if (strcmp(outcome, "venteliste") == 0 && !same &&
	    !waiting_stands(opt, case_number ? case_number : argv[optind], offer, id)) {
		status = EXIT_DATAERR;
		goto fail;
	}
	if (old_id > 0) {
		rc = sqlite3_prepare_v2(db, "UPDATE decisions SET current = 0 WHERE id = ?1", -1, &stmt,
					NULL);
		if (rc != SQLITE_OK)
			goto sql_fail;
		sqlite3_bind_int64(stmt, 1, old_id);
		if ((rc = sqlite3_step(stmt)) != SQLITE_DONE)
			goto sql_fail;
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	rc = sqlite3_prepare_v2(db,
				"INSERT INTO decisions (submission_id, outcome, state, rank, explanation,"
				" reason, actor, decided_at, current, automatic)"
				" VALUES (?1, ?2, 'final', ?3, ?4, ?5, ?6, ?7, 1, 0)",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto sql_fail;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, outcome, -1, SQLITE_STATIC);
	if (old_rank > 0)
		sqlite3_bind_int(stmt, 3, old_rank);
	/* Confirming keeps the proposal's explanation; a change is explained by the reviewer. */
	if (same && old_explanation)
		sqlite3_bind_text(stmt, 4, old_explanation, -1, SQLITE_STATIC);
	else
		sqlite3_bind_text(stmt, 4, reason, -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(stmt, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, db_actor(), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, now_iso, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE)
		goto sql_fail;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (old_outcome)
		snprintf(detail, sizeof detail, "%s %s -> endelig %s",
			 old_state && strcmp(old_state, "final") == 0 ? "endelig" : "foreslået",
			 old_outcome, outcome);
	else
		snprintf(detail, sizeof detail, "endelig %s", outcome);
	if ((rc = db_event(db, id, "reviewed", detail)) != SQLITE_OK)
		goto sql_fail;
	if ((rc = db_commit(db)) != SQLITE_OK)
		goto sql_fail;
	if (opt->verbosity >= 0)
		printf("%s: %s (endelig)%s%s\n", case_number ? case_number : argv[optind], outcome,
		       same ? "" : ", ændret fra ", same ? "" : (old_outcome ? old_outcome : "intet forslag"));
	sqlite3_close(db);
	db = NULL;
	if (decide && *offer) {
		struct review_changes changes;
		int freed = old_outcome && strcmp(old_outcome, "bevilget") == 0 &&
			    strcmp(outcome, "bevilget") != 0;
		if (review_decide_offer(opt->workspace, offer, "decide", &changes) == EXIT_DONE &&
		    opt->verbosity >= 0)
			review_print_changes(&changes, freed);
		review_changes_release(&changes);
	}
	goto out;
sql_fail:
	msg_error("decide: %s", sqlite3_errmsg(db));
	status = ws_db_exit_code(rc);
fail:
	sqlite3_finalize(stmt);
	db_rollback(db);
out:
	free(old_outcome);
	free(old_state);
	free(old_explanation);
	free(case_number);
	free(completed_on);
	sqlite3_close(db);
	return status;
}
