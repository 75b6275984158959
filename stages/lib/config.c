/*
 * config.c - reading skema.conf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "utf8.h"

void config_init(struct config *cfg)
{
	cfg->path = NULL;
	cfg->entries = NULL;
	cfg->count = 0;
}

void config_release(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->count; i++) {
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg->path);
	config_init(cfg);
}

static char *trimmed(const char *start, const char *end)
{
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	return strndup(start, (size_t)(end - start));
}

int config_load(struct config *cfg, const char *path, struct strbuf *err)
{
	FILE *fp = fopen(path, "r");
	char line[4096];
	int number = 0, rc = 0;

	if (!fp) {
		strbuf_printf(err, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	free(cfg->path);
	cfg->path = strdup(path);
	while (fgets(line, sizeof line, fp)) {
		number++;
		if (!strchr(line, '\n') && !feof(fp)) {
			strbuf_printf(err, "%s:%d: line too long\n", path, number);
			rc = -1;
			int c;
			while ((c = getc(fp)) != EOF && c != '\n')
				;
			continue;
		}
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			strbuf_printf(err, "%s:%d: expected \"key = value\"\n", path, number);
			rc = -1;
			continue;
		}
		char *key = trimmed(p, eq);
		char *value = trimmed(eq + 1, eq + strlen(eq));
		if (!*key || !utf8_is_valid(value)) {
			strbuf_printf(err, "%s:%d: %s\n", path, number,
				      *key ? "value is not UTF-8" : "empty key");
			free(key);
			free(value);
			rc = -1;
			continue;
		}
		struct config_entry *grown = realloc(cfg->entries, (cfg->count + 1) * sizeof *grown);
		if (!grown) {
			free(key);
			free(value);
			rc = -1;
			break;
		}
		cfg->entries = grown;
		cfg->entries[cfg->count].key = key;
		cfg->entries[cfg->count].value = value;
		cfg->entries[cfg->count].line = number;
		cfg->count++;
	}
	fclose(fp);
	return rc;
}

const char *config_get(const struct config *cfg, const char *key, const char *fallback)
{
	/* Last one wins, so a later file or line overrides an earlier one. */
	for (size_t i = cfg->count; i-- > 0;)
		if (strcmp(cfg->entries[i].key, key) == 0)
			return cfg->entries[i].value;
	return fallback;
}

long config_get_long(const struct config *cfg, const char *key, long fallback)
{
	const char *value = config_get(cfg, key, NULL);
	if (!value)
		return fallback;
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	return errno || end == value || *end ? fallback : v;
}
