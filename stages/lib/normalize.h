/*
 * normalize.h - turning the text an applicant typed into the value of a
 * field's type (offers.md, "Field types"): Danish numbers and dates,
 * checkbox words, CVR with modulus 11, phone numbers, kommune names.
 *
 * Used by skema-extract (so a record carries raw and value side by side)
 * and by skema-validate (which checks the limits).
 */
#ifndef SKEMA_NORMALIZE_H
#define SKEMA_NORMALIZE_H

#include <stddef.h>

#include <jansson.h>

#include "offer.h"

/*
 * Normalises raw for field.  Returns a new reference (caller json_decref()s):
 * the value (string, integer, 0/1 integer for checkboxes, "YYYY-MM-DD" for
 * dates), or json_null() when raw is empty or placeholder text.  Returns
 * NULL when raw is not a value of the type, with a short Danish reason in
 * reason ("ikke en gyldig dato").
 */
json_t *normalize_value(const struct offer_field *field, const char *raw, char *reason,
			size_t reason_size);

/*
 * The canonical name of a Danish municipality ("Århus Kommune" -> "Aarhus",
 * "Københavns Kommune" -> "København"), or NULL.  Borrowed.
 */
const char *kommune_canonical(const char *name);

/* The region of a canonical kommune name ("Region Hovedstaden"), or NULL.  Borrowed. */
const char *kommune_region(const char *canonical);

#endif
