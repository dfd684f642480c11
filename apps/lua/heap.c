/*
 * lauxlib.c's realloc() and free() (see lua.h): on the calling thread's
 * run heap, so lua_main() can release what a run that never reached
 * lua_close() left behind; plain malloc for a thread with none.
 */
#include <stdlib.h>
#include "lua.h"

__thread struct run_heap *lua_heap_current;

void *lua_yolk_realloc(void *ptr, size_t size)
{
	struct run_heap *h = lua_heap_current;
	return h ? run_heap_realloc(h, ptr, size) : realloc(ptr, size);
}

void lua_yolk_free(void *ptr)
{
	struct run_heap *h = lua_heap_current;
	if (h)
		run_heap_free(h, ptr);
	else
		free(ptr);
}
