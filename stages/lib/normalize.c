/*
 * normalize.c - what an applicant typed, turned into the value of a field's
 * type (offers.md, "Field types").
 *
 * Every normaliser is strict about shape and lenient about decoration: "25
 * deltagere" is 25, "13. september 2021" is 2021-09-13, "Århus Kommune" is
 * Aarhus; but "25-30" is not an integer and "31.02.2021" is not a date.
 * Guessing would put a wrong number into a decision letter; refusing puts
 * the field in front of a reviewer with the reason.
 *
 * The tables (placeholders, month names, municipalities) are data an
 * administrator never needs to touch: they change with Word versions and
 * municipal reforms, not with offers.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "normalize.h"
#include "strbuf.h"

/* Longest raw value a normaliser looks at; longer text is refused or kept as text. */
#define NORMALIZE_MAX_FOLD 1024

static const char *const placeholders[] = {
	"Klik eller tryk her for at skrive tekst.",
	"Klik her for at skrive tekst.",
	"Klik eller tryk for at angive en dato.",
	"Klik her for at angive en dato.",
	"Vælg et element.",
	"Vælg et element",
	"Click or tap here to enter text.",
	"Click here to enter text.",
	"Click or tap to enter a date.",
	"Click here to enter a date.",
	"Choose an item.",
	"Choose an item",
	"Skriv her",
	"Skriv her.",
};

/* The 98 municipalities (since 2007) and their regions. */
struct kommune {
	const char *name;
	const char *region;
};

#define HOVEDSTADEN "Region Hovedstaden"
#define SJAELLAND "Region Sjælland"
#define SYDDANMARK "Region Syddanmark"
#define MIDTJYLLAND "Region Midtjylland"
#define NORDJYLLAND "Region Nordjylland"

static const struct kommune kommuner[] = {
	{"Albertslund", HOVEDSTADEN},    {"Allerød", HOVEDSTADEN},
	{"Ballerup", HOVEDSTADEN},       {"Bornholm", HOVEDSTADEN},
	{"Brøndby", HOVEDSTADEN},        {"Dragør", HOVEDSTADEN},
	{"Egedal", HOVEDSTADEN},         {"Fredensborg", HOVEDSTADEN},
	{"Frederiksberg", HOVEDSTADEN},  {"Frederikssund", HOVEDSTADEN},
	{"Furesø", HOVEDSTADEN},         {"Gentofte", HOVEDSTADEN},
	{"Gladsaxe", HOVEDSTADEN},       {"Glostrup", HOVEDSTADEN},
	{"Gribskov", HOVEDSTADEN},       {"Halsnæs", HOVEDSTADEN},
	{"Helsingør", HOVEDSTADEN},      {"Herlev", HOVEDSTADEN},
	{"Hillerød", HOVEDSTADEN},       {"Hvidovre", HOVEDSTADEN},
	{"Høje-Taastrup", HOVEDSTADEN},  {"Hørsholm", HOVEDSTADEN},
	{"Ishøj", HOVEDSTADEN},          {"København", HOVEDSTADEN},
	{"Lyngby-Taarbæk", HOVEDSTADEN}, {"Rudersdal", HOVEDSTADEN},
	{"Rødovre", HOVEDSTADEN},        {"Tårnby", HOVEDSTADEN},
	{"Vallensbæk", HOVEDSTADEN},

	{"Faxe", SJAELLAND},             {"Greve", SJAELLAND},
	{"Guldborgsund", SJAELLAND},     {"Holbæk", SJAELLAND},
	{"Kalundborg", SJAELLAND},       {"Køge", SJAELLAND},
	{"Lejre", SJAELLAND},            {"Lolland", SJAELLAND},
	{"Næstved", SJAELLAND},          {"Odsherred", SJAELLAND},
	{"Ringsted", SJAELLAND},         {"Roskilde", SJAELLAND},
	{"Slagelse", SJAELLAND},         {"Solrød", SJAELLAND},
	{"Sorø", SJAELLAND},             {"Stevns", SJAELLAND},
	{"Vordingborg", SJAELLAND},

	{"Assens", SYDDANMARK},          {"Billund", SYDDANMARK},
	{"Esbjerg", SYDDANMARK},         {"Fanø", SYDDANMARK},
	{"Fredericia", SYDDANMARK},      {"Faaborg-Midtfyn", SYDDANMARK},
	{"Haderslev", SYDDANMARK},       {"Kerteminde", SYDDANMARK},
	{"Kolding", SYDDANMARK},         {"Langeland", SYDDANMARK},
	{"Middelfart", SYDDANMARK},      {"Nordfyns", SYDDANMARK},
	{"Nyborg", SYDDANMARK},          {"Odense", SYDDANMARK},
	{"Svendborg", SYDDANMARK},       {"Sønderborg", SYDDANMARK},
	{"Tønder", SYDDANMARK},          {"Varde", SYDDANMARK},
	{"Vejen", SYDDANMARK},           {"Vejle", SYDDANMARK},
	{"Ærø", SYDDANMARK},             {"Aabenraa", SYDDANMARK},

	{"Favrskov", MIDTJYLLAND},       {"Hedensted", MIDTJYLLAND},
	{"Herning", MIDTJYLLAND},        {"Holstebro", MIDTJYLLAND},
	{"Horsens", MIDTJYLLAND},        {"Ikast-Brande", MIDTJYLLAND},
	{"Lemvig", MIDTJYLLAND},         {"Norddjurs", MIDTJYLLAND},
	{"Odder", MIDTJYLLAND},          {"Randers", MIDTJYLLAND},
	{"Ringkøbing-Skjern", MIDTJYLLAND}, {"Samsø", MIDTJYLLAND},
	{"Silkeborg", MIDTJYLLAND},      {"Skanderborg", MIDTJYLLAND},
	{"Skive", MIDTJYLLAND},          {"Struer", MIDTJYLLAND},
	{"Syddjurs", MIDTJYLLAND},       {"Viborg", MIDTJYLLAND},
	{"Aarhus", MIDTJYLLAND},

	{"Brønderslev", NORDJYLLAND},    {"Frederikshavn", NORDJYLLAND},
	{"Hjørring", NORDJYLLAND},       {"Jammerbugt", NORDJYLLAND},
	{"Læsø", NORDJYLLAND},           {"Mariagerfjord", NORDJYLLAND},
	{"Morsø", NORDJYLLAND},          {"Rebild", NORDJYLLAND},
	{"Thisted", NORDJYLLAND},        {"Vesthimmerlands", NORDJYLLAND},
	{"Aalborg", NORDJYLLAND},
};

