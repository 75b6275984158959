/*
 * test_decide_complete.c - the first-come policy at an offer whose places
 * are held while a forløb runs (capacity period concurrent), when forløb
 * end (skema complete): the ended ones hold no place, keep their number,
 * and are left alone; a place of a year is not freed by an ended forløb.
 * The rank a proposal is stored with is its number, counting the places
 * given for good and the ended forløb before it, so no two share one.
 * Each row is a constructed round with its known answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "../../stages/decide/decide.h"
#include "offer.h"

/* One application: receipt day in March 2026, standing decision, ended. */
struct app {
	int day;
	const char *current;  /* "bevilget", "venteliste" or NULL */
	const char *state;    /* "final" or "proposed" */
	int completed;
};

struct round {
	const char *name;
	const char *period;   /* capacity period */
	long max;
	struct app apps[8];
	size_t napps;
	const char *want;     /* per app: b v - (left alone) */
	const char *numbers;  /* per app: the "nr. N blandt" of a proposed place, 0 none */
	int freed;            /* the app that gets a place an ended forløb freed, -1 none */
	const char *ranks;    /* per app: the rank of a proposal, 0 none */
};

static const struct round rounds[] = {
	{"nothing ended: two places, the third waits", "concurrent", 2,
	 {{1, NULL, NULL, 0}, {2, NULL, NULL, 0}, {3, NULL, NULL, 0}}, 3, "bbv", "120", -1, "123"},
	{"a final place ended: the waiting one gets it as nr. 3", "concurrent", 2,
	 {{1, "bevilget", "final", 1},
	  {2, "bevilget", "proposed", 0},
	  {3, "venteliste", "proposed", 0}},
	 3, "-bb", "023", 2, "023"},
	{"a proposed place ended: left alone, its number kept", "concurrent", 2,
	 {{1, "bevilget", "proposed", 1},
	  {2, "bevilget", "proposed", 0},
	  {3, "venteliste", "proposed", 0}},
	 3, "-bb", "023", 2, "023"},
	{"the second ended: the first keeps nr. 1, the third gets nr. 3", "concurrent", 2,
	 {{1, "bevilget", "proposed", 0}, {2, "bevilget", "proposed", 1}, {3, "venteliste", "final", 0}},
	 3, "b-b", "103", 2, "103"},
	{"one ended, two waiting: only the first of them moves up", "concurrent", 2,
	 {{1, "bevilget", "final", 1}, {2, "bevilget", "final", 0}, {3, "venteliste", "proposed", 0},
	  {4, "venteliste", "proposed", 0}},
	 4, "--bv", "0030", 2, "0034"},
	{"a place of a year stays used when its forløb ends", "year", 2,
	 {{1, "bevilget", "final", 0}, {2, "bevilget", "final", 0}, {3, "venteliste", "proposed", 0}},
	 3, "--v", "000", -1, "003"},
	{"a place of a year confirmed: the next keeps nr. 2", "year", 3,
	 {{1, "bevilget", "final", 0}, {2, "bevilget", "proposed", 0}, {3, NULL, NULL, 0}},
	 3, "-bb", "023", -1, "023"},
};

static time_t day_of(int day)
{
	char iso[32];
	time_t t;
	snprintf(iso, sizeof iso, "2026-03-%02dT10:00:00+01:00", day);
	assert_int_equal(clock_parse(iso, &t), 0);
	return t;
}

static void run_round(const struct round *r)
{
	struct offer offer;
	struct decide_case cases[8];
	char got[9], numbers[9], ranks[9];
	long below;

	memset(&offer, 0, sizeof offer);
	offer.id = (char *)"test";
	offer.policy = (char *)"first-come";
	offer.rolling = 1;
	offer.capacity_period = (char *)r->period;
	offer.capacity_unit = (char *)"forløb";
	offer.capacity_max = r->max;
	for (size_t i = 0; i < r->napps; i++) {
		const struct app *a = &r->apps[i];
		decide_case_init(&cases[i]);
		cases[i].id = (long long)i + 1;
		cases[i].received = day_of(a->day);
		cases[i].validation = strdup("eligible");
		if (a->current) {
			cases[i].current_outcome = strdup(a->current);
			cases[i].current_state = strdup(a->state);
		}
		/* As skema-decide loads it: only a concurrent place is freed. */
		cases[i].completed = a->completed && a->current && strcmp(a->current, "bevilget") == 0 &&
				     strcmp(r->period, "concurrent") == 0;
	}
	decide_run_policy(&offer, cases, r->napps, day_of(28), 0, &below);
	for (size_t i = 0; i < r->napps; i++) {
		const struct decide_case *c = &cases[i];
		size_t at = (size_t)(c->id - 1);
		const char *text = strbuf_str(&c->explanation);
		const char *nr = strstr(text, "er nr. ");
		got[at] = !c->outcome ? '-' : strcmp(c->outcome, "bevilget") == 0 ? 'b' : 'v';
		numbers[at] = '0';
		ranks[at] = c->outcome && c->rank > 0 && c->rank < 10 ? (char)('0' + c->rank) : '0';
		if (c->outcome && strcmp(c->outcome, "bevilget") == 0 && nr)
			numbers[at] = nr[strlen("er nr. ")];
		int freed_text = strstr(text, "Afsluttede forløb optager ikke længere en plads") != NULL;
		if (freed_text != ((int)at == r->freed))
			fail_msg("%s: case %zu: got %s the freed-place sentence, want %s: %s", r->name,
				 at + 1, freed_text ? "" : "no", freed_text ? "none" : "it", text);
	}
	got[r->napps] = numbers[r->napps] = ranks[r->napps] = '\0';
	if (strcmp(got, r->want) != 0)
		fail_msg("%s: outcomes: got %s, want %s", r->name, got, r->want);
	if (strcmp(numbers, r->numbers) != 0)
		fail_msg("%s: numbers: got %s, want %s", r->name, numbers, r->numbers);
	if (strcmp(ranks, r->ranks) != 0)
		fail_msg("%s: ranks: got %s, want %s", r->name, ranks, r->ranks);
	for (size_t i = 0; i < r->napps; i++)
		decide_case_release(&cases[i]);
}

static void test_rounds(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rounds / sizeof *rounds; i++)
		run_round(&rounds[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rounds),
	};
	clock_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
