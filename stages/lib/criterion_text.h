/*
 * criterion_text.h - a criterion's Danish sentence with the applicant's
 * own values in it.
 *
 * An offer's <pass> and <fail> may name fields in braces: "ansøgningen
 * angiver {timer} timer".  The begrundelse of a decision must give the
 * facts it rests on (forvaltningsloven § 24), so the sentence is filled
 * with the value the case has, written as a letter writes it: a date in
 * Danish, a checkbox as ja or nej.  Braces around anything that is not a
 * field of the offer are kept as they are; offer.c refuses a definition
 * whose sentences name a field it does not have.
 */
#ifndef SKEMA_CRITERION_TEXT_H
#define SKEMA_CRITERION_TEXT_H

#include "offer.h"
#include "strbuf.h"

/* The normalised value of field name for the case, as text, or NULL when it has none. */
typedef const char *(*criterion_value_fn)(void *ctx, const char *name);

/*
 * Appends text to out with each {field} replaced: by value_of's value
 * (formatted for the field's type), "ikke oplyst" when the case has none,
 * or "…" when value_of is NULL (a legend that speaks of no case).
 */
void criterion_text_fill(const struct offer *offer, const char *text, criterion_value_fn value_of,
			 void *ctx, struct strbuf *out);

/*
 * The first {name} in text that is not a field of offer, copied into
 * name (size bytes); 0 when every placeholder names a field.
 */
int criterion_text_unknown(const struct offer *offer, const char *text, char *name, size_t size);

#endif
