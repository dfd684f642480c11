/* SHA-1 (FIPS 180-4), small and incremental. */
#ifndef REPL_SHA1_H
#define REPL_SHA1_H

#include <stddef.h>
#include <stdint.h>

struct sha1 {
	uint32_t h[5];
	uint64_t length; /* bytes so far */
	uint8_t block[64];
	size_t used;
};

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *data, size_t len);
void sha1_final(struct sha1 *s, uint8_t digest[20]);

#endif
