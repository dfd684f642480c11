#include <string.h>
#include <yolk/ksyms.h>
#include "check.h"

/*
 * ksym_lookup() reads yolk_ksyms, here the table tools/gen-ksyms.py --list
 * made from tests/unit/ksyms-cases.txt (the same encoder as the image's):
 * "alpha" at 0x1000 size 0x10, "alps" (shares "alp") an unsized label up to
 * "c" at 0x2000 size 0x200, then a gap of 0x100 to "f" (size 4), 12 bytes of
 * padding to "g", and names with dots, digits, capitals, one too long.
 */
int main(void)
{
	uint64_t off = 99;
	char name[KSYM_NAME_MAX];
	CHECK(ksym_lookup(0xfff, &off, name) == NULL);
	CHECK(!strcmp(ksym_lookup(0x1000, &off, name), "alpha") && off == 0);
	CHECK(!strcmp(ksym_lookup(0x100f, &off, name), "alpha") && off == 0xf);
	CHECK(!strcmp(ksym_lookup(0x1010, &off, name), "alps") && off == 0);
	CHECK(!strcmp(ksym_lookup(0x1fff, &off, name), "alps") && off == 0xfef);
	CHECK(!strcmp(ksym_lookup(0x21ff, &off, name), "c") && off == 0x1ff);
	CHECK(ksym_lookup(0x2200, &off, name) == NULL); /* past c's size */
	CHECK(!strcmp(ksym_lookup(0x2303, &off, name), "f") && off == 3);
	CHECK(ksym_lookup(0x2304, &off, name) == NULL); /* padding between f and g */
	CHECK(ksym_lookup(0x230f, &off, name) == NULL);
	CHECK(!strcmp(ksym_lookup(0x2310, &off, name), "g") && off == 0);
	CHECK(!strcmp(ksym_lookup(0x331f, &off, name), "fault_overflow.constprop.0") && off == 0xfff);
	CHECK(!strcmp(ksym_lookup(0x3327, &off, name), "Z9_mixed.Case") && off == 7);
	/* Names are cut to KSYM_NAME_MAX - 1 bytes. */
	const char *x = ksym_lookup(0x3332, &off, name);
	CHECK(x && strlen(x) == KSYM_NAME_MAX - 1 && !strncmp(x, "x1234567890", 11) && off == 2);
	CHECK(ksym_lookup(0x3333, &off, name) == NULL); /* past the last */
	static const uint8_t empty[12] = {0};
	CHECK(ksym_find(empty, 0, &off, name) == NULL);
	return check_report();
}
