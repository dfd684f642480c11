#include <string.h>
#include <yolk/ksyms.h>
#include "check.h"

/* ksyms.c's ksym_lookup() refers to the image's table; give it one. */
const struct ksym yolk_ksyms[] = {{0x1000, 0x10, 0}, {0x1010, 0, 2}, {0x2000, 0x20, 4}};
const uint64_t yolk_ksyms_count = 3;
const char yolk_ksym_names[] = "a\0b\0c";

int main(void)
{
	uint64_t off = 99;
	CHECK(ksym_lookup(0xfff, &off) == NULL);
	CHECK(!strcmp(ksym_lookup(0x1000, &off), "a") && off == 0);
	CHECK(!strcmp(ksym_lookup(0x100f, &off), "a") && off == 0xf);
	CHECK(!strcmp(ksym_lookup(0x1010, &off), "b") && off == 0);
	CHECK(!strcmp(ksym_lookup(0x1fff, &off), "b") && off == 0xfef); /* unknown size: open */
	CHECK(!strcmp(ksym_lookup(0x201f, &off), "c") && off == 0x1f);
	CHECK(ksym_lookup(0x2020, &off) == NULL); /* past c's size */
	struct ksym_table empty = {yolk_ksyms, 0, yolk_ksym_names};
	CHECK(ksym_find(&empty, 0x1000, &off) == NULL);
	return check_report();
}
