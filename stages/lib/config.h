/*
 * config.h - the workspace configuration file, skema.conf.
 *
 * Plain "key = value" lines; '#' starts a comment; keys are dotted
 * ("letter.signatory").  Values are UTF-8 text, trimmed.  It is where an
 * administrator sets the authority's name, the signatory and contact for
 * letters, and the inbox settings: never in C code.  docs/config.md lists
 * the keys.
 */
#ifndef SKEMA_CONFIG_H
#define SKEMA_CONFIG_H

#include <stddef.h>

#include "strbuf.h"

struct config_entry {
	char *key;
	char *value;
	int line;
};

struct config {
	char *path;
	struct config_entry *entries;
	size_t count;
};

void config_init(struct config *cfg);
void config_release(struct config *cfg);

/*
 * Loads path, adding to what is loaded (a later value wins).  Returns 0, or
 * -1 with "FILE:LINE: problem" appended to err.  A missing file is an error.
 */
int config_load(struct config *cfg, const char *path, struct strbuf *err);

/* The value of key, or fallback.  Borrowed. */
const char *config_get(const struct config *cfg, const char *key, const char *fallback);

/* The value of key as a number, or fallback when absent or not a number. */
long config_get_long(const struct config *cfg, const char *key, long fallback);

#endif
