/*
 * normalize.c - PLACEHOLDER: passes text through.  The offers/validate work
 * replaces this file with the real normalisers (tests/unit/test_normalize.c).
 */
#include <string.h>

#include "normalize.h"

json_t *normalize_value(const struct offer_field *field, const char *raw, char *reason,
			size_t reason_size)
{
	(void)reason;
	(void)reason_size;
	if (!raw || !*raw)
		return json_null();
	if (field->type == FIELD_CHECKBOX)
		return json_integer(strcmp(raw, "1") == 0);
	return json_string(raw);
}

const char *kommune_canonical(const char *name)
{
	return name;
}

const char *kommune_region(const char *canonical)
{
	(void)canonical;
	return NULL;
}
