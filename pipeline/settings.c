/*
 * settings.c - what skema.conf may say (docs/workspace.md, docs/letters.md),
 * checked when a workspace is opened.
 *
 * An administrator's typo must not pass unnoticed: "letter.signatroy = ..."
 * would leave the letters signed by the default, "run.jobs = to" would run
 * with the default.  An unknown key is a warning (a newer skema.conf read by
 * an older skema should still run); a number that is not one is an error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "workspace.h"

static const struct {
	const char *key;
	int number; /* 1: a whole number */
} settings[] = {
	{"inbox.settle_seconds", 1},
	{"inbox.max_size", 1},
	{"run.batch_size", 1},
	{"run.jobs", 1},
	{"run.max_attempts", 1},
	{"run.max_deferrals", 1},
	{"watch.poll_seconds", 1},
	{"watch.rescan_seconds", 1},
	{"authority.name", 0},
	{"authority.unit", 0},
	{"authority.address", 0},
	{"authority.postcode", 0},
	{"authority.city", 0},
	{"authority.postal", 0},
	{"authority.phone", 0},
	{"authority.email", 0},
	{"authority.web", 0},
	/* Written by skema init before 0.1.0 was installed anywhere; read by nothing. */
	{"authority.cvr", 0},
	{"letter.city", 0},
	{"letter.signatory", 0},
	{"letter.signatory_title", 0},
	{"letter.contact_name", 0},
	{"letter.contact_email", 0},
	{"letter.contact_phone", 0},
	{"letter.reply_days", 1},
	{"klage.body", 0},
	{"klage.instans", 0},
	{"klage.address", 0},
	{"klage.instans_adresse", 0},
	{"klage.via", 0},
	{"klage.adresse", 0},
	{"klage.weeks", 1},
	{"klage.frist", 0},
};

static int is_number(const char *text)
{
	char *end;
	errno = 0;
	(void)strtol(text, &end, 10);
	return !errno && end != text && *end == '\0';
}

int ws_check_settings(const struct config *cfg)
{
	int rc = 0;
	for (size_t i = 0; i < cfg->count; i++) {
		const struct config_entry *e = &cfg->entries[i];
		size_t k = 0;
		while (k < sizeof settings / sizeof *settings && strcmp(settings[k].key, e->key) != 0)
			k++;
		if (k == sizeof settings / sizeof *settings) {
			msg_warn("%s:%d: unknown setting \"%s\" (ignored; docs/workspace.md lists them)",
				 cfg->path, e->line, e->key);
		} else if (settings[k].number && !is_number(e->value)) {
			msg_error("%s:%d: %s: \"%s\" is not a whole number", cfg->path, e->line, e->key,
				  e->value);
			rc = -1;
		}
	}
	return rc;
}
