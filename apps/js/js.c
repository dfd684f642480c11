/*
 * js: QuickJS on yolk, behaving like QuickJS's own qjs.
 *
 *   js                      QuickJS's REPL (repl.js) on the console
 *   js FILE [ARGS...]       runs a script (module if .mjs or it has import/export)
 *   js -e EXPR              evaluates EXPR
 *   options: -i (REPL after the script), -m/--module, --script, --std (std and
 *   os as globals), --memory-limit N[k|M|G], -h
 *
 * The engine runs in a thread of its own with a stack of APP_JS_STACK_KB,
 * whoever started js (boot or shell); exit() in it (std.exit, a fatal
 * unhandled rejection) ends that thread with the status, which js returns,
 * and so does Ctrl-C during a script (130).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <quickjs-libc.h>
#include <yolk-config/app-js.h>
#include <yolk/sched.h>
#include <yolk/tty.h>
#include "js.h"

#define JS_STACK_BYTES ((size_t)CONFIG_APP_JS_STACK_KB * 1024)
/* Room left below QuickJS's stack limit for the C code it calls (printf, regexp, libc). */
#define JS_STACK_MARGIN ((size_t)128 * 1024)

extern const uint8_t qjsc_repl[];
extern const uint32_t qjsc_repl_size;

struct js_options {
	struct run_heap heap; /* the engine's runtime allocates here */
	int owns_console;    /* the boot's program, or the app a shell waits for */
	int argc;         /* the script's arguments: argv[0] is the file */
	char **argv;
	const char *expr;
	int interactive;
	int module; /* -1: detect */
	int load_std;
	size_t memory_limit;
};

static int eval_buf(JSContext *ctx, const void *buf, size_t len, const char *filename, int flags)
{
	JSValue val;
	if ((flags & JS_EVAL_TYPE_MASK) == JS_EVAL_TYPE_MODULE) {
		/* Compile, then run, so import.meta can be set first (as qjs does). */
		val = JS_Eval(ctx, buf, len, filename, flags | JS_EVAL_FLAG_COMPILE_ONLY);
		if (!JS_IsException(val)) {
			js_module_set_import_meta(ctx, val, 1, 1);
			val = JS_EvalFunction(ctx, val);
		}
		val = js_std_await(ctx, val);
	} else {
		val = JS_Eval(ctx, buf, len, filename, flags);
	}
	int ret = JS_IsException(val) ? -1 : 0;
	if (ret)
		js_std_dump_error(ctx);
	JS_FreeValue(ctx, val);
	return ret;
}

static int eval_file(JSContext *ctx, const char *filename, int module)
{
	size_t len;
	uint8_t *buf = js_load_file(ctx, &len, filename);
	if (buf == NULL) {
		fprintf(stderr, "js: %s: %s\n", filename, strerror(errno));
		return -1;
	}
	if (module < 0) {
		size_t n = strlen(filename);
		module = (n > 4 && strcmp(filename + n - 4, ".mjs") == 0) ||
		         JS_DetectModule((const char *)buf, len);
	}
	int ret = eval_buf(ctx, buf, len, filename, module ? JS_EVAL_TYPE_MODULE : JS_EVAL_TYPE_GLOBAL);
	js_free(ctx, buf);
	return ret;
}

/*
 * The os module scripts import: quickjs-libc's (registered as "quickjs:os"),
 * except the calls that need other processes or signals, which yolk does not
 * have. They throw a clear error instead of failing with a bare errno. SIGINT
 * handlers are accepted: QuickJS's REPL installs one (a handler runs when the
 * program raises the signal itself; Ctrl-C reaches the REPL as a key).
 */
