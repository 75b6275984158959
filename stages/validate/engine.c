/*
 * engine.c - the criteria engine of skema-validate (validate.h).
 *
 * One in-memory SQLite database per offer holds a one-row temporary table
 * "application".  For each record the row is replaced (bound values only)
 * and every compiled criterion is stepped once.  SQLite's own expression
 * language does the work: CASE for conditional rules, BETWEEN, date() for
 * dates against receipt, sums of 0/1 checkboxes for "at least one of".
 *
 * Security: definitions are administrator input, so a test is compiled as
 * "SELECT (test) FROM application" with an authorizer that permits only
 * SELECT, reading the application table and calling functions; the
 * statement must also be sqlite3_stmt_readonly() and the whole text one
 * statement.  Applicants' values only ever reach SQLite as bound parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "criterion_text.h"
#include "nearest.h"
#include "normalize.h"
#include "record.h"
#include "utf8.h"
#include "validate.h"

/* Context columns after the fields, in this order. */
static const char *const context_columns[] = {
	"received_at", "received_date", "received_time", "received_year", "deadline_at",
	"kommune_region",
};
#define NCONTEXT (sizeof context_columns / sizeof *context_columns)

static int authorize(void *data, int action, const char *a, const char *b, const char *db_name,
		     const char *trigger)
{
	const struct validate_engine *e = data;
	(void)db_name;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		/* b is the function name; these reach outside the expression. */
		if (b && (strcasecmp(b, "load_extension") == 0 || strcasecmp(b, "readfile") == 0 ||
			  strcasecmp(b, "writefile") == 0 || strcasecmp(b, "fts3_tokenizer") == 0 ||
			  strcasecmp(b, "edit") == 0))
			return SQLITE_DENY;
		return SQLITE_OK;
	case SQLITE_READ:
		return a && strcmp(a, "application") == 0 ? SQLITE_OK : SQLITE_DENY;
	case SQLITE_INSERT:
	case SQLITE_DELETE:
		/* Only the engine's own two statements fill the row. */
		return e->internal && a && strcmp(a, "application") == 0 ? SQLITE_OK : SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

/* Called every 100000 VM steps; stops a test after about ten million. */
static int progress_limit(void *data)
{
	struct validate_engine *e = data;
	return ++e->progress > 100;
}

void validate_engine_init(struct validate_engine *e)
{
	memset(e, 0, sizeof *e);
}

void validate_engine_release(struct validate_engine *e)
{
	if (!e)
		return;
	if (e->offer) {
		for (size_t i = 0; e->tests && i < e->offer->ncriteria; i++)
			sqlite3_finalize(e->tests[i]);
		for (size_t i = 0; e->required_if && i < e->offer->nfields; i++)
			sqlite3_finalize(e->required_if[i]);
		for (size_t i = 0; e->rules && i < e->offer->nrules; i++)
			sqlite3_finalize(e->rules[i]);
	}
	free(e->tests);
	free(e->required_if);
	free(e->rules);
	sqlite3_finalize(e->clear);
	sqlite3_finalize(e->insert);
	sqlite3_close(e->db);
	validate_engine_init(e);
}

/*
 * For SQLite's "no such column: X", the field or context column most like
 * X when X is a slip of a letter or two; else NULL.
 */
static const char *unknown_column_nearest(const struct validate_engine *e, const char *message)
{
	static const char prefix[] = "no such column: ";
	if (strncmp(message, prefix, sizeof prefix - 1) != 0)
		return NULL;
	const char *name = message + sizeof prefix - 1;
	const char *names[512];
	size_t count = 0;
	for (size_t i = 0; i < e->offer->nfields && count < 512 - NCONTEXT; i++)
		names[count++] = e->offer->fields[i].name;
	for (size_t i = 0; i < NCONTEXT; i++)
		names[count++] = context_columns[i];
	return nearest_name(name, names, count);
}

/*
 * 1 when no field but a checkbox has a value, and the offer has a field
 * that is not a checkbox: nothing on the form was filled in.
 */
static int form_is_blank(const struct offer *offer, json_t *values)
{
	int others = 0;
	for (size_t i = 0; i < offer->nfields; i++) {
		if (offer->fields[i].type == FIELD_CHECKBOX)
			continue;
		others = 1;
		if (!json_is_null(json_object_get(values, offer->fields[i].name)))
			return 0;
	}
	return others;
}

/* Compiles "SELECT (expr) FROM application"; returns the statement or NULL with err. */
static sqlite3_stmt *compile_test(struct validate_engine *e, const char *expr, const char *where,
				  struct strbuf *err)
{
	struct strbuf sql;
	sqlite3_stmt *stmt = NULL;
	const char *tail = NULL;
	strbuf_init(&sql, 0);
	/* The expression is the administrator's; a closing parenthesis in it can
	 * at most end the expression early, and the tail check below refuses
	 * anything after it. */
	strbuf_printf(&sql, "SELECT (%s\n) FROM application", expr);
	int rc = sqlite3_prepare_v2(e->db, strbuf_str(&sql), -1, &stmt, &tail);
	if (rc != SQLITE_OK) {
		const char *message = sqlite3_errmsg(e->db);
		const char *near = unknown_column_nearest(e, message);
		strbuf_printf(err, "%s: %s", where, message);
		if (near)
			strbuf_printf(err, " (did you mean %s?)", near);
		strbuf_printf(err, "\n");
		goto fail;
	}
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		strbuf_printf(err, "%s: the test must be one expression\n", where);
		goto fail;
	}
	if (!stmt || !sqlite3_stmt_readonly(stmt) || sqlite3_column_count(stmt) != 1) {
		strbuf_printf(err, "%s: the test must be one read-only expression\n", where);
		goto fail;
	}
	strbuf_release(&sql);
	return stmt;
fail:
	sqlite3_finalize(stmt);
	strbuf_release(&sql);
	return NULL;
}

