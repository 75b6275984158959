/*
 * test_report.c - the tricky parts of reports and export: CSV quoting and
 * formula defusing (stages/lib/csv.c), cleaning text for the report font,
 * counting by label, capitalised labels, capacity periods and their Danish
 * names (stages/report/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "../../stages/report/report.h"
#include "../../stages/report/report_pdf.h"

/* One row of cells through the CSV writer; caller frees. */
static char *csv_row(enum csv_dialect dialect, const char *const *cells, size_t n)
{
	char *data = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&data, &size);
	struct csv_writer w;
	assert_non_null(out);
	csv_init(&w, out, dialect);
	for (size_t i = 0; i < n; i++)
		csv_text(&w, cells[i]);
	csv_end_row(&w);
	assert_int_equal(csv_flush(&w), 0);
	fclose(out);
	return data;
}

static void test_csv_cells(void **state)
{
	(void)state;
	static const struct {
		const char *cell;
		const char *rfc;   /* the cell as written in RFC 4180 */
	} cases[] = {
		{"plain", "plain"},
		{"", ""},
		{"Århus Kommune", "Århus Kommune"},
		{"a,b", "\"a,b\""},
		{"a;b", "\"a;b\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"two\nlines", "\"two\nlines\""},
		{"cr\rlf", "\"cr\rlf\""},
		{" edge", "\" edge\""},
		{"edge ", "\"edge \""},
		{"=SUM(A1:A9)", "\"'=SUM(A1:A9)\""},
		{"+45 12 34 56 78", "\"'+45 12 34 56 78\""},
		{"-1", "\"'-1\""},
		{"@cmd", "\"'@cmd\""},
		{"\tx", "\"'\tx\""},
		{"a=b", "a=b"},
		{"=\"x\"", "\"'=\"\"x\"\"\""},
		{"\"", "\"\"\"\""},
		{"a\"\"b\"", "\"a\"\"\"\"b\"\"\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *cells[] = {cases[i].cell};
		char *got = csv_row(CSV_RFC, cells, 1);
		char want[128];
		snprintf(want, sizeof want, "%s\r\n", cases[i].rfc);
		if (strcmp(got, want) != 0)
			fail_msg("cell \"%s\": got \"%s\", want \"%s\"", cases[i].cell, got, want);
		free(got);
	}
}

static void test_csv_dialects(void **state)
{
	(void)state;
	const char *cells[] = {"id", NULL, "x;y", "æ"};
	char *excel = csv_row(CSV_EXCEL_DA, cells, 4);
	char *rfc = csv_row(CSV_RFC, cells, 4);
	const char *want_excel = "\xEF\xBB\xBFid;;\"x;y\";æ\r\n";
	const char *want_rfc = "id,,\"x;y\",æ\r\n";
	if (strcmp(excel, want_excel) != 0)
		fail_msg("excel: got \"%s\", want \"%s\"", excel, want_excel);
	if (strcmp(rfc, want_rfc) != 0)
		fail_msg("rfc: got \"%s\", want \"%s\"", rfc, want_rfc);
	free(excel);
	free(rfc);
}

static void test_csv_numbers_untouched(void **state)
{
	(void)state;
	char *data = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&data, &size);
	struct csv_writer w;
	csv_init(&w, out, CSV_RFC);
	csv_int(&w, -5);
	csv_int(&w, 1234567890123LL);
	csv_end_row(&w);
	fclose(out);
	if (strcmp(data, "-5,1234567890123\r\n") != 0)
		fail_msg("got \"%s\", want \"-5,1234567890123\\r\\n\"", data);
	free(data);
}

static void test_clean_text(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t size;
		const char *want;
	} cases[] = {
		{"Søren Ærø – «ok» 100 €", 256, "Søren Ærø – «ok» 100 €"},
		{"tab\there", 256, "tab here"},
		{"ctl\x01\x1b[31m", 256, "ctl  [31m"},
		{"emoji \xF0\x9F\x98\x80!", 256, "emoji \xEF\xBF\xBD!"},
		{"bad \xFF byte", 256, "bad \xEF\xBF\xBD byte"},
		{"overlong \xC0\xAF", 256, "overlong \xEF\xBF\xBD\xEF\xBF\xBD"},
		{"CJK \xE4\xB8\xAD", 256, "CJK \xEF\xBF\xBD"},
		{"C1 \xC2\x85", 256, "C1  "},
		{"abcdefghij", 8, "abcd\xE2\x80\xA6"},
		{"æøåæøå", 9, "æø\xE2\x80\xA6"},
		{NULL, 16, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char out[256];
		report_pdf_clean(cases[i].in, out, cases[i].size);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu \"%s\": got \"%s\", want \"%s\"", i,
				 cases[i].in ? cases[i].in : "(null)", out, cases[i].want);
		if (strlen(out) >= cases[i].size)
			fail_msg("case %zu: %zu bytes do not fit in %zu", i, strlen(out),
				 cases[i].size);
	}
}

