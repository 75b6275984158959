/*
 * decide_policy.c - the selection policies of offers.md: first come first
 * served within the capacity of a period, ranking by priority criteria at a
 * deadline, broad representation, and plain confirmation of registrations.
 *
 * Everything here is deterministic: the same cases give the same outcomes
 * and the same explanations, so that re-running skema-decide changes
 * nothing (the caller compares explanations to find what changed).  Ties are
 * broken by receipt time, then by database id, and every explanation says
 * which rule decided.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "decide.h"
#include "normalize.h"

#define EXPLANATION_MAX (16u * 1024u)

/* How every first-come explanation begins, whatever the outcome. */
#define FIRST_COME                                                                      \
	"Ansøgningen opfylder tildelingskriterierne. Pladserne fordeles efter "          \
	"først-til-mølle-princippet i den rækkefølge, ansøgningerne er modtaget. "

/*
 * How a rolling offer with priority criteria begins (offers.md: priority
 * criteria rank the eligible applications when there are more of them
 * than places).  The same words whether the places are full or not, so
 * that a waiting list beginning or ending rewrites no proposal.
 */
#define ROLLING_PRIORITY                                                                \
	"Ansøgningen opfylder tildelingskriterierne. Pladserne fordeles løbende, først "  \
	"efter prioriteringskriterierne og dernæst i den rækkefølge, ansøgningerne er "    \
	"modtaget. "

void decide_case_init(struct decide_case *c)
{
	memset(c, 0, sizeof *c);
	strbuf_init(&c->explanation, EXPLANATION_MAX);
}

void decide_case_release(struct decide_case *c)
{
	if (!c)
		return;
	free(c->case_number);
	free(c->received_at);
	free(c->validation);
	free(c->rank_value);
	for (size_t i = 0; i < DECIDE_MAX_SPREAD; i++)
		free(c->spread[i]);
	free(c->current_outcome);
	free(c->current_state);
	free(c->current_explanation);
	free(c->current_period);
	free(c->reasons);
	free(c->priority_text);
	strbuf_release(&c->explanation);
}

int decide_case_fixed(const struct decide_case *c)
{
	/* A final place on the waiting list is not fixed: a freed place moves it. */
	return c->current_state && strcmp(c->current_state, "final") == 0 && c->current_outcome &&
	       strcmp(c->current_outcome, "venteliste") != 0;
}

/* A place given for good that still holds it: an ended forløb has let go of its place. */
static int fixed_selected(const struct decide_case *c)
{
	return decide_case_fixed(c) && !c->completed && strcmp(c->current_outcome, "bevilget") == 0;
}

/*
 * A final decision on an eligible application of a round that holds no
 * place (a reviewer confirmed its refusal): it keeps its decision, but it
 * takes its rank among the eligible and counts in their number, so that
 * confirming one refusal renumbers no other case and makes no new draft.
 */
static int fixed_eligible(const struct decide_case *c)
{
	return decide_case_fixed(c) && !c->completed && !fixed_selected(c) && !c->late &&
	       c->validation && strcmp(c->validation, "eligible") == 0;
}

static int by_receipt(const void *a, const void *b)
{
	const struct decide_case *x = a, *y = b;
	if (x->received != y->received)
		return x->received < y->received ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The offer's rank field, ascending (<selection rank>: e.g. the date the
 * beredskab was approved, so the revision due soonest comes first).
 * Numbers compare as numbers, anything else (ISO dates) as text; an
 * unknown value comes last.
 */
static int compare_rank_values(const char *a, const char *b)
{
	char *end_a, *end_b;
	if (!a || !*a || !b || !*b)
		return (a && *a) ? -1 : (b && *b) ? 1 : 0;
	double x = strtod(a, &end_a), y = strtod(b, &end_b);
	if (!*end_a && !*end_b && end_a != a && end_b != b)
		return x < y ? -1 : x > y;
	int cmp = strcmp(a, b);
	return cmp < 0 ? -1 : cmp > 0;
}

/* Better first: more priority criteria passed, then in the order listed, then receipt. */
static int by_priority(const void *a, const void *b)
{
	const struct decide_case *const *px = a, *const *py = b;
	const struct decide_case *x = *px, *y = *py;
	if (x->priority_passed != y->priority_passed)
		return x->priority_passed > y->priority_passed ? -1 : 1;
	for (size_t i = 0; i < x->npriority && i < y->npriority; i++)
		if (x->priority[i] != y->priority[i])
			return x->priority[i] > y->priority[i] ? -1 : 1;
	int by_value = compare_rank_values(x->rank_value, y->rank_value);
	if (by_value)
		return by_value;
	return by_receipt(x, y);
}

static int same_priority(const struct decide_case *x, const struct decide_case *y)
{
	if (x->priority_passed != y->priority_passed || x->npriority != y->npriority ||
	    compare_rank_values(x->rank_value, y->rank_value) != 0)
		return 0;
	return memcmp(x->priority, y->priority, x->npriority * sizeof *x->priority) == 0;
}

/* 1 when the places are given per year, quarter or month. */
static int periodic(const struct offer *offer)
{
	const char *period = offer->capacity_period ? offer->capacity_period : "year";
	return strcmp(period, "year") == 0 || strcmp(period, "quarter") == 0 ||
	       strcmp(period, "month") == 0;
}

/*
 * The offer_period_index of a key offer_period_key wrote; -1 when it is not one of
 * this offer's periods (the offer changed its period since).
 */
