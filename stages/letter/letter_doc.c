/*
 * letter_doc.c - the decision letter: the data its text is rendered with,
 * the letterhead and recipient, and the letter text from forms/letters/.
 *
 * The structure every letter shares (letterhead, recipient, date, case
 * number, page numbers, UDKAST) is built here; what the letter says is a
 * template an administrator edits (docs/letters.md).  Texts are looked up
 * as forms/letters/<offer-id>/<outcome>.txt, then
 * forms/letters/default/<outcome>.txt, each first in the local
 * configuration directory (paths_find).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "clock.h"
#include "criterion_text.h"
#include "letter.h"
#include "letter_texts.h"
#include "msg.h"
#include "paths.h"
#include "pdf_markup.h"
#include "record.h"
#include "template.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

/* Rendered letter text larger than this is refused (a template loop gone wrong). */
#define LETTER_MAX_TEXT (2u * 1024u * 1024u)

/* Defaults for the configuration keys, matching Socialstyrelsen/SISO. */
static const struct {
	const char *key, *value;
} defaults[] = {
	{"authority.name", "Socialstyrelsen"},
	{"authority.unit", "SISO – Videnscenter for sociale indsatser ved vold og seksuelle "
			   "overgreb mod børn"},
	{"authority.address", "Edisonsvej 18, 1. sal"},
	{"authority.postal", "5000 Odense C"},
	{"authority.phone", "72 42 37 00"},
	{"authority.email", "siso@socialstyrelsen.dk"},
	{"authority.web", "www.socialstyrelsen.dk"},
	{"letter.signatory", ""},       /* empty: the offer's contact person */
	{"letter.signatory_title", ""},
	{"letter.reply_days", "14"},
	{"klage.instans", "Social-, Bolig- og Ældreministeriet"},
	{"klage.frist", "4 uger"},
	{"klage.adresse", ""},          /* empty: the authority's name, address and e-mail */
	{"klage.instans_adresse", ""},
};

/*
 * Other names for the same settings: the ones `skema init` writes into a new
 * workspace's skema.conf (pipeline/cmd_init.c).  The documented name wins.
 */
static const struct {
	const char *key, *alias;
} aliases[] = {
	{"klage.instans", "klage.body"},
	{"klage.adresse", "klage.via"},
	{"klage.instans_adresse", "klage.address"},
};

const char *letter_conf(const struct config *cfg, const char *key)
{
	static char composed[2][512];
	const char *fallback = "";
	for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
		if (strcmp(defaults[i].key, key) == 0)
			fallback = defaults[i].value;
	if (!cfg)
		return fallback;
	const char *value = config_get(cfg, key, NULL);
	if (value)
		return value;
	for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (strcmp(aliases[i].key, key) == 0 && (value = config_get(cfg, aliases[i].alias, NULL)))
			return value;
	if (strcmp(key, "authority.postal") == 0 && config_get(cfg, "authority.postcode", NULL)) {
		snprintf(composed[0], sizeof composed[0], "%s %s", config_get(cfg, "authority.postcode", ""),
			 config_get(cfg, "authority.city", ""));
		return composed[0];
	}
	if (strcmp(key, "klage.frist") == 0 && config_get_long(cfg, "klage.weeks", 0) > 0) {
		long weeks = config_get_long(cfg, "klage.weeks", 0);
		snprintf(composed[1], sizeof composed[1], "%ld uge%s", weeks, weeks == 1 ? "" : "r");
		return composed[1];
	}
	return fallback;
}

const char *letter_outcome_title(const char *outcome)
{
	static const struct {
		const char *outcome, *title;
	} titles[] = {
		{"bevilget", "Bevilget"},       {"venteliste", "Venteliste"},
		{"afslag", "Afslag"},           {"mangler", "Manglende oplysninger"},
		{"bekræftelse", "Bekræftelse"},
	};
	for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
		if (outcome && strcmp(titles[i].outcome, outcome) == 0)
			return titles[i].title;
	return outcome ? outcome : "";
}

/* --- data ------------------------------------------------------------------ */

