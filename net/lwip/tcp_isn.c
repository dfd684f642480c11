/*
 * TCP initial sequence numbers as RFC 6528 computes them: a clock that
 * ticks every 4 microseconds plus a keyed hash of the connection's
 * addresses and ports (SipHash-2-4 with a key drawn at boot). lwIP's own
 * ISN is a counter bumped by its timer ticks: anyone could predict it (and
 * inject into a connection), and two connections on the same ports a few
 * ticks apart could get sequence numbers that go backwards, so a TIME_WAIT
 * that a new SYN may end (lwip-timewait-syn.patch, as on Linux and the
 * BSDs: the SYN must be numbered past the old connection) stayed in the
 * way. lwIP calls it through LWIP_HOOK_TCP_ISN (lwipopts.h), core lock held.
 */
#include <string.h>
#include <unistd.h>
#include <yolk/time.h>
#include "lwip/ip_addr.h"
#include "siphash.h"
#include "yolk_lwip_hooks.h"

static uint8_t isn_key[16];
static int isn_keyed;

u32_t yolk_lwip_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
			u16_t remote_port)
{
	if (!isn_keyed) {
		if (getentropy(isn_key, sizeof(isn_key)) != 0)
			memset(isn_key, 0x5a, sizeof(isn_key)); /* cannot happen for 16 bytes; the clock still moves */
		isn_keyed = 1;
	}
	/* The IPv4 addresses as IPv4-mapped IPv6 ones: one form for both families. */
	uint8_t in[36] = {0};
#if LWIP_IPV6
	if (IP_IS_V6(local_ip)) {
		memcpy(in, ip_2_ip6(local_ip)->addr, 16);
		memcpy(in + 16, ip_2_ip6(remote_ip)->addr, 16);
	} else
#endif
	{
		in[10] = in[11] = in[26] = in[27] = 0xff;
		memcpy(in + 12, &ip_2_ip4(local_ip)->addr, 4);
		memcpy(in + 28, &ip_2_ip4(remote_ip)->addr, 4);
	}
	in[32] = (uint8_t)(local_port >> 8);
	in[33] = (uint8_t)local_port;
	in[34] = (uint8_t)(remote_port >> 8);
	in[35] = (uint8_t)remote_port;
	return (u32_t)siphash24(isn_key, in, sizeof(in)) + (u32_t)(time_monotonic_ns() / 4000);
}
