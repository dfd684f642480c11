/* The native module `yolk`: what a script can ask of the machine it runs on. */
#include <quickjs.h>
#include <yolk/time.h>
#include "js.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* yolk.uptime(): seconds since boot, as a float. */
static JSValue js_yolk_uptime(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
	(void)this_val;
	(void)argc;
	(void)argv;
	return JS_NewFloat64(ctx, (double)time_monotonic_ns() / 1e9);
}

static const JSCFunctionListEntry yolk_funcs[] = {
	JS_CFUNC_DEF("uptime", 0, js_yolk_uptime),
};

static int yolk_init(JSContext *ctx, JSModuleDef *m)
{
	return JS_SetModuleExportList(ctx, m, yolk_funcs, countof(yolk_funcs));
}

JSModuleDef *js_init_module_yolk(JSContext *ctx, const char *module_name)
{
	JSModuleDef *m = JS_NewCModule(ctx, module_name, yolk_init);
	if (m && JS_AddModuleExportList(ctx, m, yolk_funcs, countof(yolk_funcs)) < 0)
		return NULL;
	return m;
}
