/*
 * json_write.h - jansson values written out as compact JSON, byte for byte
 * what json_dumps(value, JSON_COMPACT) writes, in about a third of the time.
 *
 * Every stage reads each record and writes it on, so jansson's writer ran
 * four or five times a form; it was a quarter of the validator's time.  It
 * checks every string's UTF-8 again (jansson checked it when the string was
 * made) and keeps a table of the containers it is inside, to refuse a
 * cycle, at a snprintf and a hash insert each.  Here a cycle, which no
 * parsed record can have, ends at a depth limit instead.
 */
#ifndef SKEMA_JSON_WRITE_H
#define SKEMA_JSON_WRITE_H

#include <jansson.h>

#include "strbuf.h"

/* Containers nested deeper than this are refused, as jansson's parser does. */
#define JSON_WRITE_MAX_DEPTH 2048

/*
 * Appends value to out.  Returns 0, or -1 when out refused to grow (its cap
 * or no memory) or value is nested too deep; out then holds a partial text.
 */
int json_write_compact(struct strbuf *out, const json_t *value);

/* The same as a new string (caller frees), or NULL. */
char *json_compact(const json_t *value);

#endif
