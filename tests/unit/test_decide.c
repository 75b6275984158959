/*
 * test_decide.c - the selection policies on constructed rounds with known
 * answers, without a database: first come within capacity, waiting list,
 * places given for good, ranking with ties, broad representation, an open
 * deadline round, registrations; and the store's applicant keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "clock.h"
#include "../../stages/decide/decide.h"
#include "offer.h"
#include "../../stages/store/store.h"

/* One constructed application: receipt day in September 2021, result, priority, spread. */
struct app {
	int day;
	const char *validation;
	int priority[2];        /* 1, 0, -1 */
	const char *spread[2];
	const char *current;    /* standing final decision, or NULL */
};

static time_t day_of(int day)
{
	char iso[32];
	time_t t;
	snprintf(iso, sizeof iso, "2021-09-%02dT10:00:00+02:00", day);
	assert_int_equal(clock_parse(iso, &t), 0);
	return t;
}

/*
 * Runs the policy over apps; writes the outcomes, in input order, as "b v a m -" letters,
 * and when texts is not NULL each explanation (caller frees).
 */
static void run_texts(struct offer *offer, const struct app *apps, size_t n, int now_day, int force,
		      char *got, long *below, char **texts)
{
	struct decide_case *cases = calloc(n, sizeof *cases);
	assert_non_null(cases);
	for (size_t i = 0; i < n; i++) {
		decide_case_init(&cases[i]);
		cases[i].id = (long long)i + 1;
		cases[i].received = day_of(apps[i].day);
		cases[i].validation = strdup(apps[i].validation);
		cases[i].late = !offer->rolling && cases[i].received > offer->deadline_at;
		cases[i].npriority = 2;
		for (int p = 0; p < 2; p++) {
			cases[i].priority[p] = apps[i].priority[p];
			cases[i].priority_passed += apps[i].priority[p] == 1;
			cases[i].spread[p] = strdup(apps[i].spread[p] ? apps[i].spread[p] : "");
		}
		if (apps[i].current) {
			cases[i].current_outcome = strdup(apps[i].current);
			cases[i].current_state = strdup("final");
		}
	}
	decide_run_policy(offer, cases, n, day_of(now_day), force, below);
	/* The policy sorts by receipt; report by id, i.e. input order. */
	for (size_t i = 0; i < n; i++) {
		const struct decide_case *c = &cases[i];
		const char *o = c->outcome;
		got[c->id - 1] = !o ? '-' : strcmp(o, "bevilget") == 0 ? 'b' : strcmp(o, "venteliste") == 0 ? 'v'
			: strcmp(o, "afslag") == 0 ? 'a' : strcmp(o, "mangler") == 0 ? 'm' : 'k';
		if (o)
			assert_true(c->explanation.len > 0);
		if (texts)
			texts[c->id - 1] = strdup(strbuf_str(&c->explanation));
	}
	got[n] = '\0';
	for (size_t i = 0; i < n; i++)
		decide_case_release(&cases[i]);
	free(cases);
}

static void run(struct offer *offer, const struct app *apps, size_t n, int now_day, int force,
		char *got, long *below)
{
	run_texts(offer, apps, n, now_day, force, got, below, NULL);
}

static char *spread_names[] = {(char *)"sted_type", (char *)"region"};
static struct offer_criterion two_priorities[] = {
	{.id = (char *)"p1", .kind = CRITERION_PRIORITY},
	{.id = (char *)"p2", .kind = CRITERION_PRIORITY},
};

static struct offer make_offer(const char *policy, int rolling, long min, long max)
{
	struct offer offer;
	memset(&offer, 0, sizeof offer);
	offer.id = (char *)"test";
	offer.policy = (char *)policy;
	offer.rolling = rolling;
	offer.capacity_period = (char *)(rolling ? "year" : "round");
	offer.capacity_min = min;
	offer.capacity_max = max;
	offer.deadline_at = day_of(13);
	offer.criteria = two_priorities;
	offer.ncriteria = 2;
	return offer;
}

static void expect(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("%s: got %s, want %s", what, got, want);
}