/* The field's normalised value as text, else its raw text, else NULL.  Borrowed. */
static const char *field_text(const struct letter_case *c, const char *name)
{
	json_t *f = json_object_get(c->fields, name);
	const char *v = json_string_value(json_object_get(f, "value"));
	if (!v || !*v)
		v = json_string_value(json_object_get(f, "raw"));
	return v && *v ? v : NULL;
}

/* "Vejle" -> "Vejle Kommune"; the two that are named otherwise. */
static void kommune_name(const char *kommune, char *buf, size_t size)
{
	size_t len = strlen(kommune);
	if (len > 7 && (strstr(kommune, "Kommune") || strstr(kommune, "kommune")))
		snprintf(buf, size, "%s", kommune);
	else if (strcmp(kommune, "København") == 0)
		snprintf(buf, size, "Københavns Kommune");
	else if (strcmp(kommune, "Bornholm") == 0)
		snprintf(buf, size, "Bornholms Regionskommune");
	else
		snprintf(buf, size, "%s Kommune", kommune);
}

/* Longest address line: an applicant's field may be anything up to the extract cap. */
#define ADDRESS_LINE_MAX 160

/*
 * One address line: prefix and text on one line (line breaks become
 * spaces), cut between characters at ADDRESS_LINE_MAX bytes with "…", so a
 * 100,000-character field cannot push the letter off its first page.
 */
static char *address_line(const char *prefix, const char *text, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s", prefix);
	for (const char *p = text; *p && n + 8 < size; p++) {
		if (n >= ADDRESS_LINE_MAX) {
			if (((unsigned char)*p & 0xC0) == 0x80) {
				/* Inside a character: drop its first bytes too. */
				while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
					n--;
				if (n > 0)
					n--;
			}
			n += (size_t)snprintf(buf + n, size - n, "…");
			break;
		}
		buf[n++] = *p == '\n' || *p == '\r' ? ' ' : *p;
	}
	if (n >= size)
		n = size - 1;
	buf[n] = '\0';
	return buf;
}

static void add_line(json_t *lines, const char *prefix, const char *text)
{
	char buf[ADDRESS_LINE_MAX + 64];
	if (!text || !*text)
		return;
	json_t *line = json_string(address_line(prefix, text, buf, sizeof buf));
	/* Invalid UTF-8 cannot reach here from the store, but never drop a line silently. */
	json_array_append_new(lines, line ? line : json_string("\xEF\xBF\xBD"));
}

/*
 * The recipient from the fields: the institution or municipality, the
 * department, the person, the address.  Each offer's form has a different
 * block (offers.md "Common blocks"), so the first field present wins.
 */
static json_t *recipient(const struct letter_case *c)
{
	json_t *r = json_object(), *lines = json_array();
	const char *sted = field_text(c, "sted_navn"), *kommune = field_text(c, "kommune");
	const char *org = field_text(c, "organisation"), *navn = field_text(c, "navn");
	const char *person = field_text(c, "kontakt_navn");
	char name[512];

	char kname[ADDRESS_LINE_MAX + 64];
	if (sted)
		address_line("", sted, name, sizeof name);
	else if (kommune)
		kommune_name(address_line("", kommune, kname, sizeof kname), name, sizeof name);
	else if (org)
		address_line("", org, name, sizeof name);
	else if (navn)
		address_line("", navn, name, sizeof name), navn = NULL;
	else
		address_line("", c->applicant_name ? c->applicant_name : "Ansøger", name, sizeof name);
	if (!person)
		person = field_text(c, "leder_navn");
	if (!person)
		person = navn;
	add_line(lines, "", field_text(c, "forvaltning"));
	add_line(lines, "Att.: ", person);
	add_line(lines, "", field_text(c, "adresse"));
	const char *postnr = field_text(c, "postnr"), *by = field_text(c, "by");
	if (postnr || by) {
		char pb[256];
		snprintf(pb, sizeof pb, "%s%s%s", postnr ? postnr : "", postnr && by ? " " : "",
			 by ? by : "");
		add_line(lines, "", pb);
	}
	/* Only an address that was read as one: a mangler letter asks for it. */
	const char *email = json_string_value(
		json_object_get(json_object_get(c->fields, "kontakt_email"), "value"));
	if (!email || !*email)
		email = json_string_value(json_object_get(json_object_get(c->fields, "email"), "value"));
	add_line(lines, "", email);
	char pbuf[ADDRESS_LINE_MAX + 64];
	json_object_set_new(r, "navn", json_string(name));
	json_object_set_new(r, "linjer", lines);
	json_object_set_new(r, "person", person ? json_string(address_line("", person, pbuf, sizeof pbuf)) : json_null());
	return r;
}