/* ---- choice literals ------------------------------------------------------ */

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Reads an SQL string literal at p ('it''s'); returns the end or NULL.  *out: caller frees. */
static const char *read_literal(const char *p, char **out)
{
	struct strbuf sb;
	if (*p != '\'')
		return NULL;
	strbuf_init(&sb, 0);
	for (p++; *p; p++) {
		if (*p == '\'') {
			if (p[1] == '\'') {
				strbuf_putc(&sb, '\'');
				p++;
				continue;
			}
			*out = strbuf_detach(&sb);
			return p + 1;
		}
		strbuf_putc(&sb, *p);
	}
	strbuf_release(&sb);
	return NULL;
}

/*
 * The next identifier at or after *pos that stands outside string literals,
 * copied into name, with *pos just past it; NULL at the end of expr or at an
 * unterminated literal.  The choice-literal check and the scan for fields an
 * unjudged test needs walk a test the same way, so they share this.
 */
static const char *next_ident(const char *expr, const char **pos, char *name, size_t size)
{
	const char *p = *pos;
	while (*p) {
		if (*p == '\'') {
			char *skipped = NULL;
			const char *next = read_literal(p, &skipped);
			free(skipped);
			if (!next)
				break;
			p = next;
			continue;
		}
		if (!ident_char(*p) || (p > expr && ident_char(p[-1]))) {
			p++;
			continue;
		}
		const char *start = p;
		while (ident_char(*p))
			p++;
		snprintf(name, size, "%.*s", (int)(p - start), start);
		*pos = p;
		return start;
	}
	*pos = p;
	return NULL;
}

static int check_literal(const struct offer_field *f, const char *literal, const char *where,
			 struct strbuf *err)
{
	/* A checkbox is 0 or 1 and an integer a number: SQLite compares them
	 * with text as never equal, so such a test could never pass. */
	if (f->type == FIELD_CHECKBOX || f->type == FIELD_INTEGER) {
		strbuf_printf(err, "%s: field %s is %s: compare it with %s, not '%s'\n", where, f->name,
			      f->type == FIELD_CHECKBOX ? "a checkbox" : "an integer",
			      f->type == FIELD_CHECKBOX ? "1 (ticked) or 0" : "a number", literal);
		return -1;
	}
	for (size_t i = 0; i < f->nchoices; i++)
		if (strcmp(f->choices[i], literal) == 0)
			return 0;
	strbuf_printf(err, "%s: '%s' is not a choice of field %s (", where, literal, f->name);
	for (size_t i = 0; i < f->nchoices; i++)
		strbuf_printf(err, "%s'%s'", i ? ", " : "", f->choices[i]);
	strbuf_puts(err, ")\n");
	return -1;
}

