/*
 * msg.h - the one place where skema programs talk to a human on stderr.
 *
 * Every line has the shape "PROG: WHAT: problem", lowercase, no full stop
 * (OpenBSD err(3)).  Text that came from a document or a file name is
 * escaped first, so an attacker cannot put control characters or fake lines
 * on an administrator's terminal or into a log.
 *
 * The library never prints except through this module and never exits.
 */
#ifndef SKEMA_MSG_H
#define SKEMA_MSG_H

#include <stddef.h>

/* Exit codes, from <sysexits.h>, documented in README.md. */
enum {
	EXIT_DONE = 0,
	EXIT_USAGE = 64,    /* EX_USAGE: bad command line */
	EXIT_DATAERR = 65,  /* EX_DATAERR: bad input, permanent (quarantine) */
	EXIT_SOFTWARE = 70, /* EX_SOFTWARE: internal error, not a verdict */
	EXIT_TEMPFAIL = 75, /* EX_TEMPFAIL: busy, disk full: retry later */
	EXIT_CONFIG = 78,   /* EX_CONFIG: configuration or offer definition */
};

/* Sets the program name used as the prefix of every message. Borrowed. */
void msg_set_program(const char *name);
const char *msg_program(void);

/* Verbosity: -1 quiet (errors only), 0 normal, 1 verbose. */
void msg_set_verbosity(int level);
int msg_verbosity(void);

/* "prog: text\n" on stderr. */
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like msg_error, with ": strerror(errno)" appended. */
void msg_syserror(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Escapes untrusted text for one line of a message: control characters and
 * invalid UTF-8 become \xNN, backslash becomes \\.  Valid UTF-8 (æøå) is
 * kept.  Writes at most size-1 bytes and a NUL into buf; truncates with
 * "..." when it does not fit.  Returns buf.
 */
char *msg_escape(char *buf, size_t size, const char *text);

#endif
