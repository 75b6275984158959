/*
 * tables.h - the stack of tables a document walker is inside, for the
 * label/value fallback: each finished row is a JSON array of cell texts.
 *
 * DOCX (w:tbl/w:tr/w:tc) and ODT (table:table/table-row/table-cell) differ
 * only in element names, so both walkers share this one implementation.
 */
#ifndef SKEMA_EXTRACT_TABLES_H
#define SKEMA_EXTRACT_TABLES_H

#include <stddef.h>

#include <jansson.h>

#include "extract.h"
#include "strbuf.h"

#define EXTRACT_MAX_TABLES 32

struct extract_table {
	json_t *row;       /* cells of the row being read */
	struct strbuf cell; /* text of the cell being read */
	int in_cell;
};

struct extract_tables {
	struct extract_table t[EXTRACT_MAX_TABLES];
	int n;
};

/* Allocates nothing. */
void extract_tables_init(struct extract_tables *tables);
/* Frees every open table; accepts an empty stack. */
void extract_tables_release(struct extract_tables *tables);

/* A table starts; past EXTRACT_MAX_TABLES nested the scan fails (xml_too_deep). */
void extract_tables_open(struct extract_tables *tables, struct extract_scan *scan);
void extract_tables_close(struct extract_tables *tables);
/* A row starts: a fresh array (the finished one is kept by whoever kept it). */
void extract_tables_row(struct extract_tables *tables);
/* The cells of the current row, borrowed; NULL outside any table. */
json_t *extract_tables_row_cells(struct extract_tables *tables);
void extract_tables_cell(struct extract_tables *tables);
/* A cell ends: its tidied text joins the row (at most 64 cells a row). */
void extract_tables_cell_end(struct extract_tables *tables);
/* The text of the cell being read, or NULL outside a cell's table. */
struct strbuf *extract_tables_cell_text(struct extract_tables *tables);
/* Text seen inside the innermost table's open cell. */
void extract_tables_text(struct extract_tables *tables, const char *s, size_t len);
/*
 * Appends to sb the text of the nearest cell to the left in the current row
 * that has any (spanned, covered cells are empty): a field's label.
 */
void extract_tables_left_label(struct extract_tables *tables, struct strbuf *sb);

#endif
