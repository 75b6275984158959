/*
 * test_letter_texts.c - check-forms' picture of a letter's data must be the
 * data skema-letter renders with: every key letter_data() sets is in
 * letter_text_shape(), so no name a letter has is called unknown, and the
 * names a template asks for are found as rendering finds them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "../../stages/letter/letter.h"
#include "letter_texts.h"
#include "offer.h"
#include "template.h"

static struct offer *load(const char *id)
{
	char path[256];
	struct offer *offer = NULL;
	struct strbuf err;
	strbuf_init(&err, 0);
	snprintf(path, sizeof path, "forms/%s/offer.xml", id);
	if (offer_load(path, &offer, &err) < 0)
		fail_msg("%s", strbuf_str(&err));
	strbuf_release(&err);
	return offer;
}

/* Every key of data (lists: of each item) is in shape; prints the path of one that is not. */
static int covered(json_t *data, json_t *shape, const char *at)
{
	const char *key;
	json_t *value;
	int ok = 1;
	if (json_is_array(data)) {
		size_t i;
		json_array_foreach(data, i, value) ok &= covered(value, json_array_get(shape, 0), at);
		return ok;
	}
	if (!json_is_object(data))
		return 1;
	json_object_foreach(data, key, value)
	{
		char path[256];
		snprintf(path, sizeof path, "%s.%s", at, key);
		json_t *known = json_object_get(shape, key);
		if (!known) {
			print_error("%s is set by letter_data but not in letter_text_shape\n", path);
			ok = 0;
			continue;
		}
		ok &= covered(value, known, path);
	}
	return ok;
}

static void test_shape_covers_letter_data(void **state)
{
	(void)state;
	struct offer *offer = load("spillerum-2019");
	struct config cfg;
	config_init(&cfg);
	struct letter_case c;
	memset(&c, 0, sizeof c);
	c.case_number = (char *)"2019-000001";
	c.offer_id = (char *)"spillerum-2019";
	c.received_at = (char *)"2019-05-01T10:00:00+02:00";
	c.outcome = (char *)"afslag";
	c.state = (char *)"proposed";
	c.fields = json_pack("{s:{s:s}, s:{s:s}}", "kursustype", "value", "fælleskursus",
			     "antal_deltagere", "value", "4");
	c.criteria = json_pack("[{s:s, s:s, s:b, s:s}, {s:s, s:s, s:n, s:s}, {s:s, s:s, s:b, s:s}]",
			       "id", "a", "kind", "eligibility", "passed", 1, "text", "x", "id", "b",
			       "kind", "eligibility", "passed", "text", "y", "id", "c", "kind",
			       "priority", "passed", 0, "text", "z");
	c.replaces = json_pack("[{s:s, s:b}]", "case_number", "2019-000000", "lacked", 1);
	json_t *data = letter_data(&c, offer, &cfg, 1556700000);
	json_t *shape = letter_text_shape(offer);
	assert_non_null(data);
	assert_non_null(shape);
	assert_true(covered(data, shape, ""));
	/* The offer's fields and choices, not only the case's. */
	assert_non_null(json_object_get(json_object_get(shape, "felter"), "antal_deltagere"));
	assert_non_null(json_object_get(json_object_get(json_object_get(shape, "valg"), "kursustype"),
					"arbejdspladskursus"));
	json_decref(data);
	json_decref(shape);
	json_decref(c.fields);
	json_decref(c.criteria);
	json_decref(c.replaces);
	config_release(&cfg);
	offer_free(offer);
}

struct seen {
	char names[8][64];
	int lines[8];
	char kinds[8];
	char near[8][64];
	int count;
};

static void note(const char *name, int line, char kind, const char *near, void *user)
{
	struct seen *s = user;
	if (s->count >= 8)
		return;
	snprintf(s->names[s->count], 64, "%s", name);
	snprintf(s->near[s->count], 64, "%s", near ? near : "");
	s->lines[s->count] = line;
	s->kinds[s->count] = kind;
	s->count++;
}

static void test_check_names(void **state)
{
	(void)state;
	static const char text[] = "{{sag.journalnummer}} {{sag.journalnumer}}\n"
				   "{{#krav}}{{tekst}} {{tkst}} {{sag.tilbud}}{{/krav}}\n"
				   "{{#felter.x}}{{felter.x}}{{/felter.x}}\n"
				   "{{^ukendt}}a{{/ukendt}}{{#borte}}{{inde}}{{/borte}}{{.}}\n";
	struct template *tpl = NULL;
	struct strbuf err;
	strbuf_init(&err, 0);
	assert_int_equal(template_parse("t.txt", text, strlen(text), &tpl, &err), 0);
	json_t *shape = json_pack("{s:{s:b, s:b}, s:[{s:b}]}", "sag", "journalnummer", 1, "tilbud", 1,
				  "krav", "tekst", 1);
	struct seen s = {0};
	assert_int_equal(template_check_names(tpl, shape, note, &s), 5);
	assert_string_equal(s.names[0], "sag.journalnumer");
	assert_string_equal(s.near[0], "sag.journalnummer");
	assert_int_equal(s.lines[0], 1);
	assert_string_equal(s.names[1], "tkst");
	assert_string_equal(s.near[1], "tekst"); /* a key of the list item, inside its section */
	assert_int_equal(s.lines[1], 2);
	assert_string_equal(s.names[2], "felter.x");
	assert_int_equal(s.kinds[2], '#'); /* and not {{felter.x}} inside it */
	assert_string_equal(s.names[3], "ukendt");
	assert_int_equal(s.kinds[3], '^');
	assert_string_equal(s.names[4], "borte"); /* nor "inde" inside it */
	assert_int_equal(s.lines[4], 4);
	json_decref(shape);
	template_free(tpl);
	strbuf_release(&err);
}

static void test_outcomes_possible(void **state)
{
	(void)state;
	struct offer *deadline = load("spillerum-2019"), *rolling = load("temaforloeb"),
		     *registration = load("informationsmoede-2021");
	assert_false(letter_outcome_possible(deadline, "venteliste"));
	assert_true(letter_outcome_possible(deadline, "bevilget"));
	assert_false(letter_outcome_possible(deadline, "bekræftelse"));
	assert_true(letter_outcome_possible(rolling, "venteliste"));
	assert_true(letter_outcome_possible(rolling, "mangler"));
	assert_false(letter_outcome_possible(registration, "bevilget"));
	assert_false(letter_outcome_possible(registration, "venteliste"));
	assert_true(letter_outcome_possible(registration, "bekræftelse"));
	assert_true(letter_outcome_possible(registration, "afslag"));
	offer_free(deadline);
	offer_free(rolling);
	offer_free(registration);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape_covers_letter_data),
		cmocka_unit_test(test_check_names),
		cmocka_unit_test(test_outcomes_possible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
