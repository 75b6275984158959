/*
 * decide.h - the decide stage's modules: the selection policies, kept apart
 * from the database so that unit tests can run them on constructed rounds.
 */
#ifndef SKEMA_DECIDE_H
#define SKEMA_DECIDE_H

#include <stddef.h>
#include <time.h>

#include "offer.h"
#include "strbuf.h"

#define DECIDE_MAX_PRIORITY 32
#define DECIDE_MAX_SPREAD 8
/* A shared course holds at most this many participants, and needs this many. */
#define DECIDE_SHARED_COURSE_MAX 40
#define DECIDE_SHARED_COURSE_MIN 25
/* "2027-Q1" and the like, with room to spare. */
#define DECIDE_PERIOD_SIZE 48

/* One live submission of an offer, as the policies see it. */
struct decide_case {
	long long id;
	char *case_number;
	char *received_at;      /* as stored, ISO */
	time_t received;
	char *validation;       /* eligible | not_eligible | incomplete | NULL */
	int late;               /* received after the offer's deadline */
	/* Priority criteria in the order the offer lists them: 1, 0, -1 unknown. */
	int priority[DECIDE_MAX_PRIORITY];
	size_t npriority;
	int priority_passed;
	/*
	 * Spillerum's shared course (kursustype fælleskursus): this many
	 * participants share a course of up to 40 with other facilities; 0 for
	 * an application that takes a whole unit of the capacity.
	 */
	long shared_participants;
	char *rank_value;       /* the offer's rank field (<selection rank>), NULL unknown */
	char *spread[DECIDE_MAX_SPREAD]; /* the value of each spread attribute, "" unknown */
	/* The decision that stands now, if any. */
	long long decision_id;
	char *current_outcome;
	char *current_state;
	char *current_explanation;
	char *current_period;   /* the period its place counts against, NULL none or unknown */
	int current_rank;       /* its rank as stored, 0 none */
	/*
	 * 1 when its forløb has ended (skema complete; submissions.completed_on)
	 * and its standing decision is bevilget: the policy leaves it alone and
	 * its place no longer counts.  The loader sets it only for an offer
	 * whose capacity is concurrent (a place of a year stays used).
	 */
	int completed;
	/* The first failed eligibility sentences and missing labels, for the explanation. */
	char *reasons;
	/* The sentences of the priority criteria it passed, for the explanation. */
	char *priority_text;
	/*
	 * Set by the policy on a place given for good (final bevilget) that
	 * found none within the capacity: counted beyond it, or moved out of
	 * the period it was confirmed in.  Only a reviewer's grant beyond the
	 * places can cause it (skema decide refuses one: skema-decide
	 * --if-granted).
	 */
	int beyond_capacity;
	/*
	 * What the policy proposes.  rank is the case's place: in a round its
	 * rank among the eligible, at a first-come offer its number in the
	 * period counting every case before it there (places given for good
	 * and ended forløb too), as the explanation gives it.
	 */
	const char *outcome;
	int rank;
	struct strbuf explanation;
	/*
	 * The capacity period the place counts against ("2027", "2027-Q1",
	 * "2027-03"; "" for no place or one pool).  Set for a proposed place
	 * and for a final one the policy kept (outcome NULL), so that a row
	 * written before the schema had periods can be given its period.
	 */
	char period[DECIDE_PERIOD_SIZE];
};

void decide_case_init(struct decide_case *c);
void decide_case_release(struct decide_case *c);

/* 1 when the standing decision is final and no policy may change it. */
int decide_case_fixed(const struct decide_case *c);

/*
 * Runs the offer's policy over cases (any order; sorted here by receipt
 * time, then id), setting outcome, rank and explanation of every case it
 * decides (outcome stays NULL for a case left alone).  now decides whether
 * a deadline has passed; force proposes before it.  Sets *below_minimum to
 * the number of eligible applications when a round has fewer than the
 * offer's minimum, else -1.  Returns 0.
 */
int decide_run_policy(const struct offer *offer, struct decide_case *cases, size_t ncases,
		      time_t now, int force, long *below_minimum);

/*
 * The Danish name of the pool of places that a period key as the policy
 * sets it (struct decide_case.period) stands for: "3. kvartal 2021",
 * "året 2027"; "de samtidige forløb" or "runden" for one pool ("" key).
 */
void decide_period_label(const struct offer *offer, const char *key, char *label, size_t size);

/* The Danish name of a spread attribute ("region", "type af anbringelsessted"). */
const char *decide_attribute_label(const struct offer *offer, const char *attribute);

#endif
