/* Address-to-name lookup over the table tools/gen-ksyms.py emits (format: ksyms.h). */
#include <string.h>
#include <yolk/ksyms.h>

extern const uint8_t yolk_ksyms[];

static uint64_t uleb(const uint8_t **p)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	return v;
}

const char *ksym_find(const uint8_t *t, uint64_t pc, uint64_t *offset, char *name)
{
	uint64_t addr;
	uint32_t count;
	memcpy(&addr, t, sizeof(addr));
	memcpy(&count, t + 8, sizeof(count));
	const uint8_t *p = t + 12;
	size_t len = 0;
	for (uint32_t i = 0; i < count && addr <= pc; i++) {
		addr += uleb(&p);
		uint64_t size = uleb(&p);
		/* Rebuild the name from the previous one: needed even when skipping. */
		len = *p++;
		if (len >= KSYM_NAME_MAX)
			return NULL; /* a corrupt table */
		while (*p) {
			if (len < KSYM_NAME_MAX - 1)
				name[len++] = (char)*p;
			p++;
		}
		p++;
		name[len] = '\0';
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
