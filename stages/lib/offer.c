/*
 * offer.c - loading offer definitions (docs/offer-format.md).
 *
 * A definition is a small XML file an administrator edits by hand, so every
 * message carries the file and the line, and defaults are explicit here
 * rather than scattered over the stages.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "clock.h"
#include "criterion_text.h"
#include "nearest.h"
#include "offer.h"
#include "paths.h"

static const char *const type_names[] = {
	[FIELD_TEXT] = "text",         [FIELD_LONGTEXT] = "longtext", [FIELD_INTEGER] = "integer",
	[FIELD_DATE] = "date",         [FIELD_CHECKBOX] = "checkbox", [FIELD_CHOICE] = "choice",
	[FIELD_EMAIL] = "email",       [FIELD_PHONE] = "phone",       [FIELD_CVR] = "cvr",
	[FIELD_POSTNR] = "postnr",     [FIELD_KOMMUNE] = "kommune",
};

const char *field_type_name(enum field_type type)
{
	return type_names[type];
}

int field_type_parse(const char *name, enum field_type *type)
{
	for (size_t i = 0; i < sizeof type_names / sizeof *type_names; i++) {
		if (strcmp(name, type_names[i]) == 0) {
			*type = (enum field_type)i;
			return 0;
		}
	}
	return -1;
}

/* Largest definition file read: a hand-written offer is a few kilobytes. */
#define OFFER_MAX_FILE (4u * 1024u * 1024u)

static xmlParserInputPtr refuse_external(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* Reads a whole definition-sized file into file (caller releases).  Returns 0 or -1. */
static int read_small_file(const char *path, struct strbuf *file, struct strbuf *err)
{
	char chunk[8192];
	size_t n;
	int too_big = 0;
	strbuf_init(file, OFFER_MAX_FILE);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		strbuf_printf(err, "%s: cannot read: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (strbuf_append(file, chunk, n) < 0) {
			too_big = 1;
			break;
		}
	fclose(fp);
	if (too_big) {
		strbuf_printf(err, "%s: larger than %u bytes\n", path, OFFER_MAX_FILE);
		strbuf_release(file);
		return -1;
	}
	return 0;
}

/* Collects schema errors as "FILE:LINE: message" lines. */
static void schema_error(void *ctx, xmlErrorPtr e)
{
	struct strbuf *err = ctx;
	if (!e || !e->message)
		return;
	/* libxml2 repeats a failure without a place ("?:0: Extra element
	 * section in interleave"); the placed one says it. */
	if (!e->file && e->line == 0)
		return;
	strbuf_printf(err, "%s:%d: %s", e->file ? e->file : "?", e->line, e->message);
	if (err->len && err->data[err->len - 1] != '\n')
		strbuf_putc(err, '\n');
}

/*
 * The schema beside the definitions: DIR/offer.rng for DIR/<id>/offer.xml,
 * else the shipped forms/offer.rng.  Writes its path; returns 0, or -1 when
 * there is none (a stripped-down installation checks nothing).
 */
static int find_schema(const char *definition, char *buf, size_t size)
{
	char dir[PATH_MAX];
	struct stat st;
	snprintf(dir, sizeof dir, "%s", definition);
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof dir, ".");
	}
	paths_join(buf, size, dir, "offer.rng");
	if (stat(buf, &st) == 0)
		return 0;
	return paths_find("forms/offer.rng", buf, size);
}

/*
 * The compiled schema, kept while offer_set_load() reads a directory: every
 * definition and every block it includes is checked against the same
 * schema, and compiling it anew each time was most of a stage's start
 * (8 ms, paid again by every batch's extract and validate).
 */
static struct {
	char path[PATH_MAX];
	xmlRelaxNGPtr schema;
	int loading; /* > 0 inside offer_set_load() */
} schema_cache;

/*
 * Inside offer_set_load() of the default definitions: the administrator's
 * files under <confdir>/forms are in play (their blocks win too).
 */
static int local_overlay;

static void schema_cache_drop(void)
{
	xmlRelaxNGFree(schema_cache.schema);
	schema_cache.schema = NULL;
	schema_cache.path[0] = '\0';
}

static xmlRelaxNGPtr schema_compile(const char *rng, struct strbuf *err)
{
	struct strbuf file;
	xmlRelaxNGPtr schema = NULL;
	if (read_small_file(rng, &file, err) < 0)
		return NULL;
	xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewMemParserCtxt(strbuf_str(&file), (int)file.len);
	if (pctxt) {
		xmlRelaxNGSetParserStructuredErrors(pctxt, schema_error, err);
		schema = xmlRelaxNGParse(pctxt);
		xmlRelaxNGFreeParserCtxt(pctxt);
	}
	strbuf_release(&file);
	if (!schema)
		strbuf_printf(err, "%s: the offer schema does not parse\n", rng);
	return schema;
}

/*
 * The mistakes an administrator makes most, said plainly before the schema
 * is asked: libxml2's RELAX NG messages name neither the attribute nor what
 * it may be ("Element offer failed to validate content").  Each problem is
 * "FILE:LINE: element: what is wrong and what may be written".
 */
