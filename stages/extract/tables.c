/*
 * tables.c - the table stack both document walkers share.
 */
#include "tables.h"

/* Label/value tables are narrow; a row of thousands of cells is not one. */
#define MAX_CELLS 64
/* A cell's text is a label or a value, never a document. */
#define MAX_CELL_TEXT 100000

void extract_tables_init(struct extract_tables *tables)
{
	tables->n = 0;
}

static struct extract_table *top(struct extract_tables *tables)
{
	return tables->n > 0 ? &tables->t[tables->n - 1] : NULL;
}

void extract_tables_open(struct extract_tables *tables, struct extract_scan *scan)
{
	if (tables->n >= EXTRACT_MAX_TABLES) {
		extract_fail(scan, "xml_too_deep", "%s: tables nested deeper than %d", scan->part,
			     EXTRACT_MAX_TABLES);
		return;
	}
	struct extract_table *t = &tables->t[tables->n++];
	t->row = json_array();
	strbuf_init(&t->cell, MAX_CELL_TEXT);
	t->in_cell = 0;
}

void extract_tables_close(struct extract_tables *tables)
{
	struct extract_table *t = top(tables);
	if (!t)
		return;
	json_decref(t->row);
	strbuf_release(&t->cell);
	tables->n--;
}

void extract_tables_release(struct extract_tables *tables)
{
	while (tables->n > 0)
		extract_tables_close(tables);
}

void extract_tables_row(struct extract_tables *tables)
{
	struct extract_table *t = top(tables);
	if (!t)
		return;
	/* A fresh array: the finished row is kept by reference in scan->rows. */
	json_decref(t->row);
	t->row = json_array();
}

json_t *extract_tables_row_cells(struct extract_tables *tables)
{
	struct extract_table *t = top(tables);
	return t ? t->row : NULL;
}

void extract_tables_cell(struct extract_tables *tables)
{
	struct extract_table *t = top(tables);
	if (!t)
		return;
	strbuf_reset(&t->cell);
	t->in_cell = 1;
}

void extract_tables_cell_end(struct extract_tables *tables)
{
	struct extract_table *t = top(tables);
	if (!t)
		return;
	extract_tidy(&t->cell);
	if (json_array_size(t->row) < MAX_CELLS)
		json_array_append_new(t->row, extract_json_string(strbuf_str(&t->cell)));
	t->in_cell = 0;
}

struct strbuf *extract_tables_cell_text(struct extract_tables *tables)
{
	struct extract_table *t = top(tables);
	return t ? &t->cell : NULL;
}

void extract_tables_text(struct extract_tables *tables, const char *s, size_t len)
{
	struct extract_table *t = top(tables);
	if (t && t->in_cell)
		strbuf_append(&t->cell, s, len);
}

void extract_tables_left_label(struct extract_tables *tables, struct strbuf *sb)
{
	struct extract_table *t = top(tables);
	if (!t)
		return;
	size_t start = sb->len;
	for (size_t n = json_array_size(t->row); n > 0 && sb->len == start; n--)
		strbuf_puts(sb, json_string_value(json_array_get(t->row, n - 1)));
}