static void test_first_come(void **state)
{
	(void)state;
	struct offer offer = make_offer("first-come", 1, 0, 2);
	const struct app apps[] = {
		{5, "eligible", {1, 1}, {0}, NULL},   {2, "eligible", {0, 0}, {0}, NULL},
		{9, "eligible", {1, 1}, {0}, NULL},   {3, "eligible", {1, 1}, {0}, NULL},
		{1, "incomplete", {1, 1}, {0}, NULL}, {4, "not_eligible", {1, 1}, {0}, NULL},
	};
	char got[16];
	long below;
	run(&offer, apps, 6, 20, 0, got, &below);
	/* Days 2 and 3 take the places; priority plays no part in a rolling offer. */
	expect("first come", got, "vbvbma");
	assert_int_equal(below, -1);
}

static void test_first_come_final_places(void **state)
{
	(void)state;
	struct offer offer = make_offer("first-come", 1, 0, 2);
	const struct app apps[] = {
		{1, "eligible", {1, 1}, {0}, NULL},
		{2, "eligible", {1, 1}, {0}, "venteliste"}, /* final, but promotable */
		{8, "eligible", {1, 1}, {0}, "bevilget"},   /* given for good: takes a place */
		{3, "eligible", {1, 1}, {0}, NULL},
	};
	char got[16];
	long below;
	run(&offer, apps, 4, 20, 0, got, &below);
	expect("final places", got, "bv-v");
	/* Day 1 withdrawn: the final waiting-list place on day 2 is promoted. */
	run(&offer, apps + 1, 3, 20, 0, got, &below);
	expect("promotion", got, "b-v");
}

static void test_priority_ties_and_late(void **state)
{
	(void)state;
	struct offer offer = make_offer("priority", 0, 2, 3);
	const struct app apps[] = {
		{1, "eligible", {0, 1}, {0}, NULL}, /* 1 passed, second criterion */
		{2, "eligible", {1, 0}, {0}, NULL}, /* 1 passed, first criterion: before day 1 */
		{3, "eligible", {1, 1}, {0}, NULL}, /* best */
		{4, "eligible", {1, 0}, {0}, NULL}, /* tie with day 2, later */
		{14, "eligible", {1, 1}, {0}, NULL}, /* late */
		{5, "eligible", {0, 0}, {0}, NULL},
	};
	char got[16];
	long below;
	run(&offer, apps, 6, 11, 0, got, &below);
	expect("before the deadline", got, "------");
	run(&offer, apps, 6, 20, 0, got, &below);
	expect("ranked round", got, "abbbaa");
	assert_int_equal(below, -1);
	run(&offer, apps, 6, 11, 1, got, &below);
	expect("forced round", got, "abbbaa");
}

static void test_below_minimum(void **state)
{
	(void)state;
	struct offer offer = make_offer("priority", 0, 7, 10);
	const struct app apps[] = {
		{1, "eligible", {1, 1}, {0}, NULL},
		{2, "not_eligible", {1, 1}, {0}, NULL},
		{3, "eligible", {0, 0}, {0}, NULL},
	};
	char got[16];
	long below;
	run(&offer, apps, 3, 20, 0, got, &below);
	expect("below minimum", got, "bab");
	assert_int_equal(below, 2);
}

static void test_broad_representation(void **state)
{
	(void)state;
	struct offer offer = make_offer("broad-representation", 0, 0, 3);
	offer.spread = spread_names;
	offer.nspread = 2;
	const struct app apps[] = {
		{1, "eligible", {1, 1}, {"døgninstitution", "Syd"}, NULL},
		{2, "eligible", {1, 1}, {"døgninstitution", "Syd"}, NULL},
		{3, "eligible", {1, 1}, {"døgninstitution", "Midt"}, NULL},
		{4, "eligible", {0, 0}, {"opholdssted", "Syd"}, NULL},
		{5, "eligible", {0, 0}, {"opholdssted", "Hovedstaden"}, NULL},
	};
	char got[16];
	long below;
	run(&offer, apps, 5, 20, 0, got, &below);
	expect("broad", got, "babab");
	/* The same round by priority alone takes the three best ranked. */
	offer.policy = (char *)"priority";
	run(&offer, apps, 5, 20, 0, got, &below);
	expect("priority", got, "bbbaa");
}

/* Fails unless text has needle (want 1) or has not (want 0). */
static void expect_text(const char *what, const char *text, const char *needle, int want)
{
	if ((strstr(text, needle) != NULL) != want)
		fail_msg("%s: %s \"%s\" in: %s", what, want ? "no" : "unwanted", needle, text);
}

/* How often "nr. " occurs: a round's explanation gives one number. */
static int numbers_in(const char *text)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, "nr. ")) != NULL; p++)
		n++;
	return n;
}

