/*
 * test_pdf_markup.c - the letter text markup: which lines become which
 * blocks, inline bold and escapes, tables with widths from the separator,
 * and that an escaped value is always printed as typed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pdf.h"
#include "pdf_markup.h"
#include "strbuf.h"

static char *dump_of(const char *markup)
{
	struct pdf_doc *doc = pdf_doc_new();
	assert_non_null(doc);
	assert_int_equal(pdf_markup(doc, markup), 0);
	char *dump = pdf_doc_dump(doc);
	assert_non_null(dump);
	pdf_doc_free(doc);
	return dump;
}

static void test_blocks(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"# Emne\n\nTekst.", "H1 Emne\nP Tekst.\n"},
		{"## Under\nlinje et\nlinje to\n\nnyt afsnit", "H2 Under\nP linje et linje to\nP nyt afsnit\n"},
		{"Med venlig hilsen \\\n\\\nNavn \\\nTitel", "P Med venlig hilsen\\n\\nNavn\\nTitel\n"},
		{"- en\n- **to** tre\nfortsat", "B en\nB [b]to[/b] tre fortsat\n"},
		{"> lille note", "P lille note\n"},
		{"Her er **fed** og \\*\\*ikke fed\\*\\*.", "P Her er [b]fed[/b] og **ikke fed**.\n"},
		{"\\# ikke overskrift\n\\- ikke punkt", "P # ikke overskrift - ikke punkt\n"},
		{"linje\\nskift", "P linje\\nskift\n"},
		{"| A | B |\n|---|------|\n| 1 | 2 |\n| x \\| y | z |\n\nefter",
		 "TH A | B\nT 1 | 2\nT x | y | z\nP efter\n"},
		{"| uden | hoved |\n| a | b |", "T uden | hoved\nT a | b\n"},
		{"**uafsluttet fed", "P [b]uafsluttet fed[/b]\n"},
		{"tekst\r\nmed CRLF\r\n\r\n# H\r\n", "P tekst med CRLF\nH1 H\n"},
		{"", ""},
		{"\n\n\n", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = dump_of(cases[i].in);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, got, cases[i].want);
		free(got);
	}
}

static void test_escape(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain æøå", "plain æøå"},
		{"**x**", "\\*\\*x\\*\\*"},
		{"# h", "\\# h"},
		{"- p", "\\- p"},
		{"> q", "\\> q"},
		{"a | b", "a \\| b"},
		{"back\\slash", "back\\\\slash"},
		{"to\nlinjer\r\n", "to\\nlinjer\\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct strbuf sb;
		strbuf_init(&sb, 0);
		strbuf_puts(&sb, "");
		assert_int_equal(pdf_markup_escape(&sb, cases[i].in, NULL), 0);
		if (strcmp(strbuf_str(&sb), cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, strbuf_str(&sb), cases[i].want);
		strbuf_release(&sb);
	}
}

/* Whatever a value holds, escaped at a line start it comes out as one literal paragraph. */
static void test_escaped_value_is_literal(void **state)
{
	(void)state;
	static const char *const values[] = {
		"# overskrift", "- punkt", "| a | b |", "**fed**", "> note", "\\", "slut \\",
		"to\n\n# linjer", ") Tj ET (x",
	};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		struct strbuf sb, want;
		strbuf_init(&sb, 0);
		strbuf_init(&want, 0);
		strbuf_puts(&sb, "");
		assert_int_equal(pdf_markup_escape(&sb, values[i], NULL), 0);
		char *got = dump_of(strbuf_str(&sb));
		strbuf_puts(&want, "P ");
		for (const char *p = values[i]; *p; p++)
			if (*p == '\n')
				strbuf_puts(&want, "\\n");
			else
				strbuf_putc(&want, *p);
		strbuf_putc(&want, '\n');
		if (strcmp(got, strbuf_str(&want)) != 0)
			fail_msg("value %zu: got \"%s\", want \"%s\"", i, got, strbuf_str(&want));
		free(got);
		strbuf_release(&sb);
		strbuf_release(&want);
	}
}

int main(void)
{
	setenv("SKEMA_DATADIR", ".", 0);
	setenv("SKEMA_CONFDIR", "/nonexistent", 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escaped_value_is_literal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