static const struct {
	const char *element, *attribute;
	int list; /* a space-separated list of the values */
	const char *values; /* space-separated */
} enumerations[] = {
	{"field", "type", 0, "text longtext integer date checkbox choice email phone cvr postnr kommune"},
	{"field", "required", 0, "true false"},
	{"criterion", "kind", 0, "eligibility priority"},
	{"selection", "policy", 0, "first-come priority broad-representation none"},
	{"selection", "auto-confirm", 1, "bevilget venteliste afslag mangler bekræftelse"},
	{"capacity", "period", 0, "year quarter concurrent round none"},
	{"applicant", "type", 0, "kommune anbringelsessted alle"},
	{"intake", "rolling", 0, "true"},
};

static int is_word_of(const char *word, size_t len, const char *values)
{
	for (const char *v = values; *v;) {
		size_t n = strcspn(v, " ");
		if (n == len && strncmp(v, word, len) == 0)
			return 1;
		v += n;
		while (*v == ' ')
			v++;
	}
	return 0;
}

static const xmlNode *child(const xmlNode *node, const char *name);

static int plain_check(const char *path, const xmlNode *node, struct strbuf *err)
{
	int problems = 0;
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)node->name;
		int line = (int)xmlGetLineNo(node);
		for (size_t i = 0; i < sizeof enumerations / sizeof *enumerations; i++) {
			if (strcmp(enumerations[i].element, name) != 0)
				continue;
			xmlChar *v = xmlGetProp(node, (const xmlChar *)enumerations[i].attribute);
			if (!v)
				continue;
			const char *p = (const char *)v;
			int bad = 0;
			while (*p && !bad) {
				size_t n = enumerations[i].list ? strcspn(p, " ") : strlen(p);
				bad = !is_word_of(p, n, enumerations[i].values);
				p += n;
				while (*p == ' ')
					p++;
			}
			if (bad) {
				/* "field timer:", "criterion chefniveau:", "selection:" */
				xmlChar *id = xmlGetProp(node, (const xmlChar *)(name[0] == 'f' ? "name" : "id"));
				strbuf_printf(err, "%s:%d: %s%s%s: %s=\"%s\" is not %s: %s\n", path, line, name,
					      id ? " " : "", id ? (const char *)id : "",
					      enumerations[i].attribute, (const char *)v,
					      enumerations[i].list ? "a list of these" : "one of these",
					      enumerations[i].values);
				xmlFree(id);
				problems++;
			}
			xmlFree(v);
		}
		xmlChar *deadline = strcmp(name, "intake") == 0 ? xmlGetProp(node, (const xmlChar *)"deadline") : NULL;
		if (deadline) {
			time_t t;
			size_t n = strlen((const char *)deadline);
			if ((n != 10 && n != 16) || clock_parse((const char *)deadline, &t) < 0) {
				strbuf_printf(err, "%s:%d: intake: deadline=\"%s\" is not a date: write "
						   "2027-03-01 (the end of that day) or 2027-03-01T12:00\n",
					      path, line, (const char *)deadline);
				problems++;
			}
			xmlFree(deadline);
		}
		if (strcmp(name, "field") == 0 && !child(node, "label")) {
			xmlChar *id = xmlGetProp(node, (const xmlChar *)"name");
			strbuf_printf(err, "%s:%d: field %s has no <label>: every field needs the label "
					   "printed on the form\n",
				      path, line, id ? (const char *)id : "?");
			xmlFree(id);
			problems++;
		}
		if (strcmp(name, "criterion") == 0 || strcmp(name, "rule") == 0) {
			int rule = name[0] == 'r';
			if (!child(node, "test") || !child(node, "fail") ||
			    (!rule && !child(node, "pass")) ||
			    (rule && !xmlHasProp(node, (const xmlChar *)"fields"))) {
				xmlChar *id = xmlGetProp(node, (const xmlChar *)"id");
				strbuf_printf(err, "%s:%d: %s %s needs %s\n", path, line, name,
					      id ? (const char *)id : "?",
					      rule ? "fields=\"...\" (the fields it concerns), <test> and <fail>"
						   : "<test>, <pass> and <fail>");
				xmlFree(id);
				problems++;
			}
		}
		problems += plain_check(path, node->children, err);
	}
	return problems;
}