/* Other names people write, folded (see kommune_key), and the canonical name. */
static const struct {
	const char *key;
	const char *name;
} kommune_aliases[] = {
	{"kbh", "København"},          {"koebenhavnk", "København"},
	{"copenhagen", "København"},   {"nordfyn", "Nordfyns"},
	{"vesthimmerland", "Vesthimmerlands"}, {"lyngby", "Lyngby-Taarbæk"},
	{"taastrup", "Høje-Taastrup"}, {"bornholmsregionskommune", "Bornholm"},
	{"regionskommunebornholm", "Bornholm"}, {"ringkoebing", "Ringkøbing-Skjern"},
	{"broenderslevdronninglund", "Brønderslev"},
};

static const char *const months[][3] = {
	{"januar", "january", "jan"},   {"februar", "february", "feb"},
	{"marts", "march", "mar"},      {"april", "april", "apr"},
	{"maj", "may", "maj"},          {"juni", "june", "jun"},
	{"juli", "july", "jul"},        {"august", "august", "aug"},
	{"september", "september", "sep"}, {"oktober", "october", "okt"},
	{"november", "november", "nov"}, {"december", "december", "dec"},
};

static void set_reason(char *reason, size_t size, const char *text)
{
	if (reason && size)
		snprintf(reason, size, "%s", text);
}

/* Trimmed copy of raw; caller strbuf_release()s. */
static void trimmed(struct strbuf *sb, const char *raw)
{
	strbuf_init(sb, 0);
	strbuf_puts(sb, raw ? raw : "");
	strbuf_trim(sb);
}

/*
 * Folds text for comparison: lowercase (ASCII and Latin-1 letters such as
 * Æ Ø Å), æ -> ae, ø -> oe, å -> aa, runs of white space -> one space, or
 * removed entirely when drop_separators (also '-' and '.').  Caller frees.
 */
