/*
 * paths.c - finding data files and stage programs.
 */
#define _DEFAULT_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

#ifndef SKEMA_DEFAULT_DATADIR
#define SKEMA_DEFAULT_DATADIR "/usr/local/share/skema"
#endif
/* /etc/skema for PREFIX=/usr, $(PREFIX)/etc/skema otherwise (install/rules.mk). */
#ifndef SKEMA_DEFAULT_CONFDIR
#define SKEMA_DEFAULT_CONFDIR "/etc/skema"
#endif

static char exe_dir[PATH_MAX];
static char datadir[PATH_MAX];
static char formsdir[PATH_MAX];

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *paths_join(char *buf, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a);
	if (la > 0 && a[la - 1] == '/')
		snprintf(buf, size, "%s%s", a, b);
	else
		snprintf(buf, size, "%s/%s", a, b);
	return buf;
}

const char *paths_exe_dir(void)
{
	if (exe_dir[0])
		return exe_dir;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return exe_dir;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(exe_dir, sizeof exe_dir, "%s", self);
	return exe_dir;
}

const char *paths_datadir(void)
{
	if (datadir[0])
		return datadir;
	const char *env = getenv("SKEMA_DATADIR");
	char candidate[PATH_MAX], forms[PATH_MAX];
	if (env && *env) {
		snprintf(datadir, sizeof datadir, "%s", env);
		return datadir;
	}
	const char *exe = paths_exe_dir();
	static const char *const relative[] = {"../share/skema", "../../share/skema", ".."};
	for (size_t i = 0; exe[0] && i < sizeof relative / sizeof *relative; i++) {
		paths_join(candidate, sizeof candidate, exe, relative[i]);
		paths_join(forms, sizeof forms, candidate, "forms");
		if (is_dir(forms)) {
			char *real = realpath(candidate, NULL);
			snprintf(datadir, sizeof datadir, "%s", real ? real : candidate);
			free(real);
			return datadir;
		}
	}
	snprintf(datadir, sizeof datadir, "%s", SKEMA_DEFAULT_DATADIR);
	return datadir;
}

const char *paths_confdir(void)
{
	const char *env = getenv("SKEMA_CONFDIR");
	return env && *env ? env : SKEMA_DEFAULT_CONFDIR;
}

int paths_find(const char *relative, char *buf, size_t size)
{
	paths_join(buf, size, paths_confdir(), relative);
	if (is_file(buf))
		return 0;
	paths_join(buf, size, paths_datadir(), relative);
	if (is_file(buf))
		return 0;
	return -1;
}

const char *paths_forms_dir(void)
{
	const char *env = getenv("SKEMA_FORMS");
	if (env && *env)
		return env;
	if (!formsdir[0])
		paths_join(formsdir, sizeof formsdir, paths_datadir(), "forms");
	return formsdir;
}

int paths_stage(const char *name, char *buf, size_t size)
{
	char file[NAME_MAX + 1], dir[PATH_MAX];
	snprintf(file, sizeof file, "skema-%s", name);
	/* Tests run the stages through wrappers (valgrind) placed elsewhere. */
	const char *override = getenv("SKEMA_LIBEXEC");
	if (override && *override) {
		paths_join(buf, size, override, file);
		return access(buf, X_OK) == 0 ? 0 : -1;
	}
	const char *exe = paths_exe_dir();
	paths_join(buf, size, exe, file);
	if (access(buf, X_OK) == 0)
		return 0;
	paths_join(dir, sizeof dir, exe, "../libexec/skema");
	paths_join(buf, size, dir, file);
	if (access(buf, X_OK) == 0)
		return 0;
	return -1;
}
