/* Heaps that can be given back whole (yolk/run_heap.h). */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <yolk/run_heap.h>

_Static_assert(sizeof(struct run_block) == 16, "run_block keeps malloc's alignment");

void run_heap_init(struct run_heap *h)
{
	h->head.prev = h->head.next = &h->head;
	h->lock = (struct kmutex)KMUTEX_INIT;
}

static void link_block(struct run_heap *h, struct run_block *b)
{
	b->prev = &h->head;
	b->next = h->head.next;
	h->head.next->prev = b;
	h->head.next = b;
}

static void unlink_block(struct run_block *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

void *run_heap_realloc(struct run_heap *h, void *ptr, size_t size)
{
	if (size > SIZE_MAX - sizeof(struct run_block))
		return NULL;
	struct run_block *b = ptr ? (struct run_block *)ptr - 1 : NULL;
	kmutex_lock(&h->lock, WAIT_FOREVER);
	if (b)
		unlink_block(b);
	struct run_block *nb = realloc(b, sizeof(*b) + size);
	/* On failure the old block stays valid and listed, as realloc() leaves it. */
	if (nb || b)
		link_block(h, nb ? nb : b);
	kmutex_unlock(&h->lock);
	return nb ? nb + 1 : NULL;
}

void run_heap_free(struct run_heap *h, void *ptr)
{
	if (ptr == NULL)
		return;
	struct run_block *b = (struct run_block *)ptr - 1;
	kmutex_lock(&h->lock, WAIT_FOREVER);
	unlink_block(b);
	kmutex_unlock(&h->lock);
	free(b);
}

size_t run_heap_usable_size(const void *ptr)
{
	return malloc_usable_size((struct run_block *)ptr - 1) - sizeof(struct run_block);
}

size_t run_heap_release(struct run_heap *h)
{
	size_t n = 0;
	kmutex_lock(&h->lock, WAIT_FOREVER);
	while (h->head.next != &h->head) {
		struct run_block *b = h->head.next;
		unlink_block(b);
		free(b);
		n++;
	}
	kmutex_unlock(&h->lock);
	return n;
}