static long period_of_key(const struct offer *offer, const char *key)
{
	const char *period = offer->capacity_period ? offer->capacity_period : "year";
	long year, part;
	char end;
	if (!key)
		return -1;
	if (strcmp(period, "year") == 0 && sscanf(key, "%4ld%c", &year, &end) == 1)
		return year;
	if (strcmp(period, "quarter") == 0 && sscanf(key, "%4ld-Q%1ld%c", &year, &part, &end) == 2 &&
	    part >= 1 && part <= 4)
		return year * 4 + part - 1;
	if (strcmp(period, "month") == 0 && sscanf(key, "%4ld-%2ld%c", &year, &part, &end) == 2 &&
	    part >= 1 && part <= 12)
		return year * 12 + part - 1;
	return -1;
}

/*
 * The Danish name of an offer_period_index: "året 2026", "3. kvartal 2021".
 * ("i 2026" would read better, but every stored proposal's explanation
 * would then differ and be written again on upgrade.)
 */
static void period_label(const struct offer *offer, long index, char *label, size_t size)
{
	const char *period = offer->capacity_period ? offer->capacity_period : "year";
	if (strcmp(period, "year") == 0)
		snprintf(label, size, "året %04ld", index);
	else if (strcmp(period, "quarter") == 0)
		snprintf(label, size, "%ld. kvartal %04ld", index % 4 + 1, index / 4);
	else if (strcmp(period, "month") == 0)
		snprintf(label, size, "måneden %02ld/%04ld", index % 12 + 1, index / 12);
	else
		snprintf(label, size, "%s",
			 strcmp(period, "concurrent") == 0 ? "de samtidige forløb" : "runden");
}

static const char *unit_of(const struct offer *offer)
{
	return offer->capacity_unit && *offer->capacity_unit ? offer->capacity_unit : "pladser";
}

/*
 * "plads til 10 temaforløb", or without a unit "10 pladser": "der er plads
 * til 10 pladser" says the unit twice; for one, "én plads".
 */
static const char *room_for(long max, const struct offer *offer, char *buf, size_t size)
{
	/* The unit is a plural ("kommuner"): "plads til 1 kommuner" is wrong. */
	if (max == 1)
		snprintf(buf, size, "én plads");
	else if (offer->capacity_unit && *offer->capacity_unit)
		snprintf(buf, size, "plads til %ld %s", max, offer->capacity_unit);
	else
		snprintf(buf, size, "%ld %s", max, max == 1 ? "plads" : "pladser");
	return buf;
}

static void explain_reasons(struct decide_case *c, const char *lead)
{
	strbuf_puts(&c->explanation, lead);
	if (c->reasons && *c->reasons) {
		strbuf_puts(&c->explanation, " ");
		strbuf_puts(&c->explanation, c->reasons);
	}
}

/* How many priority criteria the offer has. */
static size_t count_priority(const struct offer *offer)
{
	size_t n = 0;
	for (size_t i = 0; i < offer->ncriteria; i++)
		n += offer->criteria[i].kind == CRITERION_PRIORITY;
	return n;
}

/*
 * How many of the offer's priority criteria c met, in words ("ikke
 * prioriteringskriteriet", "2 af de 4 prioriteringskriterier"), not "0 af
 * 1 prioriteringskriterium"; 0 when the offer has none.
 */
static int priority_met(const struct decide_case *c, const struct offer *offer, char *buf,
			size_t size)
{
	size_t npriority = count_priority(offer);
	if (npriority == 1)
		snprintf(buf, size, "%s", c->priority_passed > 0 ? "prioriteringskriteriet"
								 : "ikke prioriteringskriteriet");
	else if (npriority > 1 && c->priority_passed <= 0)
		snprintf(buf, size, "ingen af prioriteringskriterierne");
	else if (npriority > 1 && (size_t)c->priority_passed >= npriority)
		snprintf(buf, size, "alle prioriteringskriterierne");
	else if (npriority > 1)
		snprintf(buf, size, "%d af de %zu prioriteringskriterier", c->priority_passed,
			 npriority);
	return npriority > 0;
}

/*
 * The rank of c among the eligible and the priority criteria it met: the
 * one number a round's explanation gives (not also the order in which the
 * selection took it).  Written only where the ranking decided something,
 * i.e. not every eligible application got a place.
 */
static void explain_priority(struct decide_case *c, size_t rank, size_t eligible,
			     const struct offer *offer)
{
	char met[96];
	strbuf_printf(&c->explanation,
		      "Efter prioriteringskriterierne er ansøgningen rangeret som nr. %zu af %zu %s",
		      rank, eligible, eligible == 1 ? "egnet ansøgning" : "egnede ansøgninger");
	if (priority_met(c, offer, met, sizeof met))
		strbuf_printf(&c->explanation, " (den opfylder %s)", met);
	strbuf_puts(&c->explanation, ".");
	if (c->priority_text && *c->priority_text) {
		strbuf_puts(&c->explanation, " ");
		strbuf_puts(&c->explanation, c->priority_text);
	}
	if (offer->rank_by) {
		/* A letter shows a date as a Danish date and says "oldest", not
		 * "lowest" of "2018-11-30". */
		const struct offer_field *f = offer_find_field(offer, offer->rank_by);
		const char *value = c->rank_value && *c->rank_value ? c->rank_value : "ikke oplyst";
		const char *order = "laveste først";
		char danish[CLOCK_ISO_SIZE];
		time_t t;
		if (f && f->type == FIELD_DATE) {
			order = "ældste først";
			if (c->rank_value && clock_parse(c->rank_value, &t) == 0)
				value = clock_format_danish(t, danish);
		}
		strbuf_printf(&c->explanation,
			      " Ved samme opfyldelse af prioriteringskriterierne rangeres efter »%s« "
			      "(%s), her %s.",
			      decide_attribute_label(offer, offer->rank_by), order, value);
	}
}

