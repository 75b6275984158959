/*
 * criterion_text.c - {field} in a criterion's sentence, filled for a case.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "criterion_text.h"

/* Field names are [a-z][a-z0-9_]* (docs/offer-format.md); longer ones are no placeholder. */
#define NAME_MAX_LEN 64

/* The name in "{name}" at p (p at '{'), copied into name; its length past p, or 0. */
static size_t placeholder_at(const char *p, char *name)
{
	size_t n = 0;
	if (*p != '{' || !(p[1] >= 'a' && p[1] <= 'z'))
		return 0;
	for (const char *q = p + 1; *q != '}'; q++, n++) {
		int ok = (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_';
		if (!ok || n + 1 >= NAME_MAX_LEN)
			return 0;
		name[n] = *q;
	}
	name[n] = '\0';
	return n + 2;
}

static void put_value(const struct offer_field *f, const char *value, struct strbuf *out)
{
	char date[CLOCK_ISO_SIZE];
	time_t t;
	if (f->type == FIELD_CHECKBOX && strcmp(value, "1") == 0)
		strbuf_puts(out, "ja");
	else if (f->type == FIELD_CHECKBOX && strcmp(value, "0") == 0)
		strbuf_puts(out, "nej");
	else if (f->type == FIELD_DATE && strlen(value) == 10 && clock_parse(value, &t) == 0)
		strbuf_puts(out, clock_format_danish(t, date));
	else
		strbuf_puts(out, value);
}

void criterion_text_fill(const struct offer *offer, const char *text, criterion_value_fn value_of,
			 void *ctx, struct strbuf *out)
{
	char name[NAME_MAX_LEN];
	const char *p = text ? text : "";
	while (*p) {
		const char *brace = strchr(p, '{');
		if (!brace) {
			strbuf_puts(out, p);
			return;
		}
		strbuf_append(out, p, (size_t)(brace - p));
		size_t len = placeholder_at(brace, name);
		const struct offer_field *f = len ? offer_find_field(offer, name) : NULL;
		if (!f) {
			strbuf_putc(out, '{');
			p = brace + 1;
			continue;
		}
		const char *value = value_of ? value_of(ctx, name) : NULL;
		if (!value_of)
			strbuf_puts(out, "…");
		else if (!value || !*value)
			strbuf_puts(out, "ikke oplyst");
		else
			put_value(f, value, out);
		p = brace + len;
	}
}

int criterion_text_unknown(const struct offer *offer, const char *text, char *name, size_t size)
{
	char found[NAME_MAX_LEN];
	for (const char *p = text ? strchr(text, '{') : NULL; p; p = strchr(p + 1, '{')) {
		if (placeholder_at(p, found) && !offer_find_field(offer, found)) {
			snprintf(name, size, "%s", found);
			return 1;
		}
	}
	return 0;
}
