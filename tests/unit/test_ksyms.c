#include <string.h>
#include <yolk/ksyms.h>
#include "check.h"

/*
 * ksyms.c's ksym_lookup() refers to the image's table; give it one in the
 * format tools/gen-ksyms.py writes: base 0x1000, three symbols, "alpha" at
 * 0x1000 size 0x10, "alps" (shares "alp") at 0x1010 size 0xff0 (an unsized
 * label up to the next), "c" at 0x2000 size 0x200 (two-byte ULEB128)
 * after a gap of 0.
 */
const uint8_t yolk_ksyms[] = {
	0x00, 0x10, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0,
	0x00, 0x10, 0, 'a', 'l', 'p', 'h', 'a', 0,
	0x00, 0xf0, 0x1f, 3, 's', 0,
	0x00, 0x80, 0x04, 0, 'c', 0,
};

/* A table with a gap: "f" at 0x100 size 4, then "g" 12 bytes later. */
static const uint8_t gap[] = {
	0x00, 0x01, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0x00, 0x04, 0, 'f', 0,
	0x0c, 0x04, 0, 'g', 0,
};

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
	CHECK(!strcmp(ksym_find(gap, 0x103, &off, name), "f") && off == 3);
	CHECK(ksym_find(gap, 0x104, &off, name) == NULL); /* padding between f and g */
	CHECK(ksym_find(gap, 0x10f, &off, name) == NULL);
	CHECK(!strcmp(ksym_find(gap, 0x110, &off, name), "g") && off == 0);
	static const uint8_t empty[12] = {0};
	CHECK(ksym_find(empty, 0, &off, name) == NULL);
	return check_report();
}
