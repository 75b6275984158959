/*
 * test_pdf.c - the layout module: text cleaning against the font's
 * character set, deterministic output, flowing text over pages, tables
 * that repeat their header, and the archive metadata.
 *
 * Set PDF_TEST_OUT=DIR to keep the rendered files for a look with pdftoppm.
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

#include "paths.h"
#include "pdf.h"
#include "strbuf.h"

static void keep(const char *name, const unsigned char *data, size_t len)
{
	const char *dir = getenv("PDF_TEST_OUT");
	char path[4096];
	if (!dir)
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(pdf_write_file(path, data, len), 0);
}

static void test_clean_text(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
		size_t replaced;
	} cases[] = {
		{"Søren Ærø – «ok» “citat” 100 € ½", "Søren Ærø – «ok» “citat” 100 € ½", 0},
		{"a\tb", "a b", 0},
		{"a\r\nb\rc", "a\nb\nc", 0},
		{"bell\x07!", "bell\xEF\xBF\xBD!", 1},
		{"bad \xC3 byte", "bad \xEF\xBF\xBD byte", 1},
		{"overlong \xC0\xAF", "overlong \xEF\xBF\xBD\xEF\xBF\xBD", 2},
		{"emoji \xF0\x9F\x98\x80.", "emoji \xEF\xBF\xBD.", 1},
		{"hebrew \xD7\xA9\xD7\x9C", "hebrew \xEF\xBF\xBD\xEF\xBF\xBD", 2},
		{"rlo \xE2\x80\xAEx", "rlo \xEF\xBF\xBDx", 1},
		{"c1 \xC2\x85", "c1 \xEF\xBF\xBD", 1},
		{"(PDF) Tj <</x>> \\", "(PDF) Tj <</x>> \\", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		size_t replaced = 0;
		char *got = pdf_clean_text(cases[i].in, PDF_MAX_TEXT, &replaced);
		assert_non_null(got);
		if (strcmp(got, cases[i].want) != 0 || replaced != cases[i].replaced)
			fail_msg("case %zu: got \"%s\" (%zu replaced), want \"%s\" (%zu)", i, got,
				 replaced, cases[i].want, cases[i].replaced);
		free(got);
	}
	/* The cap cuts between characters and shows the cut. */
	char *got = pdf_clean_text("æææææ", 7, NULL);
	assert_non_null(got);
	if (strcmp(got, "æææ…") != 0 && strcmp(got, "ææ…") != 0)
		fail_msg("cap: got \"%s\"", got);
	free(got);
}

static void test_font_has(void **state)
{
	(void)state;
	static const struct {
		unsigned cp;
		int want;
	} cases[] = {
		{'A', 1}, {0xE6, 1}, {0xF8, 1}, {0xE5, 1}, {0xC5, 1}, {0x20AC, 1},
		{0x201C, 1}, {0xAB, 1}, {0xBD, 1}, {0x2013, 1}, {0xFFFD, 1},
		{0x5D0, 0}, {0x4E2D, 0}, {0x202E, 0}, {0x1F600, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int got = pdf_font_has(cases[i].cp);
		if (got != cases[i].want)
			fail_msg("U+%04X: got %d, want %d", cases[i].cp, got, cases[i].want);
	}
}

/* Every character fonts/unicodes.txt promises is in the committed fonts (make fonts). */
static void test_font_matches_unicodes(void **state)
{
	(void)state;
	FILE *f = fopen("fonts/unicodes.txt", "r");
	char line[256];
	int ranges = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		unsigned first, last;
		if (line[0] == '#')
			continue;
		int n = sscanf(line, "U+%x-%x", &first, &last);
		if (n < 1)
			continue;
		if (n == 1)
			last = first;
		ranges++;
		for (unsigned cp = first; cp <= last; cp++)
			if (pdf_font_has(cp) != 1)
				fail_msg("U+%04X is listed in fonts/unicodes.txt but not in the fonts", cp);
	}
	fclose(f);
	assert_true(ranges >= 10);
}

