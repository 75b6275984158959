/*
 * text.c - small text helpers shared by the DOCX and ODT readers.
 */
#include <string.h>

#include "extract.h"

/*
 * Texts a word processor shows in an empty control.  They are not what the
 * applicant wrote: a field showing one is empty (issue 3; Word's Danish and
 * English defaults, LibreOffice's).
 */
static const char *const placeholders[] = {
    "Klik eller tryk her for at skrive tekst.",
    "Klik her for at skrive tekst.",
    "Klik eller tryk for at angive en dato.",
    "Klik her for at angive en dato.",
    "Vælg et element.",
    "Click or tap here to enter text.",
    "Click here to enter text.",
    "Click or tap to enter a date.",
    "Click here to enter a date.",
    "Choose an item.",
    "Choose an item",
    "Vælg et element",
};

int extract_is_placeholder(const char *text)
{
	for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++)
		if (strcmp(text, placeholders[i]) == 0)
			return 1;
	return 0;
}

/* 1 for an ASCII character that is not white space. */
static int ascii_solid(char c)
{
	unsigned char u = (unsigned char)c;
	return u > ' ' && u < 0x7f;
}

void extract_tidy(struct strbuf *sb)
{
	if (!sb->data)
		return;
	/* Spaces before a line break are layout, not content. */
	size_t out = 0;
	for (size_t i = 0; i < sb->len; i++) {
		char c = sb->data[i];
		if (c == '\r')
			c = '\n';
		if (c == '\n') {
			while (out > 0 && (sb->data[out - 1] == ' ' || sb->data[out - 1] == '\t'))
				out--;
			/* Empty paragraphs and table cells: at most one blank line. */
			if (out >= 2 && sb->data[out - 1] == '\n' && sb->data[out - 2] == '\n')
				continue;
		}
		sb->data[out++] = c;
	}
	sb->len = out;
	sb->data[out] = '\0';
	/*
	 * Most texts start and end with a plain ASCII character: nothing to
	 * trim, and strbuf_trim's walk over every character is skipped.  Any
	 * other space (no-break, U+2000...) starts and ends with a byte >= 0x80.
	 */
	if (out > 0 && ascii_solid(sb->data[0]) && ascii_solid(sb->data[out - 1]))
		return;
	strbuf_trim(sb);
}