/*
 * The subject of "... er besat": "Alle 10 temaforløb", but "Begge pladser"
 * and "Den eneste plads", not "Alle 1 temadage" (applicant playtest).
 */
static const char *all_places(const struct offer *offer, char *buf, size_t size)
{
	if (offer->capacity_max == 1)
		return "Den eneste plads";
	if (offer->capacity_max == 2)
		return "Begge pladser";
	snprintf(buf, size, "Alle %ld %s", offer->capacity_max, unit_of(offer));
	return buf;
}

/* Registrations: everyone who registers in time is confirmed. */
static void decide_registration(const struct offer *offer, struct decide_case *c)
{
	char deadline[CLOCK_ISO_SIZE], received[CLOCK_ISO_SIZE];
	/* Late first: a late registration is not asked for what it lacks. */
	if (strcmp(c->validation, "incomplete") == 0 && !c->late) {
		c->outcome = "mangler";
		explain_reasons(c, "Tilmeldingen mangler oplysninger, før den kan registreres.");
	} else if (c->late) {
		c->outcome = "afslag";
		/* With the times, as for an application: 12.05 on the day of a 12.00 deadline. */
		strbuf_printf(&c->explanation, "Tilmeldingen er modtaget %s, efter fristen %s.",
			      clock_format_danish_time_apart(c->received, offer->deadline_at, received),
			      clock_format_danish_time(offer->deadline_at, deadline));
	} else if (strcmp(c->validation, "not_eligible") == 0) {
		c->outcome = "afslag";
		explain_reasons(c, "Tilmeldingen opfylder ikke betingelserne.");
	} else {
		c->outcome = "bekræftelse";
		strbuf_puts(&c->explanation, "Tilmeldingen er modtaget og registreret.");
	}
}

/*
 * The first sentences of a rolling offer's explanation: how its places are
 * given and, for a case that waits behind others by the priority
 * criteria, which of them it met.
 */
static void explain_rolling(struct decide_case *c, const struct offer *offer, int prioritized,
			    int waits)
{
	char met[96];
	strbuf_puts(&c->explanation, prioritized ? ROLLING_PRIORITY : FIRST_COME);
	if (!prioritized || !waits)
		return;
	if (priority_met(c, offer, met, sizeof met))
		strbuf_printf(&c->explanation, "Ansøgningen opfylder %s. ", met);
	if (c->priority_text && *c->priority_text)
		strbuf_printf(&c->explanation, "%s ", c->priority_text);
}

/*
 * Who can still go ahead of a waiting case: a later application that
 * meets more priority criteria, which none can when it meets them all.
 */
static void explain_overtaking(struct decide_case *c, const struct offer *offer)
{
	size_t npriority = count_priority(offer);
	if (npriority == 0 || (size_t)c->priority_passed >= npriority)
		return;
	strbuf_puts(&c->explanation,
		    npriority == 1 ? " En ansøgning, der kommer senere og opfylder "
				     "prioriteringskriteriet, kommer foran på ventelisten."
				   : " En ansøgning, der kommer senere og opfylder flere af "
				     "prioriteringskriterierne, kommer foran på ventelisten.");
}

/*
 * Why a case of a rolling offer ranked by priority criteria gets a place,
 * without the place's number: the criteria chose who got the places, and
 * the number would only say in which order they came.
 */
static void explain_priority_place(struct decide_case *c, const struct offer *offer, int concurrent,
				   int carried, int freed_by_ended, const char *own, const char *label)
{
	char room[160], subject[128];
	if (concurrent && freed_by_ended)
		strbuf_printf(&c->explanation,
			      "Der kan være %ld %s i gang ad gangen. Afsluttede forløb optager ikke "
			      "længere en plads, og ansøgningen får derfor en af de pladser, der er "
			      "blevet ledige.",
			      offer->capacity_max, unit_of(offer));
	else if (concurrent)
		strbuf_printf(&c->explanation,
			      "Der kan være %ld %s i gang ad gangen, og ansøgningen får en af pladserne.",
			      offer->capacity_max, unit_of(offer));
	else if (carried)
		strbuf_printf(&c->explanation,
			      "%s i %s var besat, og ansøgningen kom på venteliste. Ventelisten "
			      "går forud for nye ansøgninger, når en ny periode begynder, og ansøgningen "
			      "får derfor en af de %ld pladser i %s.",
			      all_places(offer, subject, sizeof subject), own, offer->capacity_max, label);
	else
		strbuf_printf(&c->explanation, "I %s er der %s, og ansøgningen får en af pladserne.",
			      label, room_for(offer->capacity_max, offer, room, sizeof room));
}

/*
 * First come, first served within the capacity of each period.  The
 * waiting list is one list across periods, as the waiting-list letter
 * promises ("the place goes to the first on the list"): the periods from
 * the first receipt to the last are walked in order, and in each the
 * places go first to decisions already final, then to those still waiting
 * from earlier periods, then to the period's own applications, each in
 * order of receipt.  The last period is that of the last receipt, or of
 * the time of deciding when a later period has begun: its places go to
 * those waiting although nobody has applied in it yet.  What is left after
 * the last period is the waiting list.  Receipt times and the period of
 * the time of deciding decide, so re-running skema-decide changes nothing.
 *
 * With selection policy "priority" (offers.md gives the rådgivningsforløb
 * and the temaforløb priority criteria) the places not given for good go
 * by the priority criteria met, then by receipt, within the same walk:
 * while there are places for all, nothing changes; beyond them, the
 * applications that meet more criteria get the places and the waiting
 * list is in that order too.  Those waiting from an earlier period still
 * come before a new period's own.  A place proposed but not confirmed can
 * thus go to a later application that meets more criteria.  Only a case
 * on the waiting list is told which criteria it met: a granted one's text
 * stays the same when a waiting list begins or ends.
 *
 * An ended forløb (skema complete, concurrent offers only) takes no place,
 * but it keeps its number: a case's "nr. N blandt de egnede ansøgninger"
 * counts the places used plus the forløb ended before it, counted where
 * they stood (a final one with the final places, a proposed one in
 * receipt order), and so does the rank it is stored with.  Ending the
 * first forløb thus rewrites no other proposal and makes no new draft;
 * only the first on the waiting list gets a new one, a place.
 */