static const char os_module[] =
    "import * as os from 'quickjs:os';\n"
    "export * from 'quickjs:os';\n"
    "const none = (name, why) => function () { throw new Error(`os.${name}: ${why}`); };\n"
    "const noproc = 'yolk runs one program and cannot start or wait for processes';\n"
    "export const exec = none('exec', noproc);\n"
    "export const waitpid = none('waitpid', noproc);\n"
    "export const kill = none('kill', 'yolk has no other processes and delivers no signals');\n"
    "export function signal(sig, func) {\n"
    "  if (sig !== os.SIGINT)\n"
    "    throw new Error(`os.signal: yolk delivers no signals (only a SIGINT handler is accepted)`);\n"
    "  return os.signal(sig, func);\n"
    "}\n";

struct stack_query {
	int id;
	size_t size;
};

static void find_stack(const struct thread_info *t, void *arg)
{
	struct stack_query *q = arg;
	if (t->id == q->id)
		q->size = t->stack_size;
}

/*
 * QuickJS's stack limit for a runtime running on this thread: the stack less
 * a margin for the C code under the interpreter (half of small stacks).
 * os.Worker runtimes run on threads quickjs-libc starts with the default size.
 */
static size_t js_stack_limit(void)
{
	struct stack_query q = {.id = thread_id(thread_self())};
	thread_list(find_stack, &q);
	return q.size > 2 * JS_STACK_MARGIN ? q.size - JS_STACK_MARGIN : q.size / 2;
}

/* Every context (the main one, os.Worker's) gets std, os and yolk. */
static JSContext *new_context(JSRuntime *rt)
{
	JS_SetMaxStackSize(rt, js_stack_limit());
	JSContext *ctx = JS_NewContext(rt);
	if (ctx == NULL)
		return NULL;
	js_init_module_std(ctx, "std");
	js_init_module_os(ctx, "quickjs:os");
	js_init_module_yolk(ctx, "yolk");
	/* Compiling registers the module under its name; importing it runs it. */
	JSValue os = JS_Eval(ctx, os_module, sizeof(os_module) - 1, "os",
	                     JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
	if (JS_IsException(os)) {
		js_std_dump_error(ctx);
		JS_FreeContext(ctx);
		return NULL;
	}
	JS_FreeValue(ctx, os);
	return ctx;
}

static int run(JSContext *ctx, const struct js_options *o)
{
	js_std_add_helpers(ctx, o->argc, o->argv);
	if (o->load_std) {
		static const char std_globals[] = "import * as std from 'std';\n"
		                                  "import * as os from 'os';\n"
		                                  "globalThis.std = std;\n"
		                                  "globalThis.os = os;\n";
		eval_buf(ctx, std_globals, strlen(std_globals), "<input>", JS_EVAL_TYPE_MODULE);
	}
	if (o->expr) {
		if (eval_buf(ctx, o->expr, strlen(o->expr), "<cmdline>", JS_EVAL_TYPE_GLOBAL))
			return 1;
	} else if (o->argc > 0 && eval_file(ctx, o->argv[0], o->module)) {
		return 1;
	}
	if (o->interactive) {
		JS_SetHostPromiseRejectionTracker(JS_GetRuntime(ctx), NULL, NULL);
		js_std_eval_binary(ctx, qjsc_repl, qjsc_repl_size, 0);
	}
	js_std_loop(ctx);
	return 0;
}

/* The engine thread: a runtime and context, the work, and everything freed. */
static void *engine(void *arg)
{
	struct js_options *o = arg;
	int status = 2;
	/* exit() (std.exit, a fatal rejection) ends this thread only, with its status. */
	thread_set_app(thread_self(), 1);
	/*
	 * Ctrl-C on a console that is ours: it ends a script (status 130, as
	 * SIGINT would); QuickJS's REPL reads it as a key, so then nobody is killed.
	 */
	if (o->owns_console)
		tty_set_foreground(o->interactive ? NULL : thread_self());
	JSRuntime *rt = JS_NewRuntime2(&js_heap_funcs, &o->heap);
	if (rt == NULL) {
		fprintf(stderr, "js: cannot allocate JS runtime\n");
		return (void *)(intptr_t)status;
	}
	JS_SetMemoryLimit(rt, o->memory_limit);
	js_std_set_worker_new_context_func(new_context);
	js_std_init_handlers(rt);
	JSContext *ctx = new_context(rt);
	if (ctx == NULL) {
		fprintf(stderr, "js: cannot allocate JS context\n");
	} else {
		JS_SetModuleLoaderFunc(rt, NULL, js_module_loader, NULL);
		JS_SetHostPromiseRejectionTracker(rt, js_std_promise_rejection_tracker, NULL);
		status = run(ctx, o);
		js_std_free_handlers(rt);
		JS_FreeContext(ctx);
	}
	JS_FreeRuntime(rt);
	fflush(stdout);
	tty_forget(thread_self());
	return (void *)(intptr_t)status;
}

static void usage(void)
{
	printf("QuickJS version 2025-04-26 on yolk\n"
	       "usage: js [options] [file [args]]\n"
	       "-h  --help              list options\n"
	       "-e  --eval EXPR         evaluate EXPR\n"
	       "-i  --interactive       go to interactive mode\n"
	       "-m  --module            load as ES6 module (default=autodetect)\n"
	       "    --script            load as ES6 script (default=autodetect)\n"
	       "    --std               make 'std' and 'os' available to the loaded script\n"
	       "    --memory-limit n    limit the memory usage to 'n' bytes (k, M, G suffixes)\n");
}

/* "64M" and the like; 0 if malformed. */
static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = *end == 'k' || *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
	if (end == s || (shift && *++end) || (!shift && *end))
		return 0;
	return (size_t)(v << shift);
}

