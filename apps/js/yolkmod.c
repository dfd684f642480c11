/*
 * The native module `yolk`: what a script can ask of the machine it runs on
 * (eggos' `sys` module in spirit).
 *
 *   inb(port) inw(port) inl(port)      port I/O (ring 0: any port)
 *   outb(port, v) outw(port, v) outl(port, v)
 *   uptime()      seconds since boot (float)
 *   threads()     [{id, name, state, prio, cpuTicks, stackSize}, ...]
 *   memory()      {total, free, heap} in bytes: RAM, free pages, malloc's heap
 *   httpGet(url)  {status, statusText, headers, body} (with a network stack: http.c)
 */
#include <quickjs.h>
#include <yolk-config/app-js.h>
#include <arch/cpu.h>
#include <yolk/mm.h>
#include <yolk/sched.h>
#include <yolk/time.h>
#include "js.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* A port number argument: 0 .. 0xffff, else a RangeError. */
static int get_port(JSContext *ctx, JSValueConst v, uint16_t *port)
{
	uint32_t p;
	if (JS_ToUint32(ctx, &p, v))
		return -1;
	if (p > 0xffff) {
		JS_ThrowRangeError(ctx, "port 0x%x is not an I/O port (0..0xffff)", p);
		return -1;
	}
	*port = (uint16_t)p;
	return 0;
}

/* magic: the access width in bytes. */
static JSValue js_yolk_in(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
	(void)this_val, (void)argc;
	uint16_t port;
	if (get_port(ctx, argv[0], &port))
		return JS_EXCEPTION;
	uint32_t v = magic == 1 ? inb(port) : magic == 2 ? inw(port) : inl(port);
	return JS_NewUint32(ctx, v);
}

static JSValue js_yolk_out(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
	(void)this_val, (void)argc;
	uint16_t port;
	uint32_t v;
	if (get_port(ctx, argv[0], &port) || JS_ToUint32(ctx, &v, argv[1]))
		return JS_EXCEPTION;
	if (magic == 1)
		outb(port, (uint8_t)v);
	else if (magic == 2)
		outw(port, (uint16_t)v);
	else
		outl(port, v);
	return JS_UNDEFINED;
}

static JSValue js_yolk_uptime(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
	(void)this_val, (void)argc, (void)argv;
	return JS_NewFloat64(ctx, (double)time_monotonic_ns() / 1e9);
}

struct thread_visit {
	JSContext *ctx;
	JSValue array;
	uint32_t n;
	int failed;
};

static void add_thread(const struct thread_info *t, void *arg)
{
	struct thread_visit *v = arg;
	JSContext *ctx = v->ctx;
	JSValue o = JS_NewObject(ctx);
	if (JS_IsException(o) || JS_SetPropertyUint32(ctx, v->array, v->n++, o) < 0) {
		v->failed = 1;
		return;
	}
	/* Property failures only happen out of memory: the exception is pending, the array short. */
	JS_SetPropertyStr(ctx, o, "id", JS_NewInt32(ctx, t->id));
	JS_SetPropertyStr(ctx, o, "name", JS_NewString(ctx, t->name));
	JS_SetPropertyStr(ctx, o, "state", JS_NewString(ctx, t->state));
	JS_SetPropertyStr(ctx, o, "prio", JS_NewInt32(ctx, t->prio));
	JS_SetPropertyStr(ctx, o, "cpuTicks", JS_NewFloat64(ctx, (double)t->cpu_ticks));
	JS_SetPropertyStr(ctx, o, "stackSize", JS_NewFloat64(ctx, (double)t->stack_size));
}

static JSValue js_yolk_threads(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
	(void)this_val, (void)argc, (void)argv;
	struct thread_visit v = {.ctx = ctx, .array = JS_NewArray(ctx)};
	if (JS_IsException(v.array))
		return v.array;
	thread_list(add_thread, &v);
	if (v.failed || JS_HasException(ctx)) {
		JS_FreeValue(ctx, v.array);
		return JS_EXCEPTION;
	}
	return v.array;
}

static JSValue js_yolk_memory(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
	(void)this_val, (void)argc, (void)argv;
	JSValue o = JS_NewObject(ctx);
	if (JS_IsException(o))
		return o;
	JS_SetPropertyStr(ctx, o, "total", JS_NewFloat64(ctx, (double)pmm_total_pages() * PAGE_SIZE_4K));
	JS_SetPropertyStr(ctx, o, "free", JS_NewFloat64(ctx, (double)pmm_free_pages() * PAGE_SIZE_4K));
	JS_SetPropertyStr(ctx, o, "heap", JS_NewFloat64(ctx, (double)heap_mapped_bytes()));
	if (JS_HasException(ctx)) {
		JS_FreeValue(ctx, o);
		return JS_EXCEPTION;
	}
	return o;
}

/* clang-format off */
static const JSCFunctionListEntry yolk_funcs[] = {
	JS_CFUNC_MAGIC_DEF("inb", 1, js_yolk_in, 1),
	JS_CFUNC_MAGIC_DEF("inw", 1, js_yolk_in, 2),
	JS_CFUNC_MAGIC_DEF("inl", 1, js_yolk_in, 4),
	JS_CFUNC_MAGIC_DEF("outb", 2, js_yolk_out, 1),
	JS_CFUNC_MAGIC_DEF("outw", 2, js_yolk_out, 2),
	JS_CFUNC_MAGIC_DEF("outl", 2, js_yolk_out, 4),
	JS_CFUNC_DEF("uptime", 0, js_yolk_uptime),
	JS_CFUNC_DEF("threads", 0, js_yolk_threads),
	JS_CFUNC_DEF("memory", 0, js_yolk_memory),
#ifdef CONFIG_APP_JS_HTTP
	JS_CFUNC_DEF("httpGet", 1, js_yolk_http_get),
#endif
};
/* clang-format on */

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
