/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash, a
 * pseudorandom function of its input for whoever does not know the key.
 * Here it makes TCP initial sequence numbers (tcp_isn.c), as Linux's
 * secure_tcp_seq does; pure, so tests/unit checks it on the host.
 */
#ifndef NET_LWIP_SIPHASH_H
#define NET_LWIP_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