static struct pdf_doc *sample(int paragraphs, int rows)
{
	struct pdf_doc *doc = pdf_doc_new();
	struct pdf_meta meta = {"Afgørelse & klage <test>", "Socialstyrelsen", "Emne", "skema",
				"test_pdf", 1637000000, "seed-1"};
	assert_non_null(doc);
	assert_int_equal(pdf_set_meta(doc, &meta), 0);
	assert_int_equal(pdf_set_header(doc, "Socialstyrelsen", "J.nr. 2026-000001"), 0);
	assert_int_equal(pdf_set_footer(doc, "Socialstyrelsen · Edisonsvej 18"), 0);
	assert_int_equal(pdf_columns(doc, "*Modtager\nVejle Kommune", "*Dato\n13. september 2021"), 0);
	assert_int_equal(pdf_heading(doc, 1, "Overskrift med æøå"), 0);
	for (int i = 0; i < paragraphs; i++) {
		assert_int_equal(pdf_para_begin(doc, 0), 0);
		assert_int_equal(pdf_para_text(doc, PDF_BOLD, "Fed start: "), 0);
		assert_int_equal(pdf_para_text(doc, PDF_REGULAR,
					       "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
					       "eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut "
					       "enim ad minim veniam, quis nostrud exercitation ullamco."),
				 0);
		pdf_para_end(doc);
	}
	assert_int_equal(pdf_bullet_begin(doc), 0);
	assert_int_equal(pdf_para_text(doc, 0, "Et punkt i en liste"), 0);
	pdf_para_end(doc);
	if (rows) {
		double widths[3] = {0.2, 0.6, 0.2};
		const char *head[3] = {"Kriterium", "Begrundelse", "Resultat"};
		assert_int_equal(pdf_heading(doc, 2, "Kriterier"), 0);
		assert_int_equal(pdf_table_begin(doc, 3, widths), 0);
		assert_int_equal(pdf_table_row(doc, 1, head), 0);
		for (int i = 0; i < rows; i++) {
			const char *cells[3] = {"chefniveau", "Ansøgningen er besluttet på chefniveau i "
							      "kommunen, som tildelingskriterierne kræver.",
						"opfyldt"};
			assert_int_equal(pdf_table_row(doc, 0, cells), 0);
		}
		pdf_table_end(doc);
	}
	return doc;
}

