/*
 * lua: Lua 5.4's stand-alone interpreter (upstream's lua.c, unmodified) on
 * yolk, with the same options and behaviour as on Linux:
 *
 *   lua                     the REPL on the console (yolk's tty edits lines)
 *   lua FILE [ARGS...]      runs a script from the VFS (initrd, ramfs, FAT)
 *   lua -e STAT, -i, -l MOD, -v, -W, -E, -   as lua(1) says
 *
 * lua.c runs in a thread of its own with a stack of APP_LUA_STACK_KB,
 * whoever started lua (boot or shell). That thread is the console's
 * foreground: Ctrl-C sends it SIGINT, which lua.c catches while a chunk runs
 * ("interrupted!", the REPL goes on) and leaves to its default (the run ends,
 * status 130) at the prompt, as on Linux. exit() (os.exit) ends the thread
 * with its status, which lua returns.
 */
#include <stdint.h>
#include <stdio.h>
#include <termios.h>
#include <yolk-config/app-lua.h>
#include <yolk/sched.h>
#include <yolk/tty.h>
#include "lua.h"

#define LUA_STACK_BYTES ((size_t)CONFIG_APP_LUA_STACK_KB * 1024)

/* Upstream's main(), renamed by the overlay (subprojects/packagefiles/lua). */
int lua_main(int argc, char **argv);

struct lua_run {
	struct run_heap heap;
	int owns_console; /* the boot's program, or the app a shell waits for */
	int argc;
	char **argv;
};

static void *interpreter(void *arg)
{
	struct lua_run *r = arg;
	/* exit() (os.exit) ends this thread only, with its status. */
	thread_set_app(thread_self(), 1);
	lua_heap_current = &r->heap;
	if (r->owns_console)
		tty_set_foreground(thread_self());
	int status = lua_main(r->argc, r->argv);
	fflush(stdout);
	tty_forget(thread_self());
	return (void *)(intptr_t)status;
}

int main(int argc, char **argv)
{
	struct lua_run r = {.argc = argc, .argv = argv};
	struct thread *self = thread_self();
	run_heap_init(&r.heap);
	r.owns_console = !thread_is_app(self) || tty_foreground() == self;
	struct termios tty;
	int have_tty = r.owns_console && tcgetattr(0, &tty) == 0;
	struct thread *t = thread_create("lua", interpreter, &r, THREAD_PRIO_NORMAL, LUA_STACK_BYTES);
	if (t == NULL) {
		fprintf(stderr, "lua: no memory for a %u KiB stack\n", CONFIG_APP_LUA_STACK_KB);
		return 1;
	}
	void *ret;
	thread_join(t, &ret);
	/* A script may have changed the console's mode and been cut short. */
	if (have_tty)
		tcsetattr(0, TCSANOW, &tty);
	run_heap_release(&r.heap); /* all of it, if lua.c ended without lua_close() */
	if (r.owns_console && thread_is_app(self))
		tty_set_foreground(self); /* back to the shell's view: it waits for this thread */
	return (int)(intptr_t)ret;
}