static char *fold(const char *text, int drop_separators)
{
	struct strbuf sb;
	int space = 0;
	strbuf_init(&sb, NORMALIZE_MAX_FOLD);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		unsigned char c = *p;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    (drop_separators && (c == '-' || c == '.'))) {
			space = 1;
			continue;
		}
		if (c == 0xc2 && p[1] == 0xa0) {
			p++;
			space = 1;
			continue;
		}
		if (space && sb.len && !drop_separators)
			strbuf_putc(&sb, ' ');
		space = 0;
		if (c == 0xc3 && p[1]) {
			unsigned char d = p[1];
			if (d >= 0x80 && d <= 0x9e && d != 0x97)
				d = (unsigned char)(d + 0x20);
			p++;
			if (d == 0xa6)
				strbuf_puts(&sb, "ae");
			else if (d == 0xb8)
				strbuf_puts(&sb, "oe");
			else if (d == 0xa5)
				strbuf_puts(&sb, "aa");
			else {
				strbuf_putc(&sb, (char)0xc3);
				strbuf_putc(&sb, (char)d);
			}
			continue;
		}
		strbuf_putc(&sb, (char)tolower(c));
	}
	return strbuf_detach(&sb);
}

int normalize_is_placeholder(const char *text)
{
	struct strbuf sb;
	int found = 0;
	trimmed(&sb, text);
	for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders && !found; i++)
		found = strcasecmp(strbuf_str(&sb), placeholders[i]) == 0;
	strbuf_release(&sb);
	return found;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- integers ------------------------------------------------------------ */

int normalize_integer(const char *raw, long *out)
{
	const char *p = raw;
	long value = 0;
	int negative = 0, digits = 0;

	while (*p == ' ')
		p++;
	/* "ca. 25" and "cirka 25": the number is what counts. */
	if (strncasecmp(p, "ca.", 3) == 0)
		p += 3;
	else if (strncasecmp(p, "cirka", 5) == 0 || strncasecmp(p, "omkring", 7) == 0)
		p += (tolower((unsigned char)*p) == 'c') ? 5 : 7;
	while (*p == ' ')
		p++;
	if (*p == '-' || *p == '+') {
		negative = *p == '-';
		p++;
	}
	if (!is_digit(*p))
		return -1;
	/* Digits, then "1.200" or "1 200" thousands groups of exactly three. */
	while (is_digit(*p)) {
		if (value > (LONG_MAX - 9) / 10)
			return -1;
		value = value * 10 + (*p - '0');
		digits++;
		p++;
	}
	while (digits <= 3 && (*p == '.' || *p == ' ') && is_digit(p[1]) && is_digit(p[2]) &&
	       is_digit(p[3]) && !is_digit(p[4])) {
		if (value > LONG_MAX / 1000 - 1)
			return -1;
		value = value * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
		p += 4;
	}
	/* What follows may be a unit ("deltagere"), never another number or a
	 * decimal part: "25-30" or "2,5" are not one integer. */
	if (*p == ',' && is_digit(p[1]))
		return -1;
	for (const char *q = p; *q; q++)
		if (is_digit(*q))
			return -1;
	if (*p && *p != ' ' && *p != '.' && !isalpha((unsigned char)*p) &&
	    (unsigned char)*p < 0x80)
		return -1;
	*out = negative ? -value : value;
	return 0;
}