static void decide_first_come(const struct offer *offer, struct decide_case *cases, size_t ncases,
			      const int *candidate, time_t now)
{
	char *placed = calloc(ncases ? ncases : 1, 1);
	long *period = calloc(ncases ? ncases : 1, sizeof *period);
	struct decide_case **order = calloc(ncases ? ncases : 1, sizeof *order);
	char *wins = calloc(ncases ? ncases : 1, 1);
	int concurrent = offer->capacity_period && strcmp(offer->capacity_period, "concurrent") == 0;
	int carries = periodic(offer);
	int prioritized = offer->policy && strcmp(offer->policy, "priority") == 0;
	long first = 0, last = 0, finished = 0;
	char subject[128];
	int any = 0, waiting = 0;
	char label[64], own[64], room[160];

	if (!placed || !period || !order || !wins)
		goto out;
	/* The order in which the places not given for good are handed out:
	 * receipt, or with priority criteria, how many were met first. */
	for (size_t i = 0; i < ncases; i++)
		order[i] = &cases[i];
	if (prioritized && ncases > 1)
		qsort(order, ncases, sizeof *order, by_priority);
	for (size_t i = 0; i < ncases; i++) {
		period[i] = offer_period_index(offer, cases[i].received);
		/* A place given for good keeps the period it was given in (a
		 * reviewer confirmed "plads nr. 1 … i året 2027"): counting it
		 * by its receipt again would push another case out. */
		if (carries && fixed_selected(&cases[i])) {
			long kept = period_of_key(offer, cases[i].current_period);
			if (kept >= 0)
				period[i] = kept;
		}
		if (!candidate[i] && !fixed_selected(&cases[i]))
			continue;
		if (!any || period[i] < first)
			first = period[i];
		if (!any || period[i] > last)
			last = period[i];
		any = 1;
	}
	/* A new period has begun with nobody applying in it yet: its places
	 * go to those waiting now, as the waiting-list letter promises, not
	 * only once someone applies.  Re-running at the same time still
	 * changes nothing. */
	if (any && carries && offer_period_index(offer, now) > last)
		last = offer_period_index(offer, now);
	for (long p = first; any && p <= last; p++) {
		long used = 0;
		int position = 0;
		period_label(offer, p, label, sizeof label);
		/* Places given for good take theirs first: they cannot be moved.
		 * One that found none in its own period (a reviewer's override
		 * beyond the capacity) takes one of the next, or counts beyond
		 * the capacity of the last. */
		for (size_t j = 0; j < ncases; j++) {
			/* These count in the numbers of the cases after them, as
			 * the explanations count them (used + finished). */
			if (!placed[j] && cases[j].completed && decide_case_fixed(&cases[j]) &&
			    period[j] <= p) {
				placed[j] = 1;
				position++;
				finished++;
				continue;
			}
			if (placed[j] || !fixed_selected(&cases[j]) || period[j] > p)
				continue;
			if (offer->capacity_max < 0 || used < offer->capacity_max || p == last) {
				/* Beyond the places, or out of the period it was
				 * confirmed in: someone's grant took its place. */
				if ((offer->capacity_max >= 0 && used >= offer->capacity_max) ||
				    (p != period[j] && period_of_key(offer, cases[j].current_period) >= 0))
					cases[j].beyond_capacity = 1;
				placed[j] = 1;
				position++;
				used++;
				if (carries)
					offer_period_key(offer, p, cases[j].period, sizeof cases[j].period);
			}
		}
		/* Who gets the period's places: those waiting from an earlier
		 * period first (the waiting list goes before new applications),
		 * then the period's own, each in the order of `order`. */
		long free_places = offer->capacity_max < 0 ? (long)ncases : offer->capacity_max - used;
		for (size_t k = 0; k < 2 * ncases; k++) {
			struct decide_case *c = order[k % ncases];
			size_t j = (size_t)(c - cases);
			if ((k < ncases) != (period[j] < p) || !candidate[j] || placed[j] ||
			    period[j] > p || c->completed)
				continue;
			if (free_places > 0) {
				wins[j] = 1;
				free_places--;
			}
		}
		/* The places are numbered in order of receipt, also where the
		 * priority criteria chose who got them: an application that
		 * meets a criterion renumbers nobody while there is room. */
		for (size_t j = 0; j < ncases; j++) {
			struct decide_case *c = &cases[j];
			if (!placed[j] && c->completed && period[j] <= p) {
				/* An ended forløb still proposed: its number, no place. */
				placed[j] = 1;
				position++;
				finished++;
				continue;
			}
			if (!wins[j] || placed[j])
				continue;
			int carried = period[j] < p;
			period_label(offer, period[j], own, sizeof own);
			if (carries)
				offer_period_key(offer, p, c->period, sizeof c->period);
			if (offer->capacity_max < 0) {
				placed[j] = 1;
				c->rank = ++position;
				c->outcome = "bevilget";
				explain_rolling(c, offer, prioritized, 0);
				strbuf_puts(&c->explanation,
					    "Der er ikke et loft over antallet, og ansøgningen imødekommes.");
			} else if (used < offer->capacity_max) {
				/* Its number counts the places given for good before
				 * it: the second received stays "nr. 2" when the
				 * first is confirmed (no changed proposal, no new
				 * draft, no false "nr. 1"). */
				placed[j] = 1;
				used++;
				c->rank = ++position;
				c->outcome = "bevilget";
				explain_rolling(c, offer, prioritized, 0);
				if (prioritized)
					/* No number: it is not a rank, and the places are
					 * numbered by receipt, not by the criteria. */
					explain_priority_place(c, offer, concurrent, carried,
							       used + finished > offer->capacity_max, own,
							       label);
				else if (concurrent && used + finished > offer->capacity_max)
					/* Beyond the places: only an ended forløb can have
					 * freed one (a withdrawn case has no number).  The
					 * sentence names no count, so that the next forløb
					 * to end does not rewrite this proposal. */
					strbuf_printf(&c->explanation,
						      "Der kan være %ld %s i gang ad gangen, og ansøgningen er nr. %ld "
						      "blandt de egnede ansøgninger. Afsluttede forløb optager ikke "
						      "længere en plads, og ansøgningen får derfor en af de pladser, "
						      "der er blevet ledige.",
						      offer->capacity_max, unit_of(offer), used + finished);
				else if (concurrent)
					strbuf_printf(&c->explanation,
						      "Der kan være %ld %s i gang ad gangen, og ansøgningen er nr. %ld "
						      "blandt de egnede ansøgninger; den får derfor en plads.",
						      offer->capacity_max, unit_of(offer), used + finished);
				else if (carried)
					strbuf_printf(&c->explanation,
						      "%s i %s var besat, og ansøgningen kom på venteliste. "
						      "Ventelisten går forud for nye ansøgninger, når en ny periode "
						      "begynder, og ansøgningen får derfor plads nr. %ld af de %ld %s "
						      "i %s.",
						      all_places(offer, subject, sizeof subject), own, used,
						      offer->capacity_max, unit_of(offer), label);
				else
					strbuf_printf(&c->explanation,
						      "Ansøgningen er nr. %ld blandt de egnede ansøgninger i %s, hvor "
						      "der er %s, og den får derfor en plads.",
						      used, label,
						      room_for(offer->capacity_max, offer, room, sizeof room));
			}
		}
		/* The rest wait, in the order of `order`; before the last period
		 * a later period's places come first to them. */
		for (size_t k = 0; k < 2 * ncases && p == last; k++) {
			struct decide_case *c = order[k % ncases];
			size_t j = (size_t)(c - cases);
			if ((k < ncases) != (period[j] < p) || !candidate[j] || placed[j] ||
			    period[j] > p)
				continue;
			int carried = period[j] < p;
			period_label(offer, period[j], own, sizeof own);
			placed[j] = 1;
			c->rank = ++position;
			c->outcome = "venteliste";
			explain_rolling(c, offer, prioritized, 1);
			if (concurrent && offer->capacity_max <= 2)
				strbuf_printf(&c->explanation,
					      "%s er besat, da der kun kan være %ld i gang ad gangen",
					      all_places(offer, subject, sizeof subject), offer->capacity_max);
			else if (concurrent)
				strbuf_printf(&c->explanation,
					      "%s, der kan være i gang ad gangen, er besat",
					      all_places(offer, subject, sizeof subject));
			else if (carried)
				strbuf_printf(&c->explanation, "%s i %s og i %s er besat",
					      all_places(offer, subject, sizeof subject), own, label);
			else
				strbuf_printf(&c->explanation, "%s i %s er besat",
					      all_places(offer, subject, sizeof subject), label);
			strbuf_printf(&c->explanation,
				      ", og ansøgningen er derfor sat på venteliste som nr. %d. Bliver "
				      "en plads ledig, går den til den første på ventelisten.",
				      ++waiting);
			if (prioritized)
				explain_overtaking(c, offer);
			if (carries)
				strbuf_printf(&c->explanation,
					      " Ventelisten gælder også de kommende perioder: når en ny "
					      "periode begynder, får de ventende dens pladser først, i %s.",
					      prioritized ? "ventelistens rækkefølge"
							  : "den rækkefølge ansøgningerne er modtaget");
		}
	}
out:
	free(placed);
	free(period);
	free(order);
	free(wins);
}

