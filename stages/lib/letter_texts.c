/*
 * letter_texts.c - the letter texts an offer uses and their check
 * (letter_texts.h).
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "letter_texts.h"
#include "nearest.h"
#include "paths.h"
#include "template.h"

const char *const letter_outcomes[LETTER_OUTCOMES] = {"bevilget", "venteliste", "afslag",
						      "mangler", "bekræftelse"};

int letter_outcome_possible(const struct offer *offer, const char *outcome)
{
	int registration = offer_is_registration(offer);
	if (strcmp(outcome, "bekræftelse") == 0)
		return registration;
	if (strcmp(outcome, "bevilget") == 0)
		return !registration;
	if (strcmp(outcome, "venteliste") == 0)
		return !registration && offer->rolling;
	return strcmp(outcome, "afslag") == 0 || strcmp(outcome, "mangler") == 0;
}

int letter_text_find(const char *offer_id, const char *outcome, char *path, size_t size)
{
	char rel[PATH_MAX];
	if (offer_id && *offer_id && !strchr(offer_id, '/') && offer_id[0] != '.') {
		snprintf(rel, sizeof rel, "forms/letters/%s/%s.txt", offer_id, outcome);
		if (paths_find(rel, path, size) == 0)
			return 0;
	}
	snprintf(rel, sizeof rel, "forms/letters/default/%s.txt", outcome);
	return paths_find(rel, path, size);
}

/* {"a": true, "b": true, ...} of the names in a space-separated list. */
static json_t *keys(const char *names)
{
	json_t *obj = json_object();
	char name[64];
	for (const char *p = names; *p;) {
		size_t n = strcspn(p, " ");
		if (n && n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			json_object_set_new(obj, name, json_true());
		}
		p += n;
		p += strspn(p, " ");
	}
	return obj;
}

static json_t *list_of(json_t *item)
{
	json_t *list = json_array();
	json_array_append_new(list, item);
	return list;
}

json_t *letter_text_shape(const struct offer *offer)
{
	/* What letter_doc.c's letter_data() sets; tests/unit/test_letter_texts.c compares. */
	json_t *d = keys("venteliste_efter_prioritering udfald udfald_titel udkast begrundelse "
			 "sagsbehandlers_begrundelse sagsbehandlers_tilfoejelse fra_venteliste "
			 "begrundelse_naevner_prioritering svarfrist");
	json_object_set_new(d, "myndighed", keys("navn enhed adresse postnr_by telefon email web"));
	json_object_set_new(d, "underskriver", keys("navn titel"));
	json_object_set_new(d, "kontakt", keys("navn titel email telefon"));
	json_object_set_new(d, "klage", keys("instans frist adresse instans_adresse"));
	json_object_set_new(d, "sag", keys("journalnummer dato modtaget modtaget_tid tilbud "
					   "tilbud_id filnavn"));
	json_object_set_new(d, "erstatter", keys("journalnummer flere manglede"));
	json_t *modtager = keys("navn person");
	json_object_set_new(modtager, "linjer", list_of(json_string("")));
	json_object_set_new(d, "modtager", modtager);
	json_object_set_new(d, "frist", keys("tidspunkt overskredet aaben tekst"));
	static const char *const lists[] = {"krav", "opfyldte_krav", "ikke_opfyldte_krav",
					    "ikke_vurderede_krav", "prioritering", "mangler"};
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
		char flag[64];
		int missing = strcmp(lists[i], "mangler") == 0;
		json_object_set_new(d, lists[i],
				    list_of(keys(missing ? "felt label fejl flere" : "id tekst opfyldt")));
		snprintf(flag, sizeof flag, "har_%s", lists[i]);
		json_object_set_new(d, flag, json_true());
		snprintf(flag, sizeof flag, "flere_%s", lists[i]);
		json_object_set_new(d, flag, json_true());
	}
	json_t *felter = json_object(), *valg = json_object();
	for (size_t i = 0; offer && i < offer->nfields; i++) {
		const struct offer_field *f = &offer->fields[i];
		json_object_set_new(felter, f->name, json_true());
		if (f->type != FIELD_CHOICE)
			continue;
		json_t *choices = json_object();
		for (size_t k = 0; k < f->nchoices; k++)
			json_object_set_new(choices, f->choices[k], json_true());
		json_object_set_new(valg, f->name, choices);
	}
	json_object_set_new(d, "felter", felter);
	json_object_set_new(d, "valg", valg);
	return d;
}

