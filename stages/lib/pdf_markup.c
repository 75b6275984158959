/*
 * pdf_markup.c - the letter text markup of pdf_markup.h.
 *
 * Line-oriented on purpose: an administrator editing a letter text sees
 * what each line becomes, and escaping values needs only a backslash.
 */
#include <stdlib.h>
#include <string.h>

#include "pdf_markup.h"

#define MAX_CELLS 8

struct markup {
	struct pdf_doc *doc;
	int in_para;        /* a paragraph is collecting lines */
	int in_table;
	int hard_break;     /* the last paragraph line ended with a backslash */
	struct strbuf run;
};

/* 1 when line (len bytes) ends with an unescaped backslash. */
static int ends_with_break(const char *line, size_t len)
{
	size_t n = 0;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	while (n < len && line[len - 1 - n] == '\\')
		n++;
	return n % 2 == 1;
}

/*
 * Turns inline markup into runs: "**" toggles bold, "\n" breaks the line,
 * "\X" is X.  emit receives each run; plain (for headings and cells) drops
 * the bold and gathers everything into one run.
 */
static int inline_runs(struct markup *m, const char *s, size_t len, int base, int plain,
		       int (*emit)(struct markup *, int, const char *))
{
	int bold = 0;
	strbuf_reset(&m->run);
	if (strbuf_puts(&m->run, "") < 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			i++;
			if (strbuf_putc(&m->run, s[i] == 'n' ? '\n' : s[i]) < 0)
				return -1;
		} else if (s[i] == '*' && i + 1 < len && s[i + 1] == '*') {
			i++;
			if (plain)
				continue;
			if (m->run.len && emit(m, base | (bold ? PDF_BOLD : 0), m->run.data) < 0)
				return -1;
			strbuf_reset(&m->run);
			bold = !bold;
		} else if (strbuf_putc(&m->run, s[i]) < 0) {
			return -1;
		}
	}
	if (m->run.len || plain)
		return emit(m, base | (bold ? PDF_BOLD : 0), strbuf_str(&m->run));
	return 0;
}

static int emit_para(struct markup *m, int style, const char *text)
{
	return pdf_para_text(m->doc, style, text);
}

static int emit_heading1(struct markup *m, int style, const char *text)
{
	(void)style;
	return pdf_heading(m->doc, 1, text);
}

static int emit_heading2(struct markup *m, int style, const char *text)
{
	(void)style;
	return pdf_heading(m->doc, 2, text);
}

static int end_blocks(struct markup *m)
{
	if (m->in_para)
		pdf_para_end(m->doc);
	if (m->in_table)
		pdf_table_end(m->doc);
	m->in_para = m->in_table = m->hard_break = 0;
	return 0;
}

/* Splits a table line into cells at unescaped '|'.  Returns the count. */
static int split_cells(const char *line, size_t len, const char **starts, size_t *lens)
{
	int n = 0;
	size_t i = 1, start = 1; /* after the leading '|' */
	for (; i <= len && n < MAX_CELLS; i++) {
		if (i < len && line[i] == '\\') {
			i++;
			continue;
		}
		if (i == len || line[i] == '|') {
			size_t a = start, b = i;
			while (a < b && (line[a] == ' ' || line[a] == '\t'))
				a++;
			while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t'))
				b--;
			if (i < len || b > a) {
				starts[n] = line + a;
				lens[n] = b - a;
				n++;
			}
			start = i + 1;
		}
	}
	return n;
}

static int is_separator(const char *line, size_t len)
{
	int dashes = 0;
	if (len < 2 || line[0] != '|')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '-')
			dashes++;
		else if (!strchr("|: \t", line[i]))
			return 0;
	}
	return dashes > 0;
}

static int cell_text(struct markup *m, int style, const char *text)
{
	(void)m;
	(void)style;
	(void)text;
	return 0; /* the text stays in m->run */
}

