/*
 * test_template.c - the Mustache subset: variables, escaping, sections over
 * lists and objects, inverted sections, the standalone-line rule, and
 * errors that name the file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "strbuf.h"
#include "template.h"

/* Escapes '*' as the letter markup does, to see that escaping happens. */
static int star_escape(struct strbuf *out, const char *text, void *user)
{
	(void)user;
	for (; *text; text++) {
		if (*text == '*' && strbuf_putc(out, '\\') < 0)
			return -1;
		if (strbuf_putc(out, *text) < 0)
			return -1;
	}
	return 0;
}

static void test_render_cases(void **state)
{
	(void)state;
	static const struct {
		const char *tpl, *data, *want;
	} cases[] = {
		{"Hej {{navn}}!", "{\"navn\": \"Søren\"}", "Hej Søren!"},
		{"{{a}}|{{{a}}}|{{& a}}", "{\"a\": \"*x*\"}", "\\*x\\*|*x*|*x*"},
		{"{{missing}}.", "{}", "."},
		{"{{n}} {{r}} {{t}} {{f}} {{z}}", "{\"n\": 25, \"r\": 1.5, \"t\": true, \"f\": false, \"z\": null}",
		 "25 1.5 ja nej "},
		{"{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"dyb\"}}}", "dyb"},
		{"{{#l}}[{{.}}]{{/l}}", "{\"l\": [\"x\", \"y\", 3]}", "[x][y][3]"},
		{"{{#l}}{{navn}}={{v}};{{/l}}", "{\"v\": \"ydre\", \"l\": [{\"navn\": \"a\"}, {\"navn\": \"b\", \"v\": \"indre\"}]}",
		 "a=ydre;b=indre;"},
		{"{{#o}}{{x}}{{/o}}", "{\"o\": {\"x\": \"i objekt\"}}", "i objekt"},
		{"{{#t}}ja{{/t}}{{^t}}nej{{/t}}", "{\"t\": 0}", "nej"},
		{"{{#t}}ja{{/t}}{{^t}}nej{{/t}}", "{\"t\": 1}", "ja"},
		{"{{#t}}ja{{/t}}{{^t}}nej{{/t}}", "{\"t\": \"\"}", "nej"},
		{"{{#t}}ja{{/t}}{{^t}}nej{{/t}}", "{\"t\": []}", "nej"},
		{"{{#t}}ja{{/t}}{{^t}}nej{{/t}}", "{}", "nej"},
		{"a{{! en kommentar }}b", "{}", "ab"},
		/* Standalone block tags take their whole line. */
		{"Før\n{{#l}}\n- {{.}}\n{{/l}}\nEfter\n", "{\"l\": [\"en\", \"to\"]}", "Før\n- en\n- to\nEfter\n"},
		{"Før\n  {{^l}}  \nIngen\n  {{/l}}\nEfter", "{\"l\": []}", "Før\nIngen\nEfter"},
		{"{{! kommentar }}\nTekst", "{}", "Tekst"},
		{"x {{#t}}\ny{{/t}} z", "{\"t\": true}", "x \ny z"},
		{"Linje 1\r\n{{#t}}\r\nLinje 2\r\n{{/t}}\r\n", "{\"t\": 1}", "Linje 1\r\nLinje 2\r\n"},
		{"{{ navn }}", "{\"navn\": \"mellemrum\"}", "mellemrum"},
		{"{{æblé}}", "{\"æblé\": \"ok\"}", "ok"},
		{"}} {{x}} {", "{\"x\": 1}", "}} 1 {"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct template *tpl = NULL;
		struct strbuf out, err;
		json_error_t jerr;
		json_t *data = json_loads(cases[i].data, 0, &jerr);

		assert_non_null(data);
		strbuf_init(&out, 0);
		strbuf_init(&err, 0);
		if (template_parse("t.txt", cases[i].tpl, strlen(cases[i].tpl), &tpl, &err) < 0)
			fail_msg("case %zu: parse failed: %s", i, strbuf_str(&err));
		if (template_render(tpl, data, star_escape, NULL, &out, &err) < 0)
			fail_msg("case %zu: render failed: %s", i, strbuf_str(&err));
		if (strcmp(strbuf_str(&out), cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, strbuf_str(&out), cases[i].want);
		template_free(tpl);
		json_decref(data);
		strbuf_release(&out);
		strbuf_release(&err);
	}
}

static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *tpl, *want;
	} cases[] = {
		{"a\nb\n{{#grunde}}\nc\n", "t.txt:3: section \"grunde\" is not closed"},
		{"a\n{{#a}}\n{{/b}}\n", "t.txt:3: \"{{/b}}\" found where section \"a\" (line 2) should be closed"},
		{"{{/a}}", "t.txt:1: \"{{/a}}\" closes no section"},
		{"x\n\ny {{navn\n", "t.txt:3: \"{{\" without \"}}\""},
		{"{{{a}}", "t.txt:1: \"{{{\" closed by \"}}\", not \"}}}\""},
		{"\n{{a b}}", "t.txt:2: \"a b\" is not a valid name"},
		{"{{}}", "t.txt:1: \"\" is not a valid name"},
		{"{{=<% %>=}}", "t.txt:1: changing delimiters is not supported"},
		{"{{> partial}}", "t.txt:1: partials are not supported"},
		{"a\n{{na\nvn}}", "t.txt:2: a tag must not span lines"},
		{"ok\n\xC3(", "t.txt:2: not UTF-8"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct template *tpl = NULL;
		struct strbuf err;
		strbuf_init(&err, 0);
		if (template_parse("t.txt", cases[i].tpl, strlen(cases[i].tpl), &tpl, &err) == 0)
			fail_msg("case %zu: parsed, want error \"%s\"", i, cases[i].want);
		if (strcmp(strbuf_str(&err), cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, strbuf_str(&err), cases[i].want);
		assert_null(tpl);
		strbuf_release(&err);
	}
}

static void test_depth_and_cap(void **state)
{
	(void)state;
	struct strbuf text, err, out;
	struct template *tpl = NULL;

	/* 40 nested sections: refused, not a stack overflow. */
	strbuf_init(&text, 0);
	strbuf_init(&err, 0);
	for (int i = 0; i < 40; i++)
		strbuf_printf(&text, "{{#s%d}}", i);
	assert_int_equal(template_parse("deep.txt", text.data, text.len, &tpl, &err), -1);
	if (!strstr(strbuf_str(&err), "deep.txt:1: sections nested deeper than 32"))
		fail_msg("got \"%s\"", strbuf_str(&err));
	strbuf_release(&text);
	strbuf_release(&err);

	/* Output past the caller's cap is an error with the line. */
	strbuf_init(&err, 0);
	strbuf_init(&out, 100);
	const char *t = "{{#l}}0123456789{{/l}}";
	json_t *data = json_pack("{s:[iiiiiiiiiiiiiiii]}", "l", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
				 1, 1, 1, 1, 1);
	assert_int_equal(template_parse("cap.txt", t, strlen(t), &tpl, &err), 0);
	assert_int_equal(template_render(tpl, data, NULL, NULL, &out, &err), -1);
	if (!strstr(strbuf_str(&err), "cap.txt:1: output larger than 100 bytes"))
		fail_msg("got \"%s\"", strbuf_str(&err));
	template_free(tpl);
	json_decref(data);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_load(void **state)
{
	(void)state;
	char path[] = "/tmp/test_template_XXXXXX";
	int fd = mkstemp(path);
	struct template *tpl = NULL;
	struct strbuf err, out;
	const char *body = "Linje\n{{#x}}\n";

	assert_true(fd >= 0);
	assert_int_equal(write(fd, body, strlen(body)), (int)strlen(body));
	close(fd);
	strbuf_init(&err, 0);
	strbuf_init(&out, 0);
	assert_int_equal(template_load(path, &tpl, &err), -1);
	char want[128];
	snprintf(want, sizeof want, "%s:2: section \"x\" is not closed", path);
	if (strcmp(strbuf_str(&err), want) != 0)
		fail_msg("got \"%s\", want \"%s\"", strbuf_str(&err), want);
	unlink(path);
	strbuf_reset(&err);
	assert_int_equal(template_load("/nonexistent/x.txt", &tpl, &err), -1);
	assert_non_null(strstr(strbuf_str(&err), "/nonexistent/x.txt: No such file"));
	strbuf_release(&err);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_cases),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth_and_cap),
		cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
