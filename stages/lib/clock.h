/*
 * clock.h - the time skema believes it is, and how it writes times.
 *
 * SKEMA_NOW (an ISO time) overrides the clock, for tests and for replaying an
 * old round.  All times skema writes are local time of the agency
 * (Europe/Copenhagen) with their UTC offset, e.g. 2021-09-13T11:59:00+02:00,
 * because deadlines such as "13. september kl. 12" are stated in it.
 */
#ifndef SKEMA_CLOCK_H
#define SKEMA_CLOCK_H

#include <time.h>

#define CLOCK_ISO_SIZE 32

/* Sets TZ to Europe/Copenhagen unless SKEMA_TZ names another zone. */
void clock_init(void);

/*
 * The current time, or SKEMA_NOW when set.  Returns 0, or -1 when SKEMA_NOW
 * cannot be parsed (a message says so).
 */
int clock_now(time_t *now);

/*
 * Parses "2021-09-13", "2021-09-13T12:00", "2021-09-13 12:00:00",
 * "...Z" and "...+02:00".  A time without offset is local time.  A date alone
 * is its midnight.  Returns 0, or -1 when text is not such a time.
 */
int clock_parse(const char *text, time_t *out);

/* Writes "2021-09-13T12:00:00+02:00" into buf. */
char *clock_format(time_t t, char buf[CLOCK_ISO_SIZE]);

/* Writes "2021-09-13" (local date) into buf. */
char *clock_format_date(time_t t, char buf[CLOCK_ISO_SIZE]);

/*
 * Writes "2021-09-13 12:00:00" (local time, no offset) into buf: what a
 * spreadsheet in any language reads as a date and time.
 */
char *clock_format_local(time_t t, char buf[CLOCK_ISO_SIZE]);

/* Writes a Danish date, "13. september 2021", into buf (at least 32 bytes). */
char *clock_format_danish(time_t t, char buf[CLOCK_ISO_SIZE]);

/* Writes a Danish date and time, "13. september 2021 kl. 12.00", into buf. */
char *clock_format_danish_time(time_t t, char buf[CLOCK_ISO_SIZE]);

/*
 * The same, to the second ("kl. 12.00.30") when t falls in the minute of
 * other: a form received late within its deadline's own minute would
 * otherwise read as received at the deadline.
 */
char *clock_format_danish_time_apart(time_t t, time_t other, char buf[CLOCK_ISO_SIZE]);

#endif