int validate_check_choice_literals(const struct offer *offer, const char *expr, const char *where,
				   struct strbuf *err)
{
	int rc = 0;
	const char *p = expr, *start;
	char name[128];
	while ((start = next_ident(expr, &p, name, sizeof name))) {
		const struct offer_field *f = offer_find_field(offer, name);
		if (!f || (f->type != FIELD_CHOICE && f->type != FIELD_CHECKBOX && f->type != FIELD_INTEGER))
			continue;
		/* Also a CASE on the field: "CASE kursustype WHEN 'x' THEN ... WHEN 'y'". */
		const char *q = skip_space(p);
		int list = 0, is_case = start - expr >= 5 && strncasecmp(skip_space(start - 5), "CASE", 4) == 0;
		if (q[0] == '=' && q[1] == '=')
			q += 2;
		else if (q[0] == '=')
			q += 1;
		else if ((q[0] == '!' || q[0] == '<') && (q[1] == '=' || q[1] == '>'))
			q += 2;
		else if (strncasecmp(q, "NOT", 3) == 0 && !ident_char(q[3]) &&
			 strncasecmp(skip_space(q + 3), "IN", 2) == 0) {
			q = skip_space(skip_space(q + 3) + 2);
			list = 1;
		} else if (strncasecmp(q, "IN", 2) == 0 && !ident_char(q[2])) {
			q = skip_space(q + 2);
			list = 1;
		} else if (!is_case)
			continue;
		if (is_case) {
			/* Every WHEN 'literal' up to the END belongs to this field. */
			const char *w = q;
			while (*w && strncasecmp(w, "END", 3) != 0) {
				if (strncasecmp(w, "WHEN", 4) == 0 && !ident_char(w[4])) {
					char *lit = NULL;
					const char *after = read_literal(skip_space(w + 4), &lit);
					if (after && check_literal(f, lit, where, err) < 0)
						rc = -1;
					free(lit);
					w = after ? after : w + 4;
					continue;
				}
				if (*w == '\'') {
					char *lit = NULL;
					const char *after = read_literal(w, &lit);
					free(lit);
					w = after ? after : w + 1;
					continue;
				}
				w++;
			}
			continue;
		}
		q = skip_space(q);
		if (list) {
			if (*q != '(')
				continue;
			q = skip_space(q + 1);
			for (;;) {
				char *lit = NULL;
				const char *after = read_literal(q, &lit);
				if (!after)
					break;
				if (check_literal(f, lit, where, err) < 0)
					rc = -1;
				free(lit);
				q = skip_space(after);
				if (*q != ',')
					break;
				q = skip_space(q + 1);
			}
		} else {
			char *lit = NULL;
			if (read_literal(q, &lit) && check_literal(f, lit, where, err) < 0)
				rc = -1;
			free(lit);
		}
	}
	return rc;
}

/* ---- open ------------------------------------------------------------------ */