/*
 * A round's explanations are written knowing the whole selection: where
 * every eligible application got a place they say so and nothing of the
 * ranking, the policy or the capacity; otherwise the rank is the one
 * number, a case taken ahead of a better-ranked refused one is told what
 * it added, and a refusal says how a lower rank can be taken.
 */
static void test_round_explanations(void **state)
{
	(void)state;
	struct offer offer = make_offer("broad-representation", 0, 0, 3);
	offer.spread = spread_names;
	offer.nspread = 2;
	const struct app apps[] = {
		{1, "eligible", {1, 1}, {"døgninstitution", "Syd"}, NULL},
		{2, "eligible", {1, 1}, {"døgninstitution", "Syd"}, NULL},
		{3, "eligible", {1, 1}, {"døgninstitution", "Midt"}, NULL},
		{4, "eligible", {0, 0}, {"opholdssted", "Syd"}, NULL},
		{5, "eligible", {0, 0}, {"opholdssted", "Hovedstaden"}, NULL},
		{6, "not_eligible", {1, 1}, {"opholdssted", "Nord"}, NULL},
	};
	char got[16], *texts[6];
	long below;

	/* Three eligible for three places. */
	run_texts(&offer, apps + 2, 4, 20, 0, got, &below, texts);
	expect("all fit", got, "bbba");
	for (size_t i = 0; i < 3; i++) {
		expect_text("all fit", texts[i],
			    "Der var plads til alle 3 egnede ansøgninger, så det har ikke været "
			    "nødvendigt at prioritere mellem dem.", 1);
		expect_text("all fit", texts[i], "rangeret", 0);
		expect_text("all fit", texts[i], "bred repræsentation", 0);
		expect_text("all fit", texts[i], "Der er 3 pladser", 0);
		expect_text("all fit", texts[i], "udvalgt som", 0);
	}
	for (size_t i = 0; i < 4; i++)
		free(texts[i]);

	/* The only eligible one. */
	run_texts(&offer, apps + 4, 2, 20, 0, got, &below, texts);
	expect("only one", got, "ba");
	expect_text("only one", texts[0],
		    "Ansøgningen var den eneste egnede ansøgning, så det har ikke været nødvendigt at "
		    "prioritere.", 1);
	expect_text("only one", texts[0], "rangeret", 0);
	free(texts[0]);
	free(texts[1]);

	/* Five for three places: 1, 3 and 5 are taken, 5 passing over 2 and 4. */
	run_texts(&offer, apps, 5, 20, 0, got, &below, texts);
	expect("broad", got, "babab");
	for (size_t i = 0; i < 5; i++) {
		char rank[64];
		snprintf(rank, sizeof rank, "rangeret som nr. %zu af 5 egnede ansøgninger", i + 1);
		expect_text("broad", texts[i], rank, 1);
		if (numbers_in(texts[i]) != 1)
			fail_msg("broad: not one number in: %s", texts[i]);
		expect_text("broad", texts[i], "Ved udvælgelsen er der lagt vægt på bred repræsentation", 1);
		expect_text("broad", texts[i], "Der var plads til alle", 0);
	}
	/* The best ranked was taken for its rank; 3 and 5 for what they add. */
	expect_text("broad, nr. 1", texts[0], "Ansøgningen bidrager", 0);
	expect_text("broad, nr. 3", texts[2],
		    "Ansøgningen bidrager med noget, som ikke allerede var repræsenteret blandt de "
		    "udvalgte (region: Midt).", 1);
	expect_text("broad, nr. 5", texts[4],
		    "Ansøgningen bidrager med noget, som ikke allerede var repræsenteret blandt de "
		    "udvalgte (type af anbringelsessted: opholdssted, region: Hovedstaden).", 1);
	expect_text("broad, nr. 1", texts[0], "Der er 3 pladser, og ansøgningen er udvalgt.", 1);
	for (size_t i = 1; i < 5; i += 2) {
		expect_text("broad refusal", texts[i],
			    "Derfor kan en ansøgning, der står lavere i prioriteringen, være udvalgt frem "
			    "for denne ansøgning.", 1);
		expect_text("broad refusal", texts[i], "ansøgningen er derfor ikke udvalgt.", 1);
	}
	for (size_t i = 0; i < 5; i++)
		free(texts[i]);

	/* Taken before a better-ranked one that got a place as well: its rank
	 * would have given it one, so nothing is said of what it adds. */
	const struct app later[] = {
		{1, "eligible", {1, 1}, {"døgninstitution", "Syd"}, NULL},
		{2, "eligible", {1, 1}, {"døgninstitution", "Syd"}, NULL},
		{3, "eligible", {1, 1}, {"opholdssted", "Midt"}, NULL},
		{4, "eligible", {1, 1}, {"døgninstitution", "Syd"}, NULL},
	};
	run_texts(&offer, later, 4, 20, 0, got, &below, texts);
	expect("broad, better-ranked taken too", got, "bbba");
	for (size_t i = 0; i < 4; i++) {
		expect_text("broad, better-ranked taken too", texts[i], "Ansøgningen bidrager", 0);
		expect_text("broad, better-ranked taken too", texts[i], "Ansøgningen ligner", 0);
		free(texts[i]);
	}

	/* By priority alone nobody is passed over, and nothing is said of a policy. */
	offer.policy = (char *)"priority";
	run_texts(&offer, apps, 5, 20, 0, got, &below, texts);
	expect("priority", got, "bbbaa");
	for (size_t i = 0; i < 5; i++) {
		expect_text("priority", texts[i], "bred repræsentation", 0);
		expect_text("priority", texts[i], "Ansøgningen bidrager", 0);
		free(texts[i]);
	}
}

