/* Page-frame bitmap: first-fit allocation of single pages and contiguous runs. */
#include <stdint.h>
#include <string.h>
#include <yolk/pagebitmap.h>

static int is_used(const struct page_bitmap *b, size_t i) { return (b->bits[i / 64] >> (i % 64)) & 1; }

void pbm_init(struct page_bitmap *b, uint64_t *storage, size_t npages)
{
	b->bits = storage;
	b->npages = npages;
	b->nfree = 0;
	b->hint = npages;
	memset(storage, 0xff, pbm_words(npages) * sizeof(uint64_t));
}

void pbm_set_free(struct page_bitmap *b, size_t first, size_t n)
{
	for (size_t i = first; i < first + n && i < b->npages; i++) {
		if (!is_used(b, i))
			continue;
		b->bits[i / 64] &= ~(1ull << (i % 64));
		b->nfree++;
	}
	if (first < b->hint)
		b->hint = first;
}

void pbm_set_used(struct page_bitmap *b, size_t first, size_t n)
{
	for (size_t i = first; i < first + n && i < b->npages; i++) {
		if (is_used(b, i))
			continue;
		b->bits[i / 64] |= 1ull << (i % 64);
		b->nfree--;
	}
}

/* Index of the first free page at or after i, or npages. Skips full words. */
static size_t next_free(const struct page_bitmap *b, size_t i)
{
	while (i < b->npages) {
		uint64_t w = ~b->bits[i / 64] >> (i % 64);
		if (w)
			return i + (size_t)__builtin_ctzll(w) < b->npages ? i + (size_t)__builtin_ctzll(w) : b->npages;
		i = (i / 64 + 1) * 64;
	}
	return b->npages;
}

size_t pbm_alloc(struct page_bitmap *b, size_t n)
{
	if (n == 0 || n > b->nfree)
		return SIZE_MAX;
	size_t start = next_free(b, b->hint);
	if (n == 1 && start < b->npages) {
		pbm_set_used(b, start, 1);
		b->hint = start + 1;
		return start;
	}
	while (start + n <= b->npages) {
		size_t run = 1;
		while (run < n && !is_used(b, start + run))
			run++;
		if (run == n) {
			pbm_set_used(b, start, n);
			return start;
		}
		start = next_free(b, start + run);
	}
	return SIZE_MAX;
}
