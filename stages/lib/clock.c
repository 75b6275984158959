/*
 * clock.c - SKEMA_NOW and local time in the agency's time zone.
 */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "msg.h"

void clock_init(void)
{
	const char *zone = getenv("SKEMA_TZ");
	setenv("TZ", zone && *zone ? zone : "Europe/Copenhagen", 1);
	tzset();
}

int clock_now(time_t *now)
{
	const char *fixed = getenv("SKEMA_NOW");
	if (fixed && *fixed) {
		if (clock_parse(fixed, now) < 0) {
			msg_error("SKEMA_NOW: not an ISO time: %s", fixed);
			return -1;
		}
		return 0;
	}
	*now = time(NULL);
	return 0;
}

static int digits(const char **p, int count, int *value)
{
	int v = 0;
	for (int i = 0; i < count; i++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*value = v;
	return 0;
}

int clock_parse(const char *text, time_t *out)
{
	struct tm tm;
	const char *p = text;
	int year, month, day, hour = 0, minute = 0, second = 0;
	int has_offset = 0, offset_minutes = 0;

	memset(&tm, 0, sizeof tm);
	if (digits(&p, 4, &year) || *p++ != '-' || digits(&p, 2, &month) || *p++ != '-' ||
	    digits(&p, 2, &day))
		return -1;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &hour) || *p++ != ':' || digits(&p, 2, &minute))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &second))
				return -1;
			if (*p == '.') /* fractions of a second are dropped */
				while (isdigit((unsigned char)*++p))
					;
		}
		if (*p == 'Z') {
			has_offset = 1;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1, oh, om = 0;
			p++;
			if (digits(&p, 2, &oh))
				return -1;
			if (*p == ':')
				p++;
			if (*p && digits(&p, 2, &om))
				return -1;
			has_offset = 1;
			offset_minutes = sign * (oh * 60 + om);
		}
	}
	if (*p != '\0')
		return -1;
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
	    second > 60)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	if (has_offset) {
		time_t t = timegm(&tm);
		if (t == (time_t)-1)
			return -1;
		*out = t - (time_t)offset_minutes * 60;
	} else {
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		if (t == (time_t)-1)
			return -1;
		*out = t;
	}
	/* Reject dates that normalised into another day (2021-02-30). */
	struct tm check;
	if (!has_offset) {
		localtime_r(out, &check);
		if (check.tm_mday != day || check.tm_mon != month - 1)
			return -1;
	}
	return 0;
}

/* Copies a formatted time into a caller's buffer, truncating. */
static void copy_out(char buf[CLOCK_ISO_SIZE], const char *tmp)
{
	size_t n = strlen(tmp);
	if (n >= CLOCK_ISO_SIZE)
		n = CLOCK_ISO_SIZE - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
}

char *clock_format(time_t t, char buf[CLOCK_ISO_SIZE])
{
	struct tm tm;
	localtime_r(&t, &tm);
	long off = tm.tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	/* The offsets and fields are small, but the compiler cannot know. */
	int hours = (int)(off / 60 % 24), minutes = (int)(off % 60);
	char tmp[128];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 sign, hours, minutes);
	copy_out(buf, tmp);
	return buf;
}

char *clock_format_date(time_t t, char buf[CLOCK_ISO_SIZE])
{
	struct tm tm;
	localtime_r(&t, &tm);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	copy_out(buf, tmp);
	return buf;
}

char *clock_format_local(time_t t, char buf[CLOCK_ISO_SIZE])
{
	struct tm tm;
	localtime_r(&t, &tm);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	copy_out(buf, tmp);
	return buf;
}

char *clock_format_danish(time_t t, char buf[CLOCK_ISO_SIZE])
{
	static const char *const months[] = {
		"januar", "februar", "marts",     "april",   "maj",      "juni",
		"juli",   "august",  "september", "oktober", "november", "december",
	};
	struct tm tm;
	localtime_r(&t, &tm);
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%d. %s %04d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
	copy_out(buf, tmp);
	return buf;
}

char *clock_format_danish_time(time_t t, char buf[CLOCK_ISO_SIZE])
{
	struct tm tm;
	char date[CLOCK_ISO_SIZE], tmp[64];
	localtime_r(&t, &tm);
	/* Danish writes the time with a full stop: kl. 12.00. */
	snprintf(tmp, sizeof tmp, "%s kl. %02d.%02d", clock_format_danish(t, date), tm.tm_hour,
		 tm.tm_min);
	copy_out(buf, tmp);
	return buf;
}

char *clock_format_danish_time_apart(time_t t, time_t other, char buf[CLOCK_ISO_SIZE])
{
	if (t / 60 != other / 60)
		return clock_format_danish_time(t, buf);
	struct tm tm;
	char date[CLOCK_ISO_SIZE], tmp[64];
	localtime_r(&t, &tm);
	snprintf(tmp, sizeof tmp, "%s kl. %02d.%02d.%02d", clock_format_danish(t, date), tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	copy_out(buf, tmp);
	return buf;
}