/* ---- dates --------------------------------------------------------------- */

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/* Reads 1..max digits; returns the count read, 0 when none. */
static int read_number(const char **p, int max, int *out)
{
	int n = 0, v = 0;
	while (n < max && is_digit(**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (is_digit(**p))
		return 0;
	*out = v;
	return n;
}

static int month_from_name(const char **p)
{
	char word[16];
	size_t n = 0;
	const char *q = *p;
	while (isalpha((unsigned char)*q) && n < sizeof word - 1)
		word[n++] = (char)tolower((unsigned char)*q++);
	word[n] = '\0';
	if (n < 3)
		return 0;
	for (int m = 0; m < 12; m++) {
		if (strcmp(word, months[m][0]) == 0 || strcmp(word, months[m][1]) == 0 ||
		    strcmp(word, months[m][2]) == 0 || (n == 4 && strcmp(word, "sept") == 0 && m == 8)) {
			if (*q == '.')
				q++;
			*p = q;
			return m + 1;
		}
	}
	return 0;
}

int normalize_date(const char *raw, char out[11])
{
	const char *p = raw;
	int year = 0, month = 0, day = 0, n;

	while (*p == ' ')
		p++;
	if ((n = read_number(&p, 4, &year)) == 4 && *p == '-') {
		/* ISO: 2021-09-13, possibly with a time after it (a date picker's
		 * w:fullDate "2021-09-13T00:00:00Z"). */
		p++;
		if (read_number(&p, 2, &month) != 2 || *p++ != '-' ||
		    read_number(&p, 2, &day) != 2)
			return -1;
		if (*p == 'T')
			p += strlen(p);
	} else {
		p = raw;
		while (*p == ' ')
			p++;
		if (read_number(&p, 2, &day) == 0)
			return -1;
		if (*p == '.' && (p[1] == ' ' || isalpha((unsigned char)p[1]))) {
			/* 13. september 2021 */
			p++;
			while (*p == ' ')
				p++;
			if (!(month = month_from_name(&p)))
				return -1;
			while (*p == ' ')
				p++;
		} else if (isalpha((unsigned char)*p) || *p == ' ') {
			while (*p == ' ')
				p++;
			if (!(month = month_from_name(&p)))
				return -1;
			while (*p == ' ')
				p++;
		} else {
			/* 13-09-2021, 13.09.2021, 13/9-2021, 13/09/2021 */
			char sep = *p;
			if (sep != '-' && sep != '.' && sep != '/')
				return -1;
			p++;
			if (read_number(&p, 2, &month) == 0)
				return -1;
			if (*p != '-' && *p != '.' && *p != '/')
				return -1;
			p++;
		}
		n = read_number(&p, 4, &year);
		if (n == 2)
			year += 2000;
		else if (n != 4)
			return -1;
	}
	while (*p == ' ' || *p == '.')
		p++;
	if (*p)
		return -1;
	if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month))
		return -1;
	/* The ranges are checked above; the wide buffer only quiets the compiler. */
	char iso[48];
	snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
	memcpy(out, iso, 11);
	return 0;
}

/* ---- checkboxes ---------------------------------------------------------- */

int normalize_checkbox(const char *raw, int *out)
{
	static const char *const yes[] = {"x", "☒", "☑", "✓", "✔", "✗", "✘", "ja", "yes", "1", "true", "sand", "j"};
	static const char *const no[] = {"☐", "nej", "no", "0", "false", "falsk", "n", "-"};
	struct strbuf sb;
	int rc = -1;
	trimmed(&sb, raw);
	const char *t = strbuf_str(&sb);
	if (!*t) {
		*out = 0;
		rc = 0;
	}
	for (size_t i = 0; rc < 0 && i < sizeof yes / sizeof *yes; i++)
		if (strcasecmp(t, yes[i]) == 0) {
			*out = 1;
			rc = 0;
		}
	for (size_t i = 0; rc < 0 && i < sizeof no / sizeof *no; i++)
		if (strcasecmp(t, no[i]) == 0) {
			*out = 0;
			rc = 0;
		}
	strbuf_release(&sb);
	return rc;
}

/* ---- choices ------------------------------------------------------------- */

const char *normalize_choice(const struct offer_field *field, const char *raw)
{
	char *key = fold(raw, 0);
	const char *found = NULL;
	for (size_t i = 0; key && !found && i < field->nchoices; i++) {
		char *choice = fold(field->choices[i], 0);
		if (choice && strcmp(key, choice) == 0)
			found = field->choices[i];
		free(choice);
	}
	free(key);
	return found;
}

/* ---- email, phone, cvr, postnr ------------------------------------------- */

static int email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' || *p == '"')
			return 0;
	const char *domain = at + 1, *dot = strrchr(domain, '.');
	if (!dot || dot == domain || !dot[1] || strlen(dot + 1) < 2 || strstr(domain, ".."))
		return 0;
	if (domain[0] == '.' || s[0] == '.' || at[-1] == '.')
		return 0;
	return 1;
}

