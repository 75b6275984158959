/*
 * letter_selection.c - what a letter tells the applicant about how the
 * places of a deadline round were given.
 *
 * skema-decide explains a round decision for the reviewer as much as for
 * the applicant: the rank among the eligible, the priority criteria met,
 * and with broad representation also the order in which the selection
 * took the case ("udvalgt som nr. 5").  In a letter the two numbers
 * ("nr. 2 af 10 egnede", "udvalgt som nr. 5") read as two contradicting
 * answers, and the ranking and the selection policy are beside the point
 * when every eligible application got a place.  The review sheet shows
 * the explanation whole; the letter gets it through here:
 *
 *  - every eligible application of the round got a place: the ranking,
 *    the policy and the capacity sentence go (the letter text says that
 *    there was room for all, udvaelgelse.alle_fik_plads);
 *  - otherwise the rank is the one number: "udvalgt som nr. N" goes, and
 *    what the application adds to the broad representation is said as
 *    such.
 *
 * Sentences are recognised by how skema-decide begins them
 * (stages/decide/decide_policy.c: explain_priority, decide_round).  One
 * not recognised is kept as written, so a changed wording there costs
 * clarity, never content; t4070 notices.
 */
#include <stdlib.h>
#include <string.h>

#include "letter.h"

/* How skema-decide begins the explanation of every eligible case of a round. */
#define ROUND_LEAD "Ansøgningen opfylder tildelingskriterierne og er modtaget inden ansøgningsfristen."

#define RANK_BEGINS "Efter prioriteringskriterierne er den rangeret "
#define RANK_SAID "Efter prioriteringskriterierne er ansøgningen rangeret "

enum sentence {
	S_OTHER,        /* kept: below the minimum, shared courses, ... */
	S_LEAD,         /* ROUND_LEAD: the letter lists the criteria met itself */
	S_RANK,         /* the rank, and the priority sentences after it */
	S_RANK_MORE,    /* how ties in the ranking are broken */
	S_POLICY,       /* broad representation, how it works */
	S_SELECTED_AS,  /* "udvalgt som nr. N [og tilføjer ...]" */
	S_CAPACITY,     /* "Der er plads til N ..., og ansøgningen er udvalgt." */
};

static const struct {
	const char *begins;
	enum sentence kind;
} known[] = {
	{ROUND_LEAD, S_LEAD},
	{RANK_BEGINS "som nr. ", S_RANK},
	{"Ved samme opfyldelse af prioriteringskriterierne ", S_RANK_MORE},
	{"Ved samme prioritering ", S_RANK_MORE},
	{"Ved udvælgelsen er der lagt vægt på bred repræsentation", S_POLICY},
	{"Ansøgningen er udvalgt som nr. ", S_SELECTED_AS},
	{"Der er plads til ", S_CAPACITY},
};

#define ADDS " og tilføjer "

/* 1 when p begins a sentence: an upper-case letter, Danish ones too. */
static int sentence_start(const char *p)
{
	return (*p >= 'A' && *p <= 'Z') ||
	       ((unsigned char)p[0] == 0xC3 &&
		((unsigned char)p[1] == 0x86 || (unsigned char)p[1] == 0x98 ||
		 (unsigned char)p[1] == 0x85));
}

/*
 * The length of the sentence at p, with its full stop: it ends at ". "
 * followed by a capital ("nr. 2", "13. september" and "kl. 12.00" do not
 * end one), or at the end of the text.
 */
static size_t sentence_length(const char *p)
{
	for (const char *q = p; *q; q++)
		if (q[0] == '.' && q[1] == ' ' && sentence_start(q + 2))
			return (size_t)(q + 1 - p);
	return strlen(p);
}

static enum sentence classify(const char *p, size_t len)
{
	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		size_t n = strlen(known[i].begins);
		if (len >= n && strncmp(p, known[i].begins, n) == 0)
			return known[i].kind;
	}
	return S_OTHER;
}

static void add_sentence(struct strbuf *out, const char *p, size_t len)
{
	if (out->len)
		strbuf_putc(out, ' ');
	strbuf_printf(out, "%.*s", (int)len, p);
}

int letter_selection_is_round(const struct letter_case *c, const struct offer *offer)
{
	return offer && !offer->rolling && c->round_eligible > 0 && c->explanation &&
	       strncmp(c->explanation, ROUND_LEAD, strlen(ROUND_LEAD)) == 0;
}

int letter_selection_all_placed(const struct letter_case *c, const struct offer *offer)
{
	return letter_selection_is_round(c, offer) && c->round_unplaced == 0 && c->outcome &&
	       strcmp(c->outcome, "bevilget") == 0;
}

char *letter_selection_explanation(const struct letter_case *c, const struct offer *offer)
{
	struct strbuf out;
	const char *text = c->explanation ? c->explanation : "";
	if (!letter_selection_is_round(c, offer))
		return strdup(text);

	int all_placed = letter_selection_all_placed(c, offer), in_rank = 0;
	strbuf_init(&out, 0);
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		size_t len = sentence_length(p);
		if (len == 0)
			break;
		enum sentence kind = classify(p, len);
		/* The priority criteria met are said right after the rank. */
		if (kind == S_OTHER && in_rank)
			kind = S_RANK_MORE;
		in_rank = kind == S_RANK || kind == S_RANK_MORE;

		if (kind == S_OTHER) {
			add_sentence(&out, p, len);
		} else if (kind == S_RANK && !all_placed) {
			/* "den" stood for the sentence left out: name it. */
			if (out.len)
				strbuf_putc(&out, ' ');
			strbuf_printf(&out, "%s%.*s", RANK_SAID, (int)(len - strlen(RANK_BEGINS)),
				      p + strlen(RANK_BEGINS));
		} else if (kind == S_SELECTED_AS && !all_placed) {
			const char *adds = strstr(p, ADDS);
			if (adds && adds < p + len) {
				const char *what = adds + strlen(ADDS);
				size_t n = (size_t)(p + len - what);
				if (n > 0 && what[n - 1] == '.')
					n--;
				if (out.len)
					strbuf_putc(&out, ' ');
				strbuf_printf(&out, "Ansøgningen bidrager med noget, som ikke allerede var "
						    "repræsenteret blandt de udvalgte (%.*s).",
					      (int)n, what);
			}
		} else if (kind != S_LEAD && kind != S_SELECTED_AS && !all_placed) {
			add_sentence(&out, p, len);
		}
		p += len;
	}
	if (out.overflow) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out);
}