static void test_render_deterministic(void **state)
{
	(void)state;
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	char err[256];
	struct pdf_doc *doc = sample(3, 2);

	if (pdf_doc_render(doc, &a, &alen, err, sizeof err) < 0)
		fail_msg("render: %s", err);
	assert_int_equal(pdf_doc_degraded(doc), 0);
	assert_int_equal(pdf_doc_pages(doc), 1);
	assert_true(alen > 1000 && alen < 40 * 1024);
	assert_memory_equal(a, "%PDF-1.4", 8);
	assert_int_equal(pdf_doc_render(doc, &b, &blen, err, sizeof err), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	/* The XMP packet escapes the title libharu would have written raw. */
	const char *escaped = "Afg\xC3\xB8relse &amp; klage &lt;test&gt;";
	assert_non_null(memmem(a, alen, escaped, strlen(escaped)));
	assert_non_null(memmem(a, alen, "/Subtype /XML", 13));
	assert_non_null(memmem(a, alen, "/OutputIntents", 14));
	keep("small.pdf", a, alen);
	free(a);
	free(b);
	pdf_doc_free(doc);
}

static void test_id_differs_by_seed(void **state)
{
	(void)state;
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	char err[256];
	struct pdf_doc *one = sample(1, 0), *two = sample(1, 0);
	struct pdf_meta meta = {"Afgørelse & klage <test>", "Socialstyrelsen", "Emne", "skema",
				"test_pdf", 1637000000, "seed-2"};
	assert_int_equal(pdf_set_meta(two, &meta), 0);
	assert_int_equal(pdf_doc_render(one, &a, &alen, err, sizeof err), 0);
	assert_int_equal(pdf_doc_render(two, &b, &blen, err, sizeof err), 0);
	assert_int_equal(alen, blen);
	assert_true(memcmp(a, b, alen) != 0);
	free(a);
	free(b);
	pdf_doc_free(one);
	pdf_doc_free(two);
}

static void test_flow_over_pages(void **state)
{
	(void)state;
	unsigned char *a = NULL;
	size_t alen = 0;
	char err[256];
	struct pdf_doc *doc = sample(40, 60);

	if (pdf_doc_render(doc, &a, &alen, err, sizeof err) < 0)
		fail_msg("render: %s", err);
	int pages = pdf_doc_pages(doc);
	if (pages < 4)
		fail_msg("pages: got %d, want at least 4", pages);
	keep("long.pdf", a, alen);
	free(a);
	pdf_doc_free(doc);
}

static void test_hostile_text(void **state)
{
	(void)state;
	unsigned char *a = NULL;
	size_t alen = 0;
	char err[256];
	struct pdf_doc *doc = pdf_doc_new();
	char *word = malloc(100001);

	assert_non_null(doc);
	assert_non_null(word);
	/* One 100,000-character word: cut between characters, over pages. */
	for (size_t i = 0; i < 100000; i++)
		word[i] = "Wæ"[i % 2 ? 0 : 0];
	word[100000] = '\0';
	assert_int_equal(pdf_paragraph(doc, 0, word), 0);
	assert_int_equal(pdf_paragraph(doc, 0, ") Tj ET BT /F1 99 Tf (x) Tj \\) \\\\ %%EOF\n"
						"\x01\x02\x1b[31m \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D "
						"\xF0\x9F\x98\x80\xE2\x80\xAE"),
			 0);
	if (pdf_doc_render(doc, &a, &alen, err, sizeof err) < 0)
		fail_msg("render: %s", err);
	assert_true(pdf_doc_pages(doc) > 5);
	assert_true(pdf_doc_replaced(doc) >= 8);
	keep("hostile.pdf", a, alen);
	free(a);
	free(word);
	pdf_doc_free(doc);
}

/* The text of page `page` of the PDF in data, by pdftotext (caller frees). */
static char *page_text(const unsigned char *data, size_t len, int page)
{
	char path[] = "/tmp/test_pdf_XXXXXX", cmd[256];
	int fd = mkstemp(path);
	struct strbuf sb;
	char buf[4096];
	size_t n;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof cmd, "pdftotext -layout -f %d -l %d %s - 2>/dev/null", page, page, path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	strbuf_init(&sb, 0);
	strbuf_puts(&sb, "");
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		strbuf_append(&sb, buf, n);
	pclose(p);
	unlink(path);
	return strbuf_detach(&sb);
}

/* The last non-blank line before the footer ("Side X af Y") of a page's text. */
static void last_body_line(const char *text, char *out, size_t size)
{
	const char *end = strstr(text, "Side ");
	const char *p = end ? end : text + strlen(text);
	out[0] = '\0';
	/* Back over the footer's own line, then to the previous non-blank one. */
	while (p > text && p[-1] != '\n')
		p--;
	while (p > text) {
		const char *line_end = p - 1, *line = line_end;
		while (line > text && line[-1] != '\n')
			line--;
		const char *q = line;
		while (q < line_end && (*q == ' ' || *q == '\f'))
			q++;
		/* Skip blank lines and the footer's left text. */
		if (q < line_end && !memmem(line, (size_t)(line_end - line), "Edisonsvej", 10)) {
			snprintf(out, size, "%.*s", (int)(line_end - q), q);
			return;
		}
		p = line;
	}
}

static void test_numbers_kept_together(void **state)
{
	(void)state;
	/* Slide a phone number and a date across the end of a line, a letter at a time. */
	for (int pad = 0; pad < 90; pad++) {
		struct pdf_doc *doc = pdf_doc_new();
		unsigned char *pdf = NULL;
		size_t len = 0;
		char err[256], text[512];

		snprintf(text, sizeof text,
			 "%.*s Ring på +45 72 42 37 00 inden den 1. oktober 2021 kl. 12.00, og "
			 "nævn de 40 timer.",
			 pad, "Indledning indledning indledning indledning indledning indledning "
			      "indledning indledning indledning indledning indledning indledning");
		assert_int_equal(pdf_paragraph(doc, 0, text), 0);
		if (pdf_doc_render(doc, &pdf, &len, err, sizeof err) < 0)
			fail_msg("render: %s", err);
		char *page = page_text(pdf, len, 1);
		if (!strstr(page, "+45 72 42 37 00") || !strstr(page, "1. oktober 2021") ||
		    !strstr(page, "kl. 12.00") || !strstr(page, "40 timer"))
			fail_msg("pad %d: a number was broken over two lines:\n%s", pad, page);
		free(page);
		free(pdf);
		pdf_doc_free(doc);
	}
}

/* The text pdftotext reads from a one-page table of one row (caller frees). */
static char *one_row_text(const double widths[4], const char *const cells[4])
{
	struct pdf_doc *doc = pdf_doc_new();
	unsigned char *pdf = NULL;
	size_t len = 0;
	char err[256];
	assert_int_equal(pdf_table_begin(doc, 4, widths), 0);
	assert_int_equal(pdf_table_row(doc, 0, cells), 0);
	pdf_table_end(doc);
	if (pdf_doc_render(doc, &pdf, &len, err, sizeof err) < 0)
		fail_msg("render: %s", err);
	char *text = page_text(pdf, len, 1);
	free(pdf);
	pdf_doc_free(doc);
	return text;
}

static void test_numbers_in_a_narrow_cell(void **state)
{
	(void)state;
	/* Numbers held together that are wider than their cell break at their
	 * spaces, never inside "12.00" (a review sheet's deadline). */
	const double widths[4] = {3, 1, 1, 3};
	const char *const cells[4] = {"frist", "krav", "opfyldt",
				      "Ansøgningen er modtaget inden ansøgningsfristen mandag den 13. "
				      "september 2021 kl. 12.00."};
	char *text = one_row_text(widths, cells);
	if (!strstr(text, "12.00") || !strstr(text, "2021"))
		fail_msg("a number was cut inside:\n%s", text);
	free(text);
}

static void test_names_cut_at_their_joints(void **state)
{
	(void)state;
	/* A field's name wider than its cell is cut after an underscore, not
	 * inside a word ("maalgruppe_handica" / "p"). */
	const double widths[4] = {0.22, 0.26, 0.26, 0.26};
	const char *const cells[4] = {"(antal_magtanvendelser_2020_og_2021)", "a", "b", "c"};
	char *text = one_row_text(widths, cells);
	if (!strstr(text, "magtanvendelser_"))
		fail_msg("the name was cut inside a word:\n%s", text);
	free(text);
}

static void test_no_stranded_letters(void **state)
{
	(void)state;
	/* A word cut at no joint of its own leaves at least three characters
	 * for the next line ("Ungeforvaltninge" above "n" read as a typo). */
	static const char word[] = "Ungeforvaltningenssekretariatsfunktionen";
	for (int w = 10; w <= 40; w++) {
		const double widths[4] = {w / 100.0, 0.3, 0.3, 0.3};
		const char *const cells[4] = {word, "x", "y", "z"};
		char *text = one_row_text(widths, cells);
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
			while (*line == ' ')
				line++;
			size_t n = strcspn(line, " ");
			if (n > 0 && n < 3 && strncmp(line, word + strlen(word) - n, n) == 0)
				fail_msg("width %d: \"%.*s\" left alone on a line", w, (int)n, line);
		}
		free(text);
	}
}