/*
 * A round where reviewers have acted (the deadline round of a priority
 * offer with 4 places and 7 eligible, ranked by receipt): final decisions
 * keep their outcome but take their rank and count among the eligible, and
 * no explanation says what the reviewers' decisions made false.
 */
static void reviewed_round(struct app *apps)
{
	for (int i = 0; i < 7; i++)
		apps[i] = (struct app){i + 1, "eligible", {1, 0}, {0}, NULL};
}

/* A reviewer's grant to a lower-ranked case: the refusal within the places says so. */
static void test_round_grant_below(void **state)
{
	(void)state;
	struct offer offer = make_offer("priority", 0, 0, 4);
	struct app apps[7];
	char got[16], *texts[7];
	long below;

	reviewed_round(apps);
	apps[4].current = "bevilget";
	run_texts(&offer, apps, 7, 20, 0, got, &below, texts);
	expect("grant below", got, "bbba-aa");
	expect_text("grant below, nr. 4", texts[3], "rangeret som nr. 4 af 7 egnede ansøgninger", 1);
	expect_text("grant below, nr. 4", texts[3],
		    "Der er kun 4 pladser. En af pladserne er givet af en sagsbehandler til en "
		    "ansøgning, der står lavere i prioriteringen, og ansøgningen er derfor ikke "
		    "udvalgt.", 1);
	expect_text("grant below, nr. 4", texts[3], "Der er kun 4 pladser, og", 0);
	/* Nr. 6 would not have had a place anyway. */
	expect_text("grant below, nr. 6", texts[5],
		    "Der er kun 4 pladser, og ansøgningen er derfor ikke udvalgt.", 1);
	expect_text("grant below, nr. 6", texts[5], "sagsbehandler", 0);
	for (size_t i = 0; i < 7; i++)
		free(texts[i]);

	/* Two grants below nr. 3. */
	reviewed_round(apps);
	apps[5].current = "bevilget";
	apps[6].current = "bevilget";
	run_texts(&offer, apps, 7, 20, 0, got, &below, texts);
	expect("two grants below", got, "bbaaa--");
	expect_text("two grants below, nr. 3", texts[2],
		    "2 af pladserne er givet af en sagsbehandler til ansøgninger, der står lavere i "
		    "prioriteringen, og ansøgningen er derfor ikke udvalgt.", 1);
	for (size_t i = 0; i < 7; i++)
		free(texts[i]);
}

/* A confirmed refusal keeps its rank and its count: nr. 6 stays nr. 6 of 7. */
static void test_round_confirmed_refusal_counts(void **state)
{
	(void)state;
	struct offer offer = make_offer("priority", 0, 0, 4);
	struct app apps[7];
	char got[16], *texts[7];
	long below;

	reviewed_round(apps);
	apps[3].current = "afslag";
	apps[4].current = "bevilget";
	run_texts(&offer, apps, 7, 20, 0, got, &below, texts);
	expect("refusal confirmed", got, "bbb--aa");
	expect_text("refusal confirmed, nr. 1", texts[0], "rangeret som nr. 1 af 7 egnede ansøgninger", 1);
	expect_text("refusal confirmed, nr. 6", texts[5], "rangeret som nr. 6 af 7 egnede ansøgninger", 1);
	expect_text("refusal confirmed, nr. 7", texts[6], "rangeret som nr. 7 af 7 egnede ansøgninger", 1);
	for (size_t i = 0; i < 7; i++)
		free(texts[i]);
}