int offer_check_schema(const char *path, xmlDoc *doc, struct strbuf *err)
{
	/* Plain words first; the schema's own messages only for the rest. */
	if (plain_check(path, xmlDocGetRootElement(doc), err) > 0)
		return -1;

	char rng[PATH_MAX];
	xmlRelaxNGPtr schema;
	xmlRelaxNGValidCtxtPtr vctxt = NULL;
	int rc = -1;

	if (find_schema(path, rng, sizeof rng) < 0)
		return 0;
	if (schema_cache.schema && strcmp(schema_cache.path, rng) == 0) {
		schema = schema_cache.schema;
	} else {
		schema = schema_compile(rng, err);
		if (!schema)
			return -1;
		if (schema_cache.loading) {
			schema_cache_drop();
			snprintf(schema_cache.path, sizeof schema_cache.path, "%s", rng);
			schema_cache.schema = schema;
		}
	}
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	if (!vctxt)
		goto out;
	size_t before = err->len;
	xmlRelaxNGSetValidStructuredErrors(vctxt, schema_error, err);
	if (xmlRelaxNGValidateDoc(vctxt, doc) == 0) {
		rc = 0;
	} else if (err->len == before) {
		strbuf_printf(err, "%s: does not match the offer schema %s\n", path, rng);
	}
out:
	xmlRelaxNGFreeValidCtxt(vctxt);
	if (schema != schema_cache.schema)
		xmlRelaxNGFree(schema);
	return rc;
}

