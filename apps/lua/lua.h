/* apps/lua: the interpreter's heap (heap.c). */
#ifndef APP_LUA_H
#define APP_LUA_H

#include <stddef.h>

/*
 * Every block of one run's Lua states, on one list: a run that ends without
 * lua_close() (os.exit, Ctrl-C at the prompt) would leave them allocated,
 * and yolk has no process teardown to take the heap back. lauxlib.c's
 * allocator (l_alloc) calls realloc() and free(); the overlay builds it with
 * those named lua_yolk_realloc() and lua_yolk_free(), which allocate on the
 * calling thread's heap (lua_heap_current), or from malloc if it has none.
 */
struct lua_heap {
	struct lua_block {
		struct lua_block *prev, *next;
	} head;
};
extern __thread struct lua_heap *lua_heap_current;
void lua_heap_init(struct lua_heap *h);
/* Frees every block still allocated; returns how many there were. */
size_t lua_heap_release(struct lua_heap *h);
void *lua_yolk_realloc(void *ptr, size_t size);
void lua_yolk_free(void *ptr);

#endif
