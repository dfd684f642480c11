/* Parsing of static IPv4 settings (ip=, gw=, dns=, NET_LWIP_STATIC_*); pure, host-tested. */
#ifndef NET_LWIP_IPCONF_H
#define NET_LWIP_IPCONF_H

#include <stdint.h>

/* "A.B.C.D" into *addr (host byte order): NULL, or what is wrong with s. */
const char *ipconf_parse_addr(const char *s, uint32_t *addr);

/* "A.B.C.D/N" (N 1..32) into address and netmask (host byte order): NULL or a message. */
const char *ipconf_parse_cidr(const char *s, uint32_t *addr, uint32_t *mask);

#endif
