/* apps/lua: the interpreter's heap (heap.c). */
#ifndef APP_LUA_H
#define APP_LUA_H

#include <stddef.h>
#include <yolk/run_heap.h>

/*
 * Every block of one run's Lua states is on the run's heap: a run that ends
 * without lua_close() (os.exit, Ctrl-C at the prompt) would leave them
 * allocated. lauxlib.c's allocator (l_alloc) calls realloc() and free(); the
 * overlay builds it with those named lua_yolk_realloc() and lua_yolk_free(),
 * which allocate on the calling thread's heap (lua_heap_current), or from
 * malloc if it has none.
 */
extern __thread struct run_heap *lua_heap_current;
void *lua_yolk_realloc(void *ptr, size_t size);
void lua_yolk_free(void *ptr);

#endif
