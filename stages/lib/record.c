/*
 * record.c - reading and writing JSON Lines records.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "record.h"
#include "strbuf.h"

int record_read(FILE *in, json_t **rec)
{
	static unsigned long line_number;
	struct strbuf line;
	int c, result;

	*rec = NULL;
	strbuf_init(&line, RECORD_MAX_LINE);
next_line:
	strbuf_reset(&line);
	for (;;) {
		c = getc(in);
		if (c == EOF || c == '\n')
			break;
		if (strbuf_putc(&line, (char)c) < 0) {
			/* Skip the rest of an over-long line. */
			while ((c = getc(in)) != EOF && c != '\n')
				;
			break;
		}
	}
	if (c == EOF && line.len == 0) {
		strbuf_release(&line);
		return 0;
	}
	line_number++;
	if (line.overflow) {
		msg_error("stdin: line %lu: record longer than %u bytes", line_number,
			  RECORD_MAX_LINE);
		result = -1;
		goto out;
	}
	if (line.len == 0)
		goto next_line; /* blank lines separate nothing; skip them */
	json_error_t error;
	json_t *value = json_loadb(line.data, line.len, JSON_REJECT_DUPLICATES, &error);
	if (!value || !json_is_object(value)) {
		msg_error("stdin: line %lu: not a JSON object%s%s", line_number,
			  value ? "" : ": ", value ? "" : error.text);
		json_decref(value);
		result = -1;
		goto out;
	}
	*rec = value;
	result = 1;
out:
	strbuf_release(&line);
	return result;
}

int record_write(FILE *out, json_t *rec)
{
	char *text = json_dumps(rec, JSON_COMPACT);
	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	int rc = 0;
	if (fputs(text, out) == EOF || putc('\n', out) == EOF || fflush(out) == EOF)
		rc = -1;
	free(text);
	return rc;
}

const char *record_str(const json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

void record_set_str(json_t *rec, const char *key, const char *value)
{
	json_object_set_new(rec, key, value ? json_string(value) : json_null());
}

void record_fail(json_t *rec, const char *stage, const char *code, int permanent,
		 const char *message, const char *message_da)
{
	if (record_failed(rec))
		return;
	json_t *error = json_pack("{s:s, s:s, s:b, s:s, s:s}", "stage", stage, "code", code,
				  "permanent", permanent, "message", message ? message : code,
				  "message_da", message_da ? message_da : "");
	/* json_pack refuses invalid UTF-8; a message must never be lost for it. */
	if (!error)
		error = json_pack("{s:s, s:s, s:b, s:s, s:s}", "stage", stage, "code", code,
				  "permanent", permanent, "message", code, "message_da", "");
	json_object_set_new(rec, "error", error);
}

int record_failed(const json_t *rec)
{
	return json_is_object(json_object_get(rec, "error"));
}

void record_warn(json_t *rec, const char *stage, const char *text)
{
	json_t *warnings = json_object_get(rec, "warnings");
	if (!json_is_array(warnings)) {
		warnings = json_array();
		json_object_set_new(rec, "warnings", warnings);
	}
	json_t *w = json_pack("{s:s, s:s}", "stage", stage, "text", text);
	if (w)
		json_array_append_new(warnings, w);
}
