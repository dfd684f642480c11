/* Address-to-name lookup over the table tools/gen-ksyms.py emits (format: ksyms.h). */
#include <string.h>
#include <yolk/ksyms.h>

#define CODE_MAX 16     /* gen-ksyms.py's CODE_MAX: longest name-byte code */
#define SIZE_LOW_BITS 5 /* gen-ksyms.py's SIZE_LOW_BITS */

extern const uint8_t yolk_ksyms[];

struct bits {
	const uint8_t *p;
	uint64_t n; /* bits read so far */
};

static unsigned bit(struct bits *b)
{
	unsigned v = (b->p[b->n / 8] >> (b->n % 8)) & 1;
	b->n++;
	return v;
}

static uint64_t bits_msb_first(struct bits *b, unsigned width)
{
	uint64_t v = 0;
	while (width--)
		v = v << 1 | bit(b);
	return v;
}

/* Elias gamma: as many 0s as the value has bits after its leading 1, then the value. */
static uint64_t elias_gamma(struct bits *b)
{
	unsigned zeros = 0;
	while (!bit(b))
		if (++zeros == 64)
			return 0; /* a corrupt table */
	return (1ull << zeros) | bits_msb_first(b, zeros);
}

/*
 * One name byte of the canonical Huffman code whose code counts per length
 * are counts[0..longest-1] and whose bytes in code order are syms[]
 * (as zlib's puff.c decodes DEFLATE's). -1 for a code that is not there.
 */
static int huffman(struct bits *b, const uint8_t *counts, unsigned longest, const uint8_t *syms)
{
	unsigned code = 0, first = 0, index = 0;
	for (unsigned len = 1; len <= longest; len++) {
		code |= bit(b);
		if (code - first < counts[len - 1])
			return syms[index + code - first];
		index += counts[len - 1];
		first = (first + counts[len - 1]) << 1;
		code <<= 1;
	}
	return -1;
}

/* Rebuilds the next name into name[] from the previous one's first bytes: 0, or -1 if corrupt. */
static int next_name(struct bits *b, const uint8_t *counts, unsigned longest, const uint8_t *syms,
		     char *name)
{
	uint64_t len = elias_gamma(b) - 1;
	if (len >= KSYM_NAME_MAX)
		return -1;
	for (int c; (c = huffman(b, counts, longest, syms)) != 0; len++) {
		if (c < 0 || len >= KSYM_NAME_MAX - 1)
			return -1;
		name[len] = (char)c;
	}
	name[len] = '\0';
	return 0;
}

const char *ksym_find(const uint8_t *t, uint64_t pc, uint64_t *offset, char *name)
{
	uint64_t addr;
	uint32_t count;
	memcpy(&addr, t, sizeof(addr));
	memcpy(&count, t + 8, sizeof(count));
	if (count == 0)
		return NULL;
	unsigned longest = t[12], nsyms = 0;
	if (longest == 0 || longest > CODE_MAX)
		return NULL;
	const uint8_t *counts = t + 13;
	for (unsigned i = 0; i < longest; i++)
		nsyms += counts[i];
	const uint8_t *syms = counts + longest;
	struct bits b = {syms + nsyms, 0};
	for (uint32_t i = 0; i < count && addr <= pc; i++) {
		addr += elias_gamma(&b) - 1;
		uint64_t size = ((elias_gamma(&b) - 1) << SIZE_LOW_BITS | bits_msb_first(&b, SIZE_LOW_BITS)) + 1;
		/* Rebuilt even when skipped: the next name starts from this one. */
		if (next_name(&b, counts, longest, syms, name))
			return NULL;
		if (pc >= addr && pc - addr < size) {
			*offset = pc - addr;
			return name;
		}
		addr += size;
	}
	return NULL;
}

const char *ksym_lookup(uint64_t pc, uint64_t *offset, char *name)
{
	return ksym_find(yolk_ksyms, pc, offset, name);
}