static void test_counts(void **state)
{
	(void)state;
	struct report_counts c = {NULL, 0};
	assert_int_equal(report_counts_add(&c, "Region Hovedstaden", 2), 0);
	assert_int_equal(report_counts_add(&c, "Region Sjælland", 5), 0);
	assert_int_equal(report_counts_add(&c, "Region Hovedstaden", 3), 0);
	assert_int_equal(c.count, 2);
	assert_int_equal(c.items[0].value, 5);
	assert_int_equal(report_counts_max(&c), 5);
	report_counts_release(&c);
	assert_int_equal(c.count, 0);
	assert_int_equal(report_counts_max(&c), 0);
}

static void test_outcome_labels(void **state)
{
	(void)state;
	assert_string_equal(report_outcome_label("bevilget"), "Bevilget");
	assert_string_equal(report_outcome_label("bekræftelse"), "Bekræftet");
	assert_string_equal(report_outcome_label("ukendt"), "ukendt");
	assert_string_equal(report_outcome_label(NULL), "");
}

static void test_capitalise(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"opholdssted", "Opholdssted"}, {"Kommune", "Kommune"},
		{"ø-samfund", "Ø-samfund"},	{"æble", "Æble"},
		{"åben", "Åben"},		{"élan", "Élan"},
		{"÷ tegn", "÷ tegn"},		{"123", "123"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[64];
		snprintf(buf, sizeof buf, "%s", cases[i].in);
		report_capitalise(buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", cases[i].in, buf, cases[i].want);
	}
}

static void test_period_labels(void **state)
{
	(void)state;
	static const struct {
		const char *key, *want;
	} cases[] = {
		{"2026-Q1", "1. kvartal 2026"}, {"2026-Q4", "4. kvartal 2026"},
		{"2026-03", "marts 2026"},	{"2026-12", "december 2026"},
		{"2026", "2026"},		{"2026-Q5", "2026-Q5"},
		{"2026-13", "2026-13"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[64];
		report_period_label(cases[i].key, buf, sizeof buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", cases[i].key, buf, cases[i].want);
	}
}

static void test_capacity_period(void **state)
{
	(void)state;
	static const struct {
		const char *period, *want;
	} cases[] = {
		{"year", "year"}, {"quarter", "quarter"}, {"month", "month"}, {NULL, "year"},
		{"round", NULL},  {"concurrent", NULL},	  {"none", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct offer def;
		memset(&def, 0, sizeof def);
		def.capacity_period = (char *)cases[i].period;
		const char *got = report_capacity_period(&def);
		if (!got != !cases[i].want || (got && strcmp(got, cases[i].want) != 0))
			fail_msg("%s: got %s, want %s", cases[i].period ? cases[i].period : "(none)",
				 got ? got : "(pool)", cases[i].want ? cases[i].want : "(pool)");
	}
}

static void test_deadline_in_day(void **state)
{
	(void)state;
	assert_true(report_deadline_in_day("2021-10-01T23:59:59+02:00") == 1.0);
	double noon = report_deadline_in_day("2021-09-13T12:00:00+02:00");
	assert_true(noon > 0.5 && noon < 0.51);
	assert_true(report_deadline_in_day("2021-09-13T00:00:00+02:00") < 0.01);
	assert_true(report_deadline_in_day("2021-10-01") == 0.5);
	assert_true(report_deadline_in_day("2021-10-01T25:00:00+02:00") == 0.5);
	assert_true(report_deadline_in_day(NULL) == 0.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cells),	cmocka_unit_test(test_csv_dialects),
		cmocka_unit_test(test_csv_numbers_untouched), cmocka_unit_test(test_clean_text),
		cmocka_unit_test(test_counts),		cmocka_unit_test(test_outcome_labels),
		cmocka_unit_test(test_capitalise),	cmocka_unit_test(test_period_labels),
		cmocka_unit_test(test_capacity_period),
		cmocka_unit_test(test_deadline_in_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
