/*
 * sha256.c - SHA-256 as specified in FIPS 180-4, section 6.2: whole blocks
 * hashed straight from the caller's buffer, the rounds unrolled (letters
 * hash every PDF they write, ~25 KB each).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/*
 * The functions of FIPS 180-4, 4.1.2.  Ch and Maj in the equivalent forms
 * with one operation fewer.
 */
#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

/*
 * One round of 6.2.2 step 3 without moving the eight working variables:
 * the caller names them in rotated order instead, so h becomes the new a
 * and d the new e.
 */
#define ROUND(a, b, c, d, e, f, g, h, t, wt)                                        \
	do {                                                                         \
		uint32_t t1 = (h) + BSIG1(e) + CH(e, f, g) + k[t] + (wt);            \
		(d) += t1;                                                           \
		(h) = t1 + BSIG0(a) + MAJ(a, b, c);                                  \
	} while (0)

/* Eight rounds from t on, with the message schedule word W[t + j] in w[j'] */
#define ROUNDS8(t, j)                                                               \
	do {                                                                         \
		ROUND(a, b, c, d, e, f, g, h, (t) + (j) + 0, w[(j) + 0]);            \
		ROUND(h, a, b, c, d, e, f, g, (t) + (j) + 1, w[(j) + 1]);            \
		ROUND(g, h, a, b, c, d, e, f, (t) + (j) + 2, w[(j) + 2]);            \
		ROUND(f, g, h, a, b, c, d, e, (t) + (j) + 3, w[(j) + 3]);            \
		ROUND(e, f, g, h, a, b, c, d, (t) + (j) + 4, w[(j) + 4]);            \
		ROUND(d, e, f, g, h, a, b, c, (t) + (j) + 5, w[(j) + 5]);            \
		ROUND(c, d, e, f, g, h, a, b, (t) + (j) + 6, w[(j) + 6]);            \
		ROUND(b, c, d, e, f, g, h, a, (t) + (j) + 7, w[(j) + 7]);            \
	} while (0)

