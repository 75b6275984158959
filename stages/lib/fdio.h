/*
 * fdio.h - whole writes on a file descriptor.
 */
#ifndef SKEMA_FDIO_H
#define SKEMA_FDIO_H

#include <stddef.h>

/*
 * Writes all len bytes of buf to fd, going on after short writes and
 * EINTR.  Returns 0, or -1 with errno set (a write that wrote nothing sets
 * EIO).  Async-signal-safe: a forked child may use it.
 */
int fdio_write_all(int fd, const void *buf, size_t len);

#endif
