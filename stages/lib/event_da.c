/*
 * event_da.c - Danish names for the event log's codes.
 */
#include <stdio.h>
#include <string.h>

#include "event_da.h"
#include "record.h"

const char *event_name_da(const char *event)
{
	static const char *const map[][2] = {
		{"received", "modtaget"},
		{"stored", "gemt"},
		{"failed", "fejlede"},
		{"duplicate", "dublet"},
		{"superseded", "erstattet"},
		{"supersedes", "erstatter"},
		{"reinstated", "gælder igen"},
		{"proposed", "foreslået"},
		{"decided", "afgjort"},
		{"restored", "genoprettet"},
		{"retracted", "forslag bortfaldt"},
		{"below_minimum", "under minimum"},
		{"reviewed", "behandlet"},
		{"withdrawn", "trukket tilbage"},
		{"completed", "afsluttet"},
		{"completion_undone", "afslutning annulleret"},
		{"rejudged", "vurderet igen"},
		{"purged", "slettet"},
		{"purge", "sletning"},
		{"archived", "arkiveret"},
		{"quarantined", "i karantæne"},
		{"retried", "sendt igen"},
		{"letter", "brev"},
		{"review_sheet", "gennemgangsark"},
	};
	for (size_t i = 0; event && i < sizeof map / sizeof *map; i++)
		if (strcmp(map[i][0], event) == 0)
			return map[i][1];
	return event ? event : "";
}

static int is_code_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* detail with every whole-word validation code replaced, into buf. */
static const char *translate_verdicts(const char *detail, char *buf, size_t size)
{
	size_t out = 0;
	const char *p = detail;
	while (*p && out + 1 < size) {
		if (!is_code_char(*p)) {
			buf[out++] = *p++;
			continue;
		}
		const char *end = p;
		while (is_code_char(*end))
			end++;
		char word[32];
		size_t len = (size_t)(end - p);
		const char *da = NULL;
		if (len < sizeof word) {
			memcpy(word, p, len);
			word[len] = '\0';
			da = record_validation_da(word);
		}
		const char *from = da ? da : p;
		size_t n = da ? strlen(da) : len;
		if (n > size - 1 - out)
			n = size - 1 - out;
		memcpy(buf + out, from, n);
		out += n;
		p = end;
	}
	buf[out] = '\0';
	return buf;
}

const char *event_detail_da(const char *event, const char *detail, char *buf, size_t size)
{
	if (size == 0)
		return "";
	if (!event || !detail) {
		buf[0] = '\0';
		return buf;
	}
	if (strcmp(event, "stored") == 0 || strcmp(event, "rejudged") == 0)
		return translate_verdicts(detail, buf, size);
	if (strcmp(event, "retried") == 0)
		snprintf(buf, size, "%s", "sendt igennem igen med skema retry; den nye række har samme modtagelsestid");
	else if (strcmp(event, "review_sheet") == 0 && strncmp(detail, "review", 6) == 0)
		snprintf(buf, size, "gennemgangsark%s", detail + 6);
	else
		snprintf(buf, size, "%s", detail);
	return buf;
}