static inline uint32_t load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * Processes nblocks 64-byte blocks (6.2.2).  The message schedule is kept
 * as 16 words, W[t] overwriting W[t - 16] (6.2.2 step 1 rewritten as in
 * 6.1.3's alternative): computed in place in order, each word finds the
 * new W[t - 2] and W[t - 7] and the old W[t - 15] and W[t - 16] where it
 * needs them.  The rounds are unrolled, 16 at a time.
 */
static void compress(uint32_t state[8], const unsigned char *block, size_t nblocks)
{
	uint32_t w[16];

	for (; nblocks > 0; nblocks--, block += 64) {
		uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
		uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
		for (int j = 0; j < 16; j++)
			w[j] = load_be32(block + 4 * j);
#pragma GCC unroll 4
		for (int t = 0; t < 64; t += 16) {
			if (t > 0)
#pragma GCC unroll 16
				for (int j = 0; j < 16; j++)
					w[j] += SSIG1(w[(j + 14) & 15]) + w[(j + 9) & 15] +
						SSIG0(w[(j + 1) & 15]);
			ROUNDS8(t, 0);
			ROUNDS8(t, 8);
		}
		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
	}
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

/*
 * The same compression with the x86 SHA extensions (SHA-NI), when the CPU
 * has them: ~8 times faster.  sha256rnds2 does two rounds on the working
 * variables held as {A,B,E,F} and {C,D,G,H}; sha256msg1/msg2 extend the
 * message schedule four words at a time (W[t-16] + s0(W[t-15]), then
 * + W[t-7] and s1(W[t-2])).
 */
__attribute__((target("sha,sse4.1"))) static void compress_shani(uint32_t state[8],
								    const unsigned char *block,
								    size_t nblocks)
{
	/* Big-endian words to little-endian lanes. */
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

	for (; nblocks > 0; nblocks--, block += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh;
		__m128i m[4];
		for (int j = 0; j < 4; j++)
			m[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16 * j)), bswap);
		for (int i = 0; i < 16; i++) {
			if (i >= 4) {
				/* m[i & 3] holds W of group i - 4 and becomes group i. */
				__m128i t = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
				m[i & 3] = _mm_sha256msg2_epu32(t, m[(i + 3) & 3]);
			}
			__m128i wk = _mm_add_epi32(m[i & 3], _mm_loadu_si128((const __m128i *)&k[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	__m128i feba = _mm_shuffle_epi32(abef, 0x1B);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
	_mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
	_mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

static int portable_only;

static void compress_any(uint32_t state[8], const unsigned char *block, size_t nblocks)
{
	static int shani = -1;
	if (shani < 0) {
		/*
		 * CPUID itself: clang (make fuzz) knows no "sha" for
		 * __builtin_cpu_supports.  SHA: leaf 7 EBX bit 29; SSE4.1:
		 * leaf 1 ECX bit 19.
		 */
		unsigned a, b, c, d;
		int sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1);
		int sse41 = __get_cpuid(1, &a, &b, &c, &d) && (c >> 19 & 1);
		shani = sha && sse41;
	}
	if (shani && !portable_only)
		compress_shani(state, block, nblocks);
	else
		compress(state, block, nblocks);
}
/* The functions below call the dispatcher. */
#define compress compress_any

void sha256_use_portable(int on)
{
	portable_only = on;
}
#else
void sha256_use_portable(int on)
{
	(void)on; /* there is only the portable one */
}
#endif

void sha256_init(struct sha256 *ctx)
{
	static const uint32_t initial[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(ctx->state, initial, sizeof initial);
	ctx->bytes = 0;
	ctx->used = 0;
}

void sha256_update(struct sha256 *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;

	ctx->bytes += len;
	if (ctx->used > 0) {
		size_t take = 64 - ctx->used;
		if (take > len)
			take = len;
		memcpy(ctx->block + ctx->used, p, take);
		ctx->used += take;
		p += take;
		len -= take;
		if (ctx->used < 64)
			return;
		compress(ctx->state, ctx->block, 1);
		ctx->used = 0;
	}
	/* Whole blocks straight from the input, without a copy. */
	if (len >= 64) {
		compress(ctx->state, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	if (len > 0) {
		memcpy(ctx->block, p, len);
		ctx->used = len;
	}
}

/* Padding (5.1.1): 0x80, zeros up to 56 bytes in the last block, the length in bits. */
void sha256_final(struct sha256 *ctx, unsigned char digest[32])
{
	uint64_t bits = ctx->bytes * 8;

	ctx->block[ctx->used++] = 0x80;
	if (ctx->used > 56) {
		memset(ctx->block + ctx->used, 0, 64 - ctx->used);
		compress(ctx->state, ctx->block, 1);
		ctx->used = 0;
	}
	memset(ctx->block + ctx->used, 0, 56 - ctx->used);
	for (int i = 0; i < 8; i++)
		ctx->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	compress(ctx->state, ctx->block, 1);
	ctx->used = 0;
	for (int i = 0; i < 8; i++) {
		digest[4 * i] = (unsigned char)(ctx->state[i] >> 24);
		digest[4 * i + 1] = (unsigned char)(ctx->state[i] >> 16);
		digest[4 * i + 2] = (unsigned char)(ctx->state[i] >> 8);
		digest[4 * i + 3] = (unsigned char)ctx->state[i];
	}
}

void sha256_hex(const unsigned char digest[32], char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[64] = '\0';
}

int sha256_fd(int fd, char hex[65], uint64_t *size)
{
	struct sha256 ctx;
	unsigned char buf[65536];
	unsigned char digest[32];
	uint64_t total = 0;

	sha256_init(&ctx);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		sha256_update(&ctx, buf, (size_t)n);
		total += (uint64_t)n;
	}
	sha256_final(&ctx, digest);
	sha256_hex(digest, hex);
	if (size)
		*size = total;
	return 0;
}
