/*
 * csv.h - writing CSV for spreadsheets: `skema export` and the ranked lists
 * skema-report writes beside its PDFs.
 *
 * Two dialects.  The default is what Danish Excel opens with a double click:
 * UTF-8 with a byte order mark (without it Excel guesses Windows-1252 and
 * æøå break) and ';' between fields (Danish Excel uses ',' as the decimal
 * comma, so it splits on ';').  CSV_RFC is plain RFC 4180: ',' and no BOM.
 * Both end lines with CRLF, as RFC 4180 and Excel expect.
 *
 * Every text cell that starts with = + - @ (or a tab or CR) gets a leading
 * apostrophe: a spreadsheet would otherwise run it as a formula, and the
 * cells hold what applicants typed (OWASP "CSV injection").  Numbers written
 * with csv_int() are ours and are not touched.
 */
#ifndef SKEMA_CSV_H
#define SKEMA_CSV_H

#include <stdio.h>

enum csv_dialect { CSV_EXCEL_DA, CSV_RFC };

struct csv_writer {
	FILE *out;       /* borrowed */
	char separator;
	int fields_in_row;
};

/* Starts a CSV document on out (writes the BOM for CSV_EXCEL_DA). */
void csv_init(struct csv_writer *w, FILE *out, enum csv_dialect dialect);

/* Writes one text cell; NULL is an empty cell. */
void csv_text(struct csv_writer *w, const char *text);
/* Writes one integer cell. */
void csv_int(struct csv_writer *w, long long value);
/* Ends the row. */
void csv_end_row(struct csv_writer *w);

/* 0 when everything reached the stream, -1 on a write error (errno set). */
int csv_flush(struct csv_writer *w);

#endif
