/*
 * report_pdf.h - pages, wrapped text, tables and charts for skema-report,
 * drawn directly with libharu 2.3.
 *
 * Why not the shared layout module (stages/lib/pdf.h): it lays out blocks of
 * text and hides the page, and a report needs to draw charts on it.  This
 * module is the small part of a layout engine a report needs: a cursor that
 * moves down the page, a new page (with the running header and footer) when
 * the next thing does not fit, table rows that are never split and a header
 * row repeated on every page, and bar charts whose axes start at zero.
 *
 * Charts are for greyscale printers: no colour carries meaning, bars are
 * grey with black outlines, stacked series differ by clearly separated grey
 * levels and every bar carries its number.
 */
#ifndef SKEMA_REPORT_PDF_H
#define SKEMA_REPORT_PDF_H

#include <stddef.h>

#include <hpdf.h>

#include "report.h"

#define REPORT_PDF_MAX_COLS 9

struct report_pdf {
	HPDF_Doc pdf;
	HPDF_Font regular, bold;
	HPDF_Page page;
	double y;            /* the cursor: the top of the next thing */
	int pages;
	HPDF_Page *page_list; /* every page, numbered "Side n af N" when finished */
	HPDF_STATUS error;   /* the first libharu error, 0 when none */
	HPDF_STATUS detail;
	int plain;           /* a rebuild after an error: Latin-1 text only (report_pdf_begin) */
	int compact;         /* the fonts have compact CIDs (pdf_compact_begin) */
	char title[256];     /* running header */
	char footer[512];    /* running footer, left */
	/* the open table */
	int ncols;
	double widths[REPORT_PDF_MAX_COLS]; /* points */
	char *header[REPORT_PDF_MAX_COLS];
	int rows_on_page;
};

/*
 * Starts a document with its first page.  With plain set, every text is
 * cut down to printable ASCII and Latin-1 (others become "?", a cut ends
 * with "..."): the second attempt after a libharu error, which avoids the
 * rarer glyphs of the font.  Returns 0, or -1: p->error holds the libharu
 * error, or, when it is 0, a message was printed.
 */
int report_pdf_begin(struct report_pdf *p, const char *title, const char *footer, int plain);
/* Frees everything; accepts a document that failed to begin. */
void report_pdf_release(struct report_pdf *p);

/* Level 1: the document's title; 2: a section; 3: a subsection. */
void report_pdf_heading(struct report_pdf *p, int level, const char *text);
/* A heading followed by only keep points of text (a heading never ends a page). */
void report_pdf_heading_keep(struct report_pdf *p, int level, const char *text, double keep);
/* A wrapped paragraph; bold when bold is set. */
void report_pdf_paragraph(struct report_pdf *p, int bold, const char *text);
void report_pdf_space(struct report_pdf *p, double points);
void report_pdf_new_page(struct report_pdf *p);
/* Starts a new page unless points fit on this one. */
void report_pdf_keep(struct report_pdf *p, double points);

/*
 * A table with ncols columns (at most 8), widths as fractions of the text
 * width.  header (ncols strings) is repeated on every page the table
 * continues on.  A cell wraps onto at most 4 lines, then is cut with "…".
 */
void report_pdf_table_begin(struct report_pdf *p, int ncols, const double *widths,
			    const char *const *header);
void report_pdf_table_row(struct report_pdf *p, const char *const *cells);
/*
 * A row with a note under its cells (from the second column to the right
 * edge, smaller and grey): a decision's explanation.  The note wraps onto
 * at most note_lines lines (at most 16), then is cut with "…".
 */
void report_pdf_table_row_note(struct report_pdf *p, const char *const *cells, const char *note,
			       int note_lines);
void report_pdf_table_end(struct report_pdf *p);

/*
 * Horizontal bars, one per item, with the count beside each bar.  With
 * nothing to show, the sentence empty (NULL: "Ingen ansøgninger at vise.").
 */
void report_pdf_bar_chart(struct report_pdf *p, const char *title, const struct report_counts *c,
			  const char *axis_label, const char *empty);

/*
 * Applications over time: one vertical bar per day (per week when the span
 * is longer than three months), and a dashed line at the deadline
 * ("YYYY-MM-DD", or with its local time, "2021-10-01T23:59:59+02:00", which
 * places the line within its day; may be NULL).
 */
/*
 * Where in its day a deadline falls, 0 to 1: "2021-10-01T23:59:59+02:00" ends
 * the day (1), so the line is drawn after that day's bar, not through it, and
 * a form in time at 23:30 does not look late; a date alone is its middle.
 */
double report_deadline_in_day(const char *deadline);

void report_pdf_time_chart(struct report_pdf *p, const char *title,
			   const struct report_counts *per_day, const char *deadline_date,
			   const char *deadline_label);

/*
 * Stacked horizontal bars: one bar per row (row_labels[i]), made of nseries
 * segments (values[i * nseries + j]), with a legend of series_labels.
 */
void report_pdf_stacked_chart(struct report_pdf *p, const char *title, size_t nrows,
			      const char *const *row_labels, size_t nseries,
			      const char *const *series_labels, const long *values);

/*
 * Writes the PDF into memory: *out (caller frees), *len.  Returns 0, or -1:
 * after a libharu error anywhere in the document p->error holds it and
 * nothing was printed (the caller may rebuild the document, style.md: one
 * error spoils it); with p->error 0 a message was printed.
 */
int report_pdf_finish(struct report_pdf *p, unsigned char **out, size_t *len);

/*
 * Copies text into out (at most size-1 bytes, cut at a character boundary
 * with "…"), keeping only characters the report font has; others become
 * U+FFFD, control characters a space.  Returns out.
 */
char *report_pdf_clean(const char *text, char *out, size_t size);

#endif