xmlDoc *offer_read_xml(const char *path, struct strbuf *err)
{
	xmlSetExternalEntityLoader(refuse_external);
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		strbuf_printf(err, "%s: out of memory\n", path);
		return NULL;
	}
	/* Read into memory first: libxml2 loads the main document through the
	 * external entity loader too, which refuses everything. */
	struct strbuf file;
	if (read_small_file(path, &file, err) < 0) {
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	errno = 0;
	xmlDoc *doc = xmlCtxtReadMemory(ctxt, strbuf_str(&file), (int)file.len, path, NULL,
					XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	strbuf_release(&file);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		if (e && e->message)
			strbuf_printf(err, "%s:%d: %s", path, e->line, e->message);
		else
			strbuf_printf(err, "%s: cannot read: %s\n", path, strerror(errno));
		if (err->len && err->data[err->len - 1] != '\n')
			strbuf_putc(err, '\n');
	} else if (doc->intSubset) {
		strbuf_printf(err, "%s: a DOCTYPE is not allowed in an offer definition\n", path);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static int is_element(const xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

/* Attribute value, caller frees; NULL when absent. */
static char *attr(const xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *copy = strdup((const char *)v);
	xmlFree(v);
	return copy;
}

/* Text content with runs of white space collapsed; caller frees. */
char *offer_node_text(const xmlNode *node)
{
	xmlChar *v = xmlNodeGetContent(node);
	struct strbuf sb;
	strbuf_init(&sb, 0);
	int space = 0;
	for (const char *p = v ? (const char *)v : ""; *p; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			space = 1;
			continue;
		}
		if (space && sb.len)
			strbuf_putc(&sb, ' ');
		space = 0;
		strbuf_putc(&sb, *p);
	}
	xmlFree(v);
	return strbuf_detach(&sb);
}

static const xmlNode *child(const xmlNode *node, const char *name)
{
	for (const xmlNode *c = node->children; c; c = c->next)
		if (is_element(c, name))
			return c;
	return NULL;
}

static char *child_text(const xmlNode *node, const char *name)
{
	const xmlNode *c = child(node, name);
	return c ? offer_node_text(c) : NULL;
}

static int parse_long(const char *text, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end)
		return -1;
	*out = v;
	return 0;
}

static void field_release(struct offer_field *f)
{
	free(f->name);
	free(f->label);
	free(f->help);
	free(f->section);
	free(f->required_if);
	free(f->source);
	for (size_t i = 0; i < f->nchoices; i++)
		free(f->choices[i]);
	free(f->choices);
}

static int load_field(const char *path, const xmlNode *node, const char *section,
		      struct offer_field *f, struct strbuf *err)
{
	char *type = attr(node, "type"), *value;
	int rc = 0;

	memset(f, 0, sizeof *f);
	f->line = (int)xmlGetLineNo(node);
	f->name = attr(node, "name");
	f->section = strdup(section ? section : "");
	if (!f->name || !*f->name) {
		strbuf_printf(err, "%s:%d: field without a name\n", path, f->line);
		rc = -1;
	}
	if (!type || field_type_parse(type, &f->type) < 0) {
		strbuf_printf(err, "%s:%d: field %s: unknown type \"%s\"\n", path, f->line,
			      f->name ? f->name : "?", type ? type : "");
		rc = -1;
	}
	free(type);
	f->label = child_text(node, "label");
	if (!f->label || !*f->label) {
		/* The label is printed on the form and is how a form that lost its
		 * controls is read: a field cannot do without one. */
		strbuf_printf(err, "%s:%d: field %s: the label is empty\n", path, f->line,
			      f->name ? f->name : "?");
		rc = -1;
		free(f->label);
		f->label = strdup(f->name ? f->name : "");
	}
	f->help = child_text(node, "help");
	value = attr(node, "required");
	f->required = value && strcmp(value, "true") == 0;
	free(value);
	f->required_if = attr(node, "required-if");
	f->source = strdup(path);
	if ((value = attr(node, "min"))) {
		if (parse_long(value, &f->min) < 0) {
			strbuf_printf(err, "%s:%d: field %s: min is not a number\n", path, f->line, f->name);
			rc = -1;
		}
		f->has_min = 1;
		free(value);
	}
	if ((value = attr(node, "max"))) {
		if (parse_long(value, &f->max) < 0) {
			strbuf_printf(err, "%s:%d: field %s: max is not a number\n", path, f->line, f->name);
			rc = -1;
		}
		f->has_max = 1;
		free(value);
	}
	if (f->has_min && f->has_max && f->min > f->max) {
		strbuf_printf(err, "%s:%d: field %s: min %ld is greater than max %ld\n", path, f->line,
			      f->name ? f->name : "?", f->min, f->max);
		rc = -1;
	}
	for (const xmlNode *c = node->children; c; c = c->next) {
		if (!is_element(c, "choice"))
			continue;
		char **grown = realloc(f->choices, (f->nchoices + 1) * sizeof *grown);
		if (!grown)
			return -1;
		f->choices = grown;
		f->choices[f->nchoices++] = offer_node_text(c);
	}
	if (f->type == FIELD_CHOICE && f->nchoices == 0) {
		strbuf_printf(err, "%s:%d: field %s: a choice field needs <choice> values\n", path,
			      f->line, f->name);
		rc = -1;
	}
	return rc;
}

static int add_field(struct offer *offer, struct offer_field *f, struct strbuf *err)
{
	/* A field declared again (after an <include>) replaces the earlier one,
	 * so an offer can narrow a common block, e.g. sted_type's choices; twice
	 * in one file it is a slip that would silently drop a field. */
	for (size_t i = 0; f->name && i < offer->nfields; i++) {
		if (strcmp(offer->fields[i].name, f->name) == 0) {
			if (strcmp(offer->fields[i].source, f->source) == 0) {
				strbuf_printf(err, "%s:%d: field %s is declared twice (also at line %d)\n",
					      f->source, f->line, f->name, offer->fields[i].line);
				return -1;
			}
			field_release(&offer->fields[i]);
			offer->fields[i] = *f;
			return 0;
		}
	}
	struct offer_field *grown = realloc(offer->fields, (offer->nfields + 1) * sizeof *grown);
	if (!grown)
		return -1;
	offer->fields = grown;
	offer->fields[offer->nfields++] = *f;
	return 0;
}

static int load_fields(struct offer *offer, const char *path, const xmlNode *parent,
		       const char *section, int depth, struct strbuf *err);
static char **split_words(const char *text, size_t *count);

static void rule_release(struct offer_rule *r)
{
	free(r->id);
	free(r->test);
	for (size_t i = 0; i < r->nfields; i++)
		free(r->fields[i]);
	free(r->fields);
	free(r->fail_text);
	free(r->source);
}

static int load_rule(const char *path, const xmlNode *node, struct offer_rule *r,
		     struct strbuf *err)
{
	int rc = 0;
	memset(r, 0, sizeof *r);
	r->line = (int)xmlGetLineNo(node);
	r->id = attr(node, "id");
	r->test = child_text(node, "test");
	r->fail_text = child_text(node, "fail");
	r->source = strdup(path);
	char *fields = attr(node, "fields");
	r->fields = split_words(fields, &r->nfields);
	free(fields);
	if (!r->id || !*r->id) {
		strbuf_printf(err, "%s:%d: rule without an id\n", path, r->line);
		rc = -1;
	}
	if (!r->test || !*r->test || !r->fail_text || !*r->fail_text || r->nfields == 0) {
		strbuf_printf(err, "%s:%d: rule %s needs fields=\"...\", a <test> and a <fail>\n",
			      path, r->line, r->id ? r->id : "?");
		rc = -1;
	}
	return rc;
}

/* A rule declared again with the same id replaces the earlier one, as a field does. */
static int add_rule(struct offer *offer, struct offer_rule *r, struct strbuf *err)
{
	for (size_t i = 0; r->id && i < offer->nrules; i++) {
		if (strcmp(offer->rules[i].id, r->id) == 0) {
			if (strcmp(offer->rules[i].source, r->source) == 0) {
				strbuf_printf(err, "%s:%d: rule %s is declared twice (also at line %d)\n",
					      r->source, r->line, r->id, offer->rules[i].line);
				return -1;
			}
			rule_release(&offer->rules[i]);
			offer->rules[i] = *r;
			return 0;
		}
	}
	struct offer_rule *grown = realloc(offer->rules, (offer->nrules + 1) * sizeof *grown);
	if (!grown)
		return -1;
	offer->rules = grown;
	offer->rules[offer->nrules++] = *r;
	return 0;
}

/*
 * Where block NAME is: forms/blocks/NAME.xml of the administrator's local
 * forms (while they are in play), else beside the offer's own folder, else
 * of the shipped forms, so a local offer can include the shipped blocks.
 */
static int find_block(const struct offer *offer, const char *name, char *file, size_t size)
{
	char relative[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	snprintf(relative, sizeof relative, "blocks/%s.xml", name);
	if (local_overlay) {
		char local[PATH_MAX];
		paths_join(local, sizeof local, paths_confdir(), "forms");
		paths_join(file, size, local, relative);
		if (stat(file, &st) == 0)
			return 0;
	}
	/* The offer's folder's parent, however the offer was named ("offer.xml"). */
	if (realpath(offer->path, dir)) {
		for (int up = 0; up < 2; up++) {
			char *slash = strrchr(dir, '/');
			if (slash && slash != dir)
				*slash = '\0';
		}
		paths_join(file, size, dir, relative);
		if (stat(file, &st) == 0)
			return 0;
	}
	paths_join(file, size, paths_forms_dir(), relative);
	return stat(file, &st) == 0 ? 0 : -1;
}

static int load_include(struct offer *offer, const char *path, const xmlNode *node,
			const char *section, int depth, struct strbuf *err)
{
	char *block = attr(node, "block");
	char relative[PATH_MAX], file[PATH_MAX];
	int rc = -1;

	if (!block || !*block || strchr(block, '/') || block[0] == '.') {
		strbuf_printf(err, "%s:%d: include needs a block name\n", path,
			      (int)xmlGetLineNo(node));
		goto out;
	}
	if (depth > 4) {
		strbuf_printf(err, "%s:%d: includes nested too deeply\n", path,
			      (int)xmlGetLineNo(node));
		goto out;
	}
	if (find_block(offer, block, file, sizeof file) < 0) {
		snprintf(relative, sizeof relative, "blocks/%s.xml", block);
		strbuf_printf(err, "%s:%d: block \"%s\" not found (%s beside the offer's folder%s)\n",
			      path, (int)xmlGetLineNo(node), block, relative,
			      local_overlay ? ", in the local forms/ or the shipped forms/" : " or in the shipped forms/");
		goto out;
	}
	xmlDoc *doc = offer_read_xml(file, err);
	if (!doc)
		goto out;
	rc = offer_check_schema(file, doc, err);
	if (rc == 0)
		rc = load_fields(offer, file, xmlDocGetRootElement(doc), section, depth + 1, err);
	xmlFreeDoc(doc);
out:
	free(block);
	return rc;
}

static int load_fields(struct offer *offer, const char *path, const xmlNode *parent,
		       const char *section, int depth, struct strbuf *err)
{
	int rc = 0;
	for (const xmlNode *c = parent->children; c; c = c->next) {
		if (is_element(c, "field")) {
			struct offer_field f;
			if (load_field(path, c, section, &f, err) < 0 || add_field(offer, &f, err) < 0) {
				field_release(&f);
				rc = -1;
			}
		} else if (is_element(c, "include")) {
			if (load_include(offer, path, c, section, depth, err) < 0)
				rc = -1;
		} else if (is_element(c, "rule")) {
			struct offer_rule r;
			if (load_rule(path, c, &r, err) < 0 || add_rule(offer, &r, err) < 0) {
				rule_release(&r);
				rc = -1;
			}
		}
	}
	return rc;
}

static int load_criterion(const char *path, const xmlNode *node, struct offer_criterion *c,
			  struct strbuf *err)
{
	char *kind = attr(node, "kind");
	int rc = 0;
	memset(c, 0, sizeof *c);
	c->line = (int)xmlGetLineNo(node);
	c->id = attr(node, "id");
	c->test = child_text(node, "test");
	if (!c->test)
		c->test = attr(node, "test");
	c->pass_text = child_text(node, "pass");
	c->fail_text = child_text(node, "fail");
	if (!c->id || !*c->id) {
		strbuf_printf(err, "%s:%d: criterion without an id\n", path, c->line);
		rc = -1;
	}
	if (!kind || (strcmp(kind, "eligibility") && strcmp(kind, "priority"))) {
		strbuf_printf(err, "%s:%d: criterion %s: kind must be eligibility or priority\n",
			      path, c->line, c->id ? c->id : "?");
		rc = -1;
	} else {
		c->kind = strcmp(kind, "priority") == 0 ? CRITERION_PRIORITY : CRITERION_ELIGIBILITY;
	}
	if (!c->test || !*c->test) {
		strbuf_printf(err, "%s:%d: criterion %s: no test\n", path, c->line,
			      c->id ? c->id : "?");
		rc = -1;
	}
	free(kind);
	return rc;
}

static void criterion_release(struct offer_criterion *c)
{
	free(c->id);
	free(c->test);
	free(c->pass_text);
	free(c->fail_text);
}

static char **split_words(const char *text, size_t *count)
{
	char **words = NULL;
	*count = 0;
	if (!text)
		return NULL;
	const char *p = text;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *start = p;
		while (*p && *p != ' ' && *p != ',')
			p++;
		if (p > start) {
			char **grown = realloc(words, (*count + 1) * sizeof *grown);
			if (!grown)
				break;
			words = grown;
			words[(*count)++] = strndup(start, (size_t)(p - start));
		}
	}
	return words;
}

/*
 * keep_flawed: an offer whose only fault is a name its sentences or rules
 * use that it lacks is still returned (flawed set, -1 returned), so that
 * skema check-forms can compile its criteria and report their faults too.
 */
/* " (did you mean tema?)" for a name a letter or two from a field's; else "". */
static const char *did_you_mean(const struct offer *offer, const char *name, char *buf, size_t size)
{
	const char *names[512];
	size_t count = 0;
	for (size_t i = 0; i < offer->nfields && count < 512; i++)
		names[count++] = offer->fields[i].name;
	const char *near = nearest_name(name, names, count);
	if (!near)
		return "";
	snprintf(buf, size, " (did you mean %s?)", near);
	return buf;
}

static int load_offer(const char *path, struct offer **out, struct strbuf *err, int keep_flawed)
{
	struct offer *offer = calloc(1, sizeof *offer);
	xmlDoc *doc = NULL;
	char *value;
	int rc = -1, names_rc = 0;

	*out = NULL;
	if (!offer)
		return -1;
	offer->path = strdup(path);
	offer->capacity_max = -1;
	doc = offer_read_xml(path, err);
	if (!doc)
		goto out;
	offer->doc = doc;
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || !is_element(root, "offer") || !root->ns ||
	    strcmp((const char *)root->ns->href, OFFER_NS) != 0) {
		strbuf_printf(err, "%s:%d: not an offer definition (root must be <offer xmlns=\"%s\">)\n",
			      path, root ? (int)xmlGetLineNo(root) : 1, OFFER_NS);
		goto out;
	}
	if (offer_check_schema(path, doc, err) < 0)
		goto out;
	rc = 0;
	offer->id = attr(root, "id");
	offer->version = attr(root, "version");
	if (!offer->id || !*offer->id) {
		strbuf_printf(err, "%s:%d: offer without an id\n", path, (int)xmlGetLineNo(root));
		rc = -1;
	}
	if (!offer->version)
		offer->version = strdup("1");
	offer->title = child_text(root, "title");
	offer->authority = child_text(root, "authority");
	if (!offer->title) {
		strbuf_printf(err, "%s:%d: offer %s has no <title>\n", path,
			      (int)xmlGetLineNo(root), offer->id ? offer->id : "?");
		rc = -1;
	}
	const xmlNode *node;
	if ((node = child(root, "applicant")))
		offer->applicant = attr(node, "type");
	if (!offer->applicant)
		offer->applicant = strdup("alle");

	offer->rolling = 1;
	if ((node = child(root, "intake"))) {
		offer->deadline = attr(node, "deadline");
		offer->late_text = child_text(node, "late");
		if (offer->deadline) {
			offer->rolling = 0;
			if (clock_parse(offer->deadline, &offer->deadline_at) < 0) {
				strbuf_printf(err, "%s:%d: deadline \"%s\" is not an ISO date or time\n",
					      path, (int)xmlGetLineNo(node), offer->deadline);
				rc = -1;
			} else if (strlen(offer->deadline) == 10) {
				/* A date alone means the end of that day. */
				offer->deadline_at += 24 * 60 * 60 - 1;
			}
		}
	}
	if ((node = child(root, "capacity"))) {
		offer->capacity_unit = attr(node, "unit");
		offer->capacity_period = attr(node, "period");
		if ((value = attr(node, "min"))) {
			if (parse_long(value, &offer->capacity_min) < 0) {
				strbuf_printf(err, "%s:%d: capacity min is not a number\n", path,
					      (int)xmlGetLineNo(node));
				rc = -1;
			}
			free(value);
		}
		if ((value = attr(node, "max"))) {
			if (parse_long(value, &offer->capacity_max) < 0) {
				strbuf_printf(err, "%s:%d: capacity max is not a number\n", path,
					      (int)xmlGetLineNo(node));
				rc = -1;
			}
			free(value);
		}
	}
	if (offer->capacity_max >= 0 && offer->capacity_min > offer->capacity_max) {
		strbuf_printf(err, "%s:%d: capacity min %ld is greater than max %ld\n", path,
			      (int)xmlGetLineNo(child(root, "capacity")), offer->capacity_min,
			      offer->capacity_max);
		rc = -1;
	}
	if (!offer->capacity_period)
		offer->capacity_period = strdup(offer->rolling ? "year" : "round");
	if ((node = child(root, "selection"))) {
		offer->policy = attr(node, "policy");
		offer->rank_by = attr(node, "rank");
		value = attr(node, "auto-confirm");
		offer->auto_confirm = split_words(value, &offer->nauto_confirm);
		free(value);
		for (const xmlNode *c = node->children; c; c = c->next) {
			if (!is_element(c, "spread"))
				continue;
			char **grown = realloc(offer->spread, (offer->nspread + 1) * sizeof *grown);
			if (!grown)
				break;
			offer->spread = grown;
			offer->spread[offer->nspread++] = attr(c, "field");
		}
	}
	if (!offer->policy)
		offer->policy = strdup(offer->rolling ? "first-come" : "priority");

	for (const xmlNode *c = root->children; c; c = c->next) {
		if (is_element(c, "section")) {
			char *title = attr(c, "title");
			if (load_fields(offer, path, c, title, 0, err) < 0)
				rc = -1;
			free(title);
		} else if (is_element(c, "criterion")) {
			struct offer_criterion crit;
			if (load_criterion(path, c, &crit, err) < 0) {
				criterion_release(&crit);
				rc = -1;
				continue;
			}
			int twice = 0;
			for (size_t i = 0; crit.id && i < offer->ncriteria && !twice; i++)
				if (strcmp(offer->criteria[i].id, crit.id) == 0) {
					strbuf_printf(err, "%s:%d: criterion %s is declared twice (also at line %d)\n",
						      path, crit.line, crit.id, offer->criteria[i].line);
					twice = 1;
				}
			if (twice) {
				criterion_release(&crit);
				rc = -1;
				continue;
			}
			struct offer_criterion *grown =
				realloc(offer->criteria, (offer->ncriteria + 1) * sizeof *grown);
			if (!grown) {
				criterion_release(&crit);
				rc = -1;
				continue;
			}
			offer->criteria = grown;
			offer->criteria[offer->ncriteria++] = crit;
		}
	}
	if (offer->nfields == 0) {
		strbuf_printf(err, "%s: offer %s has no fields\n", path, offer->id ? offer->id : "?");
		rc = -1;
	}
	/* A sentence may name the applicant's values, {timer}: only fields the offer has. */
	char hint[128];
	for (size_t i = 0; i < offer->ncriteria; i++) {
		const struct offer_criterion *c = &offer->criteria[i];
		const char *texts[] = {c->pass_text, c->fail_text};
		char name[64];
		for (size_t t = 0; t < 2; t++)
			if (criterion_text_unknown(offer, texts[t], name, sizeof name)) {
				strbuf_printf(err, "%s:%d: criterion %s: {%s} is not a field of the offer%s\n",
					      path, c->line, c->id, name, did_you_mean(offer, name, hint, sizeof hint));
				names_rc = -1;
			}
	}
	/* A rule names the fields the applicant is asked to correct: real ones. */
	for (size_t i = 0; i < offer->nrules; i++) {
		const struct offer_rule *r = &offer->rules[i];
		char name[64];
		for (size_t k = 0; k < r->nfields; k++)
			if (!offer_find_field(offer, r->fields[k])) {
				strbuf_printf(err, "%s:%d: rule %s: %s is not a field of the offer%s\n",
					      r->source, r->line, r->id, r->fields[k],
					      did_you_mean(offer, r->fields[k], hint, sizeof hint));
				names_rc = -1;
			}
		if (criterion_text_unknown(offer, r->fail_text, name, sizeof name)) {
			strbuf_printf(err, "%s:%d: rule %s: {%s} is not a field of the offer%s\n",
				      r->source, r->line, r->id, name, did_you_mean(offer, name, hint, sizeof hint));
			names_rc = -1;
		}
	}
out:
	if (rc < 0 || (names_rc < 0 && !keep_flawed)) {
		offer_free(offer);
		return -1;
	}
	offer->flawed = names_rc < 0;
	*out = offer;
	return names_rc;
}