int normalize_phone(const char *raw, char out[16])
{
	char digits[16];
	size_t n = 0;
	const char *p = raw;
	int plus = 0;
	while (*p == ' ')
		p++;
	if (strncasecmp(p, "tlf.", 4) == 0)
		p += 4;
	else if (strncasecmp(p, "tlf", 3) == 0)
		p += 3;
	for (; *p; p++) {
		if (is_digit(*p)) {
			if (n >= sizeof digits - 1)
				return -1;
			digits[n++] = *p;
		} else if (*p == '+' && n == 0 && !plus) {
			plus = 1;
		} else if (*p == ' ' || *p == '-' || *p == '.' || *p == '(' || *p == ')' ||
			   *p == ':') {
			continue;
		} else if ((unsigned char)*p == 0xc2 && (unsigned char)p[1] == 0xa0) {
			p++;
		} else {
			return -1;
		}
	}
	digits[n] = '\0';
	const char *local = digits;
	if (n == 12 && strncmp(digits, "0045", 4) == 0)
		local = digits + 4;
	else if (n == 10 && strncmp(digits, "45", 2) == 0)
		local = digits + 2;
	else if (n != 8 || plus)
		return -1;
	snprintf(out, 16, "+45 %.2s %.2s %.2s %.2s", local, local + 2, local + 4, local + 6);
	return 0;
}

int normalize_cvr(const char *raw, char out[9])
{
	static const int weights[] = {2, 7, 6, 5, 4, 3, 2, 1};
	char digits[9];
	size_t n = 0;
	const char *p = raw;
	while (*p == ' ')
		p++;
	if (strncasecmp(p, "cvr", 3) == 0) {
		p += 3;
		while (*p == '.' || *p == ':' || *p == ' ' || *p == '-')
			p++;
	}
	if (strncasecmp(p, "DK", 2) == 0)
		p += 2;
	for (; *p; p++) {
		if (is_digit(*p)) {
			if (n >= 8)
				return -1;
			digits[n++] = *p;
		} else if (*p != ' ' && *p != '-') {
			return -1;
		}
	}
	if (n != 8 || digits[0] == '0')
		return -1;
	int sum = 0;
	for (size_t i = 0; i < 8; i++)
		sum += (digits[i] - '0') * weights[i];
	if (sum % 11 != 0)
		return -1;
	memcpy(out, digits, 8);
	out[8] = '\0';
	return 0;
}

int normalize_postnr(const char *raw, char out[5])
{
	const char *p = raw;
	while (*p == ' ')
		p++;
	if (strncasecmp(p, "DK-", 3) == 0 || strncasecmp(p, "DK ", 3) == 0)
		p += 3;
	int v = 0;
	if (read_number(&p, 4, &v) != 4)
		return -1;
	/* "8000 Aarhus C": the town after the number is fine. */
	if (*p && *p != ' ')
		return -1;
	if (v < 800 || v > 9990)
		return -1;
	char text[16];
	snprintf(text, sizeof text, "%04d", v);
	memcpy(out, text, 5);
	return 0;
}

/* ---- kommuner ------------------------------------------------------------ */

/* Folded without separators: "Høje-Taastrup Kommune" -> "hoejetaastrupkommune". */
static char *kommune_key(const char *name)
{
	return fold(name, 1);
}

static const char *kommune_lookup(const char *key)
{
	for (size_t i = 0; i < sizeof kommuner / sizeof *kommuner; i++) {
		char *k = kommune_key(kommuner[i].name);
		int same = k && strcmp(k, key) == 0;
		free(k);
		if (same)
			return kommuner[i].name;
	}
	for (size_t i = 0; i < sizeof kommune_aliases / sizeof *kommune_aliases; i++)
		if (strcmp(kommune_aliases[i].key, key) == 0)
			return kommune_aliases[i].name;
	return NULL;
}

static int strip_suffix(char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	if (n > m && strcmp(s + n - m, suffix) == 0) {
		s[n - m] = '\0';
		return 1;
	}
	return 0;
}

static int strip_prefix(char *s, const char *prefix)
{
	size_t n = strlen(s), m = strlen(prefix);
	if (n > m && strncmp(s, prefix, m) == 0) {
		memmove(s, s + m, n - m + 1);
		return 1;
	}
	return 0;
}