static void test_no_stranded_heading(void **state)
{
	(void)state;
	/* Push a heading down the page a line at a time: it must never end a page. */
	for (int lines = 30; lines < 75; lines++) {
		struct pdf_doc *doc = pdf_doc_new();
		unsigned char *pdf = NULL;
		size_t len = 0;
		char err[256], last[512];

		assert_int_equal(pdf_set_footer(doc, "Edisonsvej"), 0);
		for (int i = 0; i < lines; i++) {
			char line[64];
			snprintf(line, sizeof line, "Linje %d", i);
			assert_int_equal(pdf_paragraph(doc, 0, line), 0);
		}
		assert_int_equal(pdf_heading(doc, 2, "Overskriften"), 0);
		assert_int_equal(pdf_paragraph(doc, 0, "Første linje efter overskriften, som er lang nok til at "
							"fylde mere end en enkelt linje på siden, så der er to linjer at holde "
							"sammen med overskriften."), 0);
		if (pdf_doc_render(doc, &pdf, &len, err, sizeof err) < 0)
			fail_msg("render: %s", err);
		for (int page = 1; page <= pdf_doc_pages(doc); page++) {
			char *text = page_text(pdf, len, page);
			last_body_line(text, last, sizeof last);
			if (strstr(last, "Overskriften"))
				fail_msg("%d lines: the heading ends page %d", lines, page);
			free(text);
		}
		free(pdf);
		pdf_doc_free(doc);
	}
}