/* How many of the selected share each spread value of c; also which values are new. */
static long spread_score(const struct offer *offer, struct decide_case *const *selected,
			 size_t nselected, const struct decide_case *c, char *new_mask)
{
	long score = 0;
	for (size_t a = 0; a < offer->nspread && a < DECIDE_MAX_SPREAD; a++) {
		long same = 0;
		for (size_t k = 0; k < nselected; k++)
			same += strcmp(selected[k]->spread[a] ? selected[k]->spread[a] : "",
				       c->spread[a] ? c->spread[a] : "") == 0;
		if (new_mask)
			new_mask[a] = same == 0;
		score += same;
	}
	return score;
}

/*
 * Units of capacity used by whole applications plus shared-course
 * participants, who fill courses of up to DECIDE_SHARED_COURSE_MAX.
 */
static long units_used(long whole, long shared)
{
	return whole + (shared + DECIDE_SHARED_COURSE_MAX - 1) / DECIDE_SHARED_COURSE_MAX;
}

static int fits(long max, long whole, long shared, const struct decide_case *c)
{
	if (max < 0)
		return 1;
	if (c->shared_participants > 0)
		return units_used(whole, shared + c->shared_participants) <= max;
	return units_used(whole + 1, shared) <= max;
}

/* How broad representation works, for every case of a round where it decided. */
static void explain_broad(struct decide_case *c, const struct offer *offer)
{
	strbuf_puts(&c->explanation, " Ved udvælgelsen er der lagt vægt på bred repræsentation (");
	for (size_t a = 0; a < offer->nspread && a < DECIDE_MAX_SPREAD; a++)
		strbuf_printf(&c->explanation, "%s%s", a ? ", " : "",
			      decide_attribute_label(offer, offer->spread[a]));
	strbuf_puts(&c->explanation,
		    "): en ansøgning, der bidrager med noget, som endnu ikke er repræsenteret blandt "
		    "de udvalgte, går forud for en ansøgning, der ligner en allerede udvalgt.");
}

