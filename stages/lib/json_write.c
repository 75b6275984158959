/*
 * json_write.c - compact JSON from jansson values, as json_dumps writes it
 * (see json_write.h for why it is not json_dumps).
 *
 * What "as json_dumps writes it" means, for jansson 2.14 with JSON_COMPACT:
 * no white space; members in the object's insertion order; in strings '"'
 * and '\\' escaped, the control characters below U+0020 as \b \f \n \r \t
 * or \u00XX (upper-case hex), everything else, '/' and non-ASCII included,
 * as it is; integers in decimal.  Reals are left to jansson, whose number
 * format is its own (and no record of ours has one).
 * tests/unit/test_json_write.c holds the two writers to the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_write.h"

static int write_string(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = 0;
	int failed = strbuf_putc(out, '"');

	/* Plain bytes are copied in runs; only the few that need escaping stop one. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		char escape[6] = {'\\', (char)c, 0, 0, 0, 0};
		size_t n = 2;
		switch (c) {
		case '"':
		case '\\':
			break;
		case '\b':
			escape[1] = 'b';
			break;
		case '\f':
			escape[1] = 'f';
			break;
		case '\n':
			escape[1] = 'n';
			break;
		case '\r':
			escape[1] = 'r';
			break;
		case '\t':
			escape[1] = 't';
			break;
		default:
			memcpy(escape + 1, "u00", 3);
			escape[4] = hex[c >> 4];
			escape[5] = hex[c & 15];
			n = 6;
		}
		failed |= strbuf_append(out, s + start, i - start);
		failed |= strbuf_append(out, escape, n);
		start = i + 1;
	}
	failed |= strbuf_append(out, s + start, len - start);
	failed |= strbuf_putc(out, '"');
	return failed ? -1 : 0;
}

static int write_value(struct strbuf *out, const json_t *value, int depth)
{
	/* jansson's iteration macros take a non-const object; nothing is changed. */
	json_t *v = (json_t *)value, *item;
	char number[32];
	const char *key;
	size_t key_len, i;
	int failed = 0, n;

	if (depth > JSON_WRITE_MAX_DEPTH)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		failed |= strbuf_putc(out, '{');
		i = 0;
		json_object_keylen_foreach(v, key, key_len, item)
		{
			if (i++ > 0)
				failed |= strbuf_putc(out, ',');
			failed |= write_string(out, key, key_len);
			failed |= strbuf_putc(out, ':');
			if (failed || write_value(out, item, depth + 1) < 0)
				return -1;
		}
		return (failed | strbuf_putc(out, '}')) ? -1 : 0;
	case JSON_ARRAY:
		failed |= strbuf_putc(out, '[');
		json_array_foreach(v, i, item)
		{
			if (i > 0)
				failed |= strbuf_putc(out, ',');
			if (failed || write_value(out, item, depth + 1) < 0)
				return -1;
		}
		return (failed | strbuf_putc(out, ']')) ? -1 : 0;
	case JSON_STRING:
		return write_string(out, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		n = snprintf(number, sizeof number, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return strbuf_append(out, number, (size_t)n);
	case JSON_REAL: {
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		failed = !text || strbuf_puts(out, text) < 0;
		free(text);
		return failed ? -1 : 0;
	}
	case JSON_TRUE:
		return strbuf_puts(out, "true");
	case JSON_FALSE:
		return strbuf_puts(out, "false");
	case JSON_NULL:
		return strbuf_puts(out, "null");
	}
	return -1;
}

int json_write_compact(struct strbuf *out, const json_t *value)
{
	return value ? write_value(out, value, 0) : -1;
}

char *json_compact(const json_t *value)
{
	struct strbuf out;
	strbuf_init(&out, 0);
	if (json_write_compact(&out, value) < 0) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out);
}
