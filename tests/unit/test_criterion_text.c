/*
 * test_criterion_text.c - {field} in a criterion's sentence: filled with
 * the case's value as a letter writes it, "ikke oplyst" without one, "…"
 * for no case, and anything that is not a field of the offer left alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "criterion_text.h"

static struct offer_field fields[] = {
	{.name = (char *)"timer", .type = FIELD_INTEGER},
	{.name = (char *)"moede_dato", .type = FIELD_DATE},
	{.name = (char *)"lokale", .type = FIELD_CHECKBOX},
	{.name = (char *)"sted_type", .type = FIELD_CHOICE},
};
static struct offer offer = {.fields = fields, .nfields = 4};

static const char *values(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "timer") == 0)
		return "26";
	if (strcmp(name, "moede_dato") == 0)
		return "2021-09-13";
	if (strcmp(name, "lokale") == 0)
		return "0";
	if (strcmp(name, "sted_type") == 0)
		return ""; /* empty: the case has none */
	return NULL;
}

static void check(const char *text, criterion_value_fn fn, const char *want)
{
	struct strbuf out;
	strbuf_init(&out, 0);
	criterion_text_fill(&offer, text, fn, NULL, &out);
	assert_string_equal(strbuf_str(&out), want);
	strbuf_release(&out);
}

static void test_fill(void **state)
{
	(void)state;
	check("angiver {timer} timer.", values, "angiver 26 timer.");
	check("mødet {moede_dato}", values, "mødet 13. september 2021");
	check("lokale: {lokale}", values, "lokale: nej");
	check("type {sted_type}", values, "type ikke oplyst");
	check("{timer}{timer}", values, "2626");
	check("uden pladsholder", values, "uden pladsholder");
	check("", values, "");
	check(NULL, values, "");
}

static void test_not_fields_kept(void **state)
{
	(void)state;
	/* Not a field, not a name, not closed: as written. */
	check("{ukendt} {Timer} {} { timer} {timer", values, "{ukendt} {Timer} {} { timer} {timer");
	check("{{timer}}", values, "{26}");
	check("a } b {", values, "a } b {");
}

static void test_no_case(void **state)
{
	(void)state;
	check("angiver {timer} timer, {ukendt}", NULL, "angiver … timer, {ukendt}");
}

static void test_unknown(void **state)
{
	(void)state;
	char name[64];
	assert_int_equal(criterion_text_unknown(&offer, "angiver {timer} og {moede_dato}", name, sizeof name), 0);
	assert_int_equal(criterion_text_unknown(&offer, "angiver {timers}", name, sizeof name), 1);
	assert_string_equal(name, "timers");
	assert_int_equal(criterion_text_unknown(&offer, "{Timer} { x} {}", name, sizeof name), 0);
	assert_int_equal(criterion_text_unknown(&offer, NULL, name, sizeof name), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_not_fields_kept),
		cmocka_unit_test(test_no_case),
		cmocka_unit_test(test_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
