/* Address-to-name lookup over the table tools/gen-ksyms.py emits. */
#include <yolk/ksyms.h>

extern const struct ksym yolk_ksyms[];
extern const uint64_t yolk_ksyms_count;
extern const char yolk_ksym_names[];

const char *ksym_find(const struct ksym_table *t, uint64_t pc, uint64_t *offset)
{
	size_t lo = 0, hi = t->count;
	/* Find the last symbol whose address is <= pc. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->syms[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct ksym *s = &t->syms[lo - 1];
	/* An empty name marks the end of the text: nothing lies past it. */
	if ((s->size != 0 && pc - s->addr >= s->size) || t->names[s->name] == '\0')
		return NULL;
	*offset = pc - s->addr;
	return t->names + s->name;
}

const char *ksym_lookup(uint64_t pc, uint64_t *offset)
{
	struct ksym_table t = {yolk_ksyms, (size_t)yolk_ksyms_count, yolk_ksym_names};
	return ksym_find(&t, pc, offset);
}
