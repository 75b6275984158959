/*
 * offer.h - offer definitions: what an administrator writes in
 * forms/<id>/offer.xml, loaded into structs every stage can use.
 *
 * The format is documented in docs/offer-format.md and checked against
 * forms/offer.rng.  Definitions are trusted configuration, but they are
 * still parsed with the network and entities off: an administrator's typo
 * must give a message with file and line, never a surprise.
 */
#ifndef SKEMA_OFFER_H
#define SKEMA_OFFER_H

#include <stddef.h>
#include <time.h>

#include <libxml/tree.h>

#include "strbuf.h"

enum field_type {
	FIELD_TEXT,
	FIELD_LONGTEXT,
	FIELD_INTEGER,
	FIELD_DATE,
	FIELD_CHECKBOX,
	FIELD_CHOICE,
	FIELD_EMAIL,
	FIELD_PHONE,
	FIELD_CVR,
	FIELD_POSTNR,
	FIELD_KOMMUNE,
};

struct offer_field {
	char *name;        /* the public name: w:tag / form:name */
	enum field_type type;
	char *label;       /* as printed on the form, Danish */
	char *help;        /* optional hint printed under the label */
	char *section;     /* title of the section it is printed in */
	int required;
	int has_min, has_max;
	long min, max;     /* integers: value; text: length in characters */
	char **choices;    /* FIELD_CHOICE: the listed values */
	size_t nchoices;
	int line;          /* line in the definition, for messages */
	char *required_if; /* SQLite expression: required when true ("sted_type <> 'plejefamilie'"); NULL */
	char *source;      /* the file it is defined in (an offer or a block), for messages */
};

/*
 * A rule between fields ("alder_fra <= alder_til"): when its test is false
 * the fields it names are not filled in correctly, which is a matter for a
 * request for information (mangler), not a reason to refuse.
 */
struct offer_rule {
	char *id;
	char *test;        /* an SQLite expression over the fields; NULL (a field empty) passes */
	char **fields;     /* the fields the applicant must correct, as named in fields="" */
	size_t nfields;
	char *fail_text;   /* Danish: what is wrong, with {field} placeholders */
	int line;
	char *source;      /* the file it is defined in (an offer or a block) */
};

enum criterion_kind { CRITERION_ELIGIBILITY, CRITERION_PRIORITY };

struct offer_criterion {
	char *id;
	enum criterion_kind kind;
	char *test;        /* an SQLite expression over the fields */
	char *pass_text;   /* Danish sentence for a letter when it passes */
	char *fail_text;   /* ... and when it fails */
	int line;
};

struct offer {
	char *path;        /* the file it was loaded from */
	int flawed;        /* loaded for a check only (offer_set_load_for_check) */
	char *id;
	char *version;
	char *title;
	char *applicant;   /* "kommune", "anbringelsessted" or "alle" */
	int rolling;       /* 1: rolling intake; 0: deadline */
	char *deadline;    /* as written, e.g. "2021-09-13T12:00"; NULL if rolling */
	time_t deadline_at;
	char *capacity_unit;
	char *capacity_period; /* "year", "quarter", "concurrent", "round", "none" */
	long capacity_min, capacity_max; /* capacity_max < 0: no limit */
	char *policy;      /* "first-come", "priority", "broad-representation", "none" */
	char **spread;     /* broad representation: attributes spread over */
	size_t nspread;
	char **auto_confirm; /* outcomes confirmed without a reviewer */
	size_t nauto_confirm;
	struct offer_field *fields;
	size_t nfields;
	struct offer_criterion *criteria;
	size_t ncriteria;
	struct offer_rule *rules;
	size_t nrules;
	xmlDoc *doc;       /* the whole definition, for intro texts, contact, letters */
	char *authority;   /* <authority>, e.g. "Socialstyrelsen"; NULL when absent */
	char *late_text;   /* <intake><late>: the Danish reason for a late application; NULL: a default */
	char *rank_by;     /* <selection rank="field">: rank eligible applications by this field, ascending; NULL */
};

struct offer_set {
	struct offer **offers;
	size_t count;
};

/*
 * Loads one definition.  Returns 0 with *out set (caller offer_free()s), or
 * -1 with a message "FILE:LINE: problem" appended to err.
 */
int offer_load(const char *path, struct offer **out, struct strbuf *err);
void offer_free(struct offer *offer);

/*
 * Loads every forms/<id>/offer.xml under dir, the local configuration
 * directory's copy of a file overriding the shipped one.  Returns 0, or -1
 * when any definition failed (messages appended to err; the good ones are
 * still loaded).
 */
int offer_set_load(struct offer_set *set, const char *dir, struct strbuf *err);

/*
 * The same for skema check-forms: an offer whose only fault is a name that
 * a sentence or a rule uses and the offer lacks is loaded too, flawed, so
 * that its criteria are still compiled and all its faults told at once.
 * Never for judging.
 */
int offer_set_load_for_check(struct offer_set *set, const char *dir, struct strbuf *err);
void offer_set_init(struct offer_set *set);
void offer_set_release(struct offer_set *set);

/* Borrowed, or NULL. */
const struct offer *offer_set_find(const struct offer_set *set, const char *id);

/* 1 for a registration (selection policy "none": a tilmelding, confirmed, never ranked); NULL: 0. */
int offer_is_registration(const struct offer *offer);
const struct offer_field *offer_find_field(const struct offer *offer, const char *name);

/*
 * Appends the labels of the named fields to out, joined the Danish way
 * ("A, B og C"), each in »« when quoted.  An unknown name is used as is.
 */
void offer_join_labels(const struct offer *offer, const char *const *names, size_t count,
		       int quoted, struct strbuf *out);

const char *field_type_name(enum field_type type);

/* The text content of node (NULL: none) with runs of white space collapsed; caller frees. */
char *offer_node_text(const xmlNode *node);
/* Returns 0 and sets *type, or -1 for an unknown name. */
int field_type_parse(const char *name, enum field_type *type);

/*
 * Checks a parsed definition or block against the RELAX NG schema
 * (forms/offer.rng beside the definitions, else the shipped one).  Returns 0,
 * or -1 with "FILE:LINE: problem" lines appended to err.
 */
int offer_check_schema(const char *path, xmlDoc *doc, struct strbuf *err);

/* Parses an offer definition file safely (no network, no entities, no DTD). */
xmlDoc *offer_read_xml(const char *path, struct strbuf *err);

/*
 * The capacity period a time falls in, by the Danish local date, as a
 * number that counts periods (the year, or year * 4 + quarter, or
 * year * 12 + month), so that the periods between two times can be
 * walked; 0 for offers with one pool of places (concurrent, round, none).
 */
long offer_period_index(const struct offer *offer, time_t t);

/*
 * The key of a period index as the decisions table stores it
 * (decisions.period) and skema-report and skema status group by it:
 * "2026", "2026-Q3", "2026-07"; "" for an offer with one pool of places.
 */
void offer_period_key(const struct offer *offer, long index, char *key, size_t size);

#define OFFER_NS "urn:skema:offer:1"

#endif
