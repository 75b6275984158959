/*
 * template.h - a small Mustache subset for letter texts an administrator
 * edits (forms/letters/, docs/letters.md).
 *
 * Supported:
 *   {{name}}             the value, passed through the caller's escape function
 *   {{{name}}} {{&name}} the value, not escaped
 *   {{a.b}} {{.}}        dotted names; "." is the current list item
 *   {{#name}}..{{/name}} a section: repeated for each item of a list, once
 *                        for any other true value (an object becomes the
 *                        context), skipped for a false one
 *   {{^name}}..{{/name}} an inverted section: rendered only for a false value
 *   {{! comment }}
 * False values: missing, null, false, "", 0, an empty list or object.
 * Values print as text: strings as they are, numbers in decimal, true and
 * false as "ja" and "nej" (the letters are Danish).  A name that is not
 * found prints nothing, as in Mustache.
 *
 * A section, inverted section or comment tag alone on its line takes the
 * whole line with it (Mustache's "standalone" rule), so line-based markup
 * stays clean.  Delimiter changes and partials are not supported: they are
 * reported as errors, not ignored.  Every error names the file and line:
 * "forms/letters/afslag.txt:12: section "grunde" is not closed".
 */
#ifndef SKEMA_TEMPLATE_H
#define SKEMA_TEMPLATE_H

#include <stddef.h>

#include <jansson.h>

#include "strbuf.h"

/* Largest template file accepted, and deepest section nesting. */
#define TEMPLATE_MAX_SIZE (256u * 1024u)
#define TEMPLATE_MAX_DEPTH 32

struct template;

/*
 * Parses text (len bytes; it may contain NULs only as errors).  name is
 * used in messages.  Returns 0 with *out set (caller template_free()s), or
 * -1 with "NAME:LINE: problem" appended to err.
 */
int template_parse(const char *name, const char *text, size_t len, struct template **out,
		   struct strbuf *err);

/* Reads and parses a file (at most TEMPLATE_MAX_SIZE bytes, UTF-8).  As template_parse. */
int template_load(const char *path, struct template **out, struct strbuf *err);

void template_free(struct template *tpl);

/* The name given at parse time.  Borrowed. */
const char *template_name(const struct template *tpl);

/*
 * Appends text to out, escaped for whatever the output is.  Returns 0 or -1
 * (out is full).
 */
typedef int (*template_escape_fn)(struct strbuf *out, const char *text, void *user);

/*
 * Renders tpl with data (a JSON object) as the outermost context, appending
 * to out.  escape may be NULL (no escaping).  Returns 0, or -1 with
 * "NAME:LINE: problem" in err (out is full: the strbuf's cap).
 */
int template_render(const struct template *tpl, json_t *data, template_escape_fn escape,
		    void *user, struct strbuf *out, struct strbuf *err);

/*
 * The names a template asks for that the data could not give: what
 * template_check_names() reports, one call per tag.  kind is '#' (a
 * section), '^' (an inverted section) or '\0' (a value).  near: the known name most like it, or NULL.  Borrowed.
 */
typedef void (*template_name_fn)(const char *name, int line, char kind, const char *near,
				 void *user);

/*
 * Walks tpl as template_render() would with data shaped like shape (a JSON
 * object holding every key the data can have; a list holds one item showing
 * the keys of its items) and calls report for every tag whose name would
 * find nothing: a mistyped name prints nothing in a letter.  The tags inside
 * a section whose name is unknown are not looked at.  Returns the count.
 */
size_t template_check_names(const struct template *tpl, json_t *shape, template_name_fn report,
			    void *user);

#endif