/*
 * What a case selected ahead of a better-ranked one that was refused
 * brought to the selection: the spread values new among those selected
 * before it (added), or, when none was new, that it resembled fewer of them.
 */
static void explain_added(struct decide_case *c, const struct offer *offer, const char *added)
{
	int any = 0;
	for (size_t a = 0; a < offer->nspread && a < DECIDE_MAX_SPREAD; a++) {
		if (!added[a])
			continue;
		strbuf_printf(&c->explanation, "%s%s: %s",
			      any ? ", "
				  : " Ansøgningen bidrager med noget, som ikke allerede var "
				    "repræsenteret blandt de udvalgte (",
			      decide_attribute_label(offer, offer->spread[a]),
			      c->spread[a] && *c->spread[a] ? c->spread[a] : "ikke oplyst");
		any = 1;
	}
	if (any)
		strbuf_puts(&c->explanation, ").");
	else
		strbuf_puts(&c->explanation,
			    " Ansøgningen ligner færre af de allerede udvalgte end ansøgninger, der "
			    "står højere i prioriteringen, og er derfor udvalgt frem for dem.");
}

/*
 * How many places given for good went to applications ranked below
 * ranked[at] that it would have had but for them: it fits in what the
 * places of those ranked above it leave.  With the priority policy only a
 * reviewer gives such a place (skema decide <sag> bevilget).
 */
static size_t granted_lower(const struct offer *offer, struct decide_case *const *ranked,
			    size_t neligible, size_t at)
{
	long whole = 0, shared = 0;
	size_t below = 0;
	for (size_t k = 0; k < neligible; k++) {
		const struct decide_case *x = ranked[k];
		int holds = fixed_selected(x) || (x->outcome && strcmp(x->outcome, "bevilget") == 0);
		if (!holds)
			continue;
		if (k > at) {
			below += fixed_selected(x);
		} else if (k < at) {
			if (x->shared_participants > 0)
				shared += x->shared_participants;
			else
				whole++;
		}
	}
	return below > 0 && fits(offer->capacity_max, whole, shared, ranked[at]) ? below : 0;
}

/*
 * A deadline round: rank the eligible, select, then explain.  The
 * explanations are written once the selection is made, because what they
 * say depends on all of it: when every eligible application got a place
 * the ranking and the selection policy decided nothing and are not
 * mentioned; otherwise the rank is the one number given (not also the
 * order in which the selection took a case), and with broad
 * representation a case selected ahead of a better-ranked one that was
 * refused is told what it added.  The letters and the review sheet print
 * the explanation as it is.
 */