/* --- the names a text asks for ---------------------------------------------------- */

/* One tag whose name some offer's letters lack. */
struct unknown {
	int line;
	char kind;
	char *name, *near;
	size_t count;          /* the offers whose letters lack it */
	struct strbuf offers;  /* their ids, ", " between */
};

struct unknowns {
	struct unknown *items;
	size_t count;
	const char *offer_id; /* the offer being looked at */
};

static void note_unknown(const char *name, int line, char kind, const char *near, void *user)
{
	struct unknowns *u = user;
	struct unknown *it = NULL;
	for (size_t i = 0; i < u->count && !it; i++)
		if (u->items[i].line == line && u->items[i].kind == kind &&
		    strcmp(u->items[i].name, name) == 0)
			it = &u->items[i];
	if (!it) {
		struct unknown *grown = realloc(u->items, (u->count + 1) * sizeof *grown);
		if (!grown)
			return;
		u->items = grown;
		it = &u->items[u->count++];
		memset(it, 0, sizeof *it);
		it->line = line;
		it->kind = kind;
		it->name = strdup(name);
		it->near = near ? strdup(near) : NULL;
		strbuf_init(&it->offers, 0);
	}
	strbuf_printf(&it->offers, "%s%s", it->count ? ", " : "", u->offer_id);
	it->count++;
}

/* What a name is not: a field, a choice, or any key of a letter. */
static void say_what_is_missing(struct strbuf *out, const char *name, const char *offers,
				size_t count)
{
	const char *who = count > 1 ? "none of the offers using it" : offers;
	const char *has = count > 1 ? "has a" : "has no";
	if (strncmp(name, "felter.", 7) == 0)
		strbuf_printf(out, ": %s %s field \"%s\"", who, has, name + 7);
	else if (strncmp(name, "valg.", 5) == 0)
		strbuf_printf(out, ": %s %s choice field with that choice", who, has);
	else
		strbuf_puts(out, ": no letter has it (docs/letters.md lists the keys)");
}

/*
 * Checks the names of the text at path for every offer that uses it.  A
 * name no offer's letter has is an error; one that only some lack is a
 * warning where it would print nothing (a section asking for it is
 * meant for such offers, and what is inside it is not reached there).
 */
static size_t check_text_names(const char *path, const struct template *tpl,
			       const struct offer *const *offers, size_t noffers,
			       struct strbuf *errors, struct strbuf *warnings)
{
	struct unknowns u = {0};
	size_t problems = 0;
	for (size_t i = 0; i < noffers; i++) {
		json_t *shape = letter_text_shape(offers[i]);
		u.offer_id = offers[i]->id;
		if (shape)
			template_check_names(tpl, shape, note_unknown, &u);
		json_decref(shape);
	}
	for (size_t i = 0; i < u.count; i++) {
		struct unknown *it = &u.items[i];
		const char *tag = it->kind == '#' ? "{{#" : it->kind == '^' ? "{{^" : "{{";
		if (it->count == noffers) {
			strbuf_printf(errors, "%s:%d: unknown name %s%s}}", path, it->line, tag, it->name);
			say_what_is_missing(errors, it->name, strbuf_str(&it->offers), it->count);
			if (it->near)
				strbuf_printf(errors, "; did you mean %s?", it->near);
			strbuf_puts(errors, "\n");
			problems++;
		} else if (!it->kind) {
			strbuf_printf(warnings, "%s:%d: warning: %s%s}} prints nothing in the letters of %s",
				      path, it->line, tag, it->name, strbuf_str(&it->offers));
			if (strncmp(it->name, "felter.", 7) == 0)
				strbuf_printf(warnings, " (no field \"%s\")", it->name + 7);
			strbuf_puts(warnings, "\n");
		}
		free(it->name);
		free(it->near);
		strbuf_release(&it->offers);
	}
	free(u.items);
	return problems;
}

