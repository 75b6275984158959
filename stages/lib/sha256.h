/*
 * sha256.h - SHA-256 (FIPS 180-4), for the content address of a dropped file.
 *
 * Written here rather than pulled from a crypto library: it is the only
 * digest skema needs, it is not used for secrecy, and one small checked
 * implementation (see tests/unit/test_lib.c) costs less than a dependency.
 */
#ifndef SKEMA_SHA256_H
#define SKEMA_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t state[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
/* Writes 32 bytes. */
void sha256_final(struct sha256 *ctx, unsigned char digest[32]);
/* Writes 64 lowercase hex digits and a NUL. */
void sha256_hex(const unsigned char digest[32], char hex[65]);

/*
 * Hashes the file open on fd from its current offset to its end.  Returns 0,
 * or -1 with errno set.  *size receives the number of bytes read.
 */
int sha256_fd(int fd, char hex[65], uint64_t *size);

/*
 * on: hash with the portable C code even where the CPU's SHA instructions
 * are used by default, so tests check both on the machine they run on.
 */
void sha256_use_portable(int on);

#endif
