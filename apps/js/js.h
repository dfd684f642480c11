/* apps/js: the native module `yolk` (yolkmod.c). */
#ifndef APP_JS_H
#define APP_JS_H

#include <quickjs.h>
#include <yolk/run_heap.h>

/* Registers the module `yolk` (port I/O, uptime, threads, memory) in ctx. */
JSModuleDef *js_init_module_yolk(JSContext *ctx, const char *module_name);

/* A runtime's allocator (heap.c): JS_NewRuntime2(&js_heap_funcs, &heap), heap a run heap. */
extern const JSMallocFunctions js_heap_funcs;

/* yolk.httpGet(url) (http.c), with CONFIG_APP_JS_HTTP. */
JSValue js_yolk_http_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);

#endif
