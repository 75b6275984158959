/*
 * test_normalize.c - the field-type normalisers (offers.md, "Field types"):
 * one table per type of what applicants type and what skema must make of
 * it, including what it must refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "normalize.h"

/* NULL want: the normaliser must refuse (return NULL with a reason). */
struct normalize_case {
	const char *raw;
	const char *want; /* the JSON the value encodes to, e.g. "25", "\"2021-09-13\"", "null" */
};

static char c_sparring[] = "sparring", c_raad[] = "rådgivning", c_underv[] = "undervisning";
static char c_faelles[] = "fælleskursus", c_arb[] = "arbejdspladskursus";
static char c_udsatte[] = "socialt udsatte", c_handicap[] = "handicap", c_begge[] = "begge";
static char *choices_forloeb[] = {c_sparring, c_raad, c_underv};
static char *choices_kursus[] = {c_faelles, c_arb};
static char *choices_maalgruppe[] = {c_udsatte, c_handicap, c_begge};

static void run_cases(enum field_type type, char **choices, size_t nchoices,
		      const struct normalize_case *cases, size_t count)
{
	struct offer_field field;
	int failures = 0;
	memset(&field, 0, sizeof field);
	static char name[] = "felt";
	field.name = name;
	field.type = type;
	field.choices = choices;
	field.nchoices = nchoices;
	for (size_t i = 0; i < count; i++) {
		char reason[128];
		json_t *value = normalize_value(&field, cases[i].raw, reason, sizeof reason);
		char *got = value ? json_dumps(value, JSON_ENCODE_ANY) : NULL;
		const char *want = cases[i].want;
		if ((!got) != (!want) || (got && strcmp(got, want) != 0)) {
			print_error("%s \"%s\": got %s, want %s\n", field_type_name(type),
				    cases[i].raw, got ? got : "(refused)", want ? want : "(refused)");
			failures++;
		}
		if (!value && !reason[0]) {
			print_error("%s \"%s\": refused without a reason\n", field_type_name(type),
				    cases[i].raw);
			failures++;
		}
		free(got);
		json_decref(value);
	}
	if (failures)
		fail_msg("%d of %zu %s cases failed", failures, count, field_type_name(type));
}

#define RUN(type, choices, n, cases) run_cases((type), (choices), (n), (cases), sizeof(cases) / sizeof *(cases))

static void test_text(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"  Aarhus Kommune  ", "\"Aarhus Kommune\""},
		{"", "null"},
		{"   ", "null"},
		{"Klik eller tryk her for at skrive tekst.", "null"},
		{"Click or tap here to enter text.", "null"},
		{" Vælg et element. ", "null"},
		{"Choose an item.", "null"},
		{"Klik her for at skrive tekst", "\"Klik her for at skrive tekst\""},
		{"\xc2\xa0Æble\xc2\xa0", "\"Æble\""},
	};
	RUN(FIELD_TEXT, NULL, 0, cases);
}

static void test_longtext(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"Første afsnit.\r\n\r\n\r\nAndet afsnit.\n", "\"Første afsnit.\\n\\nAndet afsnit.\""},
		{"linje 1\nlinje 2", "\"linje 1\\nlinje 2\""},
		{"Click or tap here to enter text.", "null"},
	};
	RUN(FIELD_LONGTEXT, NULL, 0, cases);
}

static void test_integer(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"25", "25"},
		{" 25 deltagere", "25"},
		{"1.200", "1200"},
		{"1 200", "1200"},
		{"12.000.000", "12000000"},
		{"ca. 30", "30"},
		{"0", "0"},
		{"-3", "-3"},
		{"25.", "25"},
		{"", "null"},
		{"25-30", NULL},
		{"2,5", NULL},
		{"1.2", NULL},
		{"1.20", NULL},
		{"tyve", NULL},
		{"25 eller 30", NULL},
		{"99999999999999999999999", NULL},
	};
	RUN(FIELD_INTEGER, NULL, 0, cases);
}

static void test_date(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"2021-09-13", "\"2021-09-13\""},
		{"13-09-2021", "\"2021-09-13\""},
		{"13.09.2021", "\"2021-09-13\""},
		{"13/9-2021", "\"2021-09-13\""},
		{"13/09/2021", "\"2021-09-13\""},
		{"3.9.2021", "\"2021-09-03\""},
		{"13. september 2021", "\"2021-09-13\""},
		{"13. September 2021", "\"2021-09-13\""},
		{"13. sept. 2021", "\"2021-09-13\""},
		{"1. maj 2021", "\"2021-05-01\""},
		{"13 september 2021", "\"2021-09-13\""},
		{"2021-09-13T00:00:00Z", "\"2021-09-13\""},
		{"29.02.2020", "\"2020-02-29\""},
		{"13.09.21", "\"2021-09-13\""},
		{"Klik eller tryk for at angive en dato.", "null"},
		{"29.02.2021", NULL},
		{"31.04.2021", NULL},
		{"2021-13-01", NULL},
		{"13. smørrebrød 2021", NULL},
		{"i morgen", NULL},
		{"13.09.2021 og 14.09.2021", NULL},
		{"2021", NULL},
	};
	RUN(FIELD_DATE, NULL, 0, cases);
}