/* The first non-blank line of a page's text, after the header. */
static void first_body_line(const char *text, const char *header, char *out, size_t size)
{
	const char *p = text;
	out[0] = '\0';
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *q = p;
		while (q < p + len && (*q == ' ' || *q == '\f'))
			q++;
		if (q < p + len && !memmem(p, len, header, strlen(header))) {
			snprintf(out, size, "%.*s", (int)(p + len - q), q);
			return;
		}
		p = end ? end + 1 : p + len;
	}
}

static void test_closing_not_alone(void **state)
{
	(void)state;
	/* Push a letter's closing down the page a line at a time: it must never
	 * open a page without the text before it, and a bullet never ends a
	 * page without its item. */
	for (int lines = 45; lines < 75; lines++) {
		for (int bullet = 0; bullet < 3; bullet++) {
			struct pdf_doc *doc = pdf_doc_new();
			unsigned char *pdf = NULL;
			size_t len = 0;
			char err[256], first[512], last[512];

			assert_int_equal(pdf_set_header(doc, "Brevhoved", "J.nr."), 0);
			assert_int_equal(pdf_set_footer(doc, "Edisonsvej"), 0);
			for (int i = 0; i < lines; i++) {
				char line[64];
				snprintf(line, sizeof line, "Linje %d", i);
				assert_int_equal(pdf_paragraph(doc, 0, line), 0);
			}
			if (bullet == 2) {
				/* A heading, a three-line paragraph, the closing: all together. */
				assert_int_equal(pdf_heading(doc, 2, "Kontaktoplysninger"), 0);
				assert_int_equal(pdf_paragraph(doc, 0, "Har I spørgsmål, er I velkomne til at "
								       "kontakte SISO, Videnscenter for sociale "
								       "indsatser ved vold og seksuelle overgreb mod "
								       "børn, på siso@socialstyrelsen.dk eller telefon "
								       "+45 72 42 37 00. Oplys venligst journalnummer "
								       "2021-000003, når I skriver til os om sagen."), 0);
			} else if (bullet) {
				assert_int_equal(pdf_bullet_begin(doc), 0);
				assert_int_equal(pdf_para_text(doc, 0, "Punktet, som er langt nok til at fylde "
								       "mere end en linje på siden, så der er to "
								       "linjer at holde sammen med punkttegnet."), 0);
				assert_int_equal(pdf_para_end(doc), 0);
			} else {
				assert_int_equal(pdf_paragraph(doc, 0, "Har I spørgsmål, er I velkomne til at "
								       "kontakte os."), 0);
			}
			assert_int_equal(pdf_paragraph(doc, 0, "Med venlig hilsen\n\nMette Hansen\n"
							       "Specialkonsulent\nSocialstyrelsen"), 0);
			if (pdf_doc_render(doc, &pdf, &len, err, sizeof err) < 0)
				fail_msg("render: %s", err);
			for (int page = 1; page <= pdf_doc_pages(doc); page++) {
				char *text = page_text(pdf, len, page);
				first_body_line(text, "Brevhoved", first, sizeof first);
				last_body_line(text, last, sizeof last);
				if (strstr(first, "Med venlig hilsen"))
					fail_msg("%d lines, bullet %d: the closing opens page %d alone", lines,
						 bullet, page);
				if (strstr(last, "Kontaktoplysninger"))
					fail_msg("%d lines: the heading ends page %d", lines, page);
				if (strcmp(last, "\xE2\x80\xA2") == 0)
					fail_msg("%d lines: a bullet ends page %d without its text", lines,
						 page);
				free(text);
			}
			free(pdf);
			pdf_doc_free(doc);
		}
	}
}

/*
 * The letter's last section, a heading and a paragraph of seven lines (a
 * klagevejledning), pushed down a line at a time: its last lines never open
 * a page alone, the section goes over whole.
 */
