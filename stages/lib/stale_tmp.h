/*
 * stale_tmp.h - the temporary files of writers killed mid-write.
 *
 * A PDF or CSV is written under a temporary name beside its final one,
 * "<name>.pdf.tmp.<pid>" or "<name>.pdf.tmp.<pid>.<n>" (pdf.h), and renamed
 * when whole.  A writer killed in between (SIGKILL, a crash, the power)
 * leaves that file behind, full size, and nothing else removes it.
 */
#ifndef SKEMA_STALE_TMP_H
#define SKEMA_STALE_TMP_H

/* The writer's pid in such a name, or 0 when name is not one. */
long stale_tmp_pid(const char *name);

/*
 * Removes from dir the temporary files whose writer is no longer alive.  A
 * live writer (another program on the same folder) keeps its file; a pid
 * reused by an unrelated process only delays the clean-up to a later run.
 * Failures are warnings: a stray file stops nothing.
 */
void stale_tmp_remove(const char *dir);

#endif
