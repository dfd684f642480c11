/* inet_pton/ntop/addr/aton/ntoa with Linux's structs (arpa/inet.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "ipconf.h"
#include "lwip/ip_addr.h"

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

int inet_aton(const char *cp, struct in_addr *inp)
{
	ip4_addr_t a;
	if (!ip4addr_aton(cp, &a))
		return 0;
	if (inp)
		inp->s_addr = ip4_addr_get_u32(&a);
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	struct in_addr a;
	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char buf[INET_ADDRSTRLEN];
	return (char *)inet_ntop(AF_INET, &in, buf, sizeof(buf));
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	char buf[INET6_ADDRSTRLEN];
	if (af == AF_INET) {
		const uint8_t *b = src;
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	}
#if LWIP_IPV6
	else if (af == AF_INET6) {
		ip6_addr_t a;
		memcpy(a.addr, src, 16);
		ip6_addr_clear_zone(&a);
		ip6addr_ntoa_r(&a, buf, sizeof(buf));
	}
#endif
	else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (strlen(buf) >= size) {
		errno = ENOSPC;
		return NULL;
	}
	return strcpy(dst, buf);
}

int inet_pton(int af, const char *src, void *dst)
{
	if (af == AF_INET) {
		uint32_t a;
		if (ipconf_parse_addr(src, &a) != NULL)
			return 0;
		a = htonl(a);
		memcpy(dst, &a, 4);
		return 1;
	}
#if LWIP_IPV6
	if (af == AF_INET6) {
		ip6_addr_t a;
		if (!ip6addr_aton(src, &a))
			return 0;
		memcpy(dst, a.addr, 16);
		return 1;
	}
#endif
	errno = EAFNOSUPPORT;
	return -1;
}