static const struct offer_criterion *find_criterion(const struct offer *offer, const char *id)
{
	for (size_t i = 0; offer && id && i < offer->ncriteria; i++)
		if (strcmp(offer->criteria[i].id, id) == 0)
			return &offer->criteria[i];
	return NULL;
}

/* A field's value for criterion_text_fill(), from the case's fields. */
static const char *case_value(void *ctx, const char *name)
{
	json_t *value = json_object_get(json_object_get((json_t *)ctx, name), "value");
	return json_string_value(value);
}

char *letter_criterion_text(const struct offer *offer, json_t *cr, json_t *fields, int *changed)
{
	const struct offer_criterion *def = find_criterion(offer, json_string_value(json_object_get(cr, "id")));
	json_t *passed = json_object_get(cr, "passed");
	const char *stored = json_string_value(json_object_get(cr, "text"));
	const char *text = NULL;
	if (changed)
		*changed = 0;
	if (def && json_is_true(passed) && def->pass_text)
		text = def->pass_text;
	else if (def && json_is_false(passed) && def->fail_text)
		text = def->fail_text;
	if (!text)
		return strdup(stored ? stored : "");
	struct strbuf sb;
	strbuf_init(&sb, 0);
	criterion_text_fill(offer, text, case_value, fields, &sb);
	if (!stored || !*stored)
		return strbuf_detach(&sb);
	/*
	 * The sentence stored when the case was judged is the one its result
	 * rests on.  The definition's may have changed since, and with it the
	 * rule ("højst tre" became "højst fem"): a refusal quoting the new
	 * rule would contradict itself, and stored cases are not judged again.
	 */
	if (changed && strcmp(strbuf_str(&sb), stored) != 0)
		*changed = 1;
	strbuf_release(&sb);
	return strdup(stored);
}

/* The offer's <contact name title email phone/>. */
static json_t *contact(const struct offer *offer, const struct config *cfg)
{
	json_t *k = json_object();
	xmlNode *root = offer && offer->doc ? xmlDocGetRootElement(offer->doc) : NULL;
	static const char *const attrs[][2] = {
		{"name", "navn"}, {"title", "titel"}, {"email", "email"}, {"phone", "telefon"}};

	for (xmlNode *n = root ? root->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "contact") != 0)
			continue;
		for (size_t i = 0; i < 4; i++) {
			xmlChar *v = xmlGetProp(n, (const xmlChar *)attrs[i][0]);
			if (v)
				json_object_set_new(k, attrs[i][1], json_string((const char *)v));
			xmlFree(v);
		}
		break;
	}
	/* An offer without a <contact>: the configured one, else the authority. */
	static const char *const fallbacks[][3] = {
		{"navn", "letter.contact_name", "authority.name"},
		{"email", "letter.contact_email", "authority.email"},
		{"telefon", "letter.contact_phone", "authority.phone"},
	};
	for (size_t i = 0; i < 3; i++) {
		if (json_object_get(k, fallbacks[i][0]))
			continue;
		const char *v = cfg ? config_get(cfg, fallbacks[i][1], NULL) : NULL;
		json_object_set_new(k, fallbacks[i][0],
				    json_string(v && *v ? v : letter_conf(cfg, fallbacks[i][2])));
	}
	return k;
}

/* "13. september 2021 kl. 12.00" (Danish writes the time with a full stop); the date alone at midnight. */
static json_t *danish_time(const char *iso)
{
	time_t t;
	struct tm tm;
	char buf[CLOCK_ISO_SIZE];
	if (!iso || clock_parse(iso, &t) < 0)
		return json_null();
	localtime_r(&t, &tm);
	if (tm.tm_hour == 0 && tm.tm_min == 0)
		return json_string(clock_format_danish(t, buf));
	return json_string(clock_format_danish_time(t, buf));
}

