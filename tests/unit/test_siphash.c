/* SipHash-2-4 (net/lwip/siphash.c) against the test vectors of the reference implementation. */
#include <stdint.h>
#include "../../net/lwip/siphash.h"
#include "check.h"

int main(void)
{
	uint8_t key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	/* vectors.h of the reference code: key 00..0f, message 00..(n-1). */
	CHECK(siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ull);
	CHECK(siphash24(key, msg, 1) == 0x74f839c593dc67fdull);
	CHECK(siphash24(key, msg, 7) == 0xab0200f58b01d137ull);
	CHECK(siphash24(key, msg, 8) == 0x93f5f5799a932462ull);
	CHECK(siphash24(key, msg, 15) == 0xa129ca6149be45e5ull); /* the paper's appendix A */
	CHECK(siphash24(key, msg, 63) == 0x958a324ceb064572ull);
	/* A different key, or one more byte, is a different value. */
	key[0] ^= 1;
	CHECK(siphash24(key, msg, 15) != 0xa129ca6149be45e5ull);
	return check_report();
}