static void test_checkbox(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"X", "1"}, {"x", "1"}, {"☒", "1"}, {"Ja", "1"}, {"yes", "1"}, {"1", "1"},
		{"true", "1"}, {"nej", "0"}, {"No", "0"}, {"0", "0"}, {"false", "0"},
		{"☐", "0"}, {"", "0"}, {"  ", "0"}, {"måske", NULL},
	};
	RUN(FIELD_CHECKBOX, NULL, 0, cases);
}

static void test_choice(void **state)
{
	(void)state;
	static const struct normalize_case forloeb[] = {
		{"sparring", "\"sparring\""},
		{"Rådgivning", "\"rådgivning\""},
		{"raadgivning", "\"rådgivning\""},
		{"RAADGIVNING", "\"rådgivning\""},
		{" UNDERVISNING ", "\"undervisning\""},
		{"Vælg et element.", "null"},
		{"kursus", NULL},
	};
	static const struct normalize_case kursus[] = {
		{"faelleskursus", "\"fælleskursus\""},
		{"Fælleskursus", "\"fælleskursus\""},
		{"FÆLLESKURSUS", "\"fælleskursus\""},
		{"arbejdspladskursus", "\"arbejdspladskursus\""},
		{"fælles", NULL},
	};
	static const struct normalize_case maalgruppe[] = {
		{"Socialt  udsatte", "\"socialt udsatte\""},
		{"handicap", "\"handicap\""},
		{"socialtudsatte", NULL},
	};
	RUN(FIELD_CHOICE, choices_forloeb, 3, forloeb);
	RUN(FIELD_CHOICE, choices_kursus, 2, kursus);
	RUN(FIELD_CHOICE, choices_maalgruppe, 3, maalgruppe);
}

static void test_email(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"anne@aarhus.dk", "\"anne@aarhus.dk\""},
		{" mailto:anne.b@kk.dk ", "\"anne.b@kk.dk\""},
		{"anne@aarhus", NULL},
		{"anne aarhus.dk", NULL},
		{"anne@@aarhus.dk", NULL},
		{"@aarhus.dk", NULL},
		{"anne@aarhus..dk", NULL},
	};
	RUN(FIELD_EMAIL, NULL, 0, cases);
}

static void test_phone(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"12345678", "\"+45 12 34 56 78\""},
		{"12 34 56 78", "\"+45 12 34 56 78\""},
		{"+45 12345678", "\"+45 12 34 56 78\""},
		{"+4512345678", "\"+45 12 34 56 78\""},
		{"0045 12 34 56 78", "\"+45 12 34 56 78\""},
		{"1234-5678", "\"+45 12 34 56 78\""},
		{"Tlf. 72 42 37 00", "\"+45 72 42 37 00\""},
		{"1234567", NULL},
		{"123456789", NULL},
		{"+46 12345678", NULL},
		{"ring til Anne", NULL},
	};
	RUN(FIELD_PHONE, NULL, 0, cases);
}

static void test_cvr(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"29189404", "\"29189404\""},
		{"2918 9404", "\"29189404\""},
		{"DK29189404", "\"29189404\""},
		{"CVR: 25798376", "\"25798376\""},
		{"10213231", "\"10213231\""},
		{"29189405", NULL}, /* modulus 11 fails */
		{"12345678", NULL},
		{"2918940", NULL},
		{"291894044", NULL},
		{"abcdefgh", NULL},
	};
	RUN(FIELD_CVR, NULL, 0, cases);
}

static void test_postnr(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"8000", "\"8000\""}, {"0800", "\"0800\""}, {"9990", "\"9990\""},
		{"DK-2100", "\"2100\""}, {"8000 Aarhus C", "\"8000\""},
		{"0799", NULL}, {"9991", NULL}, {"800", NULL}, {"80000", NULL}, {"80a0", NULL},
	};
	RUN(FIELD_POSTNR, NULL, 0, cases);
}