static json_t *danish_date(const char *iso)
{
	time_t t;
	char buf[CLOCK_ISO_SIZE];
	if (!iso || clock_parse(iso, &t) < 0)
		return json_null();
	return json_string(clock_format_danish(t, buf));
}

/* Missing or unreadable fields, by their labels: the record's validation, else the required ones empty. */
static json_t *missing_fields(const struct letter_case *c, const struct offer *offer)
{
	json_t *list = json_array();
	json_t *validation = c->record ? json_object_get(c->record, "validation") : NULL;
	json_t *missing = json_object_get(validation, "missing");
	json_t *invalid = json_object_get(validation, "invalid");
	size_t i;
	json_t *item;

	if (json_is_array(missing) || json_is_array(invalid)) {
		json_array_foreach(missing, i, item)
		{
			const char *name = json_string_value(item);
			const struct offer_field *f = name && offer ? offer_find_field(offer, name) : NULL;
			/* A field filled in wrongly is asked for once, with what is wrong. */
			if (!name || (f && f->required && record_invalid_field(invalid, name)))
				continue;
			json_array_append_new(list, json_pack("{s:s, s:s, s:n}", "felt", name, "label",
							      f && f->label ? f->label : name, "fejl"));
		}
		json_array_foreach(invalid, i, item)
		{
			const char *name = json_string_value(json_object_get(item, "field"));
			const char *why = json_string_value(json_object_get(item, "message"));
			const struct offer_field *f = name && offer ? offer_find_field(offer, name) : NULL;
			const json_t *names = json_object_get(item, "fields");
			if (name && json_is_array(names)) {
				/* A rule between fields: always asked for, the fields named together. */
				const char *together[8];
				size_t n = 0, k;
				json_t *each;
				struct strbuf labels;
				json_array_foreach(names, k, each) if (n < 8 && json_is_string(each))
					together[n++] = json_string_value(each);
				strbuf_init(&labels, 0);
				offer_join_labels(offer, together, n, 0, &labels);
				json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:b}", "felt", name,
								      "label", strbuf_str(&labels), "fejl",
								      why, "flere", n > 1));
				strbuf_release(&labels);
				continue;
			}
			if (!name || !f || !f->required)
				continue;
			json_array_append_new(list, json_pack("{s:s, s:s, s:s?}", "felt", name, "label",
							      f->label ? f->label : name, "fejl", why));
		}
		return list;
	}
	for (i = 0; offer && i < offer->nfields; i++) {
		const struct offer_field *f = &offer->fields[i];
		json_t *stored = json_object_get(c->fields, f->name);
		const char *value = json_string_value(json_object_get(stored, "value"));
		const char *error = json_string_value(json_object_get(stored, "error"));
		if (!f->required || (value && *value))
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s?}", "felt", f->name, "label",
						      f->label ? f->label : f->name, "fejl", error));
	}
	return list;
}

/*
 * "erstatter": the earlier versions a corrected form replaces.  Each has
 * its own journalnummer, which the applicant knows from the letter about
 * it; without them the new letter could not be connected to it.
 * journalnummer is "A", "A og B" or "A, B og C" ("" when none), flere
 * whether more than one, manglede whether every one lacked information.
 */
static json_t *replaces_data(const struct letter_case *c)
{
	struct strbuf numbers;
	size_t i, n = json_array_size(c->replaces);
	int lacked = n > 0;
	json_t *item, *d;

	strbuf_init(&numbers, 0);
	json_array_foreach(c->replaces, i, item)
	{
		if (i > 0)
			strbuf_puts(&numbers, i + 1 == n ? " og " : ", ");
		strbuf_puts(&numbers, json_string_value(json_object_get(item, "case_number")));
		lacked &= json_is_true(json_object_get(item, "lacked"));
	}
	d = numbers.overflow ? NULL
			     : json_pack("{s:s, s:b, s:b}", "journalnummer", strbuf_str(&numbers),
					 "flere", n > 1, "manglede", lacked);
	strbuf_release(&numbers);
	return d;
}