static void decide_round(const struct offer *offer, struct decide_case *cases, size_t ncases,
			 const int *candidate, long *below_minimum)
{
	struct decide_case **ranked = calloc(ncases ? ncases : 1, sizeof *ranked);
	struct decide_case **selected = calloc(ncases ? ncases : 1, sizeof *selected);
	/* Per ranked case: the step it was selected at and the last step it
	 * still fitted at (counted from 1; 0 never), and the spread values it
	 * added when selected. */
	size_t *picked_at = calloc(ncases ? ncases : 1, sizeof *picked_at);
	size_t *fitted_until = calloc(ncases ? ncases : 1, sizeof *fitted_until);
	char (*added)[DECIDE_MAX_SPREAD] = calloc(ncases ? ncases : 1, sizeof *added);
	char room[160];
	/* nrefused: eligible without a place, proposed here or final. */
	size_t neligible = 0, nselected = 0, nrefused = 0;
	long whole = 0, shared = 0;
	int broad = strcmp(offer->policy, "broad-representation") == 0 && offer->nspread > 0;
	int courses = offer_find_field(offer, "kursustype") != NULL;
	long max = offer->capacity_max;

	if (!ranked || !selected || !picked_at || !fitted_until || !added)
		goto out;
	for (size_t i = 0; i < ncases; i++)
		if (candidate[i] || fixed_selected(&cases[i]) || fixed_eligible(&cases[i]))
			ranked[neligible++] = &cases[i];
	if (neligible > 1)
		qsort(ranked, neligible, sizeof *ranked, by_priority);
	for (size_t i = 0; i < neligible; i++) {
		ranked[i]->rank = (int)i + 1;
		if (fixed_selected(ranked[i])) {
			selected[nselected++] = ranked[i];
			if (ranked[i]->shared_participants > 0)
				shared += ranked[i]->shared_participants;
			else
				whole++;
			if (max >= 0 && units_used(whole, shared) > max)
				ranked[i]->beyond_capacity = 1;
		}
	}
	if (offer->capacity_min > 0 && (long)neligible < offer->capacity_min)
		*below_minimum = (long)neligible;

	/*
	 * Greedy selection in rank order.  With broad representation each place
	 * goes to the best-ranked candidate that shares the fewest attribute
	 * values with those already selected, so a second of a kind is taken
	 * only when no new kind is left.
	 */
	for (size_t step = 1;; step++) {
		size_t best = 0;
		long best_score = 0;
		int found = 0;
		for (size_t i = 0; i < neligible; i++) {
			struct decide_case *c = ranked[i];
			if (c->outcome || decide_case_fixed(c) || !fits(max, whole, shared, c))
				continue;
			fitted_until[i] = step;
			long score = broad ? spread_score(offer, selected, nselected, c, NULL) : 0;
			if (!found || score < best_score) {
				best = i;
				best_score = score;
				found = 1;
			}
			if (!broad)
				break;
		}
		if (!found)
			break;
		struct decide_case *c = ranked[best];
		if (broad)
			spread_score(offer, selected, nselected, c, added[best]);
		selected[nselected++] = c;
		if (c->shared_participants > 0)
			shared += c->shared_participants;
		else
			whole++;
		c->outcome = "bevilget";
		picked_at[best] = step;
	}
	for (size_t i = 0; i < neligible; i++) {
		if (fixed_eligible(ranked[i]))
			nrefused++;
		if (ranked[i]->outcome || decide_case_fixed(ranked[i]))
			continue;
		ranked[i]->outcome = "afslag";
		nrefused++;
	}

	for (size_t i = 0; i < neligible; i++) {
		struct decide_case *c = ranked[i];
		if (!c->outcome)
			continue; /* a place given for good: left alone */
		if (strcmp(c->outcome, "afslag") == 0) {
			explain_priority(c, i + 1, neligible, offer);
			if (i > 0 && same_priority(c, ranked[i - 1]))
				strbuf_puts(&c->explanation, " Ved samme prioritering går den først "
							     "modtagne ansøgning forud.");
			if (broad) {
				explain_broad(c, offer);
				strbuf_puts(&c->explanation,
					    " Derfor kan en ansøgning, der står lavere i prioriteringen, være "
					    "udvalgt frem for denne ansøgning.");
			}
			size_t granted_below = broad ? 0 : granted_lower(offer, ranked, neligible, i);
			if (granted_below == 1)
				strbuf_printf(&c->explanation,
					      " Der er kun %s. En af pladserne er givet af en "
					      "sagsbehandler til en ansøgning, der står lavere i "
					      "prioriteringen, og ansøgningen er derfor ikke udvalgt.",
					      room_for(max, offer, room, sizeof room));
			else if (granted_below > 1)
				strbuf_printf(&c->explanation,
					      " Der er kun %s. %zu af pladserne er givet af en "
					      "sagsbehandler til ansøgninger, der står lavere i "
					      "prioriteringen, og ansøgningen er derfor ikke udvalgt.",
					      room_for(max, offer, room, sizeof room), granted_below);
			else if (broad && max >= 0 && (long)i < max)
				/* Ranked within the places: their number is not the
				 * reason ("nr. 10 af 14 … kun plads til 10"), the spread is. */
				strbuf_printf(&c->explanation,
					      " Der er %s, og alle pladserne er fordelt; ansøgningen er "
					      "derfor ikke udvalgt.",
					      room_for(max, offer, room, sizeof room));
			else
				strbuf_printf(&c->explanation,
					      " Der er kun %s, og ansøgningen er derfor ikke udvalgt.",
					      room_for(max, offer, room, sizeof room));
			continue;
		}
		if (nrefused == 0 && neligible == 1) {
			strbuf_puts(&c->explanation,
				    "Ansøgningen var den eneste egnede ansøgning, så det har ikke været "
				    "nødvendigt at prioritere.");
		} else if (nrefused == 0) {
			strbuf_printf(&c->explanation,
				      "Der var plads til alle %zu egnede ansøgninger, så det har ikke været "
				      "nødvendigt at prioritere mellem dem.",
				      neligible);
		} else {
			explain_priority(c, i + 1, neligible, offer);
			if (broad) {
				/* Taken for what it adds: a better-ranked case that
				 * still fitted was passed over, and refused. */
				int passed_over = 0;
				for (size_t k = 0; k < i && !passed_over; k++)
					passed_over = strcmp(ranked[k]->outcome ? ranked[k]->outcome : "",
							     "afslag") == 0 &&
						      fitted_until[k] >= picked_at[i];
				explain_broad(c, offer);
				if (passed_over)
					explain_added(c, offer, added[i]);
			}
			if (max >= 0 && courses)
				/* Shared-course applicants share courses, so the rank of
				 * a selected case may pass the number of courses: say how
				 * many courses are given out. */
				strbuf_printf(&c->explanation,
					      " Der er %s; i alt er %ld af dem fordelt "
					      "(deltagere i fælleskurser deler kurser), og ansøgningen er "
					      "udvalgt.",
					      room_for(max, offer, room, sizeof room), units_used(whole, shared));
			else if (max >= 0) {
				/* Ranked beyond the places: say why one is left for it
				 * (the refusals above it are final; the letter names
				 * no other applicant). */
				size_t refused_above = 0;
				for (size_t k = 0; k < i && !broad && (long)i >= max; k++)
					refused_above += fixed_eligible(ranked[k]) ||
							 (ranked[k]->outcome &&
							  strcmp(ranked[k]->outcome, "afslag") == 0);
				if (refused_above == 1)
					strbuf_puts(&c->explanation,
						    " En ansøgning, der står højere i prioriteringen, har "
						    "fået afslag.");
				else if (refused_above > 1)
					strbuf_printf(&c->explanation,
						      " %zu ansøgninger, der står højere i prioriteringen, "
						      "har fået afslag.",
						      refused_above);
				strbuf_printf(&c->explanation,
					      " Der er %s, og ansøgningen er udvalgt.",
					      room_for(max, offer, room, sizeof room));
			}
			else
				strbuf_puts(&c->explanation, " Ansøgningen er udvalgt.");
		}
		if (*below_minimum >= 0)
			/* The applicant reads this: what it means for them, not
			 * that management was told (the review lists that). */
			strbuf_printf(&c->explanation,
				      " Der er kun %ld %s, færre end de mindst %ld, som tilbuddet "
				      "forudsætter. Vi kontakter jer, hvis det får betydning for "
				      "jeres deltagelse.",
				      *below_minimum,
				      *below_minimum == 1 ? "egnet ansøgning" : "egnede ansøgninger",
				      offer->capacity_min);
		/* Shared-course places: how the selected participants make up courses. */
		if (c->shared_participants > 0) {
			strbuf_printf(&c->explanation,
				      " Fælleskurser samler deltagere fra flere anbringelsessteder i kurser "
				      "på %d–%d deltagere; i alt er %ld deltagere udvalgt til fælleskursus "
				      "(%ld %s).",
				      DECIDE_SHARED_COURSE_MIN, DECIDE_SHARED_COURSE_MAX, shared,
				      units_used(0, shared), units_used(0, shared) == 1 ? "kursus" : "kurser");
			if (shared < DECIDE_SHARED_COURSE_MIN)
				strbuf_printf(&c->explanation,
					      " Det er færre end de %d, et kursus kræver, og vi afklarer med "
					      "jer, om kurset kan gennemføres.",
					      DECIDE_SHARED_COURSE_MIN);
		}
	}
out:
	free(ranked);
	free(selected);
	free(picked_at);
	free(fitted_until);
	free(added);
}

