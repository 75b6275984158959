/*
 * strbuf.h - a growing byte buffer with a maximum chosen by its owner.
 *
 * Every buffer that grows with untrusted input has a cap: appending past it
 * fails (returns -1 and sets the overflow flag) instead of eating memory.
 * The contents are always NUL-terminated.
 */
#ifndef SKEMA_STRBUF_H
#define SKEMA_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *data;    /* NUL-terminated; NULL until the first append */
	size_t len;    /* bytes used, excluding the NUL */
	size_t alloc;  /* bytes allocated */
	size_t max;    /* largest len allowed; 0 means SIZE_MAX/2 */
	int overflow;  /* set once an append was refused for the cap */
};

/* Allocates nothing. */
void strbuf_init(struct strbuf *sb, size_t max);
/* Frees the contents; accepts NULL. */
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);

/* Return 0, or -1 (cap reached or out of memory). */
int strbuf_append(struct strbuf *sb, const char *data, size_t len);
int strbuf_puts(struct strbuf *sb, const char *s);
int strbuf_putc(struct strbuf *sb, char c);
int strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "" when empty: never NULL.  Borrowed. */
const char *strbuf_str(const struct strbuf *sb);

/* Hands the contents to the caller (caller frees) and resets sb. */
char *strbuf_detach(struct strbuf *sb);

/* Removes leading and trailing ASCII and Unicode white space (U+00A0, U+2002..U+200B, U+3000). */
void strbuf_trim(struct strbuf *sb);

#endif