json_t *letter_data(const struct letter_case *c, const struct offer *offer,
		    const struct config *cfg, time_t now)
{
	json_t *d = json_object();
	char date[CLOCK_ISO_SIZE];
	const char *key;
	json_t *value;
	size_t i;

	json_object_set_new(d, "myndighed",
			    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "navn",
				      letter_conf(cfg, "authority.name"), "enhed",
				      letter_conf(cfg, "authority.unit"), "adresse",
				      letter_conf(cfg, "authority.address"), "postnr_by",
				      letter_conf(cfg, "authority.postal"), "telefon",
				      letter_conf(cfg, "authority.phone"), "email",
				      letter_conf(cfg, "authority.email"), "web",
				      letter_conf(cfg, "authority.web")));
	json_t *k = contact(offer, cfg);
	const char *signatory = letter_conf(cfg, "letter.signatory");
	const char *signatory_title = letter_conf(cfg, "letter.signatory_title");
	json_object_set_new(d, "underskriver",
			    json_pack("{s:s, s:s}", "navn",
				      *signatory ? signatory : json_string_value(json_object_get(k, "navn")),
				      "titel",
				      *signatory || *signatory_title
					      ? signatory_title
					      : (json_string_value(json_object_get(k, "titel"))
							 ? json_string_value(json_object_get(k, "titel"))
							 : "")));
	json_object_set_new(d, "kontakt", k);
	/* Where a complaint goes: as configured, else the authority's own address. */
	char where[1024];
	const char *klage_adresse = letter_conf(cfg, "klage.adresse");
	if (!*klage_adresse) {
		/* "..., 5000 Odense C, eller på e-mail til ...": not the address and
		 * the e-mail run together (applicant playtest). */
		const char *email = letter_conf(cfg, "authority.email");
		snprintf(where, sizeof where, "%s, %s, %s%s%s", letter_conf(cfg, "authority.name"),
			 letter_conf(cfg, "authority.address"), letter_conf(cfg, "authority.postal"),
			 *email ? ", eller på e-mail til " : "", email);
		klage_adresse = where;
	}
	json_object_set_new(d, "klage",
			    json_pack("{s:s, s:s, s:s, s:s}", "instans", letter_conf(cfg, "klage.instans"),
				      "frist", letter_conf(cfg, "klage.frist"), "adresse", klage_adresse,
				      "instans_adresse", letter_conf(cfg, "klage.instans_adresse")));

	json_t *sag = json_object();
	json_object_set_new(sag, "journalnummer", json_string(c->case_number ? c->case_number : ""));
	json_object_set_new(sag, "dato", json_string(clock_format_danish(now, date)));
	json_object_set_new(sag, "modtaget", danish_date(c->received_at));
	json_object_set_new(sag, "modtaget_tid", danish_time(c->received_at));
	json_object_set_new(sag, "tilbud", json_string(offer && offer->title ? offer->title
								   : c->offer_id ? c->offer_id : ""));
	json_object_set_new(sag, "tilbud_id", json_string(c->offer_id ? c->offer_id : ""));
	json_object_set_new(sag, "filnavn", json_string(c->original_name ? c->original_name : ""));
	json_object_set_new(d, "sag", sag);
	json_object_set_new(d, "erstatter", replaces_data(c));
	json_object_set_new(d, "modtager", recipient(c));

	/* A waiting list in the order of the priority criteria, then receipt
	 * (a rolling offer with policy "priority"), not of receipt alone. */
	json_object_set_new(d, "venteliste_efter_prioritering",
			    json_boolean(offer && offer->rolling && offer->policy &&
					 strcmp(offer->policy, "priority") == 0));
	json_object_set_new(d, "udfald", json_string(c->outcome ? c->outcome : ""));
	json_object_set_new(d, "udfald_titel", json_string(letter_outcome_title(c->outcome)));
	json_object_set_new(d, "udkast", json_boolean(!c->state || strcmp(c->state, "final") != 0));
	json_object_set_new(d, "begrundelse", json_string(c->explanation ? c->explanation : ""));
	json_object_set_new(d, "sagsbehandlers_begrundelse", json_string(c->reason ? c->reason : ""));
	/*
	 * A reviewer's reason that is not already the explanation: one given
	 * when confirming a proposal (a grant, a waiting-list place) was kept
	 * in the database and left out of the letter (applicant playtest).
	 */
	int reason_apart = c->reason && *c->reason &&
			   (!c->explanation || strcmp(c->reason, c->explanation) != 0);
	json_object_set_new(d, "sagsbehandlers_tilfoejelse", json_string(reason_apart ? c->reason : ""));
	/* A place for one who was told it waits: the letter says a place came free. */
	json_object_set_new(d, "fra_venteliste",
			    json_boolean(c->waited && c->outcome && strcmp(c->outcome, "bevilget") == 0));

	/* The deadline, when the record knows it. */
	json_t *deadline = c->record ? json_object_get(json_object_get(c->record, "validation"), "deadline") : NULL;
	int late = json_is_true(json_object_get(deadline, "late"));
	const char *late_text = NULL;

	/* Criteria, sorted into the lists a letter cites. */
	json_t *krav = json_array(), *opfyldt = json_array(), *ikke = json_array();
	json_t *prio = json_array(), *uvurderet = json_array();
	int priority_unsaid = 0;
	json_array_foreach(c->criteria, i, value)
	{
		const char *kind = json_string_value(json_object_get(value, "kind"));
		json_t *passed = json_object_get(value, "passed");
		const char *id = json_string_value(json_object_get(value, "id"));
		/*
		 * Lateness has its own paragraph ({{#frist.overskredet}}) with the
		 * time of receipt; as a failed criterion it would be said twice.
		 */
		if (late && id && strcmp(id, "frist") == 0) {
			late_text = json_string_value(json_object_get(value, "text"));
			continue;
		}
		int changed;
		char *tekst_filled = letter_criterion_text(offer, value, c->fields, &changed);
		if (changed)
			msg_warn("%s: the sentence of criterion %s has changed since the case was judged; "
				 "the letter gives the one it was judged by",
				 c->case_number ? c->case_number : "?", id ? id : "?");
		json_t *item = json_pack("{s:s, s:s, s:O}", "id",
					 json_string_value(json_object_get(value, "id"))
						 ? json_string_value(json_object_get(value, "id"))
						 : "",
					 "tekst", tekst_filled ? tekst_filled : "", "opfyldt",
					 json_is_null(passed) || !passed ? json_null() : passed);
		free(tekst_filled);
		if (kind && strcmp(kind, "priority") == 0) {
			json_array_append(prio, item);
			/* Does the explanation say this criterion in its own words already? */
			const char *said = json_string_value(json_object_get(value, "text"));
			const char *tekst = json_string_value(json_object_get(item, "tekst"));
			if (!c->explanation || !((tekst && *tekst && strstr(c->explanation, tekst)) ||
						 (said && *said && strstr(c->explanation, said))))
				priority_unsaid = 1;
		} else {
			json_array_append(krav, item);
			if (json_is_true(passed))
				json_array_append(opfyldt, item);
			else if (json_is_false(passed))
				json_array_append(ikke, item);
			else
				json_array_append(uvurderet, item);
		}
		json_decref(item);
	}
	json_object_set_new(d, "krav", krav);
	json_object_set_new(d, "opfyldte_krav", opfyldt);
	json_object_set_new(d, "ikke_opfyldte_krav", ikke);
	json_object_set_new(d, "ikke_vurderede_krav", uvurderet);
	json_object_set_new(d, "prioritering", prio);
	/* skema-decide's explanation of a round cites every priority criterion:
	 * the letter then need not list them again. */
	json_object_set_new(d, "begrundelse_naevner_prioritering",
			    json_boolean(json_array_size(prio) > 0 && !priority_unsaid));
	json_object_set_new(d, "mangler", missing_fields(c, offer));
	/* Mustache cannot ask "is this list empty?" without repeating: flags. */
	static const char *const lists[] = {"krav", "opfyldte_krav", "ikke_opfyldte_krav",
					    "ikke_vurderede_krav", "prioritering", "mangler"};
	for (i = 0; i < sizeof lists / sizeof *lists; i++) {
		char flag[64];
		snprintf(flag, sizeof flag, "har_%s", lists[i]);
		json_object_set_new(d, flag, json_boolean(json_array_size(json_object_get(d, lists[i])) > 0));
		/* ...nor "more than one?", which Danish asks: betingelse/betingelser. */
		snprintf(flag, sizeof flag, "flere_%s", lists[i]);
		json_t *list = json_object_get(d, lists[i]);
		int more = json_array_size(list) > 1 ||
			   (json_array_size(list) == 1 &&
			    json_is_true(json_object_get(json_array_get(list, 0), "flere")));
		json_object_set_new(d, flag, json_boolean(more));
	}

	/*
	 * The deadline, when the record knows it.  While the round is open
	 * (aaben), a corrected form must arrive before the deadline, so the
	 * reply date is never later than the deadline's day.
	 */
	time_t deadline_at = 0;
	int open = 0;
	if (json_is_object(deadline)) {
		const char *at = json_string_value(json_object_get(deadline, "at"));
		open = !late && at && clock_parse(at, &deadline_at) == 0 && now < deadline_at;
		json_object_set_new(d, "frist",
				    json_pack("{s:o, s:b, s:b, s:s}", "tidspunkt", danish_time(at),
					      "overskredet", late, "aaben", open, "tekst",
					      late_text ? late_text : ""));
		/*
		 * Late within the deadline's own minute: to the second, or
		 * "modtaget den ... kl. 12.00, efter ansøgningsfristen den ...
		 * kl. 12.00" contradicts itself (applicant playtest).
		 */
		time_t received_at;
		char exact[CLOCK_ISO_SIZE];
		if (late && at && clock_parse(at, &deadline_at) == 0 && c->received_at &&
		    clock_parse(c->received_at, &received_at) == 0 && received_at / 60 == deadline_at / 60)
			json_object_set_new(json_object_get(d, "sag"), "modtaget_tid",
					    json_string(clock_format_danish_time_apart(received_at, deadline_at,
										       exact)));
	}
	long days = config_get_long(cfg, "letter.reply_days", 14);
	if (days < 1 || days > 365)
		days = 14;
	time_t reply = now + days * 86400;
	if (open && reply > deadline_at)
		reply = deadline_at;
	json_object_set_new(d, "svarfrist", json_string(clock_format_danish(reply, date)));

	/* Field values as text, and choice values as flags ({{#valg.sted_type.plejefamilie}}). */
	json_t *felter = json_object(), *valg = json_object();
	json_object_foreach(c->fields, key, value)
	{
		const char *text = field_text(c, key);
		json_object_set_new(felter, key, json_string(text ? text : ""));
		const struct offer_field *f = offer ? offer_find_field(offer, key) : NULL;
		if (f && f->type == FIELD_CHOICE && text)
			json_object_set_new(valg, key, json_pack("{s:b}", text, 1));
	}
	json_object_set_new(d, "felter", felter);
	json_object_set_new(d, "valg", valg);
	return d;
}