int decide_run_policy(const struct offer *offer, struct decide_case *cases, size_t ncases,
		      time_t now, int force, long *below_minimum)
{
	int registration = offer_is_registration(offer);
	int open_round = !offer->rolling && now < offer->deadline_at && !force;
	int *candidate = calloc(ncases ? ncases : 1, sizeof *candidate);
	char deadline[CLOCK_ISO_SIZE], received[CLOCK_ISO_SIZE];

	*below_minimum = -1;
	if (!candidate)
		return -1;
	if (ncases > 1)
		qsort(cases, ncases, sizeof *cases, by_receipt);
	for (size_t i = 0; i < ncases; i++) {
		struct decide_case *c = &cases[i];
		/* An ended forløb is history: decided, confirmed or not. */
		if (!c->validation || decide_case_fixed(c) || c->completed)
			continue;
		if (registration) {
			decide_registration(offer, c);
			continue;
		}
		/* Missing information is asked for at once, also in an open
		 * round: waiting for the deadline would leave the applicant no
		 * time to send a corrected form, which after the deadline is
		 * late.  The selection itself waits for the deadline.  A late
		 * application is refused for being late: asking it for more
		 * would be in vain. */
		if (strcmp(c->validation, "incomplete") == 0 && !c->late) {
			c->outcome = "mangler";
			explain_reasons(c, "Ansøgningen kan ikke behandles, fordi der mangler oplysninger.");
			if (!offer->rolling)
				strbuf_printf(&c->explanation,
					      " De manglende oplysninger skal være modtaget inden "
					      "ansøgningsfristen %s.",
					      clock_format_danish(offer->deadline_at, deadline));
			continue;
		}
		if (open_round)
			continue; /* nothing is proposed before the deadline */
		if (!offer->rolling && c->late) {
			c->outcome = "afslag";
			strbuf_printf(&c->explanation,
				      "Ansøgningen er modtaget %s, efter ansøgningsfristen %s, og kan derfor "
				      "ikke komme i betragtning.",
				      clock_format_danish_time_apart(c->received, offer->deadline_at, received),
				      clock_format_danish_time(offer->deadline_at, deadline));
		} else if (strcmp(c->validation, "not_eligible") == 0) {
			c->outcome = "afslag";
			explain_reasons(c, "Ansøgningen opfylder ikke tildelingskriterierne.");
		} else if (strcmp(c->validation, "eligible") == 0) {
			candidate[i] = 1;
		}
	}
	if (!registration && !open_round) {
		if (offer->rolling)
			decide_first_come(offer, cases, ncases, candidate, now);
		else
			decide_round(offer, cases, ncases, candidate, below_minimum);
	}
	free(candidate);
	return 0;
}

void decide_period_label(const struct offer *offer, const char *key, char *label, size_t size)
{
	long index = key && *key ? period_of_key(offer, key) : 0;
	period_label(offer, index < 0 ? 0 : index, label, size);
}

const char *decide_attribute_label(const struct offer *offer, const char *attribute)
{
	static const struct {
		const char *name, *label;
	} known[] = {
		{"region", "region"},
		{"kommune", "region"},
		{"alder_fra", "aldersgruppe"},
		{"alder_til", "aldersgruppe"},
		{"antal_pladser", "størrelse"},
		{"aldersgruppe", "aldersgruppe"},
		{"age_group", "aldersgruppe"},
		{"stoerrelse", "størrelse"},
		{"size_band", "størrelse"},
		{"sted_type", "type af anbringelsessted"},
		{"maalgruppe", "målgruppe"},
		{"driftsherre_type", "driftsherre"},
		{"kursustype", "kursustype"},
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strcmp(known[i].name, attribute) == 0)
			return known[i].label;
	const struct offer_field *field = offer_find_field(offer, attribute);
	return field && field->label ? field->label : attribute;
}