/* --- the texts the offers use ------------------------------------------------------ */

struct text_use {
	char path[PATH_MAX];
	const struct offer **offers;
	size_t count;
};

static int add_use(struct text_use **uses, size_t *count, const char *path,
		   const struct offer *offer)
{
	struct text_use *use = NULL;
	for (size_t i = 0; i < *count && !use; i++)
		if (strcmp((*uses)[i].path, path) == 0)
			use = &(*uses)[i];
	if (!use) {
		struct text_use *grown = realloc(*uses, (*count + 1) * sizeof *grown);
		if (!grown)
			return -1;
		*uses = grown;
		use = &grown[(*count)++];
		memset(use, 0, sizeof *use);
		snprintf(use->path, sizeof use->path, "%s", path);
	}
	const struct offer **more = realloc(use->offers, (use->count + 1) * sizeof *more);
	if (!more)
		return -1;
	use->offers = more;
	use->offers[use->count++] = offer;
	return 0;
}

/* --- what lies under forms/letters/ ------------------------------------------------- */

static int is_known_id(const struct offer_set *set, const char *const *unchecked,
		       size_t nunchecked, const char *name)
{
	if (offer_set_find(set, name))
		return 1;
	for (size_t i = 0; i < nunchecked; i++)
		if (strcmp(unchecked[i], name) == 0)
			return 1;
	return 0;
}

/* The files of one folder: default (offer NULL) or an offer's. */
static void check_folder_files(const char *dir, const struct offer *offer, struct strbuf *warnings)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[PATH_MAX], stem[NAME_MAX + 1];
		size_t len = strlen(name);
		int known = -1;
		if (name[0] == '.')
			goto next;
		paths_join(path, sizeof path, dir, name);
		snprintf(stem, sizeof stem, "%.*s",
			 (int)(len > 4 && strcmp(name + len - 4, ".txt") == 0 ? len - 4 : len), name);
		for (int k = 0; k < LETTER_OUTCOMES; k++)
			if (strcmp(name + strlen(stem), ".txt") == 0 &&
			    strcmp(stem, letter_outcomes[k]) == 0)
				known = k;
		if (known >= 0 && (!offer || letter_outcome_possible(offer, letter_outcomes[known])))
			goto next;
		if (known >= 0) {
			strbuf_printf(warnings, "%s: warning: not used: %s never gets the outcome %s\n",
				      path, offer->id, letter_outcomes[known]);
			goto next;
		}
		strbuf_printf(warnings, "%s: warning: not used: a letter text is named after its outcome:",
			      path);
		for (int k = 0, first = 1; k < LETTER_OUTCOMES; k++)
			if (!offer || letter_outcome_possible(offer, letter_outcomes[k])) {
				strbuf_printf(warnings, "%s %s.txt", first ? "" : ",", letter_outcomes[k]);
				first = 0;
			}
		/* bekraeftelse.txt is still a slip for bekræftelse where that is not used. */
		const char *near = nearest_name(stem, (const char *const *)letter_outcomes, LETTER_OUTCOMES);
		if (near)
			strbuf_printf(warnings, "; did you mean %s.txt?", near);
		if (near && offer && !letter_outcome_possible(offer, near))
			strbuf_printf(warnings, " (%s never gets that outcome)", offer->id);
		strbuf_puts(warnings, "\n");
