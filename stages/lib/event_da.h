/*
 * event_da.h - the event log as a reviewer reads it: the name of each event
 * and the codes inside its detail in Danish.  The log itself keeps the codes
 * (docs/schema.md); only what is shown is translated.
 */
#ifndef SKEMA_EVENT_DA_H
#define SKEMA_EVENT_DA_H

#include <stddef.h>

/* The Danish name of an event ("rejudged" -> "vurderet igen"); the code itself when unknown. */
const char *event_name_da(const char *event);

/*
 * The detail of an event with its codes in Danish: the validator's verdicts
 * in "stored" and "rejudged", the sheet in "review_sheet", the English
 * detail of "retried".  Writes into buf (cut to size) and returns it.
 */
const char *event_detail_da(const char *event, const char *detail, char *buf, size_t size);

#endif
