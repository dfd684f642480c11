/*
 * The engine's allocator: a run heap (yolk/run_heap.h) under QuickJS's
 * memory limit. A script that ends without returning (std.exit, a fatal
 * promise rejection, Ctrl-C) never reaches JS_FreeRuntime, and js may run
 * many times from a shell: js.c releases the heap after every run.
 */
#include "js.h"

static size_t block_size(const void *ptr) { return run_heap_usable_size(ptr); }

static void *heap_malloc(JSMallocState *s, size_t size)
{
	if (s->malloc_size + size + RUN_HEAP_BLOCK_OVERHEAD > s->malloc_limit)
		return NULL;
	void *p = run_heap_realloc(s->opaque, NULL, size);
	if (p == NULL)
		return NULL;
	s->malloc_count++;
	s->malloc_size += block_size(p) + RUN_HEAP_BLOCK_OVERHEAD;
	return p;
}

static void heap_free(JSMallocState *s, void *ptr)
{
	if (ptr == NULL)
		return;
	s->malloc_count--;
	s->malloc_size -= block_size(ptr) + RUN_HEAP_BLOCK_OVERHEAD;
	run_heap_free(s->opaque, ptr);
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
	void *p = run_heap_realloc(s->opaque, ptr, size);
	if (p == NULL)
		return NULL;
	s->malloc_size = s->malloc_size - old + block_size(p);
	return p;
}

const JSMallocFunctions js_heap_funcs = {heap_malloc, heap_free, heap_realloc, block_size};
