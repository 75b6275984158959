/*
 * msg.c - messages on stderr, with untrusted text escaped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "utf8.h"

static const char *program_name = "skema";
static int verbosity;

void msg_set_program(const char *name) { program_name = name; }
const char *msg_program(void) { return program_name; }
void msg_set_verbosity(int level) { verbosity = level; }
int msg_verbosity(void) { return verbosity; }

static void vmessage(const char *fmt, va_list ap, int errnum)
{
	/* One fputs per line, so lines from parallel stages do not interleave. */
	char line[4096];
	int n = snprintf(line, sizeof line, "%s: ", program_name);
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	size_t used = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (used >= sizeof line)
		used = sizeof line - 1;
	if (errnum)
		snprintf(line + used, sizeof line - used, ": %s", strerror(errnum));
	used = strlen(line);
	if (used + 1 < sizeof line) {
		line[used] = '\n';
		line[used + 1] = '\0';
	} else {
		line[sizeof line - 2] = '\n';
	}
	fputs(line, stderr);
}

void msg_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(fmt, ap, 0);
	va_end(ap);
}

void msg_syserror(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vmessage(fmt, ap, saved);
	va_end(ap);
}

/* Warnings and information are quiet under -q; debug lines need -v. */
#define LEVELLED(name, least)                                                                  \
	void name(const char *fmt, ...)                                                         \
	{                                                                                       \
		if (verbosity < (least))                                                        \
			return;                                                                 \
		va_list ap;                                                                     \
		va_start(ap, fmt);                                                              \
		vmessage(fmt, ap, 0);                                                           \
		va_end(ap);                                                                     \
	}

LEVELLED(msg_warn, 0)
LEVELLED(msg_info, 0)
LEVELLED(msg_debug, 1)

char *msg_escape(char *buf, size_t size, const char *text)
{
	static const char hex[] = "0123456789abcdef";
	size_t out = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "(null)");

	if (size == 0)
		return buf;
	while (*p) {
		char piece[8];
		size_t len;
		size_t seq = utf8_valid_prefix((const char *)p);
		if (seq > 1) {
			memcpy(piece, p, seq);
			len = seq;
		} else if (*p == '\\') {
			piece[0] = '\\';
			piece[1] = '\\';
			len = 2;
		} else if (*p < 0x20 || *p == 0x7f || *p >= 0x80) {
			piece[0] = '\\';
			piece[1] = 'x';
			piece[2] = hex[*p >> 4];
			piece[3] = hex[*p & 15];
			len = 4;
			seq = 1;
		} else {
			piece[0] = (char)*p;
			len = 1;
			seq = 1;
		}
		if (out + len + 4 > size) {
			if (size >= 4) {
				size_t at = out < size - 4 ? out : size - 4;
				memcpy(buf + at, "...", 3);
				out = at + 3;
			}
			break;
		}
		memcpy(buf + out, piece, len);
		out += len;
		p += seq;
	}
	buf[out < size ? out : size - 1] = '\0';
	return buf;
}
