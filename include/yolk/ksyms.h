/* The kernel's own symbol table, generated at link time, for backtraces. */
#ifndef YOLK_KSYMS_H
#define YOLK_KSYMS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The table is one byte string (tools/gen-ksyms.py writes it), compact
 * because every image carries it:
 *   u64 base address, u32 count, then per symbol in address order
 *   ULEB128 gap (from the end of the previous symbol, or from base),
 *   ULEB128 size (never 0: an unsized label runs to the next symbol),
 *   u8 bytes shared with the previous name, the rest of the name, NUL.
 * About 11 bytes a symbol against 16 plus the whole name in a flat table;
 * a lookup decodes from the start, which only a backtrace ever does.
 */
#define KSYM_NAME_MAX 128 /* with the NUL; the generator truncates longer names */

/*
 * Finds the function containing pc in table: copies its name into
 * name[KSYM_NAME_MAX], sets *offset and returns name; NULL if pc lies in none.
 */
const char *ksym_find(const uint8_t *table, uint64_t pc, uint64_t *offset, char *name);

/* ksym_find() on the image's own table. */
const char *ksym_lookup(uint64_t pc, uint64_t *offset, char *name);

#endif
