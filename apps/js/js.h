/* apps/js: the native module `yolk` (yolkmod.c). */
#ifndef APP_JS_H
#define APP_JS_H

#include <quickjs.h>

/* Registers the module `yolk` (port I/O, uptime, threads, memory) in ctx. */
JSModuleDef *js_init_module_yolk(JSContext *ctx, const char *module_name);

#endif