int offer_load(const char *path, struct offer **out, struct strbuf *err)
{
	return load_offer(path, out, err, 0);
}

void offer_free(struct offer *offer)
{
	if (!offer)
		return;
	for (size_t i = 0; i < offer->nfields; i++)
		field_release(&offer->fields[i]);
	free(offer->fields);
	for (size_t i = 0; i < offer->ncriteria; i++)
		criterion_release(&offer->criteria[i]);
	free(offer->criteria);
	for (size_t i = 0; i < offer->nrules; i++)
		rule_release(&offer->rules[i]);
	free(offer->rules);
	for (size_t i = 0; i < offer->nspread; i++)
		free(offer->spread[i]);
	free(offer->spread);
	for (size_t i = 0; i < offer->nauto_confirm; i++)
		free(offer->auto_confirm[i]);
	free(offer->auto_confirm);
	free(offer->path);
	free(offer->id);
	free(offer->version);
	free(offer->title);
	free(offer->applicant);
	free(offer->deadline);
	free(offer->capacity_unit);
	free(offer->capacity_period);
	free(offer->policy);
	free(offer->authority);
	free(offer->late_text);
	free(offer->rank_by);
	xmlFreeDoc(offer->doc);
	free(offer);
}

void offer_set_init(struct offer_set *set)
{
	set->offers = NULL;
	set->count = 0;
}

