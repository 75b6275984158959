/*
 * nearest.h - the known name most like a mistyped one, so that a message
 * can say what was probably meant ("did you mean felter.antal_deltagere?").
 */
#ifndef SKEMA_NEAREST_H
#define SKEMA_NEAREST_H

#include <stddef.h>

/* Levenshtein distance of two strings of bytes; (size_t)-1 when either is 256 bytes or more. */
size_t nearest_distance(const char *a, const char *b);

/*
 * Whether a name distance d from a known one is a slip of a letter or two
 * rather than another name altogether.
 */
int nearest_is_slip(const char *name, size_t d);

/* The candidate nearest to name when nearest_is_slip, else NULL.  Borrowed. */
const char *nearest_name(const char *name, const char *const *candidates, size_t count);

#endif
