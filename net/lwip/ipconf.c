/* Static IPv4 settings from text (see ipconf.h). */
#include <stddef.h>
#include "ipconf.h"

/* Reads a decimal number of 1..maxdigits digits at *s, at most max; advances *s. 0 or -1. */
static int parse_num(const char **s, unsigned maxdigits, unsigned max, unsigned *out)
{
	unsigned v = 0, n = 0;
	while (**s >= '0' && **s <= '9' && n < maxdigits) {
		v = v * 10 + (unsigned)(**s - '0');
		(*s)++;
		n++;
	}
	if (n == 0 || v > max || (**s >= '0' && **s <= '9'))
		return -1;
	*out = v;
	return 0;
}

/* Four dotted octets at *s; advances *s past them. 0 or -1. */
static int parse_quad(const char **s, uint32_t *addr)
{
	uint32_t a = 0;
	for (int i = 0; i < 4; i++) {
		unsigned octet;
		if (parse_num(s, 3, 255, &octet) < 0)
			return -1;
		a = a << 8 | octet;
		if (i < 3 && *(*s)++ != '.')
			return -1;
	}
	*addr = a;
	return 0;
}

const char *ipconf_parse_addr(const char *s, uint32_t *addr)
{
	if (parse_quad(&s, addr) < 0 || *s != '\0')
		return "expected an IPv4 address like 10.0.2.2";
	return NULL;
}

const char *ipconf_parse_cidr(const char *s, uint32_t *addr, uint32_t *mask)
{
	unsigned prefix;
	if (parse_quad(&s, addr) < 0 || *s++ != '/' || parse_num(&s, 2, 32, &prefix) < 0 || *s != '\0')
		return "expected ADDRESS/PREFIX like 10.0.2.15/24";
	if (prefix == 0)
		return "the prefix length must be 1..32";
	if (*addr == 0)
		return "0.0.0.0 is not an interface address";
	*mask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
	return NULL;
}