/* --- the letter -------------------------------------------------------------- */

int letter_check_texts(const struct offer_set *set, struct strbuf *err)
{
	struct strbuf warnings;
	strbuf_init(&warnings, 0);
	/* The same check as skema check-forms: one notion of which texts an offer needs. */
	size_t problems = letter_texts_check(set, NULL, 0, err, &warnings);
	if (warnings.len) {
		while (warnings.len && warnings.data[warnings.len - 1] == '\n')
			warnings.data[--warnings.len] = '\0';
		msg_warn("%s", strbuf_str(&warnings));
	}
	strbuf_release(&warnings);
	return (int)problems;
}

/* "Name\nline\nline" with the name in bold, for pdf_columns. */
static void address_block(struct strbuf *sb, const char *bold, json_t *lines)
{
	size_t i;
	json_t *line;
	strbuf_printf(sb, "*%s", bold);
	json_array_foreach(lines, i, line)
	{
		const char *text = json_string_value(line);
		/* A value starting with '*' must not turn bold: prefix a space. */
		strbuf_printf(sb, "\n%s%s", text && *text == '*' ? " " : "", text ? text : "");
	}
}

int letter_build(struct pdf_doc *doc, const struct letter_case *c, const struct offer *offer,
		 const struct config *cfg, time_t now, struct strbuf *err)
{
	char path[PATH_MAX], date[CLOCK_ISO_SIZE], title[512], seed[256], creator[128];
	struct template *tpl = NULL;
	struct strbuf text, left, right, footer;
	json_t *data = NULL;
	int rc = -1, draft = !c->state || strcmp(c->state, "final") != 0;

	strbuf_init(&text, LETTER_MAX_TEXT);
	strbuf_init(&left, 64 * 1024);
	strbuf_init(&right, 64 * 1024);
	strbuf_init(&footer, 4096);
	if (letter_text_find(c->offer_id, c->outcome, path, sizeof path) < 0) {
		strbuf_printf(err, "no letter text forms/letters/default/%s.txt", c->outcome);
		goto out;
	}
	if (template_load(path, &tpl, err) < 0)
		goto out;
	if (!(data = letter_data(c, offer, cfg, now)))
		goto oom;
	if (template_render(tpl, data, pdf_markup_escape, NULL, &text, err) < 0)
		goto out;

	const char *authority = letter_conf(cfg, "authority.name");
	snprintf(title, sizeof title, "%s: %s",
		 strcmp(c->outcome, "bekræftelse") == 0 ? "Bekræftelse"
		 : strcmp(c->outcome, "mangler") == 0   ? "Anmodning om oplysninger"
							: "Afgørelse",
		 json_string_value(json_object_get(json_object_get(data, "sag"), "tilbud")));
	snprintf(seed, sizeof seed, "letter\n%s\n%s\n%lld\n%d", c->case_number ? c->case_number : "",
		 c->outcome, c->decision_id, draft);
	snprintf(creator, sizeof creator, "skema-letter (skema) %s", SKEMA_VERSION);
	char subject[256];
	snprintf(subject, sizeof subject, "J.nr. %s – %s", c->case_number ? c->case_number : "",
		 letter_outcome_title(c->outcome));
	struct pdf_meta meta = {title, authority, subject, c->outcome, creator, now, seed};
	char jnr[128];
	snprintf(jnr, sizeof jnr, "J.nr. %s", c->case_number ? c->case_number : "");
	strbuf_printf(&footer, "%s · %s · %s · %s", authority, letter_conf(cfg, "authority.address"),
		      letter_conf(cfg, "authority.postal"), letter_conf(cfg, "authority.web"));

	json_t *to = json_object_get(data, "modtager");
	address_block(&left, json_string_value(json_object_get(to, "navn")),
		      json_object_get(to, "linjer"));
	strbuf_printf(&right, "*%s\n%s\n%s\n%s\n\nDato: %s\nJ.nr.: %s", authority,
		      letter_conf(cfg, "authority.unit"), letter_conf(cfg, "authority.address"),
		      letter_conf(cfg, "authority.postal"), clock_format_danish(now, date),
		      c->case_number ? c->case_number : "");
	json_t *k = json_object_get(data, "kontakt");
	if (json_string_value(json_object_get(k, "navn")))
		strbuf_printf(&right, "\nKontakt: %s", json_string_value(json_object_get(k, "navn")));
	if (left.overflow || right.overflow || footer.overflow)
		goto oom;

	if (pdf_set_meta(doc, &meta) < 0 || pdf_set_header(doc, authority, jnr) < 0 ||
	    pdf_set_footer(doc, strbuf_str(&footer)) < 0 ||
	    (draft && pdf_set_watermark(doc, "UDKAST") < 0) ||
	    pdf_columns(doc, strbuf_str(&left), strbuf_str(&right)) < 0 || pdf_space(doc, 14) < 0 ||
	    pdf_markup(doc, strbuf_str(&text)) < 0)
		goto oom;
	rc = 0;
	goto out;
oom:
	strbuf_printf(err, "out of memory");
out:
	json_decref(data);
	template_free(tpl);
	strbuf_release(&text);
	strbuf_release(&left);
	strbuf_release(&right);
	strbuf_release(&footer);
	return rc;
}