static void test_kommune(void **state)
{
	(void)state;
	static const struct normalize_case cases[] = {
		{"Aarhus", "\"Aarhus\""},
		{"Århus", "\"Aarhus\""},
		{"Århus Kommune", "\"Aarhus\""},
		{"aarhus kommune", "\"Aarhus\""},
		{"Københavns Kommune", "\"København\""},
		{"KØBENHAVN", "\"København\""},
		{"Koebenhavn", "\"København\""},
		{"Høje-Taastrup", "\"Høje-Taastrup\""},
		{"Høje Taastrup Kommune", "\"Høje-Taastrup\""},
		{"Lyngby-Taarbæk", "\"Lyngby-Taarbæk\""},
		{"Tårnby", "\"Tårnby\""},
		{"Taarnby", "\"Tårnby\""},
		{"Åbenrå", "\"Aabenraa\""},
		{"Nordfyns Kommune", "\"Nordfyns\""},
		{"Nordfyn", "\"Nordfyns\""},
		{"Bornholms Regionskommune", "\"Bornholm\""},
		{"Vesthimmerlands Kommune", "\"Vesthimmerlands\""},
		{"Frederiksberg Kommune", "\"Frederiksberg\""},
		{"Ærø", "\"Ærø\""},
		{"Faaborg-Midtfyn", "\"Faaborg-Midtfyn\""},
		{"Gotham", NULL},
		{"Region Hovedstaden", NULL},
		{"Roskilde Amt", NULL},
	};
	RUN(FIELD_KOMMUNE, NULL, 0, cases);
}

static void test_kommune_regions(void **state)
{
	(void)state;
	static const struct {
		const char *kommune, *region;
	} cases[] = {
		{"København", "Region Hovedstaden"}, {"Bornholm", "Region Hovedstaden"},
		{"Roskilde", "Region Sjælland"},     {"Odense", "Region Syddanmark"},
		{"Aarhus", "Region Midtjylland"},    {"Aalborg", "Region Nordjylland"},
		{"Ærø", "Region Syddanmark"},        {"Læsø", "Region Nordjylland"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = kommune_region(cases[i].kommune);
		if (!got || strcmp(got, cases[i].region) != 0)
			fail_msg("%s: got %s, want %s", cases[i].kommune, got ? got : "NULL",
				 cases[i].region);
	}
	/* All 98, each its own canonical name, each with a region, none twice. */
	size_t n = 0, per_region[5] = {0};
	static const char *const regions[] = {"Region Hovedstaden", "Region Sjælland",
					      "Region Syddanmark", "Region Midtjylland",
					      "Region Nordjylland"};
	for (const char *name; (name = kommune_name_at(n)); n++) {
		const char *canon = kommune_canonical(name);
		if (!canon || strcmp(canon, name) != 0)
			fail_msg("%s: canonical got %s", name, canon ? canon : "NULL");
		const char *region = kommune_region(name);
		for (size_t r = 0; region && r < 5; r++)
			if (strcmp(region, regions[r]) == 0)
				per_region[r]++;
		for (size_t j = 0; j < n; j++)
			if (strcmp(kommune_name_at(j), name) == 0)
				fail_msg("%s listed twice", name);
	}
	if (n != 98)
		fail_msg("got %zu municipalities, want 98", n);
	static const size_t want[] = {29, 17, 22, 19, 11};
	for (size_t r = 0; r < 5; r++)
		if (per_region[r] != want[r])
			fail_msg("%s: got %zu municipalities, want %zu", regions[r], per_region[r],
				 want[r]);
}

/*
 * Random and hostile text for every type: nothing may crash or read out of
 * bounds (the sanitizer build checks), and whatever is accepted must
 * normalise to itself again (a value is a fixed point).
 */
static void test_random_text(void **state)
{
	(void)state;
	static const char alphabet[] = "0123456789 .-/+:,xXjaJAnejNEI\xc3\xa6\xc3\xb8\xc3\xa5\xc3\x86"
				       "\xe2\x98\x92@ktober sepmarts\n\t'\"kommuneKOMMUNEs";
	static char name[] = "felt";
	unsigned seed = 12345;
	for (int round = 0; round < 20000; round++) {
		char text[64];
		size_t len = (size_t)(round % 40);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		text[len] = '\0';
		for (int t = FIELD_TEXT; t <= FIELD_KOMMUNE; t++) {
			struct offer_field field;
			char reason[128];
			memset(&field, 0, sizeof field);
			field.name = name;
			field.type = (enum field_type)t;
			field.choices = choices_forloeb;
			field.nchoices = 3;
			json_t *value = normalize_value(&field, text, reason, sizeof reason);
			if (value && json_is_string(value) && t != FIELD_LONGTEXT && t != FIELD_TEXT) {
				json_t *again = normalize_value(&field, json_string_value(value), reason,
								sizeof reason);
				if (!again || !json_equal(again, value))
					fail_msg("%s \"%s\" -> \"%s\" is not a fixed point",
						 field_type_name(field.type), text, json_string_value(value));
				json_decref(again);
			}
			json_decref(value);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),     cmocka_unit_test(test_longtext),
		cmocka_unit_test(test_integer),  cmocka_unit_test(test_date),
		cmocka_unit_test(test_checkbox), cmocka_unit_test(test_choice),
		cmocka_unit_test(test_email),    cmocka_unit_test(test_phone),
		cmocka_unit_test(test_cvr),      cmocka_unit_test(test_postnr),
		cmocka_unit_test(test_kommune),  cmocka_unit_test(test_kommune_regions),
		cmocka_unit_test(test_random_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
