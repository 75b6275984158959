/*
 * test_validate.c - skema-validate's criteria engine: what a definition's
 * test may and may not do, the choice-literal check, and judging records.
 * Runs from the source tree (make's working directory): it loads the
 * shipped definitions in forms/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "offer.h"
#include "strbuf.h"
#include "../../stages/validate/validate.h"

static struct offer *load(const char *id)
{
	char path[256];
	struct offer *offer = NULL;
	struct strbuf err;
	strbuf_init(&err, 0);
	snprintf(path, sizeof path, "forms/%s/offer.xml", id);
	if (offer_load(path, &offer, &err) < 0)
		fail_msg("%s: %s", path, strbuf_str(&err));
	strbuf_release(&err);
	return offer;
}

static void test_choice_literals(void **state)
{
	(void)state;
	static const struct {
		const char *expr;
		int ok;
	} cases[] = {
		{"kursustype = 'fælleskursus'", 1},
		{"kursustype == 'arbejdspladskursus'", 1},
		{"kursustype = 'faelleskursus'", 0},
		{"kursustype <> 'Fælleskursus'", 0},
		{"kursustype IN ('fælleskursus', 'kursus')", 0},
		{"kursustype NOT IN ('arbejdspladskursus')", 1},
		{"kursustype not in ('x')", 0},
		{"CASE kursustype WHEN 'arbejdspladskursus' THEN 1 WHEN 'x' THEN 0 END", 0},
		{"CASE kursustype WHEN 'arbejdspladskursus' THEN 'y' ELSE 'z' END = 'y'", 1},
		{"maalgruppe = 'socialt udsatte' AND sted_navn = 'noget andet'", 1},
		{"sted_type IN ('døgninstitution','opholdssted')", 1},
		{"sted_type = 'it''s'", 0},
	};
	struct offer *offer = load("spillerum-2019");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct strbuf err;
		strbuf_init(&err, 0);
		int rc = validate_check_choice_literals(offer, cases[i].expr, "here", &err);
		if ((rc == 0) != cases[i].ok)
			fail_msg("\"%s\": got %s, want %s (%s)", cases[i].expr, rc == 0 ? "ok" : "refused",
				 cases[i].ok ? "ok" : "refused", strbuf_str(&err));
		strbuf_release(&err);
	}
	offer_free(offer);
}

/* Replaces the first criterion's test and opens an engine on it. */
static int open_with_test(const char *test, struct strbuf *err)
{
	struct offer *offer = load("temaforloeb");
	struct validate_engine e;
	free(offer->criteria[0].test);
	offer->criteria[0].test = strdup(test);
	int rc = validate_engine_open(&e, offer, err);
	validate_engine_release(&e);
	offer_free(offer);
	return rc;
}