const char *kommune_canonical(const char *name)
{
	const char *found = NULL;
	if (!name)
		return NULL;
	char *key = kommune_key(name);
	if (!key || !*key)
		goto out;
	if ((found = kommune_lookup(key)))
		goto out;
	/* "Aarhus Kommune", "Kommune: Aarhus", "Københavns Kommune",
	 * "Bornholms Regionskommune". */
	if (strip_suffix(key, "regionskommune") || strip_suffix(key, "kommune") ||
	    strip_prefix(key, "kommune:") || strip_prefix(key, "kommune")) {
		if ((found = kommune_lookup(key)))
			goto out;
	}
	if (strip_suffix(key, "s"))
		found = kommune_lookup(key);
out:
	free(key);
	return found;
}

const char *kommune_region(const char *canonical)
{
	for (size_t i = 0; canonical && i < sizeof kommuner / sizeof *kommuner; i++)
		if (strcmp(kommuner[i].name, canonical) == 0)
			return kommuner[i].region;
	return NULL;
}

const char *kommune_name_at(size_t index)
{
	return index < sizeof kommuner / sizeof *kommuner ? kommuner[index].name : NULL;
}

/* ---- the dispatcher ------------------------------------------------------ */

/* Longtext: trimmed, CRLF -> LF, at most one blank line between paragraphs. */
static char *paragraphs(const char *text)
{
	struct strbuf sb;
	int newlines = 0;
	strbuf_init(&sb, 0);
	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n') {
			newlines++;
			continue;
		}
		if (newlines)
			strbuf_puts(&sb, newlines > 1 ? "\n\n" : "\n");
		newlines = 0;
		strbuf_putc(&sb, *p);
	}
	strbuf_trim(&sb);
	return strbuf_detach(&sb);
}

json_t *normalize_value(const struct offer_field *field, const char *raw, char *reason,
			size_t reason_size)
{
	struct strbuf sb;
	json_t *value = NULL;
	char buf[32];
	long number;
	int flag;

	set_reason(reason, reason_size, "");
	trimmed(&sb, raw);
	const char *t = strbuf_str(&sb);
	if (field->type == FIELD_CHECKBOX) {
		/* An unticked box in a table has no text: that is "no", not missing. */
		if (normalize_is_placeholder(t) || normalize_checkbox(t, &flag) == 0)
			value = json_integer(normalize_is_placeholder(t) ? 0 : flag);
		else
			set_reason(reason, reason_size, "hverken afkrydset eller ikke afkrydset");
		goto out;
	}
	if (!*t || normalize_is_placeholder(t)) {
		value = json_null();
		goto out;
	}
	/*
	 * Most kinds turn the text into a canonical text or say why it is not
	 * one; they set text and why, and the code after the switch makes the
	 * value or the reason once for all of them.
	 */
	const char *text = NULL, *why = NULL;
	switch (field->type) {
	case FIELD_TEXT:
		text = t;
		break;
	case FIELD_LONGTEXT: {
		char *kept = paragraphs(t);
		value = kept ? json_string(kept) : NULL;
		free(kept);
		break;
	}
	case FIELD_INTEGER:
		if (normalize_integer(t, &number) == 0)
			value = json_integer(number);
		else
			why = "ikke et helt tal";
		break;
	case FIELD_DATE:
		text = normalize_date(t, buf) == 0 ? buf : NULL;
		why = "ikke en gyldig dato";
		break;
	case FIELD_CHOICE:
		text = normalize_choice(field, t);
		why = "ikke en af valgmulighederne";
		break;
	case FIELD_EMAIL: {
		const char *e = t;
		if (strncasecmp(e, "mailto:", 7) == 0)
			e += 7;
		text = email_ok(e) ? e : NULL;
		why = "ikke en gyldig e-mailadresse";
		break;
	}
	case FIELD_PHONE:
		text = normalize_phone(t, buf) == 0 ? buf : NULL;
		why = "ikke et gyldigt dansk telefonnummer på 8 cifre";
		break;
	case FIELD_CVR:
		text = normalize_cvr(t, buf) == 0 ? buf : NULL;
		why = "ikke et gyldigt CVR-nummer";
		break;
	case FIELD_POSTNR:
		text = normalize_postnr(t, buf) == 0 ? buf : NULL;
		why = "ikke et gyldigt postnummer";
		break;
	case FIELD_KOMMUNE:
		text = kommune_canonical(t);
		why = "ikke en dansk kommune";
		break;
	case FIELD_CHECKBOX:
		break;
	}
	if (text)
		value = json_string(text);
	else if (why)
		set_reason(reason, reason_size, why);
out:
	strbuf_release(&sb);
	return value;
}
