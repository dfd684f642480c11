/* The kernel's own symbol table, generated at link time, for backtraces. */
#ifndef YOLK_KSYMS_H
#define YOLK_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	uint32_t size;
	uint32_t name; /* offset into the names blob */
};

struct ksym_table {
	const struct ksym *syms; /* sorted by addr */
	size_t count;
	const char *names;
};

/* Returns the name of the function containing pc and its offset, or NULL. */
const char *ksym_find(const struct ksym_table *t, uint64_t pc, uint64_t *offset);

/* ksym_find() on the image's own table. */
const char *ksym_lookup(uint64_t pc, uint64_t *offset);

#endif
