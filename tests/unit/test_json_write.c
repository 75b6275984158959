/*
 * test_json_write.c - json_compact() writes what json_dumps(JSON_COMPACT)
 * writes: on chosen values, on seeded random trees, and on real records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "json_write.h"
#include "strbuf.h"

/* Fails with both texts when the two writers disagree on value. */
static void assert_same_as_jansson(const json_t *value)
{
	char *want = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	char *got = json_compact(value);
	assert_non_null(want);
	assert_non_null(got);
	if (strcmp(want, got) != 0)
		fail_msg("json_dumps: %.300s\njson_compact: %.300s", want, got);
	free(want);
	free(got);
}

static void test_scalars(void **state)
{
	(void)state;
	json_t *values[] = {
		json_null(),
		json_true(),
		json_false(),
		json_integer(0),
		json_integer(-1),
		json_integer(INT64_MAX),
		json_integer(INT64_MIN),
		json_real(1.0),
		json_real(0.1),
		json_real(-0.0),
		json_real(1e300),
		json_real(123456789.125),
		json_string(""),
		json_string("plain"),
		json_string("æøå ÆØÅ – “citat” 🙂 中文"),
		json_string("a/b \"q\" back\\slash"),
		json_string("\b\f\n\r\t\x01\x1f\x7f"),
		json_stringn("nul\0inside", 10),
		json_object(),
		json_array(),
	};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		assert_non_null(values[i]);
		assert_same_as_jansson(values[i]);
		json_decref(values[i]);
	}
}

static void test_every_control_character(void **state)
{
	(void)state;
	char text[0x20 * 2 + 1];
	for (int c = 0; c < 0x20; c++) {
		text[2 * c] = (char)c;
		text[2 * c + 1] = 'x';
	}
	json_t *s = json_stringn(text, 0x40);
	json_t *o = json_object();
	/* Escapes in keys too. */
	json_object_setn_new(o, text, 0x40, json_incref(s));
	assert_same_as_jansson(s);
	assert_same_as_jansson(o);
	json_decref(s);
	json_decref(o);
}

static void test_member_order_after_changes(void **state)
{
	(void)state;
	json_t *o = json_pack("{s:i, s:s, s:[i, i, {}], s:{s:n}}", "b", 1, "a", "x", "c", 2, 3,
			      "d", "e");
	json_object_del(o, "a");
	json_object_set_new(o, "a", json_string("again"));
	json_object_set_new(o, "b", json_string("replaced in place"));
	json_object_set_new(o, "z", json_true());
	assert_same_as_jansson(o);
	json_decref(o);
}

/* A small seeded generator, so a failure can be replayed. */
static uint32_t next_random(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) & 0xFFFFFF;
}

static json_t *random_string(uint32_t *seed)
{
	static const char *const pieces[] = {"a", " ", "\"", "\\", "/", "\n", "\t", "\x01",
					     "\x1f", "æ", "ø", "å", "€", "🙂", "\x7f", "0"};
	char text[256];
	size_t len = 0, n = next_random(seed) % 24;
	for (size_t i = 0; i < n; i++) {
		const char *p = pieces[next_random(seed) % (sizeof pieces / sizeof *pieces)];
		size_t k = strlen(p);
		if (len + k >= sizeof text)
			break;
		memcpy(text + len, p, k);
		len += k;
	}
	if (next_random(seed) % 8 == 0 && len + 1 < sizeof text)
		text[len++] = '\0'; /* a NUL inside */
	return json_stringn(text, len);
}

static json_t *random_value(uint32_t *seed, int depth)
{
	uint32_t kind = next_random(seed) % (depth > 4 ? 6 : 8);
	switch (kind) {
	case 0:
		return json_null();
	case 1:
		return json_boolean(next_random(seed) & 1);
	case 2:
		return json_integer((json_int_t)next_random(seed) - 0x800000);
	case 3:
		return json_real((double)next_random(seed) / 1024.0);
	case 4:
	case 5:
		return random_string(seed);
	case 6: {
		json_t *a = json_array();
		for (uint32_t i = next_random(seed) % 5; i > 0; i--)
			json_array_append_new(a, random_value(seed, depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (uint32_t i = next_random(seed) % 5; i > 0; i--) {
			json_t *key = random_string(seed);
			json_object_setn_new(o, json_string_value(key), json_string_length(key),
					     random_value(seed, depth + 1));
			json_decref(key);
		}
		return o;
	}
	}
}

static void test_random_trees(void **state)
{
	(void)state;
	uint32_t seed = 20261207;
	for (int i = 0; i < 3000; i++) {
		json_t *value = random_value(&seed, 0);
		assert_non_null(value);
		assert_same_as_jansson(value);
		json_decref(value);
	}
}

/* Records as the stages write them, from the fixtures. */
static void test_real_records(void **state)
{
	(void)state;
	FILE *f = fopen("fixtures/letter/font-boundary.jsonl", "r");
	char *line = NULL;
	size_t size = 0, records = 0;
	ssize_t len;

	assert_non_null(f);
	while ((len = getline(&line, &size, f)) > 0) {
		json_t *rec = json_loadb(line, (size_t)len, 0, NULL);
		assert_non_null(rec);
		assert_same_as_jansson(rec);
		json_decref(rec);
		records++;
	}
	free(line);
	fclose(f);
	assert_true(records > 0);
}

static void test_too_deep_and_capped(void **state)
{
	(void)state;
	json_t *top = json_array(), *inner = top;
	for (int i = 0; i < JSON_WRITE_MAX_DEPTH + 10; i++) {
		json_t *next = json_array();
		json_array_append_new(inner, next);
		inner = next;
	}
	assert_null(json_compact(top));
	json_decref(top);

	struct strbuf small;
	json_t *text = json_string("longer than the cap of this buffer");
	strbuf_init(&small, 8);
	assert_int_equal(json_write_compact(&small, text), -1);
	assert_true(small.overflow);
	strbuf_release(&small);
	json_decref(text);
	assert_int_equal(json_write_compact(&small, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_every_control_character),
		cmocka_unit_test(test_member_order_after_changes),
		cmocka_unit_test(test_random_trees),
		cmocka_unit_test(test_real_records),
		cmocka_unit_test(test_too_deep_and_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
