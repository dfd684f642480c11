/*
 * The interpreter's allocator (see lua.h): picolibc's malloc, with every
 * block on a list of its run so lua_heap_release() can free what a run that
 * never reached lua_close() left behind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <yolk/sync.h>
#include "lua.h"

/* Blocks are a 16-byte header and the data: malloc's alignment is kept. */
_Static_assert(sizeof(struct lua_block) == 16, "lua_block keeps malloc's alignment");

/* Runs may go on at once (a shell's background job): one lock for all lists. */
static struct kmutex heap_lock = KMUTEX_INIT;

__thread struct lua_heap *lua_heap_current;

void lua_heap_init(struct lua_heap *h) { h->head.prev = h->head.next = &h->head; }

static void link_block(struct lua_heap *h, struct lua_block *b)
{
	b->prev = &h->head;
	b->next = h->head.next;
	h->head.next->prev = b;
	h->head.next = b;
}

static void unlink_block(struct lua_block *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

void *lua_yolk_realloc(void *ptr, size_t size)
{
	struct lua_heap *h = lua_heap_current;
	if (h == NULL)
		return realloc(ptr, size);
	if (size > SIZE_MAX - sizeof(struct lua_block))
		return NULL;
	struct lua_block *b = ptr ? (struct lua_block *)ptr - 1 : NULL;
	kmutex_lock(&heap_lock, WAIT_FOREVER);
	if (b)
		unlink_block(b);
	struct lua_block *nb = realloc(b, sizeof(*b) + size);
	/* On failure the old block stays valid and listed, as realloc() leaves it. */
	if (nb || b)
		link_block(h, nb ? nb : b);
	kmutex_unlock(&heap_lock);
	return nb ? nb + 1 : NULL;
}

void lua_yolk_free(void *ptr)
{
	if (lua_heap_current == NULL) {
		free(ptr);
		return;
	}
	if (ptr == NULL)
		return;
	struct lua_block *b = (struct lua_block *)ptr - 1;
	kmutex_lock(&heap_lock, WAIT_FOREVER);
	unlink_block(b);
	kmutex_unlock(&heap_lock);
	free(b);
}

size_t lua_heap_release(struct lua_heap *h)
{
	size_t n = 0;
	kmutex_lock(&heap_lock, WAIT_FOREVER);
	while (h->head.next != &h->head) {
		struct lua_block *b = h->head.next;
		unlink_block(b);
		free(b);
		n++;
	}
	kmutex_unlock(&heap_lock);
	return n;
}
