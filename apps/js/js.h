/* apps/js: the native module `yolk` (yolkmod.c). */
#ifndef APP_JS_H
#define APP_JS_H

#include <quickjs.h>

/* Registers the module `yolk` (port I/O, uptime, threads, memory) in ctx. */
JSModuleDef *js_init_module_yolk(JSContext *ctx, const char *module_name);

/* yolk.httpGet(url) (http.c), with CONFIG_APP_JS_HTTP. */
JSValue js_yolk_http_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);

#endif
