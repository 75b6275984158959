/*
 * strbuf.c - capped growing buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void strbuf_init(struct strbuf *sb, size_t max)
{
	sb->data = NULL;
	sb->len = 0;
	sb->alloc = 0;
	sb->max = max ? max : ((size_t)-1) / 2;
	sb->overflow = 0;
}

void strbuf_release(struct strbuf *sb)
{
	if (!sb)
		return;
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->alloc = 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->overflow = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

static int grow(struct strbuf *sb, size_t extra)
{
	if (extra > sb->max - sb->len) {
		sb->overflow = 1;
		return -1;
	}
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return 0;
	size_t alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < need)
		alloc = alloc > ((size_t)-1) / 4 ? need : alloc * 2;
	char *p = realloc(sb->data, alloc);
	if (!p)
		return -1;
	sb->data = p;
	sb->alloc = alloc;
	return 0;
}

int strbuf_append(struct strbuf *sb, const char *data, size_t len)
{
	if (grow(sb, len) < 0)
		return -1;
	if (len)
		memcpy(sb->data + sb->len, data, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
	return 0;
}

int strbuf_puts(struct strbuf *sb, const char *s)
{
	return strbuf_append(sb, s, strlen(s));
}

int strbuf_putc(struct strbuf *sb, char c)
{
	return strbuf_append(sb, &c, 1);
}

int strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(sb, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->data ? sb->data : "";
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->data ? sb->data : strdup("");
	sb->data = NULL;
	sb->len = sb->alloc = 0;
	return p;
}

/* Length of the white space sequence at p, 0 if none. */
static size_t space_at(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		return 1;
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	/* U+2000..U+200B */
	if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x80 && p[2] <= 0x8b)
		return 3;
	/* U+3000 */
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

void strbuf_trim(struct strbuf *sb)
{
	if (!sb->data || sb->len == 0)
		return;
	unsigned char *s = (unsigned char *)sb->data;
	size_t start = 0, n;
	while (start < sb->len && (n = space_at(s + start)) > 0)
		start += n;
	size_t end = start, last = start;
	while (end < sb->len) {
		n = space_at(s + end);
		if (n) {
			end += n;
		} else {
			end++;
			/* skip continuation bytes of the same character */
			while (end < sb->len && (s[end] & 0xc0) == 0x80)
				end++;
			last = end;
		}
	}
	memmove(sb->data, sb->data + start, last - start);
	sb->len = last - start;
	sb->data[sb->len] = '\0';
}
