/* apps/js: the native module `yolk` (yolkmod.c). */
#ifndef APP_JS_H
#define APP_JS_H

#include <quickjs.h>

/* Registers the module `yolk` (port I/O, uptime, threads, memory) in ctx. */
JSModuleDef *js_init_module_yolk(JSContext *ctx, const char *module_name);

/*
 * A runtime's heap (heap.c): JS_NewRuntime2(&js_heap_funcs, &heap) after
 * js_heap_init(); js_heap_release() frees every block still allocated (a
 * runtime that was never freed) and returns how many there were.
 */
struct js_heap {
	struct js_block {
		struct js_block *prev, *next;
	} head;
};
extern const JSMallocFunctions js_heap_funcs;
void js_heap_init(struct js_heap *h);
size_t js_heap_release(struct js_heap *h);

/* yolk.httpGet(url) (http.c), with CONFIG_APP_JS_HTTP. */
JSValue js_yolk_http_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);

#endif
