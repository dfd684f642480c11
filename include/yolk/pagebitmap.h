/*
 * A bitmap of page frames, one bit per page (1 = in use). Pure logic with no
 * kernel dependencies, so the host unit tests exercise it directly.
 */
#ifndef YOLK_PAGEBITMAP_H
#define YOLK_PAGEBITMAP_H

#include <stddef.h>
#include <stdint.h>

struct page_bitmap {
	uint64_t *bits;
	size_t npages;
	size_t nfree;
	size_t hint; /* no free page below this index */
};

/* Starts with every page in use; callers free what the memory map says is RAM. */
void pbm_init(struct page_bitmap *b, uint64_t *storage, size_t npages);
void pbm_set_free(struct page_bitmap *b, size_t first, size_t n);
void pbm_set_used(struct page_bitmap *b, size_t first, size_t n);

/* Finds and takes n consecutive free pages; returns the first index or SIZE_MAX. */
size_t pbm_alloc(struct page_bitmap *b, size_t n);

/* Words of storage needed for npages. */
static inline size_t pbm_words(size_t npages) { return (npages + 63) / 64; }

#endif
