/*
 * inspect.c - skema-extract --inspect: what skema sees in any DOCX or ODT.
 *
 * For an administrator looking at a strange file: every field found, ours
 * or not, one per line, tab-separated so it can be cut and diffed:
 *   NAME <TAB> KIND <TAB> VALUE <TAB> RAW <TAB> SOURCE <TAB> PART <TAB> LABEL
 * (LABEL: the text printed beside the field, which names it when the
 * document does not)
 * preceded by "# file", "# format", "# property NAME = VALUE", "# title",
 * "# form" (when an offer is recognised) and "# warning" lines, and
 * followed by a "# following" line for each paragraph after a control that
 * LibreOffice may have cut short (docx.c, mapping.c).  When the offer is
 * recognised, the controls are followed by the offer's fields that only a
 * label/value table or a "Label: value" paragraph holds (source "table" or
 * "paragraph", the part they were read from, the offer's label), in the
 * offer's order: the fallback as the record takes it.  Tabs,
 * newlines and backslashes inside values are written \t, \n and \\, so a
 * field is always one line.  --json prints the scan itself, one object
 * per file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "offer.h"

static void put_escaped(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\t')
			fputs("\\t", out);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\\')
			fputs("\\\\", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			putc(c, out);
	}
}

/* Each string of texts on a line of its own after prefix, escaped. */
static void put_lines(FILE *out, const char *prefix, json_t *texts)
{
	size_t i;
	json_t *text;
	json_array_foreach(texts, i, text)
	{
		fputs(prefix, out);
		put_escaped(out, json_string_value(text));
		putc('\n', out);
	}
}

static const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static void print_field(FILE *out, json_t *f)
{
	json_t *v = json_object_get(f, "value");
	put_escaped(out, str(f, "name"));
	putc('\t', out);
	put_escaped(out, str(f, "kind"));
	putc('\t', out);
	put_escaped(out, v ? json_string_value(v) : str(f, "raw"));
	putc('\t', out);
	put_escaped(out, str(f, "raw"));
	putc('\t', out);
	put_escaped(out, str(f, "source"));
	putc('\t', out);
	put_escaped(out, str(f, "part"));
	putc('\t', out);
	put_escaped(out, str(f, "label"));
	putc('\n', out);
	/* Paragraphs after a control LibreOffice split (docx.c): a long text takes them. */
	put_lines(out, "# following\t", json_object_get(f, "following"));
}

/* Returns 0, or 1 when the file was refused (the caller's exit status). */
int extract_inspect_print(FILE *out, const char *path, json_t *scan, const struct offer_set *offers,
			  int as_json)
{
	json_t *error = json_object_get(scan, "error");
	if (as_json) {
		json_t *copy = json_deep_copy(scan);
		json_object_set_new(copy, "path", extract_json_string(path));
		json_object_del(copy, "rows");
		json_object_del(copy, "paragraphs");
		json_object_del(copy, "row_parts");
		json_object_del(copy, "paragraph_parts");
		char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
		if (text)
			fprintf(out, "%s\n", text);
		free(text);
		json_decref(copy);
		return error ? 1 : 0;
	}
	fputs("# file ", out);
	put_escaped(out, path);
	putc('\n', out);
	if (error) {
		fprintf(out, "# error %s: ", str(error, "code"));
		put_escaped(out, str(error, "message"));
		putc('\n', out);
		return 1;
	}
	fprintf(out, "# format %s\n", str(scan, "format"));
	const char *key;
	json_t *value;
	json_object_foreach(json_object_get(scan, "properties"), key, value)
	{
		fputs("# property ", out);
		put_escaped(out, key);
		fputs(" = ", out);
		put_escaped(out, json_string_value(value));
		putc('\n', out);
	}
	if (json_object_get(scan, "title")) {
		fputs("# title ", out);
		put_escaped(out, str(scan, "title"));
		putc('\n', out);
	}
	const struct offer *offer = NULL;
	if (offers) {
		const char *source = NULL;
		offer = extract_identify(scan, offers, &source);
		if (offer)
			fprintf(out, "# form %s (%s)\n", offer->id, source);
	}
	put_lines(out, "# warning ", json_object_get(scan, "warnings"));
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(scan, "fields"), i, f)
	    print_field(out, f);
	if (offer) {
		json_t *by_label = extract_found_by_label(scan, offer);
		json_array_foreach(by_label, i, f)
		    print_field(out, f);
		json_decref(by_label);
	}
	return 0;
}