next:
		free(names[i]);
	}
	free(names);
}

static void check_letters_dir(const char *base, const struct offer_set *set,
			      const char *const *unchecked, size_t nunchecked,
			      struct strbuf *warnings)
{
	struct dirent **names = NULL;
	int n = scandir(base, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[PATH_MAX];
		struct stat st;
		paths_join(path, sizeof path, base, name);
		if (name[0] == '.' || stat(path, &st) != 0) {
			free(names[i]);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			strbuf_printf(warnings,
				      "%s: warning: not used: a letter text goes in forms/letters/default/"
				      " or forms/letters/<offer-id>/\n",
				      path);
		} else if (strcmp(name, "default") == 0) {
			check_folder_files(path, NULL, warnings);
		} else if (offer_set_find(set, name)) {
			check_folder_files(path, offer_set_find(set, name), warnings);
		} else if (!is_known_id(set, unchecked, nunchecked, name)) {
			const char **ids = calloc(set->count + nunchecked + 1, sizeof *ids);
			size_t count = 0;
			if (ids) {
				ids[count++] = "default";
				for (size_t k = 0; k < set->count; k++)
					ids[count++] = set->offers[k]->id;
				for (size_t k = 0; k < nunchecked; k++)
					ids[count++] = unchecked[k];
			}
			const char *near = ids ? nearest_name(name, ids, count) : NULL;
			strbuf_printf(warnings,
				      "%s/: warning: not used: no offer has the id \"%s\"; a folder "
				      "here is named default or after an offer's id",
				      path, name);
			if (near)
				strbuf_printf(warnings, "; did you mean %s?", near);
			strbuf_puts(warnings, "\n");
			free(ids);
		}
		free(names[i]);
	}
	free(names);
}

size_t letter_texts_check(const struct offer_set *set, const char *const *unchecked,
			  size_t nunchecked, struct strbuf *errors, struct strbuf *warnings)
{
	struct text_use *uses = NULL;
	size_t nuses = 0, problems = 0;

	for (size_t i = 0; i < set->count; i++)
		for (int k = 0; k < LETTER_OUTCOMES; k++) {
			const struct offer *offer = set->offers[i];
			char path[PATH_MAX];
			if (!letter_outcome_possible(offer, letter_outcomes[k]))
				continue;
			if (letter_text_find(offer->id, letter_outcomes[k], path, sizeof path) < 0) {
				strbuf_printf(errors, "%s: no letter text for %s (forms/letters/default/%s.txt)\n",
					      offer->id, letter_outcomes[k], letter_outcomes[k]);
				problems++;
			} else if (add_use(&uses, &nuses, path, offer) < 0) {
				strbuf_puts(errors, "letter texts: out of memory\n");
				problems++;
			}
		}
	/* A text shared by many offers (the defaults) is read once. */
	for (size_t i = 0; i < nuses; i++) {
		struct template *tpl = NULL;
		if (template_load(uses[i].path, &tpl, errors) < 0) {
			strbuf_putc(errors, '\n');
			problems++;
		} else {
			problems += check_text_names(uses[i].path, tpl, uses[i].offers, uses[i].count,
						     errors, warnings);
		}
		template_free(tpl);
		free(uses[i].offers);
	}
	free(uses);

	/* The local folder first, as a letter looks; the shipped one only when it is another. */
	char local[PATH_MAX], shipped[PATH_MAX], real_local[PATH_MAX], real_shipped[PATH_MAX];
	paths_join(local, sizeof local, paths_confdir(), "forms/letters");
	paths_join(shipped, sizeof shipped, paths_datadir(), "forms/letters");
	check_letters_dir(local, set, unchecked, nunchecked, warnings);
	if (!realpath(local, real_local) || !realpath(shipped, real_shipped) ||
	    strcmp(real_local, real_shipped) != 0)
		check_letters_dir(shipped, set, unchecked, nunchecked, warnings);
	return problems;
}
