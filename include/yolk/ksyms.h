/* The kernel's own symbol table, generated at link time, for backtraces. */
#ifndef YOLK_KSYMS_H
#define YOLK_KSYMS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The table is one byte string (tools/gen-ksyms.py writes it), compact
 * because every image carries it:
 *   u64 base address, u32 count (nothing more when 0);
 *   the canonical Huffman code of the name bytes: u8 longest code length L,
 *   L u8 counts of codes of length 1..L, the bytes in code order;
 *   then a bit string (each byte's least significant bit first), per symbol
 *   in address order:
 *     gap + 1 from the end of the previous symbol (or from base), Elias gamma;
 *     size (never 0: an unsized label runs to the next symbol): (size - 1) >> 5
 *       plus 1 in Elias gamma, then its 5 low bits;
 *     bytes shared with the previous name + 1, Elias gamma;
 *     the rest of the name and a NUL, each byte's Huffman code.
 * Elias gamma of v >= 1: as many 0 bits as v has bits after its leading 1,
 * then v's bits from the top. About 7 bytes a symbol (hello: 345 symbols
 * in 2,362 bytes, against 4,329 with byte-aligned ULEB128 sizes and plain
 * name bytes); a lookup decodes from the start, which only a backtrace does.
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
