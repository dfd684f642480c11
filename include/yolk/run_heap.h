/*
 * A heap for one run of an interpreter (apps/js, apps/lua): malloc's blocks,
 * each behind a 16-byte header that puts it on the heap's list. A run that
 * ends without freeing its state (exit(), Ctrl-C at a prompt, an engine that
 * gives up) would leave every block allocated, and yolk has no process
 * teardown to take memory back: run_heap_release() frees what is left.
 *
 * Blocks keep malloc's alignment. `lock` makes a heap safe to share between
 * threads (a run's helper threads); separate heaps never contend.
 */
#ifndef YOLK_RUN_HEAP_H
#define YOLK_RUN_HEAP_H

#include <stddef.h>
#include <yolk/sync.h>

struct run_heap {
	struct run_block {
		struct run_block *prev, *next;
	} head;
	struct kmutex lock; /* protects the list */
};

void run_heap_init(struct run_heap *h);
/*
 * realloc() on h: ptr NULL allocates, otherwise ptr (a block of h) moves
 * or grows. On failure NULL, and ptr stays valid and on the list.
 */
void *run_heap_realloc(struct run_heap *h, void *ptr, size_t size);
/* free() of a block of h; NULL is ignored. */
void run_heap_free(struct run_heap *h, void *ptr);
/* The usable size of a block, as malloc_usable_size() gives it. */
size_t run_heap_usable_size(const void *ptr);
/* What a block costs beyond its usable size: the header and malloc's own word. */
#define RUN_HEAP_BLOCK_OVERHEAD (sizeof(struct run_block) + sizeof(size_t))
/* Frees every block still on h; returns how many there were. */
size_t run_heap_release(struct run_heap *h);

#endif
