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
 * dates), or json_null() when raw is empty or placeholder text.  A
 * checkbox is never null: empty text is an unticked box (0).  Returns
 * NULL when raw is not a value of the type, with a short Danish reason in
 * reason ("ikke en gyldig dato").
 */
json_t *normalize_value(const struct offer_field *field, const char *raw, char *reason,
			size_t reason_size);

/*
 * The normalisers behind normalize_value, for callers that hold text rather
 * than a field (the extractor's label fallback, mkform's fill mode).  Each
 * returns 0 with the value written, or -1 when text is not of the type.
 */
int normalize_integer(const char *text, long *out);
/* "2021-09-13", "13-09-2021", "13.09.2021", "13/9-2021", "13. september 2021". */
int normalize_date(const char *text, char out[11]);
/* X ☒ ja yes 1 true -> 1; ☐ nej no 0 false and empty -> 0. */
int normalize_checkbox(const char *text, int *out);
/* "+45 12 34 56 78". */
int normalize_phone(const char *text, char out[16]);
/* 8 digits passing modulus 11. */
int normalize_cvr(const char *text, char out[9]);
/* "0800".."9990". */
int normalize_postnr(const char *text, char out[5]);
/* The listed choice text matches (case-insensitive, ae/oe/aa for æ/ø/å), or NULL.  Borrowed. */
const char *normalize_choice(const struct offer_field *field, const char *text);
/* 1 when text is Word's or LibreOffice's placeholder ("Klik eller tryk her for at skrive tekst."). */
int normalize_is_placeholder(const char *text);

/*
 * The canonical name of a Danish municipality ("Århus Kommune" -> "Aarhus",
 * "Københavns Kommune" -> "København"), or NULL.  Borrowed.
 */
const char *kommune_canonical(const char *name);

/* The region of a canonical kommune name ("Region Hovedstaden"), or NULL.  Borrowed. */
const char *kommune_region(const char *canonical);

/* The index-th of the 98 canonical names (for drop-downs), NULL past the end.  Borrowed. */
const char *kommune_name_at(size_t index);

#endif
