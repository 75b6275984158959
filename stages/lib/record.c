/*
 * record.c - reading and writing JSON Lines records.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_write.h"
#include "msg.h"
#include "record.h"
#include "strbuf.h"

/*
 * Turns one line (no newline) into a record: 1 with *rec set, -1 when it
 * is not a JSON object (said on stderr with its line number).
 */
static int parse_line(const char *data, size_t len, unsigned long line_number, json_t **rec)
{
	json_error_t error;
	json_t *value = json_loadb(data, len, JSON_REJECT_DUPLICATES, &error);
	if (!value || !json_is_object(value)) {
		msg_error("stdin: line %lu: not a JSON object%s%s", line_number, value ? "" : ": ",
			  value ? "" : error.text);
		json_decref(value);
		return -1;
	}
	*rec = value;
	return 1;
}

static void too_long(unsigned long line_number)
{
	msg_error("stdin: line %lu: record longer than %u bytes", line_number, RECORD_MAX_LINE);
}

int record_read(FILE *in, json_t **rec)
{
	static unsigned long line_number;
	struct strbuf line;
	int c, result;

	*rec = NULL;
	strbuf_init(&line, RECORD_MAX_LINE);
next_line:
	strbuf_reset(&line);
	/*
	 * A byte at a time from stdio's buffer (no lock: the stages are single
	 * threaded), into the line a chunk at a time: a byte at a time into
	 * the line was a sixth of skema-validate's time.
	 */
	for (;;) {
		char chunk[4096];
		size_t n = 0;
		while (n < sizeof chunk && (c = getc_unlocked(in)) != EOF && c != '\n')
			chunk[n++] = (char)c;
		if (n > 0 && strbuf_append(&line, chunk, n) < 0) {
			/* Skip the rest of an over-long line. */
			if (n == sizeof chunk)
				while ((c = getc_unlocked(in)) != EOF && c != '\n')
					;
			break;
		}
		if (n < sizeof chunk)
			break;
	}
	if (c == EOF && line.len == 0) {
		strbuf_release(&line);
		return 0;
	}
	line_number++;
	if (line.overflow) {
		too_long(line_number);
		result = -1;
		goto out;
	}
	if (line.len == 0)
		goto next_line; /* blank lines separate nothing; skip them */
	result = parse_line(line.data, line.len, line_number, rec);
out:
	strbuf_release(&line);
	return result;
}

/* --- the reader that can tell whether the next record is there ---------- */

void record_reader_init(struct record_reader *r, int fd)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
}

void record_reader_release(struct record_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof *r);
	r->fd = -1;
}

/* Reads more into the buffer; 0 at end of input (or a read error), else 1. */
static int fill(struct record_reader *r)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->size) {
		size_t grown = r->size ? r->size * 2 : 65536;
		if (grown > (size_t)RECORD_MAX_LINE + 1)
			grown = (size_t)RECORD_MAX_LINE + 1;
		if (grown <= r->size) {
			/* An over-long line: drop what is buffered and skip to its end. */
			r->skipping = 1;
			r->start = r->end = 0;
		} else {
			char *more = realloc(r->buf, grown);
			if (!more) {
				r->skipping = 1;
				r->start = r->end = 0;
			} else {
				r->buf = more;
				r->size = grown;
			}
		}
	}
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->end, r->size - r->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r->eof = 1;
			return 0;
		}
		r->end += (size_t)n;
		return 1;
	}
}

int record_reader_next(struct record_reader *r, json_t **rec)
{
	*rec = NULL;
	for (;;) {
		char *line = r->buf + r->start;
		char *newline = r->end > r->start ? memchr(line, '\n', r->end - r->start) : NULL;
		if (newline || (r->eof && r->end > r->start)) {
			size_t len = newline ? (size_t)(newline - line) : r->end - r->start;
			r->start += len + (newline ? 1 : 0);
			r->line_number++;
			if (r->skipping) {
				r->skipping = 0;
				too_long(r->line_number);
				return -1;
			}
			if (len == 0)
				continue; /* blank lines separate nothing; skip them */
			r->text = line;
			r->text_len = len;
			return parse_line(line, len, r->line_number, rec);
		}
		if (r->eof) {
			if (r->skipping) {
				r->skipping = 0;
				too_long(++r->line_number);
				return -1;
			}
			return 0;
		}
		if (r->skipping)
			r->start = r->end = 0;
		fill(r);
	}
}

int record_reader_ready(struct record_reader *r)
{
	if (r->eof || (r->end > r->start && memchr(r->buf + r->start, '\n', r->end - r->start)))
		return 1;
	struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
	return poll(&pfd, 1, 0) > 0;
}

int record_write(FILE *out, json_t *rec)
{
	char *text = json_compact(rec);
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

int record_invalid_field(const json_t *invalid, const char *name)
{
	size_t i;
	json_t *item;
	json_array_foreach(invalid, i, item)
	{
		const char *field = json_string_value(json_object_get(item, "field"));
		if (name && field && strcmp(field, name) == 0 && !json_object_get(item, "rule"))
			return 1;
	}
	return 0;
}

const char *record_status_da(const char *status)
{
	static const char *const map[][2] = {
		{"stored", "modtaget"},	       {"duplicate", "dublet"},
		{"superseded", "erstattet af nyere"}, {"supersedes", "erstatter ældre"},
		{"withdrawn", "trukket tilbage"},     {"failed", "fejlet"},
	};
	for (size_t i = 0; status && i < sizeof map / sizeof *map; i++)
		if (strcmp(map[i][0], status) == 0)
			return map[i][1];
	return NULL;
}

const char *record_validation_da(const char *validation)
{
	static const char *const map[][2] = {
		{"eligible", "opfylder kravene"},
		{"not_eligible", "opfylder ikke kravene"},
		{"incomplete", "mangler oplysninger"},
	};
	for (size_t i = 0; validation && i < sizeof map / sizeof *map; i++)
		if (strcmp(map[i][0], validation) == 0)
			return map[i][1];
	return NULL;
}
