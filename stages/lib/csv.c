/*
 * csv.c - CSV cells, quoted as RFC 4180 says, defused for spreadsheets.
 */
#include <errno.h>
#include <string.h>

#include "csv.h"

void csv_init(struct csv_writer *w, FILE *out, enum csv_dialect dialect)
{
	w->out = out;
	w->separator = dialect == CSV_RFC ? ',' : ';';
	w->fields_in_row = 0;
	if (dialect == CSV_EXCEL_DA)
		fputs("\xEF\xBB\xBF", out);
}

static void separate(struct csv_writer *w)
{
	if (w->fields_in_row++ > 0)
		putc(w->separator, w->out);
}

/* Spreadsheets treat these first characters as the start of a formula. */
static int looks_like_formula(const char *text)
{
	return text[0] && strchr("=+-@\t\r", text[0]) != NULL;
}

void csv_text(struct csv_writer *w, const char *text)
{
	separate(w);
	if (!text || !*text)
		return;
	int formula = looks_like_formula(text);
	/* Both separators force quotes, so a file stays readable when someone
	 * opens the Danish dialect with a comma-splitting tool, and the other
	 * way round. */
	int quote = formula || strpbrk(text, ";,\"\r\n") != NULL || text[0] == ' ' ||
		    text[strlen(text) - 1] == ' ';
	if (quote)
		putc('"', w->out);
	if (formula)
		putc('\'', w->out);
	/* Whole spans between quotes: a report writes a cell per column per
	 * application, and a putc per byte was most of its CSV's time. */
	for (const char *p = text;;) {
		const char *q = strchr(p, '"');
		size_t len = q ? (size_t)(q - p) + 1 : strlen(p);
		fwrite(p, 1, len, w->out);
		if (!q)
			break;
		putc('"', w->out);
		p = q + 1;
	}
	if (quote)
		putc('"', w->out);
}

void csv_int(struct csv_writer *w, long long value)
{
	separate(w);
	fprintf(w->out, "%lld", value);
}

void csv_end_row(struct csv_writer *w)
{
	fputs("\r\n", w->out);
	w->fields_in_row = 0;
}

int csv_flush(struct csv_writer *w)
{
	if (fflush(w->out) != 0 || ferror(w->out)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