/*
 * Places freed (nr. 1 and 2 withdrawn: gone) while nr. 4's refusal is
 * final: nr. 7 gets a place, but not everyone did, and it is told why a
 * place was left for it.
 */
static void test_round_freed_place(void **state)
{
	(void)state;
	struct offer offer = make_offer("priority", 0, 0, 4);
	struct app apps[7];
	char got[16], *texts[7];
	long below;

	reviewed_round(apps);
	apps[3].current = "afslag";
	apps[4].current = "bevilget";
	run_texts(&offer, apps + 2, 5, 20, 0, got, &below, texts);
	expect("freed places", got, "b--bb");
	for (size_t i = 0; i < 5; i++)
		expect_text("freed places", texts[i], "Der var plads til alle", 0);
	expect_text("freed places, nr. 5", texts[4], "rangeret som nr. 5 af 5 egnede ansøgninger", 1);
	expect_text("freed places, nr. 5", texts[4],
		    "En ansøgning, der står højere i prioriteringen, har fået afslag. Der er 4 "
		    "pladser, og ansøgningen er udvalgt.", 1);
	/* Within the places nothing more is said. */
	expect_text("freed places, nr. 1", texts[0], "har fået afslag", 0);
	expect_text("freed places, nr. 1", texts[0], "Der er 4 pladser, og ansøgningen er udvalgt.", 1);
	for (size_t i = 0; i < 5; i++)
		free(texts[i]);

	/* Everyone eligible has a place, one of them given for good: room for all. */
	run_texts(&offer, apps + 4, 3, 20, 0, got, &below, texts);
	expect("all fit", got, "-bb");
	expect_text("all fit", texts[1], "Der var plads til alle 3 egnede ansøgninger", 1);
	for (size_t i = 0; i < 3; i++)
		free(texts[i]);
}

/* One place: "plads til 1 kommuner" took the plural unit for one. */
static void test_one_place(void **state)
{
	(void)state;
	struct offer offer = make_offer("priority", 0, 0, 1);
	offer.capacity_unit = (char *)"kommuner";
	const struct app apps[] = {
		{1, "eligible", {1, 1}, {0}, NULL},
		{2, "eligible", {0, 0}, {0}, NULL},
	};
	char got[16], *texts[2];
	long below;
	run_texts(&offer, apps, 2, 20, 0, got, &below, texts);
	expect("one place", got, "ba");
	expect_text("one place, refused", texts[1], "Der er kun én plads, og ansøgningen er derfor ikke udvalgt.", 1);
	expect_text("one place, refused", texts[1], "1 kommuner", 0);
	expect_text("one place, granted", texts[0], "1 kommuner", 0);
	free(texts[0]);
	free(texts[1]);
}

static void test_registration(void **state)
{
	(void)state;
	struct offer offer = make_offer("none", 0, 0, -1);
	const struct app apps[] = {
		{1, "eligible", {0}, {0}, NULL},
		{2, "incomplete", {0}, {0}, NULL},
		{14, "eligible", {0}, {0}, NULL},
	};
	char got[16];
	long below;
	run(&offer, apps, 3, 5, 0, got, &below);
	expect("registration", got, "kma");
}