static int table_row(struct markup *m, const char *line, size_t len, const char *next,
		     size_t next_len)
{
	const char *starts[MAX_CELLS];
	size_t lens[MAX_CELLS];
	char *cells[MAX_CELLS] = {0};
	int n = split_cells(line, len, starts, lens), header = 0, rc = -1;

	if (n == 0)
		return 0;
	if (!m->in_table) {
		double widths[MAX_CELLS];
		const char *ws[MAX_CELLS];
		size_t wl[MAX_CELLS];
		int have = 0;
		end_blocks(m);
		if (next && is_separator(next, next_len) && split_cells(next, next_len, ws, wl) == n) {
			header = 1;
			for (int c = 0; c < n; c++)
				widths[c] = (double)(wl[c] ? wl[c] : 1);
			have = 1;
		}
		if (pdf_table_begin(m->doc, n, have ? widths : NULL) < 0)
			return -1;
		m->in_table = 1;
	}
	for (int c = 0; c < n; c++) {
		if (inline_runs(m, starts[c], lens[c], 0, 1, cell_text) < 0)
			goto out;
		if (!(cells[c] = strdup(strbuf_str(&m->run))))
			goto out;
	}
	const char *row[MAX_CELLS] = {0};
	for (int c = 0; c < MAX_CELLS; c++)
		row[c] = c < n ? cells[c] : "";
	rc = pdf_table_row(m->doc, header, row);
out:
	for (int c = 0; c < n; c++)
		free(cells[c]);
	return rc;
}

int pdf_markup(struct pdf_doc *doc, const char *text)
{
	struct markup m = {doc, 0, 0, 0, {0}};
	const char *p = text ? text : "";
	int rc = 0;

	strbuf_init(&m.run, 0);
	while (*p && rc == 0) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *next = nl ? nl + 1 : NULL;
		size_t next_len = next ? strcspn(next, "\n") : 0;
		if (len && p[len - 1] == '\r')
			len--;
		if (next_len && next[next_len - 1] == '\r')
			next_len--;

		size_t blank = 0;
		while (blank < len && (p[blank] == ' ' || p[blank] == '\t'))
			blank++;
		if (blank == len) {
			end_blocks(&m);
		} else if (p[0] == '|') {
			if (m.in_table && is_separator(p, len))
				; /* the header's separator, read with the header */
			else
				rc = table_row(&m, p, len, next, next_len);
		} else if (len > 3 && strncmp(p, "## ", 3) == 0) {
			end_blocks(&m);
			rc = inline_runs(&m, p + 3, len - 3, 0, 1, emit_heading2);
		} else if (len > 2 && strncmp(p, "# ", 2) == 0) {
			end_blocks(&m);
			rc = inline_runs(&m, p + 2, len - 2, 0, 1, emit_heading1);
		} else if (len > 2 && strncmp(p, "- ", 2) == 0) {
			end_blocks(&m);
			int brk = ends_with_break(p, len);
			size_t body = len;
			if (brk) {
				while (body > 2 && (p[body - 1] == ' ' || p[body - 1] == '\t'))
					body--;
				body--;
				while (body > 2 && (p[body - 1] == ' ' || p[body - 1] == '\t'))
					body--;
			}
			if ((rc = pdf_bullet_begin(doc)) == 0)
				rc = inline_runs(&m, p + 2, body - 2, 0, 0, emit_para);
			m.in_para = 1;
			m.hard_break = brk;
		} else if (len > 2 && strncmp(p, "> ", 2) == 0) {
			end_blocks(&m);
			if ((rc = pdf_para_begin(doc, 0)) == 0)
				rc = inline_runs(&m, p + 2, len - 2, PDF_SMALL | PDF_GREY, 0, emit_para);
			m.in_para = 1;
		} else {
			int brk = ends_with_break(p, len);
			size_t body = len;
			if (brk) {
				while (body > 0 && (p[body - 1] == ' ' || p[body - 1] == '\t'))
					body--;
				body--; /* the backslash, and the blanks before it */
				while (body > 0 && (p[body - 1] == ' ' || p[body - 1] == '\t'))
					body--;
			}
			if (m.in_table)
				end_blocks(&m);
			if (!m.in_para) {
				rc = pdf_para_begin(doc, 0);
				m.in_para = 1;
			} else {
				rc = pdf_para_text(doc, 0, m.hard_break ? "\n" : " ");
			}
			if (rc == 0)
				rc = inline_runs(&m, p, body, 0, 0, emit_para);
			m.hard_break = brk;
		}
		p = nl ? nl + 1 : p + len;
	}
	end_blocks(&m);
	strbuf_release(&m.run);
	return rc;
}

int pdf_markup_escape(struct strbuf *out, const char *text, void *user)
{
	(void)user;
	for (const char *p = text; *p; p++) {
		int rc;
		if (*p == '\n')
			rc = strbuf_puts(out, "\\n");
		else if (*p == '\r')
			rc = 0;
		else if (strchr("\\*|#->", *p))
			rc = strbuf_putc(out, '\\') < 0 ? -1 : strbuf_putc(out, *p);
		else
			rc = strbuf_putc(out, *p);
		if (rc < 0)
			return -1;
	}
	return 0;
}