int validate_engine_open(struct validate_engine *e, const struct offer *offer, struct strbuf *err)
{
	struct strbuf sql, where;
	int rc = -1, bad = 0;

	validate_engine_init(e);
	e->offer = offer;
	strbuf_init(&sql, 0);
	strbuf_init(&where, 0);
	if (sqlite3_open_v2(":memory:", &e->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		strbuf_printf(err, "%s: cannot open an in-memory database\n", offer->path);
		goto out;
	}
	sqlite3_db_config(e->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(e->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_limit(e->db, SQLITE_LIMIT_SQL_LENGTH, 100000);
	/* A runaway test (a recursive CTE that never ends) is stopped, not waited for. */
	sqlite3_progress_handler(e->db, 100000, progress_limit, e);

	/* Field names match [a-z][a-z0-9_]* (offer.rng) and are quoted anyway. */
	strbuf_puts(&sql, "CREATE TEMP TABLE application (");
	for (size_t i = 0; i < offer->nfields; i++)
		strbuf_printf(&sql, "%s\"%s\"", i ? ", " : "", offer->fields[i].name);
	for (size_t i = 0; i < NCONTEXT; i++) {
		if (offer_find_field(offer, context_columns[i])) {
			strbuf_printf(err, "%s:%d: field %s: the name is reserved for a context column\n",
				      offer->path, offer_find_field(offer, context_columns[i])->line,
				      context_columns[i]);
			goto out;
		}
		strbuf_printf(&sql, ", \"%s\"", context_columns[i]);
	}
	strbuf_puts(&sql, ")");
	e->ncolumns = offer->nfields + NCONTEXT;
	if (sqlite3_exec(e->db, strbuf_str(&sql), NULL, NULL, NULL) != SQLITE_OK) {
		strbuf_printf(err, "%s: %s\n", offer->path, sqlite3_errmsg(e->db));
		goto out;
	}
	sqlite3_set_authorizer(e->db, authorize, e);
	e->internal = 1;
	strbuf_reset(&sql);
	strbuf_puts(&sql, "INSERT INTO application VALUES (");
	for (size_t i = 0; i < e->ncolumns; i++)
		strbuf_printf(&sql, "%s?", i ? ", " : "");
	strbuf_puts(&sql, ")");
	if (sqlite3_prepare_v2(e->db, strbuf_str(&sql), -1, &e->insert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(e->db, "DELETE FROM application", -1, &e->clear, NULL) != SQLITE_OK) {
		strbuf_printf(err, "%s: %s\n", offer->path, sqlite3_errmsg(e->db));
		e->internal = 0;
		goto out;
	}
	e->internal = 0;

	e->tests = calloc(offer->ncriteria ? offer->ncriteria : 1, sizeof *e->tests);
	e->required_if = calloc(offer->nfields ? offer->nfields : 1, sizeof *e->required_if);
	e->rules = calloc(offer->nrules ? offer->nrules : 1, sizeof *e->rules);
	if (!e->tests || !e->required_if || !e->rules)
		goto out;
	for (size_t i = 0; i < offer->nrules; i++) {
		const struct offer_rule *r = &offer->rules[i];
		strbuf_reset(&where);
		strbuf_printf(&where, "%s:%d: rule %s", r->source ? r->source : offer->path, r->line,
			      r->id);
		e->rules[i] = compile_test(e, r->test, strbuf_str(&where), err);
		if (!e->rules[i])
			bad = 1;
		if (validate_check_choice_literals(offer, r->test, strbuf_str(&where), err) < 0)
			bad = 1;
	}
	for (size_t i = 0; i < offer->ncriteria; i++) {
		const struct offer_criterion *c = &offer->criteria[i];
		strbuf_reset(&where);
		strbuf_printf(&where, "%s:%d: criterion %s", offer->path, c->line, c->id);
		e->tests[i] = compile_test(e, c->test, strbuf_str(&where), err);
		if (!e->tests[i])
			bad = 1;
		if (validate_check_choice_literals(offer, c->test, strbuf_str(&where), err) < 0)
			bad = 1;
	}
	for (size_t i = 0; i < offer->nfields; i++) {
		const struct offer_field *f = &offer->fields[i];
		if (!f->required_if)
			continue;
		strbuf_reset(&where);
		strbuf_printf(&where, "%s:%d: field %s: required-if", f->source ? f->source : offer->path,
			      f->line, f->name);
		e->required_if[i] = compile_test(e, f->required_if, strbuf_str(&where), err);
		if (!e->required_if[i])
			bad = 1;
		if (validate_check_choice_literals(offer, f->required_if, strbuf_str(&where), err) < 0)
			bad = 1;
	}
	/* Labels are how a form that lost its tags is read: two fields with one
	 * label would make such a form ambiguous. */
	for (size_t i = 0; i < offer->nfields; i++)
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(offer->fields[i].label, offer->fields[j].label) == 0) {
				strbuf_printf(err, "%s:%d: field %s: label \"%s\" is also field %s's\n",
					      offer->fields[i].source ? offer->fields[i].source : offer->path,
					      offer->fields[i].line, offer->fields[i].name,
					      offer->fields[i].label, offer->fields[j].name);
				bad = 1;
			}
	/* What the selection names must exist too. */
	for (size_t i = 0; i < offer->nspread; i++)
		if (!offer->spread[i] || !offer_find_field(offer, offer->spread[i])) {
			strbuf_printf(err, "%s: selection: spread over unknown field \"%s\"\n",
				      offer->path, offer->spread[i] ? offer->spread[i] : "");
			bad = 1;
		}
	if (offer->rank_by && !offer_find_field(offer, offer->rank_by)) {
		strbuf_printf(err, "%s: selection: rank by unknown field \"%s\"\n", offer->path,
			      offer->rank_by);
		bad = 1;
	}
	rc = bad ? -1 : 0;
out:
	strbuf_release(&sql);
	strbuf_release(&where);
	if (rc < 0)
		validate_engine_release(e);
	return rc;
}

/*
 * An eligibility test that could not be judged: the empty fields it names
 * are missing too, even when the form does not mark them required, so the
 * letter can ask for exactly them.
 */
static void add_needed(const struct offer *offer, const char *test, const json_t *values,
		       const json_t *nulled, json_t *missing)
{
	const char *p = test;
	char name[128];
	while (next_ident(test, &p, name, sizeof name)) {
		/* A field a rule put aside is asked for as wrong, not as missing. */
		if (!offer_find_field(offer, name) || !json_is_null(json_object_get(values, name)) ||
		    json_object_get(nulled, name))
			continue;
		size_t i;
		json_t *m;
		int listed = 0;
		json_array_foreach(missing, i, m) listed |= strcmp(json_string_value(m), name) == 0;
		if (!listed)
			json_array_append_new(missing, json_string(name));
	}
}

/*
 * The sentence for a test that could not be judged, eligibility or
 * priority: which of the fields it names must be filled in (or corrected)
 * first.  The fail sentence would state a verdict that was not reached
 * (a priority criterion's on the review sheet and in the ranking's
 * reasons).  Empty when the test names no such field.
 */
static void unjudged_text(const struct offer *offer, const char *test, const json_t *values,
			  const json_t *nulled, struct strbuf *out)
{
	const char *names[16];
	size_t n = 0;
	const char *p = test;
	char name[128];
	while (n < 16 && next_ident(test, &p, name, sizeof name)) {
		const struct offer_field *f = offer_find_field(offer, name);
		if (!f || (!json_is_null(json_object_get(values, name)) && !json_object_get(nulled, name)))
			continue;
		int listed = 0;
		for (size_t i = 0; i < n; i++)
			listed |= strcmp(names[i], f->name) == 0;
		if (!listed)
			names[n++] = f->name;
	}
	if (n == 0)
		return;
	strbuf_puts(out, "Kan ikke vurderes, før ");
	offer_join_labels(offer, names, n, 1, out);
	strbuf_puts(out, " er udfyldt korrekt.");
}

/* The year of "YYYY-MM-DD". */
static int year_of(const char *date)
{
	int year = 0;
	for (int i = 0; i < 4 && date[i] >= '0' && date[i] <= '9'; i++)
		year = year * 10 + (date[i] - '0');
	return year;
}

/* ---- one record --------------------------------------------------------------- */

/* The text to normalise for a field object: raw, else the value as text.  Caller frees. */
static char *field_text(const json_t *obj)
{
	const json_t *raw = json_object_get(obj, "raw");
	if (json_is_string(raw))
		return strdup(json_string_value(raw));
	const json_t *value = json_object_get(obj, "value");
	char buf[32];
	if (json_is_string(value))
		return strdup(json_string_value(value));
	if (json_is_integer(value)) {
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(value));
		return strdup(buf);
	}
	if (json_is_true(value))
		return strdup("1");
	if (json_is_false(value))
		return strdup("0");
	return NULL;
}

static void add_invalid(json_t *invalid, const char *field, const char *message)
{
	json_array_append_new(invalid, json_pack("{s:s, s:s}", "field", field, "message", message));
}

static int bind_json(sqlite3_stmt *stmt, int index, const json_t *v)
{
	if (!v || json_is_null(v))
		return sqlite3_bind_null(stmt, index);
	if (json_is_integer(v))
		return sqlite3_bind_int64(stmt, index, (sqlite3_int64)json_integer_value(v));
	if (json_is_string(v))
		return sqlite3_bind_text(stmt, index, json_string_value(v), -1, SQLITE_TRANSIENT);
	return sqlite3_bind_null(stmt, index);
}

/* Steps a compiled test: 1 true, 0 false, -1 NULL, -2 error. */
static int run_test(struct validate_engine *e, sqlite3_stmt *stmt)
{
	int result = -2;
	e->progress = 0;
	sqlite3_reset(stmt);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		switch (sqlite3_column_type(stmt, 0)) {
		case SQLITE_NULL:
			result = -1;
			break;
		case SQLITE_FLOAT:
			result = sqlite3_column_double(stmt, 0) != 0.0;
			break;
		default:
			result = sqlite3_column_int64(stmt, 0) != 0;
			break;
		}
	}
	sqlite3_reset(stmt);
	return result;
}

/* "13. september 2021 kl. 12.00" for a deadline; "1. juni 2019" when it is a whole day. */
static void danish_deadline(const struct offer *offer, char *buf, size_t size)
{
	char date[CLOCK_ISO_SIZE];
	clock_format_danish(offer->deadline_at, date);
	if (strlen(offer->deadline) >= 16)
		snprintf(buf, size, "%s kl. %.2s.%.2s", date, offer->deadline + 11, offer->deadline + 14);
	else
		snprintf(buf, size, "%s", date);
}

/* Why a number, or a text's length (unit " tegn"), is outside the field's bounds. */
static const char *range_reason(const struct offer_field *f, const char *unit, char *buf,
				size_t size)
{
	if (f->has_min && f->has_max)
		snprintf(buf, size, "skal være mellem %ld og %ld%s", f->min, f->max, unit);
	else if (f->has_min)
		snprintf(buf, size, "skal være mindst %ld%s", f->min, unit);
	else
		snprintf(buf, size, "må højst være %ld%s", f->max, unit);
	return buf;
}

/* A field's value for criterion_text_fill(): the one it was judged by. */
struct record_values {
	const json_t *values;
	char number[32];
};

static const char *record_value(void *ctx, const char *name)
{
	struct record_values *rv = ctx;
	const json_t *value = json_object_get(rv->values, name);
	if (json_is_integer(value)) {
		snprintf(rv->number, sizeof rv->number, "%lld", (long long)json_integer_value(value));
		return rv->number;
	}
	return json_string_value(value);
}

/* What the context columns of the row hold for one record. */
struct row_context {
	time_t received;
	const char *received_at, *received_date, *region;
};

/*
 * Replaces the application row: the values, except those named in nulled
 * (a JSON object used as a set; NULL: none), which are NULL.
 */
static int fill_row(struct validate_engine *e, const json_t *values, const json_t *nulled,
		    const struct row_context *context, struct strbuf *err)
{
	const struct offer *offer = e->offer;
	char buf[16];
	e->internal = 1;
	sqlite3_reset(e->clear);
	int step = sqlite3_step(e->clear);
	sqlite3_reset(e->clear);
	sqlite3_reset(e->insert);
	sqlite3_clear_bindings(e->insert);
	for (size_t i = 0; i < offer->nfields; i++) {
		const char *name = offer->fields[i].name;
		if (!json_object_get(nulled, name))
			bind_json(e->insert, (int)i + 1, json_object_get(values, name));
	}
	int col = (int)offer->nfields + 1;
	sqlite3_bind_text(e->insert, col++, context->received_at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(e->insert, col++, context->received_date, -1, SQLITE_TRANSIENT);
	snprintf(buf, sizeof buf, "%.5s", context->received_at + 11);
	sqlite3_bind_text(e->insert, col++, buf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(e->insert, col++, year_of(context->received_date));
	if (!offer->rolling) {
		char deadline[CLOCK_ISO_SIZE];
		clock_format(offer->deadline_at, deadline);
		sqlite3_bind_text(e->insert, col, deadline, -1, SQLITE_TRANSIENT);
	}
	col++;
	if (context->region)
		sqlite3_bind_text(e->insert, col, context->region, -1, SQLITE_STATIC);
	int rc = 0;
	if (step != SQLITE_DONE || sqlite3_step(e->insert) != SQLITE_DONE) {
		strbuf_printf(err, "%s: cannot fill the application row: %s", offer->path,
			      sqlite3_errmsg(e->db));
		rc = -1;
	}
	sqlite3_reset(e->insert);
	e->internal = 0;
	return rc;
}

/*
 * Steps every rule.  A rule that fails adds one "invalid" entry naming its
 * fields, and those fields are put in the set nulled: what the applicant
 * is asked to correct is not judged by the criteria as it stands (a range
 * typed backwards is no reason to refuse).  Returns the number of rules
 * that failed.
 */
static int check_rules(struct validate_engine *e, json_t *rec, const json_t *values,
		       json_t *invalid, json_t *nulled)
{
	const struct offer *offer = e->offer;
	int failed = 0;
	for (size_t i = 0; i < offer->nrules; i++) {
		const struct offer_rule *r = &offer->rules[i];
		int result = run_test(e, e->rules[i]);
		if (result == -2) {
			char buf[256];
			snprintf(buf, sizeof buf, "rule %s could not be evaluated: %s", r->id,
				 sqlite3_errmsg(e->db));
			record_warn(rec, "validate", buf);
		}
		if (result != 0)
			continue;
		failed++;
		struct record_values rv = {.values = values};
		struct strbuf message;
		strbuf_init(&message, 0);
		criterion_text_fill(offer, r->fail_text, record_value, &rv, &message);
		json_t *names = json_array();
		for (size_t k = 0; k < r->nfields; k++) {
			json_array_append_new(names, json_string(r->fields[k]));
			json_object_set_new(nulled, r->fields[k], json_true());
		}
		json_array_append_new(invalid, json_pack("{s:s, s:s, s:o, s:s}", "field", r->fields[0],
							 "rule", r->id, "fields", names, "message",
							 strbuf_str(&message)));
		strbuf_release(&message);
	}
	return failed;
}

int validate_record(struct validate_engine *e, json_t *rec, struct strbuf *err)
{
	const struct offer *offer = e->offer;
	json_t *fields = json_object_get(rec, "fields");
	json_t *values = json_object(), *missing = json_array(), *invalid = json_array();
	json_t *criteria = json_array(), *validation = json_object(), *nulled = json_object();
	json_t *form_version = NULL;
	int rc = -1, any_failed = 0, any_unknown = 0, late_failed = 0;
	time_t received;
	char received_at[CLOCK_ISO_SIZE], received_date[CLOCK_ISO_SIZE], buf[256];

	if (!values || !missing || !invalid || !criteria || !validation || !nulled)
		goto out;
	/* Receipt time: the record's, else now (a record built by hand). */
	const char *at = record_str(rec, "received_at");
	if (!at || clock_parse(at, &received) < 0) {
		if (clock_now(&received) < 0)
			received = time(NULL);
		record_warn(rec, "validate", "received_at missing or unreadable; the current time was used");
	}
	clock_format(received, received_at);
	clock_format_date(received, received_date);
	form_version = validate_form_version(offer, rec);

	/* Every field normalised again from what the document said, then its limits. */
	for (size_t i = 0; i < offer->nfields; i++) {
		const struct offer_field *f = &offer->fields[i];
		const json_t *obj = fields ? json_object_get(fields, f->name) : NULL;
		char *text = obj ? field_text(obj) : NULL;
		char reason[128] = "";
		json_t *value = normalize_value(f, text ? text : "", reason, sizeof reason);
		free(text);
		if (!value) {
			add_invalid(invalid, f->name, reason[0] ? reason : "kan ikke læses");
			value = json_null();
		} else if (json_is_integer(value) && f->type == FIELD_INTEGER &&
			   ((f->has_min && json_integer_value(value) < f->min) ||
			    (f->has_max && json_integer_value(value) > f->max))) {
			/* Kept: a criterion may give the real reason ("op til 25 timer"). */
			add_invalid(invalid, f->name, range_reason(f, "", buf, sizeof buf));
		} else if (json_is_string(value) && (f->type == FIELD_TEXT || f->type == FIELD_LONGTEXT) &&
			   ((f->has_min && (long)utf8_length(json_string_value(value)) < f->min) ||
			    (f->has_max && (long)utf8_length(json_string_value(value)) > f->max))) {
			add_invalid(invalid, f->name, range_reason(f, " tegn", buf, sizeof buf));
		}
		json_object_set_new(values, f->name, value);
	}

	/* The row. */
	const char *region = NULL;
	for (size_t i = 0; i < offer->nfields; i++)
		if (offer->fields[i].type == FIELD_KOMMUNE) {
			const json_t *k = json_object_get(values, offer->fields[i].name);
			if (json_is_string(k))
				region = kommune_region(json_string_value(k));
			break;
		}
	struct row_context context = {received, received_at, received_date, region};
	if (fill_row(e, values, NULL, &context, err) < 0)
		goto out;

	/* Required, and required-if. */
	for (size_t i = 0; i < offer->nfields; i++) {
		const struct offer_field *f = &offer->fields[i];
		int required = f->required;
		if (!required && e->required_if[i])
			required = run_test(e, e->required_if[i]) == 1;
		if (required && json_is_null(json_object_get(values, f->name)))
			json_array_append_new(missing, json_string(f->name));
	}

	/* Rules between fields; the criteria then see the fields to correct as empty. */
	int rules_failed = check_rules(e, rec, values, invalid, nulled);
	if (rules_failed && fill_row(e, values, nulled, &context, err) < 0)
		goto out;

	/* The deadline first: a late application fails with its own reason. */
	if (!offer->rolling) {
		char deadline[CLOCK_ISO_SIZE], danish[96];
		int late = received > offer->deadline_at;
		clock_format(offer->deadline_at, deadline);
		json_object_set_new(validation, "deadline",
				    json_pack("{s:s, s:b}", "at", deadline, "late", late));
		danish_deadline(offer, danish, sizeof danish);
		if (late) {
			if (offer->late_text)
				snprintf(buf, sizeof buf, "%s", offer->late_text);
			else
				snprintf(buf, sizeof buf,
					 "Ansøgningen er modtaget efter ansøgningsfristen %s og kan derfor ikke komme i betragtning.",
					 danish);
			any_failed = late_failed = 1;
		} else {
			snprintf(buf, sizeof buf, "Ansøgningen er modtaget inden ansøgningsfristen %s.", danish);
		}
		json_array_append_new(criteria, json_pack("{s:s, s:s, s:b, s:s}", "id", "frist", "kind",
							  "eligibility", "passed", !late, "text", buf));
	}

	for (size_t i = 0; i < offer->ncriteria; i++) {
		const struct offer_criterion *c = &offer->criteria[i];
		int result = run_test(e, e->tests[i]);
		if (result == -2) {
			/* A test that compiled but cannot run (stopped for running too
			 * long): not a verdict on the applicant, so a reviewer decides. */
			snprintf(buf, sizeof buf, "criterion %s could not be evaluated: %s", c->id,
				 sqlite3_errmsg(e->db));
			record_warn(rec, "validate", buf);
			result = -1;
		}
		const char *text = result == 1 ? c->pass_text : result == 0 ? c->fail_text : c->fail_text;
		json_t *entry = json_pack("{s:s, s:s}", "id", c->id, "kind",
					  c->kind == CRITERION_PRIORITY ? "priority" : "eligibility");
		json_object_set_new(entry, "passed", result < 0 ? json_null() : json_boolean(result));
		struct record_values rv = {.values = values};
		struct strbuf filled;
		strbuf_init(&filled, 0);
		/* Eligibility or priority: an unknown is no verdict either way. */
		if (result == -1)
			unjudged_text(offer, c->test, values, nulled, &filled);
		if (filled.len == 0)
			criterion_text_fill(offer, text, record_value, &rv, &filled);
		json_object_set_new(entry, "text", json_string(strbuf_str(&filled)));
		strbuf_release(&filled);
		json_array_append_new(criteria, entry);
		if (c->kind == CRITERION_ELIGIBILITY) {
			if (result == 0)
				any_failed = 1;
			else if (result < 0) {
				any_unknown = 1;
				add_needed(offer, c->test, values, nulled, missing);
			}
		}
	}

	/*
	 * A form with nothing filled in but its checkboxes (the blank form
	 * sent by mistake): its unticked boxes are no answer, and a refusal
	 * with a klagevejledning for them would be wrong.  It is incomplete,
	 * unless it came too late.
	 */
	if (any_failed && !late_failed && form_is_blank(offer, values))
		any_failed = 0;
	/* A hard criterion that fails decides, whatever else is missing; then
	 * what we could not judge; then eligible. */
	const char *result = any_failed                                 ? "not_eligible"
			     : (any_unknown || rules_failed || json_array_size(missing)) ? "incomplete"
									 : "eligible";
	json_object_set_new(validation, "result", json_string(result));
	json_object_set(validation, "missing", missing);
	json_object_set(validation, "invalid", invalid);
	json_object_set(validation, "criteria", criteria);
	json_object_set(validation, "values", values);
	if (region)
		json_object_set_new(validation, "region", json_string(region));
	if (form_version)
		json_object_set(validation, "form_version", form_version);
	json_object_set(rec, "validation", validation);
	rc = 0;
out:
	json_decref(form_version);
	json_decref(values);
	json_decref(missing);
	json_decref(invalid);
	json_decref(criteria);
	json_decref(validation);
	json_decref(nulled);
	return rc;
}