/* qjs's options, parsed the same way: the script's own arguments start at the file. 0, or an exit status. */
static int parse_args(int argc, char **argv, struct js_options *o)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "-e") == 0 || strcmp(a, "--eval") == 0) {
			if (++i == argc) {
				fprintf(stderr, "js: missing expression for -e\n");
				return 2;
			}
			o->expr = argv[i];
		} else if (strcmp(a, "-i") == 0 || strcmp(a, "--interactive") == 0) {
			o->interactive = 1;
		} else if (strcmp(a, "-m") == 0 || strcmp(a, "--module") == 0) {
			o->module = 1;
		} else if (strcmp(a, "--script") == 0) {
			o->module = 0;
		} else if (strcmp(a, "--std") == 0) {
			o->load_std = 1;
		} else if (strcmp(a, "--memory-limit") == 0 && i + 1 < argc && parse_size(argv[i + 1])) {
			o->memory_limit = parse_size(argv[++i]);
		} else {
			if (strcmp(a, "-h") && strcmp(a, "--help"))
				fprintf(stderr, "js: unknown option '%s'\n", a);
			usage();
			return 1;
		}
	}
	o->argc = argc - i;
	o->argv = argv + i;
	if (o->expr == NULL && o->argc == 0)
		o->interactive = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct js_options o = {.module = -1, .memory_limit = (size_t)CONFIG_APP_JS_HEAP_LIMIT_MB << 20};
	int status = parse_args(argc, argv, &o);
	if (status)
		return status;
	struct thread *self = thread_self();
	run_heap_init(&o.heap);
	o.owns_console = !thread_is_app(self) || tty_foreground() == self;
	/* Saved before the engine runs: its REPL sets the console raw at once. */
	struct termios tty;
	int have_tty = o.owns_console && tcgetattr(0, &tty) == 0;
	struct thread *t = thread_create("js", engine, &o, THREAD_PRIO_NORMAL, JS_STACK_BYTES);
	if (t == NULL) {
		fprintf(stderr, "js: no memory for a %u KiB stack\n", CONFIG_APP_JS_STACK_KB);
		return 2;
	}
	void *ret;
	thread_join(t, &ret);
	/* The REPL sets the console raw; whatever way the engine ended, the line editor comes back. */
	if (have_tty)
		tcsetattr(0, TCSANOW, &tty);
	run_heap_release(&o.heap); /* all of it, if the engine ended without JS_FreeRuntime */
	if (o.owns_console && thread_is_app(self))
		tty_set_foreground(self); /* back to the shell's view: it waits for this thread */
	return (int)(intptr_t)ret;
}
