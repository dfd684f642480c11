/*
 * sqlite: SQLite's sqlite3 shell (shell.c as tool/mkshellc.tcl makes it,
 * unmodified) in a thread of its own with a stack of APP_SQLITE_STACK_KB,
 * whoever started it: the boot (main's 256 KiB) or yolk's shell (a thread's
 * 64 KiB by default, too little for SQLite's parser and code generator on
 * deeply nested SQL). That thread is the console's foreground when the
 * caller's was, so Ctrl-C reaches it; exit() in the shell (.exit) ends it
 * with its status, which sqlite returns.
 */
#include <stdint.h>
#include <stdio.h>
#include <yolk-config/app-sqlite.h>
#include <yolk/sched.h>
#include <yolk/tty.h>

#define SQLITE_STACK_BYTES ((size_t)CONFIG_APP_SQLITE_STACK_KB * 1024)

/* shell.c's main(), renamed by the overlay (subprojects/packagefiles/sqlite3). */
int sqlite_shell_main(int argc, char **argv);

struct sqlite_run {
	int owns_console;
	int argc;
	char **argv;
};

static void *shell(void *arg)
{
	struct sqlite_run *r = arg;
	thread_set_app(thread_self(), 1); /* exit() ends this thread only */
	if (r->owns_console)
		tty_set_foreground(thread_self());
	int status = sqlite_shell_main(r->argc, r->argv);
	fflush(stdout);
	tty_forget(thread_self());
	return (void *)(intptr_t)status;
}

int main(int argc, char **argv)
{
	struct sqlite_run r = {.argc = argc, .argv = argv};
	struct thread *self = thread_self();
	r.owns_console = !thread_is_app(self) || tty_foreground() == self;
	struct thread *t = thread_create("sqlite", shell, &r, THREAD_PRIO_NORMAL, SQLITE_STACK_BYTES);
	if (t == NULL) {
		fprintf(stderr, "sqlite: no memory for a %u KiB stack\n", CONFIG_APP_SQLITE_STACK_KB);
		return 1;
	}
	void *ret;
	thread_join(t, &ret);
	if (r.owns_console && thread_is_app(self))
		tty_set_foreground(self); /* back to the shell's view: it waits for this thread */
	return (int)(intptr_t)ret;
}
