/*
 * template.c - the Mustache subset of template.h.
 *
 * A template is parsed once into a tree of nodes (text, variable, section,
 * inverted section), each remembering its line, and rendered against a
 * stack of JSON contexts.  Parsing is recursive, one level per section,
 * bounded by TEMPLATE_MAX_DEPTH, so a hostile or mistyped template cannot
 * exhaust the stack.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nearest.h"
#include "template.h"
#include "utf8.h"

enum node_kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED };

struct node {
	enum node_kind kind;
	char *text;         /* literal text, or the name */
	size_t len;         /* literal text length */
	int line;
	struct node *kids;  /* sections */
	size_t nkids;
};

struct template {
	char *name;
	struct node root;
};

struct parser {
	const char *name;
	const char *start, *p, *end;
	int line;
	struct strbuf *err;
};

static void nodes_release(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		nodes_release(&n->kids[i]);
	free(n->kids);
	free(n->text);
}

void template_free(struct template *tpl)
{
	if (!tpl)
		return;
	nodes_release(&tpl->root);
	free(tpl->name);
	free(tpl);
}

const char *template_name(const struct template *tpl)
{
	return tpl->name;
}

static struct node *add_kid(struct node *parent)
{
	struct node *grown = realloc(parent->kids, (parent->nkids + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	parent->kids = grown;
	struct node *n = &parent->kids[parent->nkids++];
	memset(n, 0, sizeof *n);
	return n;
}

static int add_text(struct parser *ps, struct node *parent, const char *text, size_t len, int line)
{
	if (len == 0)
		return 0;
	struct node *n = add_kid(parent);
	if (!n || !(n->text = malloc(len + 1))) {
		strbuf_printf(ps->err, "%s: out of memory", ps->name);
		return -1;
	}
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->len = len;
	n->kind = N_TEXT;
	n->line = line;
	return 0;
}

static int count_lines(const char *from, const char *to)
{
	int n = 0;
	for (; from < to; from++)
		n += *from == '\n';
	return n;
}

/* A name: letters, digits, '_', '-', '.', and UTF-8 letters (æøå); or "." alone. */
static int valid_name(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/*
 * Parses nodes into parent until the closing tag of section `open` (NULL at
 * the top level).  Returns 0 or -1 (message in ps->err).
 */
static int parse_list(struct parser *ps, struct node *parent, const char *open, int open_line,
		      int depth)
{
	for (;;) {
		const char *tag = ps->p;
		while (tag + 1 < ps->end && !(tag[0] == '{' && tag[1] == '{'))
			tag++;
		if (tag + 1 >= ps->end) {
			/* End of input. */
			if (add_text(ps, parent, ps->p, (size_t)(ps->end - ps->p), ps->line) < 0)
				return -1;
			ps->line += count_lines(ps->p, ps->end);
			ps->p = ps->end;
			if (open) {
				strbuf_printf(ps->err, "%s:%d: section \"%s\" is not closed", ps->name,
					      open_line, open);
				return -1;
			}
			return 0;
		}
		int tag_line = ps->line + count_lines(ps->p, tag);
		int triple = tag + 2 < ps->end && tag[2] == '{';
		const char *inner = tag + (triple ? 3 : 2);
		const char *close = inner;
		while (close + 1 < ps->end && !(close[0] == '}' && close[1] == '}'))
			close++;
		if (close + 1 >= ps->end) {
			strbuf_printf(ps->err, "%s:%d: \"{{\" without \"}}\"", ps->name, tag_line);
			return -1;
		}
		const char *after = close + 2;
		if (triple) {
			if (after >= ps->end || *after != '}') {
				strbuf_printf(ps->err, "%s:%d: \"{{{\" closed by \"}}\", not \"}}}\"",
					      ps->name, tag_line);
				return -1;
			}
			after++;
		}
		if (count_lines(inner, close) > 0 && !(inner < close && *inner == '!')) {
			strbuf_printf(ps->err, "%s:%d: a tag must not span lines", ps->name, tag_line);
			return -1;
		}
		char sigil = triple ? '{' : inner < close ? *inner : '\0';
		const char *name = inner;
		if (strchr("#^/!&=>", sigil) && sigil)
			name++;
		const char *name_end = close;
		while (name < name_end && (*name == ' ' || *name == '\t'))
			name++;
		while (name_end > name && (name_end[-1] == ' ' || name_end[-1] == '\t'))
			name_end--;
		size_t name_len = (size_t)(name_end - name);

		/* Standalone: a block tag alone on its line takes the line. */
		const char *text_end = tag;
		if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!') {
			/* Scan back through the whole input: a standalone tag
			 * before us has already eaten its newline. */
			const char *ls = tag;
			while (ls > ps->start && (ls[-1] == ' ' || ls[-1] == '\t'))
				ls--;
			int line_start = (ls == ps->start || ls[-1] == '\n') && ls >= ps->p;
			const char *le = after;
			while (le < ps->end && (*le == ' ' || *le == '\t'))
				le++;
			int at_line_end = le == ps->end || *le == '\n' ||
					  (*le == '\r' && le + 1 < ps->end && le[1] == '\n');
			if (line_start && at_line_end) {
				text_end = ls;
				after = le == ps->end ? le : le + (*le == '\r' ? 2 : 1);
			}
		}
		if (add_text(ps, parent, ps->p, (size_t)(text_end - ps->p), ps->line) < 0)
			return -1;
		ps->line = tag_line + count_lines(tag, after);
		ps->p = after;

		switch (sigil) {
		case '!':
			break;
		case '=':
			strbuf_printf(ps->err, "%s:%d: changing delimiters is not supported", ps->name,
				      tag_line);
			return -1;
		case '>':
			strbuf_printf(ps->err, "%s:%d: partials are not supported", ps->name, tag_line);
			return -1;
		case '/':
			if (!open) {
				strbuf_printf(ps->err, "%s:%d: \"{{/%.*s}}\" closes no section", ps->name,
					      tag_line, (int)name_len, name);
				return -1;
			}
			if (strlen(open) != name_len || memcmp(open, name, name_len) != 0) {
				strbuf_printf(ps->err,
					      "%s:%d: \"{{/%.*s}}\" found where section \"%s\" (line %d) "
					      "should be closed",
					      ps->name, tag_line, (int)name_len, name, open, open_line);
				return -1;
			}
			return 0;
		default: {
			if (!valid_name(name, name_len)) {
				strbuf_printf(ps->err, "%s:%d: \"%.*s\" is not a valid name", ps->name,
					      tag_line, (int)(close - inner), inner);
				return -1;
			}
			struct node *n = add_kid(parent);
			if (!n || !(n->text = strndup(name, name_len))) {
				strbuf_printf(ps->err, "%s: out of memory", ps->name);
				return -1;
			}
			n->line = tag_line;
			if (sigil == '#' || sigil == '^') {
				n->kind = sigil == '#' ? N_SECTION : N_INVERTED;
				if (depth >= TEMPLATE_MAX_DEPTH) {
					strbuf_printf(ps->err, "%s:%d: sections nested deeper than %d",
						      ps->name, tag_line, TEMPLATE_MAX_DEPTH);
					return -1;
				}
				/* n may move when parent->kids grows: parse into a
				 * local node and copy it in afterwards. */
				struct node section = *n;
				parent->nkids--;
				section.kids = NULL;
				section.nkids = 0;
				int rc = parse_list(ps, &section, section.text, tag_line, depth + 1);
				struct node *slot = add_kid(parent);
				if (!slot) {
					nodes_release(&section);
					strbuf_printf(ps->err, "%s: out of memory", ps->name);
					return -1;
				}
				*slot = section;
				if (rc < 0)
					return -1;
			} else {
				n->kind = sigil == '&' || sigil == '{' ? N_RAW : N_VAR;
			}
		}
		}
	}
}

int template_parse(const char *name, const char *text, size_t len, struct template **out,
		   struct strbuf *err)
{
	struct template *tpl;
	struct parser ps = {name, text, text, text + len, 1, err};

	*out = NULL;
	if (memchr(text, '\0', len)) {
		strbuf_printf(err, "%s:%d: a NUL byte in the template", name,
			      1 + count_lines(text, memchr(text, '\0', len)));
		return -1;
	}
	if (!utf8_is_valid(text)) {
		/* Find the line for the message: the first invalid byte. */
		const char *p = text;
		while (*p) {
			size_t n = utf8_valid_prefix(p);
			if (!n)
				break;
			p += n;
		}
		strbuf_printf(err, "%s:%d: not UTF-8", name, 1 + count_lines(text, p));
		return -1;
	}
	tpl = calloc(1, sizeof *tpl);
	if (!tpl || !(tpl->name = strdup(name))) {
		free(tpl);
		strbuf_printf(err, "%s: out of memory", name);
		return -1;
	}
	tpl->root.kind = N_SECTION;
	if (parse_list(&ps, &tpl->root, NULL, 0, 0) < 0) {
		template_free(tpl);
		return -1;
	}
	*out = tpl;
	return 0;
}

int template_load(const char *path, struct template **out, struct strbuf *err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf text;
	char chunk[8192];
	size_t n;
	int rc = -1;

	*out = NULL;
	if (!f) {
		strbuf_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	strbuf_init(&text, TEMPLATE_MAX_SIZE);
	strbuf_puts(&text, "");
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (strbuf_append(&text, chunk, n) < 0)
			break;
	if (ferror(f))
		strbuf_printf(err, "%s: %s", path, strerror(errno));
	else if (text.overflow)
		strbuf_printf(err, "%s: larger than %u bytes", path, TEMPLATE_MAX_SIZE);
	else
		rc = template_parse(path, text.data ? text.data : "", text.len, out, err);
	fclose(f);
	strbuf_release(&text);
	return rc;
}

/* --- rendering ---------------------------------------------------------------- */

struct render {
	const struct template *tpl;
	json_t *stack[TEMPLATE_MAX_DEPTH + 2];
	int depth;
	template_escape_fn escape;
	void *user;
	struct strbuf *out, *err;
};

/* Looks name up: the first part from the innermost context out, the rest inside it. */
static json_t *lookup(const struct render *r, const char *name)
{
	if (strcmp(name, ".") == 0)
		return r->stack[r->depth - 1];
	const char *dot = strchr(name, '.');
	size_t first = dot ? (size_t)(dot - name) : strlen(name);
	json_t *value = NULL;
	char key[256];

	if (first >= sizeof key || first == 0)
		return NULL;
	memcpy(key, name, first);
	key[first] = '\0';
	for (int i = r->depth - 1; i >= 0 && !value; i--)
		if (json_is_object(r->stack[i]))
			value = json_object_get(r->stack[i], key);
	while (value && dot) {
		const char *part = dot + 1;
		dot = strchr(part, '.');
		size_t len = dot ? (size_t)(dot - part) : strlen(part);
		if (len >= sizeof key || len == 0 || !json_is_object(value))
			return NULL;
		memcpy(key, part, len);
		key[len] = '\0';
		value = json_object_get(value, key);
	}
	return value;
}

static int truthy(const json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	default:
		return 1;
	}
}

static int put_value(struct render *r, const struct node *n, const json_t *v)
{
	char num[64];
	const char *text = "";

	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		text = json_string_value(v);
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		text = num;
		break;
	case JSON_REAL:
		snprintf(num, sizeof num, "%g", json_real_value(v));
		text = num;
		break;
	case JSON_TRUE:
		text = "ja";
		break;
	case JSON_FALSE:
		text = "nej";
		break;
	default:
		return 0; /* null, lists and objects print nothing */
	}
	if (n->kind == N_VAR && r->escape)
		return r->escape(r->out, text, r->user);
	return strbuf_puts(r->out, text);
}

static int render_list(struct render *r, const struct node *parent)
{
	for (size_t i = 0; i < parent->nkids; i++) {
		const struct node *n = &parent->kids[i];
		json_t *v;
		int rc = 0;

		switch (n->kind) {
		case N_TEXT:
			rc = strbuf_append(r->out, n->text, n->len);
			break;
		case N_VAR:
		case N_RAW:
			rc = put_value(r, n, lookup(r, n->text));
			break;
		case N_INVERTED:
			if (!truthy(lookup(r, n->text)))
				rc = render_list(r, n);
			break;
		case N_SECTION:
			v = lookup(r, n->text);
			if (!truthy(v))
				break;
			if (r->depth >= TEMPLATE_MAX_DEPTH + 1) {
				strbuf_printf(r->err, "%s:%d: sections nested too deep", r->tpl->name,
					      n->line);
				return -1;
			}
			if (json_is_array(v)) {
				size_t k;
				json_t *item;
				json_array_foreach(v, k, item)
				{
					r->stack[r->depth++] = item;
					rc = render_list(r, n);
					r->depth--;
					if (rc < 0)
						break;
				}
			} else {
				r->stack[r->depth++] = v;
				rc = render_list(r, n);
				r->depth--;
			}
			break;
		}
		if (rc < 0) {
			if (!r->err->len)
				strbuf_printf(r->err, "%s:%d: output larger than %zu bytes", r->tpl->name,
					      n->line, r->out->max);
			return -1;
		}
	}
	return 0;
}

int template_render(const struct template *tpl, json_t *data, template_escape_fn escape,
		    void *user, struct strbuf *out, struct strbuf *err)
{
	struct render r = {.tpl = tpl, .escape = escape, .user = user, .out = out, .err = err};
	r.stack[0] = data;
	r.depth = 1;
	if (strbuf_puts(out, "") < 0)
		return -1;
	return render_list(&r, &tpl->root);
}

/* --- checking the names ---------------------------------------------------------- */

struct name_check {
	struct render r;            /* the shape's contexts, looked up as when rendering */
	template_name_fn report;
	void *user;
	size_t count;
	/* the nearest known name so far */
	char near[256];
	size_t near_distance;
};

/* Every dotted name under obj ("prefix.key", objects followed, lists not), against name. */
static void nearest_in(struct name_check *nc, const char *name, json_t *obj, const char *prefix,
		       int depth)
{
	const char *key;
	json_t *value;
	if (!json_is_object(obj) || depth > 4)
		return;
	json_object_foreach(obj, key, value)
	{
		char full[256];
		int n = snprintf(full, sizeof full, "%s%s%s", prefix, *prefix ? "." : "", key);
		if (n < 0 || (size_t)n >= sizeof full)
			continue;
		size_t d = nearest_distance(name, full);
		if (d < nc->near_distance) {
			nc->near_distance = d;
			memcpy(nc->near, full, (size_t)n + 1);
		}
		nearest_in(nc, name, value, full, depth + 1);
	}
}

static void check_unknown(struct name_check *nc, const struct node *n, char kind)
{
	nc->near_distance = (size_t)-1;
	nc->near[0] = '\0';
	for (int i = nc->r.depth - 1; i >= 0; i--)
		nearest_in(nc, n->text, nc->r.stack[i], "", 0);
	int near = nc->near[0] && nearest_is_slip(n->text, nc->near_distance);
	nc->report(n->text, n->line, kind, near ? nc->near : NULL, nc->user);
	nc->count++;
}

static void check_list(struct name_check *nc, const struct node *parent)
{
	for (size_t i = 0; i < parent->nkids; i++) {
		const struct node *n = &parent->kids[i];
		if (n->kind == N_TEXT || strcmp(n->text, ".") == 0)
			continue;
		json_t *v = lookup(&nc->r, n->text);
		if (!v) {
			check_unknown(nc, n, n->kind == N_SECTION ? '#' : n->kind == N_INVERTED ? '^' : '\0');
			continue;
		}
		if (n->kind == N_INVERTED) {
			check_list(nc, n);
		} else if (n->kind == N_SECTION && nc->r.depth < TEMPLATE_MAX_DEPTH + 1) {
			/* A list's items look like its one item; an empty list adds no keys. */
			json_t *context = json_is_array(v) ? json_array_get(v, 0) : v;
			nc->r.stack[nc->r.depth++] = context ? context : json_null();
			check_list(nc, n);
			nc->r.depth--;
		}
	}
}

size_t template_check_names(const struct template *tpl, json_t *shape, template_name_fn report,
			    void *user)
{
	struct name_check nc = {.r = {.tpl = tpl}, .report = report, .user = user};
	nc.r.stack[0] = shape;
	nc.r.depth = 1;
	check_list(&nc, &tpl->root);
	return nc.count;
}
