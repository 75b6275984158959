/*
 * letter_texts.h - which letter texts (forms/letters/, docs/letters.md) an
 * offer uses, and what skema check-forms finds wrong with them: a text
 * missing or broken, a name no letter has ({{kontakt.e_mail}},
 * {{felter.antal_deltager}}: it prints nothing), and a file or folder under
 * forms/letters/ that no letter ever reads (bevilling.txt, a misspelt
 * offer id), so the default text goes out instead.
 *
 * The lookup is skema-letter's (letter_doc.c find_template): the offer's
 * own text, then the default, each in the local configuration directory
 * before the shipped data.
 */
#ifndef SKEMA_LETTER_TEXTS_H
#define SKEMA_LETTER_TEXTS_H

#include <stddef.h>

#include <jansson.h>

#include "offer.h"
#include "strbuf.h"

/* The outcomes (offers.md), each the name of a text: "<udfald>.txt". */
#define LETTER_OUTCOMES 5
extern const char *const letter_outcomes[LETTER_OUTCOMES];

/*
 * Whether an offer can get the outcome, as skema-decide's policies and
 * skema decide allow: bekræftelse only at a registration (policy "none"),
 * bevilget never there, venteliste only at a rolling offer (a deadline
 * round is decided once and passes no place on).
 */
int letter_outcome_possible(const struct offer *offer, const char *outcome);

/* The text a letter of offer_id with outcome uses, into path.  Returns 0, or -1 when none. */
int letter_text_find(const char *offer_id, const char *outcome, char *path, size_t size);

/*
 * Every key a letter of offer can be rendered with, shaped as skema-letter's
 * data (letter_data, the table in docs/letters.md), for
 * template_check_names: felter holds the offer's fields, valg its choice
 * fields with their choices.  New reference, or NULL when out of memory.
 */
json_t *letter_text_shape(const struct offer *offer);

/*
 * Checks the texts the offers in set use and what lies under
 * forms/letters/.  unchecked: the ids of offers whose definitions did not
 * load (their texts cannot be checked; their folders are not "unused").
 * Appends "FILE:LINE: problem" lines to errors (a letter would come out
 * wrong or not at all) and warnings.  Returns the number of errors.
 */
size_t letter_texts_check(const struct offer_set *set, const char *const *unchecked,
			  size_t nunchecked, struct strbuf *errors, struct strbuf *warnings);

#endif
