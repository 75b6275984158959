/*
 * paths.h - where skema finds its data (offer definitions, fonts, letter
 * texts) and its stage programs, in the source tree and once installed.
 *
 * Data directory, first that exists:
 *   $SKEMA_DATADIR;
 *   <dir of the running program>/../share/skema   (installed: bin/ or libexec/skema/..)
 *   <dir of the running program>/..               (source tree: bin/ beside forms/)
 *   SKEMA_DEFAULT_DATADIR, compiled in.
 * Offer definitions and letter texts are looked up first in $SKEMA_CONFDIR
 * (default /etc/skema), so an administrator's local file overrides the
 * shipped one.
 */
#ifndef SKEMA_PATHS_H
#define SKEMA_PATHS_H

#include <stddef.h>

/* Directory of the running executable; "" if unknown.  Borrowed. */
const char *paths_exe_dir(void);

/* The data directory (holds forms/ and fonts/).  Borrowed. */
const char *paths_datadir(void);

/* The local configuration directory ($SKEMA_CONFDIR, else SKEMA_DEFAULT_CONFDIR:
 * /etc/skema, or $(PREFIX)/etc/skema when not installed under /usr).  Borrowed. */
const char *paths_confdir(void);

/*
 * Finds a data file by its relative name ("forms/temaforloeb/offer.xml",
 * "fonts/skema-sans.ttf"): the local configuration directory first, then the
 * data directory.  Writes the path into buf; returns 0, or -1 when found in
 * neither.
 */
int paths_find(const char *relative, char *buf, size_t size);

/* The directory of offer definitions: <datadir>/forms, or $SKEMA_FORMS.  Borrowed. */
const char *paths_forms_dir(void);

/*
 * Finds the stage program "skema-NAME": in $SKEMA_LIBEXEC when set (only
 * there), else beside the running program, then in <exe>/../libexec/skema.  Writes its path into buf; returns 0 or -1.
 */
int paths_stage(const char *name, char *buf, size_t size);

/* Joins a and b with one '/' into buf; returns buf. */
char *paths_join(char *buf, size_t size, const char *a, const char *b);

#endif