static void test_last_paragraph_whole(void **state)
{
	(void)state;
	int moved = 0;
	for (int lines = 30; lines < 75; lines++) {
		struct pdf_doc *doc = pdf_doc_new();
		unsigned char *pdf = NULL;
		size_t len = 0;
		char err[256];

		assert_int_equal(pdf_set_footer(doc, "Edisonsvej"), 0);
		for (int i = 0; i < lines; i++) {
			char line[64];
			snprintf(line, sizeof line, "Linje %d", i);
			assert_int_equal(pdf_paragraph(doc, 0, line), 0);
		}
		assert_int_equal(pdf_heading(doc, 2, "Klagevejledning"), 0);
		assert_int_equal(pdf_paragraph(doc, 0, "I kan klage over afgørelsen til Social-, Bolig- og "
						       "Ældreministeriet. Klagefristen er 4 uger fra den dag, I har "
						       "modtaget dette brev. Klagen sendes til Socialstyrelsen, "
						       "Edisonsvej 18, 1. sal, 5000 Odense C, med angivelse af "
						       "journalnummer 2026-000011, og I bør skrive, hvorfor I mener, "
						       "at afgørelsen er forkert. Vi vurderer først, om vi kan give "
						       "jer helt eller delvis medhold. Fastholder vi afgørelsen, "
						       "sender vi klagen videre sammen med sagens oplysninger og "
						       "vores bemærkninger. Sidste ord."),
				 0);
		if (pdf_doc_render(doc, &pdf, &len, err, sizeof err) < 0)
			fail_msg("render: %s", err);
		int pages = pdf_doc_pages(doc);
		for (int page = 1; page <= pages; page++) {
			char *text = page_text(pdf, len, page);
			if (strstr(text, "Sidste ord") && !strstr(text, "Klagevejledning"))
				fail_msg("%d lines: the section's last lines are alone on page %d", lines,
					 page);
			if (strstr(text, "Sidste ord") && strstr(text, "Klagevejledning") && page > 1 &&
			    !strstr(text, "Linje"))
				moved = 1;
			free(text);
		}
		free(pdf);
		pdf_doc_free(doc);
	}
	/* Some of the lengths must have moved the section to a page of its own. */
	assert_true(moved);
}

static void test_table_rows_whole(void **state)
{
	(void)state;
	struct pdf_doc *doc = pdf_doc_new();
	unsigned char *pdf = NULL;
	size_t len = 0;
	char err[256];
	const double widths[2] = {1, 3};
	const char *head[2] = {"Nr", "Tekst"};

	assert_int_equal(pdf_paragraph(doc, 0, "Indledning"), 0);
	assert_int_equal(pdf_table_begin(doc, 2, widths), 0);
	assert_int_equal(pdf_table_row(doc, 1, head), 0);
	for (int i = 0; i < 70; i++) {
		char nr[32], text[128];
		snprintf(nr, sizeof nr, "R%02d", i);
		snprintf(text, sizeof text, "begynd%02d\nmidt%02d\nslut%02d", i, i, i);
		const char *cells[2] = {nr, text};
		assert_int_equal(pdf_table_row(doc, 0, cells), 0);
	}
	pdf_table_end(doc);
	if (pdf_doc_render(doc, &pdf, &len, err, sizeof err) < 0)
		fail_msg("render: %s", err);
	assert_true(pdf_doc_pages(doc) >= 3);
	for (int page = 1; page <= pdf_doc_pages(doc); page++) {
		char *text = page_text(pdf, len, page);
		if (!strstr(text, "Nr") || !strstr(text, "Tekst"))
			fail_msg("page %d has no header row", page);
		for (int i = 0; i < 70; i++) {
			char a[32], b[32];
			snprintf(a, sizeof a, "begynd%02d", i);
			snprintf(b, sizeof b, "slut%02d", i);
			if (!!strstr(text, a) != !!strstr(text, b))
				fail_msg("row %d is split at page %d", i, page);
		}
		free(text);
	}
	free(pdf);
	pdf_doc_free(doc);
}

int main(void)
{
	/* The fonts live in the source tree, where unit tests run. */
	setenv("SKEMA_DATADIR", ".", 0);
	setenv("SKEMA_CONFDIR", "/nonexistent", 0);
	setenv("TZ", "Europe/Copenhagen", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_text),
		cmocka_unit_test(test_font_has),
		cmocka_unit_test(test_font_matches_unicodes),
		cmocka_unit_test(test_render_deterministic),
		cmocka_unit_test(test_id_differs_by_seed),
		cmocka_unit_test(test_flow_over_pages),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_numbers_in_a_narrow_cell),
		cmocka_unit_test(test_names_cut_at_their_joints),
		cmocka_unit_test(test_no_stranded_letters),
		cmocka_unit_test(test_no_stranded_heading),
		cmocka_unit_test(test_closing_not_alone),
		cmocka_unit_test(test_numbers_kept_together),
		cmocka_unit_test(test_table_rows_whole),
		cmocka_unit_test(test_last_paragraph_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
