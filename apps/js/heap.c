/*
 * The engine's allocator: picolibc's malloc under QuickJS's memory limit,
 * with every block on a list of its runtime. A script that ends without
 * returning (std.exit, a fatal promise rejection, Ctrl-C) never reaches
 * JS_FreeRuntime; yolk has no process teardown to take the heap back, and
 * js may run many times from a shell. js_heap_release() frees what is left.
 */
#include <malloc.h>
#include <stdlib.h>
#include "js.h"

/* struct js_block (js.h) is 16 bytes: blocks keep malloc's alignment. */
/* What a block costs against the limit: the header and malloc's own word. */
#define BLOCK_OVERHEAD (sizeof(struct js_block) + sizeof(size_t))

static size_t block_size(const void *ptr)
{
	return malloc_usable_size((struct js_block *)ptr - 1) - sizeof(struct js_block);
}

static void link_block(struct js_heap *h, struct js_block *b)
{
	b->prev = &h->head;
	b->next = h->head.next;
	h->head.next->prev = b;
	h->head.next = b;
}

static void unlink_block(struct js_block *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

static void *heap_malloc(JSMallocState *s, size_t size)
{
	if (s->malloc_size + size + BLOCK_OVERHEAD > s->malloc_limit)
		return NULL;
	struct js_block *b = malloc(sizeof(*b) + size);
	if (b == NULL)
		return NULL;
	link_block(s->opaque, b);
	s->malloc_count++;
	s->malloc_size += block_size(b + 1) + BLOCK_OVERHEAD;
	return b + 1;
}

static void heap_free(JSMallocState *s, void *ptr)
{
	if (ptr == NULL)
		return;
	struct js_block *b = (struct js_block *)ptr - 1;
	s->malloc_count--;
	s->malloc_size -= block_size(ptr) + BLOCK_OVERHEAD;
	unlink_block(b);
	free(b);
}

static void *heap_realloc(JSMallocState *s, void *ptr, size_t size)
{
	if (ptr == NULL)
		return size ? heap_malloc(s, size) : NULL;
	if (size == 0) {
		heap_free(s, ptr);
		return NULL;
	}
	size_t old = block_size(ptr);
	if (size > old && s->malloc_size + size - old > s->malloc_limit)
		return NULL;
	struct js_block *b = (struct js_block *)ptr - 1;
	unlink_block(b);
	struct js_block *nb = realloc(b, sizeof(*b) + size);
	if (nb == NULL) {
		link_block(s->opaque, b);
		return NULL;
	}
	link_block(s->opaque, nb);
	s->malloc_size = s->malloc_size - old + block_size(nb + 1);
	return nb + 1;
}

const JSMallocFunctions js_heap_funcs = {heap_malloc, heap_free, heap_realloc, block_size};

void js_heap_init(struct js_heap *h) { h->head.prev = h->head.next = &h->head; }

size_t js_heap_release(struct js_heap *h)
{
	size_t n = 0;
	while (h->head.next != &h->head) {
		struct js_block *b = h->head.next;
		unlink_block(b);
		free(b);
		n++;
	}
	return n;
}