void offer_set_release(struct offer_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		offer_free(set->offers[i]);
	free(set->offers);
	set->offers = NULL;
	set->count = 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the offer folders of dir to names (no duplicates); 0, or -1 when dir cannot be read. */
static int list_offer_folders(const char *dir, char ***names, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "blocks") == 0 ||
		    strcmp(e->d_name, "letters") == 0)
			continue;
		int known = 0;
		for (size_t i = 0; i < *count && !known; i++)
			known = strcmp((*names)[i], e->d_name) == 0;
		if (known)
			continue;
		char **grown = realloc(*names, (*count + 1) * sizeof *grown);
		if (!grown)
			break;
		*names = grown;
		(*names)[(*count)++] = strdup(e->d_name);
	}
	closedir(d);
	return 0;
}

static int load_set(struct offer_set *set, const char *dir, struct strbuf *err, int keep_flawed)
{
	char **names = NULL, local_forms[PATH_MAX];
	size_t count = 0;
	int rc = 0;

	/*
	 * The default definitions: the shipped ones with the administrator's
	 * under <confdir>/forms, a local copy of an offer replacing the shipped
	 * one and a local offer of its own added.  A directory named on the
	 * command line (check-forms --forms DIR) is read alone, so a draft is
	 * checked as it is.
	 */
	int overlay = strcmp(dir, paths_forms_dir()) == 0;
	paths_join(local_forms, sizeof local_forms, paths_confdir(), "forms");
	if (list_offer_folders(dir, &names, &count) < 0) {
		strbuf_printf(err, "%s: cannot open offer directory: %s\n", dir, strerror(errno));
		return -1;
	}
	if (overlay)
		list_offer_folders(local_forms, &names, &count);
	/* Sorted, so every run and every listing sees the offers in one order. */
	if (count > 0) /* qsort(NULL, 0, ...) is undefined (UBSan says so) */
		qsort(names, count, sizeof *names, compare_names);
	schema_cache.loading++;
	int outer_overlay = local_overlay;
	local_overlay = overlay;
	for (size_t i = 0; i < count; i++) {
		char file[PATH_MAX], local[PATH_MAX], relative[PATH_MAX];
		struct stat st;
		if (!names[i])
			continue;
		snprintf(relative, sizeof relative, "%s/offer.xml", names[i]);
		paths_join(file, sizeof file, dir, relative);
		paths_join(local, sizeof local, local_forms, relative);
		const char *use = overlay && stat(local, &st) == 0 ? local : file;
		if (stat(use, &st) != 0)
			continue;
		struct offer *offer;
		if (load_offer(use, &offer, err, keep_flawed) < 0) {
			rc = -1;
			if (!offer)
				continue;
		}
		/* Letters, reports and staff know an offer by its folder's name. */
		if (strcmp(offer->id, names[i]) != 0) {
			strbuf_printf(err, "%s: offer id \"%s\" differs from its folder's name \"%s\"\n",
				      use, offer->id, names[i]);
			offer_free(offer);
			rc = -1;
			continue;
		}
		struct offer **grown = realloc(set->offers, (set->count + 1) * sizeof *grown);
		if (!grown) {
			offer_free(offer);
			rc = -1;
			continue;
		}
		set->offers = grown;
		set->offers[set->count++] = offer;
	}
	local_overlay = outer_overlay;
	if (--schema_cache.loading == 0)
		schema_cache_drop();
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

int offer_set_load(struct offer_set *set, const char *dir, struct strbuf *err)
{
	return load_set(set, dir, err, 0);
}

int offer_set_load_for_check(struct offer_set *set, const char *dir, struct strbuf *err)
{
	return load_set(set, dir, err, 1);
}

int offer_is_registration(const struct offer *offer)
{
	return offer && offer->policy && strcmp(offer->policy, "none") == 0;
}

const struct offer *offer_set_find(const struct offer_set *set, const char *id)
{
	for (size_t i = 0; id && i < set->count; i++)
		if (strcmp(set->offers[i]->id, id) == 0)
			return set->offers[i];
	return NULL;
}

const struct offer_field *offer_find_field(const struct offer *offer, const char *name)
{
	for (size_t i = 0; offer && name && i < offer->nfields; i++)
		if (strcmp(offer->fields[i].name, name) == 0)
			return &offer->fields[i];
	return NULL;
}

void offer_join_labels(const struct offer *offer, const char *const *names, size_t count,
		       int quoted, struct strbuf *out)
{
	for (size_t i = 0; i < count; i++) {
		const struct offer_field *f = offer_find_field(offer, names[i]);
		const char *label = f && f->label ? f->label : names[i] ? names[i] : "?";
		if (i)
			strbuf_puts(out, i + 1 == count ? " og " : ", ");
		strbuf_printf(out, quoted ? "»%s«" : "%s", label);
	}
}

long offer_period_index(const struct offer *offer, time_t t)
{
	struct tm tm;
	const char *period = offer->capacity_period ? offer->capacity_period : "year";
	localtime_r(&t, &tm);
	long year = tm.tm_year + 1900L;
	if (strcmp(period, "year") == 0)
		return year;
	if (strcmp(period, "quarter") == 0)
		return year * 4 + tm.tm_mon / 3;
	if (strcmp(period, "month") == 0)
		return year * 12 + tm.tm_mon;
	return 0;
}

void offer_period_key(const struct offer *offer, long index, char *key, size_t size)
{
	const char *period = offer->capacity_period ? offer->capacity_period : "year";
	if (strcmp(period, "year") == 0)
		snprintf(key, size, "%04ld", index);
	else if (strcmp(period, "quarter") == 0)
		snprintf(key, size, "%04ld-Q%ld", index / 4, index % 4 + 1);
	else if (strcmp(period, "month") == 0)
		snprintf(key, size, "%04ld-%02ld", index / 12, index % 12 + 1);
	else if (size > 0)
		key[0] = '\0';
}
