/* The ip=/gw=/dns= value parser of net/lwip (net/lwip/ipconf.c). */
#include <stddef.h>
#include <string.h>
#include "../../net/lwip/ipconf.h"
#include "check.h"

int main(void)
{
	uint32_t a = 0, m = 0;
	CHECK(ipconf_parse_cidr("10.0.2.15/24", &a, &m) == NULL && a == 0x0a00020f && m == 0xffffff00);
	CHECK(ipconf_parse_cidr("192.168.1.1/32", &a, &m) == NULL && a == 0xc0a80101 && m == 0xffffffff);
	CHECK(ipconf_parse_cidr("172.16.0.9/1", &a, &m) == NULL && m == 0x80000000);
	CHECK(ipconf_parse_cidr("255.255.255.254/31", &a, &m) == NULL && a == 0xfffffffe && m == 0xfffffffe);
	/* Malformed: each one names the expected form. */
	const char *bad[] = {"", "10.0.2.15", "10.0.2.15/", "10.0.2/24", "10.0.2.15.1/24", "10.0.2.256/24",
			     "10.0.2.15/33", "10.0.2.15/24x", "a.b.c.d/24", "10..2.15/24", "1000.0.2.15/24",
			     "10.0.2.15/024", " 10.0.2.15/24", "10.0.2.-1/24", "10.0.2.15/+8"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *e = ipconf_parse_cidr(bad[i], &a, &m);
		CHECK(e != NULL && strstr(e, "ADDRESS/PREFIX") != NULL);
		if (e == NULL)
			fprintf(stderr, "accepted: <%s>\n", bad[i]);
	}
	CHECK(ipconf_parse_cidr("10.0.2.15/0", &a, &m) != NULL);
	CHECK(ipconf_parse_cidr("0.0.0.0/8", &a, &m) != NULL);
	CHECK(ipconf_parse_addr("10.0.2.2", &a) == NULL && a == 0x0a000202);
	CHECK(ipconf_parse_addr("0.0.0.0", &a) == NULL && a == 0);
	CHECK(ipconf_parse_addr("10.0.2.2/24", &a) != NULL);
	CHECK(ipconf_parse_addr("10.0.2", &a) != NULL);
	CHECK(ipconf_parse_addr("10.0.2.2 ", &a) != NULL);
	return check_report();
}
