/*
 * claim_note.h - the small notes a claim carries beside its file.
 */
#ifndef SKEMA_CLAIM_NOTE_H
#define SKEMA_CLAIM_NOTE_H

#include <stddef.h>

/*
 * Reads note (".origin", ".retry", ...) of the claim dir (a claim
 * directory, or a claimed file that carries its own notes) into buf,
 * NUL-terminated, trailing newlines cut: from its extended attribute
 * "user.skema.<note without its dot>", else from the dot file of that name
 * in dir.  Returns 0, or -1 when neither exists or cannot be read.
 */
int claim_note_read(const char *dir, const char *note, char *buf, size_t size);

/*
 * Stores note on dir (a claim directory, or a file: a flat claim, or one
 * about to be claimed) as its extended attribute.  Returns 0; -1 with errno
 * when the file system keeps no such attribute here (ENOTSUP, E2BIG,
 * ENOSPC, ...): the caller then writes the dot file instead.
 */
int claim_note_set(const char *dir, const char *note, const char *data, size_t len);

/*
 * Removes every note kept as an extended attribute of path: a claimed file
 * that carried its own notes leaves work/ without them.  Best effort.
 */
void claim_note_clear(const char *path);

#endif