static void test_tests_allowed_and_refused(void **state)
{
	(void)state;
	static const struct {
		const char *test;
		const char *want; /* NULL: accepted; else part of the message */
	} cases[] = {
		{"besluttet_chefniveau = 1", NULL},
		{"timer BETWEEN 1 AND 25 AND indledende_moede_dato < received_date", NULL},
		{"date(indledende_moede_dato, '+1 month') > received_date", NULL},
		{"CASE forloebstype WHEN 'sparring' THEN timer <= 10 ELSE timer <= 25 END", NULL},
		{"kommune_region = 'Region Hovedstaden' OR deadline_at IS NULL", NULL},
		{"(SELECT count(*) FROM application) = 1", NULL},
		{"nosuch = 1", "no such column: nosuch"},
		{"timer = = 1", "syntax error"},
		{"(SELECT count(*) FROM sqlite_master) >= 0", "not authorized"},
		{"(SELECT count(*) FROM sqlite_temp_master) >= 0", "not authorized"},
		{"load_extension('/tmp/x.so') IS NULL", "not authorized"},
		{"1) FROM application; DELETE FROM application; SELECT (1", "one expression"},
		{"1) FROM application UNION SELECT (2", NULL},
		{"(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c) > 0",
		 "not authorized"},
		{"forloebstype = 'raadgivning'", "is not a choice of field forloebstype"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct strbuf err;
		strbuf_init(&err, 0);
		int rc = open_with_test(cases[i].test, &err);
		if (!cases[i].want && rc != 0)
			fail_msg("\"%s\": got refused (%s), want accepted", cases[i].test, strbuf_str(&err));
		if (cases[i].want && (rc == 0 || !strstr(strbuf_str(&err), cases[i].want)))
			fail_msg("\"%s\": got %s \"%s\", want refused with \"%s\"", cases[i].test,
				 rc == 0 ? "accepted" : "refused", strbuf_str(&err), cases[i].want);
		strbuf_release(&err);
	}
}

static json_t *judge(struct validate_engine *e, const char *json)
{
	json_error_t jerr;
	json_t *rec = json_loads(json, 0, &jerr);
	struct strbuf err;
	strbuf_init(&err, 0);
	if (!rec)
		fail_msg("bad test record: %s", jerr.text);
	if (validate_record(e, rec, &err) < 0)
		fail_msg("validate_record: %s", strbuf_str(&err));
	strbuf_release(&err);
	return rec;
}

#define BASE \
	"\"kommune\":{\"raw\":\"Københavns Kommune\"},\"forvaltning\":{\"raw\":\"BUF\"}," \
	"\"kontakt_navn\":{\"raw\":\"A\"},\"kontakt_email\":{\"raw\":\"a@kk.dk\"}," \
	"\"kontakt_telefon\":{\"raw\":\"33 66 33 66\"},\"chef_navn\":{\"raw\":\"B\"}," \
	"\"besluttet_chefniveau\":{\"raw\":\"1\"},\"personaleressourcer_afsat\":{\"raw\":\"X\"}," \
	"\"tema\":{\"raw\":\"Vold\"},\"forloebstype\":{\"raw\":\"Sparring\"}," \
	"\"motivation\":{\"raw\":\"Fordi.\"}"

static void test_judging(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		const char *result, *not_passed, *missing, *invalid;
	} cases[] = {
		{"{\"received_at\":\"2021-09-13T11:59:00+02:00\",\"fields\":{" BASE
		 ",\"timer\":{\"raw\":\"25\"},\"indledende_moede_dato\":{\"raw\":\"12.09.2021\"}}}",
		 "eligible", "motivation ledelsesopbakning", "", ""},
		{"{\"received_at\":\"2021-09-13T11:59:00+02:00\",\"fields\":{" BASE
		 ",\"timer\":{\"raw\":\"26\"},\"indledende_moede_dato\":{\"raw\":\"12.09.2021\"}}}",
		 "not_eligible", "timer motivation ledelsesopbakning", "", "timer"},
		{"{\"received_at\":\"2021-09-13T00:30:00+02:00\",\"fields\":{" BASE
		 ",\"timer\":{\"value\":20},\"indledende_moede_dato\":{\"raw\":\"13. september 2021\"}}}",
		 "not_eligible", "indledende_moede motivation ledelsesopbakning", "", ""},
		{"{\"received_at\":\"2021-09-13T11:59:00+02:00\",\"fields\":{" BASE
		 ",\"timer\":{\"raw\":\"20\"},\"indledende_moede_dato\":{\"raw\":\"i går\"}}}",
		 "incomplete", "indledende_moede motivation ledelsesopbakning", "indledende_moede_dato",
		 "indledende_moede_dato"},
		{"{\"received_at\":\"2021-09-13T11:59:00+02:00\",\"fields\":{" BASE "}}",
		 "incomplete", "timer indledende_moede motivation ledelsesopbakning",
		 "timer indledende_moede_dato", ""},
	};
	struct offer *offer = load("temaforloeb");
	struct validate_engine e;
	struct strbuf err;
	strbuf_init(&err, 0);
	if (validate_engine_open(&e, offer, &err) < 0)
		fail_msg("%s", strbuf_str(&err));
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *rec = judge(&e, cases[i].json);
		json_t *v = json_object_get(rec, "validation");
		struct strbuf np, miss, inv;
		strbuf_init(&np, 0);
		strbuf_init(&miss, 0);
		strbuf_init(&inv, 0);
		size_t k;
		json_t *item;
		json_array_foreach(json_object_get(v, "criteria"), k, item) {
			if (!json_is_true(json_object_get(item, "passed")))
				strbuf_printf(&np, "%s%s", np.len ? " " : "",
					      json_string_value(json_object_get(item, "id")));
		}
		json_array_foreach(json_object_get(v, "missing"), k, item)
			strbuf_printf(&miss, "%s%s", miss.len ? " " : "", json_string_value(item));
		json_array_foreach(json_object_get(v, "invalid"), k, item)
			strbuf_printf(&inv, "%s%s", inv.len ? " " : "",
				      json_string_value(json_object_get(item, "field")));
		const char *result = json_string_value(json_object_get(v, "result"));
		if (!result || strcmp(result, cases[i].result) || strcmp(strbuf_str(&np), cases[i].not_passed) ||
		    strcmp(strbuf_str(&miss), cases[i].missing) || strcmp(strbuf_str(&inv), cases[i].invalid))
			fail_msg("case %zu: got %s [%s] missing [%s] invalid [%s], want %s [%s] missing [%s] invalid [%s]",
				 i, result ? result : "(none)", strbuf_str(&np), strbuf_str(&miss),
				 strbuf_str(&inv), cases[i].result, cases[i].not_passed, cases[i].missing,
				 cases[i].invalid);
		if (i == 0) {
			const char *region = json_string_value(json_object_get(v, "region"));
			if (!region || strcmp(region, "Region Hovedstaden"))
				fail_msg("region: got %s, want Region Hovedstaden", region ? region : "NULL");
		}
		strbuf_release(&np);
		strbuf_release(&miss);
		strbuf_release(&inv);
		json_decref(rec);
	}
	validate_engine_release(&e);
	offer_free(offer);
	strbuf_release(&err);
}