static void test_applicant_keys(void **state)
{
	(void)state;
	static const struct {
		const char *fields, *key, *name;
	} cases[] = {
		{"{\"kommune\":{\"value\":\"Aarhus\"}}", "kommune:aarhus", "Aarhus Kommune"},
		{"{\"kommune\":{\"value\":\"København\"}}", "kommune:københavn", "Københavns Kommune"},
		{"{\"cvr\":{\"value\":\"12345678\"},\"sted_navn\":{\"value\":\"Solgården\"}}", "cvr:12345678",
		 "Solgården"},
		{"{\"sted_navn\":{\"value\":\"Familien Hansen\"},\"kommune\":{\"value\":\"Vejle\"}}",
		 "sted:familien hansen|vejle", "Familien Hansen"},
		{"{\"email\":{\"value\":\"Lise@Example.DK\"},\"navn\":{\"value\":\"Lise\"}}",
		 "email:lise@example.dk", "Lise"},
		{"{\"tema\":{\"value\":\"x\"}}", "", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *fields = json_loads(cases[i].fields, 0, NULL);
		char key[256] = "", name[256] = "";
		assert_non_null(fields);
		if (store_applicant_key(fields, key, sizeof key) < 0)
			key[0] = '\0';
		if (store_applicant_name(fields, name, sizeof name) < 0)
			name[0] = '\0';
		expect(cases[i].fields, key, cases[i].key);
		expect(cases[i].fields, name, cases[i].name);
		json_decref(fields);
	}
	char number[32];
	expect("case number", store_format_case_number(2026, 17, number, sizeof number), "2026-000017");
}

/*
 * A reviewer's grant beyond the places: the policy never takes a place
 * given for good, but flags the one that found none (beyond the capacity,
 * or out of the period it was confirmed in), which is how skema-decide
 * --if-granted tells skema decide to refuse such a grant.
 */
static void test_grant_beyond_capacity(void **state)
{
	(void)state;
	struct offer offer = make_offer("first-come", 1, 0, 1);
	static const char *const received[] = {"2021-09-01T10:00:00+02:00", "2021-08-01T10:00:00+02:00",
					       "2022-03-01T10:00:00+01:00"};
	/* 1: confirmed in 2021 (period kept); 2: a new grant received before it;
	 * 3: an application of 2022, so 2021 is not the last period. */
	static const char *const outcome[] = {"bevilget", "bevilget", NULL};
	struct decide_case cases[3];
	long below;
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < 3; i++) {
			decide_case_init(&cases[i]);
			cases[i].id = (long long)i + 1;
			assert_int_equal(clock_parse(received[i], &cases[i].received), 0);
			cases[i].validation = strdup("eligible");
			if (outcome[i] && (round == 1 || i == 0)) {
				cases[i].current_outcome = strdup(outcome[i]);
				cases[i].current_state = strdup("final");
				if (i == 0)
					cases[i].current_period = strdup("2021");
			}
		}
		decide_run_policy(&offer, cases, 3, day_of(20), 0, &below);
		for (size_t i = 0; i < 3; i++) {
			/* Alone, the confirmed place keeps 2021; with the earlier grant
			 * it would move to 2022. */
			int want = round == 1 && cases[i].id == 1;
			if (cases[i].beyond_capacity != want)
				fail_msg("round %d, case %lld: beyond_capacity %d, want %d", round, cases[i].id,
					 cases[i].beyond_capacity, want);
			decide_case_release(&cases[i]);
		}
	}
	/* One pool (a deadline round): the grant beyond the places is flagged. */
	struct offer round = make_offer("priority", 0, 0, 1);
	const struct app apps[] = {
		{1, "eligible", {1, 1}, {0}, "bevilget"},
		{2, "eligible", {1, 1}, {0}, "bevilget"},
	};
	for (size_t i = 0; i < 2; i++) {
		decide_case_init(&cases[i]);
		cases[i].id = (long long)i + 1;
		cases[i].received = day_of(apps[i].day);
		cases[i].validation = strdup(apps[i].validation);
		cases[i].current_outcome = strdup(apps[i].current);
		cases[i].current_state = strdup("final");
	}
	decide_run_policy(&round, cases, 2, day_of(20), 0, &below);
	assert_int_equal(cases[0].beyond_capacity + cases[1].beyond_capacity, 1);
	for (size_t i = 0; i < 2; i++)
		decide_case_release(&cases[i]);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_come),
		cmocka_unit_test(test_first_come_final_places),
		cmocka_unit_test(test_grant_beyond_capacity),
		cmocka_unit_test(test_priority_ties_and_late),
		cmocka_unit_test(test_below_minimum),
		cmocka_unit_test(test_broad_representation),
		cmocka_unit_test(test_round_explanations),
		cmocka_unit_test(test_round_grant_below),
		cmocka_unit_test(test_round_confirmed_refusal_counts),
		cmocka_unit_test(test_round_freed_place),
		cmocka_unit_test(test_one_place),
		cmocka_unit_test(test_registration),
		cmocka_unit_test(test_applicant_keys),
	};
	clock_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
