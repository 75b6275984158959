/*
 * utf8.h - strict UTF-8 checks for text that came from a document.
 *
 * Strict means: no overlong forms (C0 AF), no surrogates (ED A0 80), nothing
 * above U+10FFFF.  libharu turns an overlong "/" into a real "/" and passes
 * surrogates through, so letters must only ever see text that passed here.
 */
#ifndef SKEMA_UTF8_H
#define SKEMA_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length in bytes of the valid UTF-8 sequence at s (1-4), or 0 when s does
 * not start with one (including at the terminating NUL).
 */
size_t utf8_valid_prefix(const char *s);

/* Decodes the sequence at s into *cp; returns its length, 0 if invalid. */
size_t utf8_decode(const char *s, uint32_t *cp);

/* Encodes cp into out (at least 4 bytes); returns the length, 0 if invalid. */
size_t utf8_encode(uint32_t cp, char *out);

/* 1 when the whole NUL-terminated string is valid UTF-8. */
int utf8_is_valid(const char *s);

/* Number of code points in a valid string (invalid bytes count as one). */
size_t utf8_length(const char *s);

#endif