#define OPKVAL \
	"\"received_at\":\"2021-03-01T10:00:00+01:00\",\"fields\":{" \
	"\"sted_navn\":{\"raw\":\"Solgården\"},\"sted_type\":{\"raw\":\"Døgninstitution\"}," \
	"\"cvr\":{\"raw\":\"29189404\"},\"kommune\":{\"raw\":\"Silkeborg\"}," \
	"\"leder_navn\":{\"raw\":\"L\"},\"kontakt_navn\":{\"raw\":\"K\"}," \
	"\"kontakt_email\":{\"raw\":\"k@s.dk\"},\"kontakt_telefon\":{\"raw\":\"86801122\"}," \
	"\"antal_medarbejdere\":{\"raw\":\"35\"},\"deltager_begge_temadage\":{\"raw\":\"X\"}"

/* A rule between fields (the anbringelsessted block's aldersinterval). */
static void test_rules(void **state)
{
	(void)state;
	static const struct {
		const char *fields, *result, *invalid;
	} cases[] = {
		/* In order, equal, one empty, both empty: the rule holds. */
		{",\"alder_fra\":{\"raw\":\"6\"},\"alder_til\":{\"raw\":\"17\"}", "eligible", "[]"},
		{",\"alder_fra\":{\"raw\":\"6\"},\"alder_til\":{\"raw\":\"6\"}", "eligible", "[]"},
		{",\"alder_fra\":{\"raw\":\"17\"}", "eligible", "[]"},
		{"", "eligible", "[]"},
		/* Backwards: both fields, one entry, the values in the sentence. */
		{",\"alder_fra\":{\"raw\":\"17\"},\"alder_til\":{\"raw\":\"6 år\"}", "incomplete",
		 "[{\"field\":\"alder_fra\",\"rule\":\"aldersinterval\",\"fields\":[\"alder_fra\",\"alder_til\"],"
		 "\"message\":\"alderen fra, 17 år, er højere end alderen til, 6 år\"}]"},
		/* A hard criterion that fails still decides. */
		{",\"alder_fra\":{\"raw\":\"17\"},\"alder_til\":{\"raw\":\"6\"},\"ledelsesopbakning\":{\"raw\":\"nej\"}",
		 "not_eligible", NULL},
	};
	struct offer *offer = load("opkvalificering-anbringelsessted");
	struct validate_engine e;
	struct strbuf err;
	strbuf_init(&err, 0);
	if (offer->nrules != 1 || strcmp(offer->rules[0].id, "aldersinterval") ||
	    offer->rules[0].nfields != 2 || strcmp(offer->rules[0].fields[1], "alder_til") ||
	    !strstr(offer->rules[0].source, "blocks/anbringelsessted.xml"))
		fail_msg("the block's rule was not loaded with the offer");
	if (validate_engine_open(&e, offer, &err) < 0)
		fail_msg("%s", strbuf_str(&err));
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char json[2048];
		snprintf(json, sizeof json, "{" OPKVAL "%s%s}}", cases[i].fields,
			 i == sizeof cases / sizeof *cases - 1 ? "" : ",\"ledelsesopbakning\":{\"raw\":\"ja\"}");
		json_t *rec = judge(&e, json);
		json_t *v = json_object_get(rec, "validation");
		const char *result = json_string_value(json_object_get(v, "result"));
		char *invalid = json_dumps(json_object_get(v, "invalid"), JSON_COMPACT);
		if (!result || strcmp(result, cases[i].result) ||
		    (cases[i].invalid && strcmp(invalid, cases[i].invalid)))
			fail_msg("case %zu: got %s %s, want %s %s", i, result ? result : "(none)", invalid,
				 cases[i].result, cases[i].invalid ? cases[i].invalid : "");
		/* The rule's fields are asked for as wrong, never also as missing. */
		if (json_array_size(json_object_get(v, "missing")) != 0)
			fail_msg("case %zu: missing is not empty", i);
		free(invalid);
		json_decref(rec);
	}
	validate_engine_release(&e);
	offer_free(offer);
	strbuf_release(&err);
}

static void test_join_labels(void **state)
{
	(void)state;
	struct offer *offer = load("opkvalificering-anbringelsessted");
	static const char *const names[] = {"alder_fra", "alder_til", "no_such_field"};
	static const char *const want[][2] = {
		{"Børnenes alder fra (år)", "»Børnenes alder fra (år)«"},
		{"Børnenes alder fra (år) og Børnenes alder til (år)",
		 "»Børnenes alder fra (år)« og »Børnenes alder til (år)«"},
		{"Børnenes alder fra (år), Børnenes alder til (år) og no_such_field",
		 "»Børnenes alder fra (år)«, »Børnenes alder til (år)« og »no_such_field«"},
	};
	for (size_t n = 1; n <= 3; n++)
		for (int quoted = 0; quoted < 2; quoted++) {
			struct strbuf out;
			strbuf_init(&out, 0);
			offer_join_labels(offer, names, n, quoted, &out);
			assert_string_equal(strbuf_str(&out), want[n - 1][quoted]);
			strbuf_release(&out);
		}
	offer_free(offer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice_literals),
		cmocka_unit_test(test_tests_allowed_and_refused),
		cmocka_unit_test(test_judging),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_join_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
