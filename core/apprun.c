/*
 * Running a linked application in a thread of its own (shells, `cmd &`,
 * each stage of a pipeline): its run gets standard streams of its own,
 * inherited from the starter, and what it leaves behind (buffered output,
 * descriptors its threads did not close) is dealt with when it ends.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <yolk/app.h>
#include <yolk/file.h>
#include <yolk/sched.h>
#include <yolk/tty.h>
#include "apprun.h"

struct app_run *app_run_current(void) { return thread_app_run(thread_self()); }

void app_run_hold(struct app_run *r)
{
	if (r)
		__atomic_add_fetch(&r->threads, 1, __ATOMIC_RELAXED);
}

void app_run_release(struct app_run *r)
{
	if (r == NULL || __atomic_sub_fetch(&r->threads, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	stdio_run_end(r);
	fd_close_run(r);
	free(r);
}

struct app_start {
	struct yolk_app app; /* a copy: a shell's built-in is made up on its stack */
	int argc;
	char **argv; /* copied: a background app outlives the caller's buffers */
};

static void *app_thread(void *arg)
{
	struct app_start *s = arg;
	int status = s->app.main(s->argc, s->argv);
	free(s);
	/* Output reaches its file or pipe when main returns, not when the last thread of the run ends. */
	fflush(stdout);
	fflush(stderr);
	tty_forget(thread_self());
	return (void *)(intptr_t)status;
}

static struct app_start *copy_args(const struct yolk_app *app, int argc, char **argv)
{
	size_t bytes = sizeof(struct app_start) + (size_t)(argc + 1) * sizeof(char *);
	for (int i = 0; i < argc; i++)
		bytes += strlen(argv[i]) + 1;
	struct app_start *s = malloc(bytes);
	if (s == NULL)
		return NULL;
	s->app = *app;
	s->argc = argc;
	s->argv = (char **)(s + 1);
	char *text = (char *)(s->argv + argc + 1);
	for (int i = 0; i < argc; i++) {
		s->argv[i] = strcpy(text, argv[i]);
		text += strlen(text) + 1;
	}
	s->argv[argc] = NULL;
	return s;
}

int yolk_app_start(const struct yolk_app *app, int argc, char **argv, const int io[3], struct thread **out)
{
	struct app_start *s = copy_args(app, argc, argv);
	struct app_run *run = calloc(1, sizeof(*run));
	if (s == NULL || run == NULL) {
		free(s);
		free(run);
		return -ENOMEM;
	}
	int r = fd_inherit(run, io);
	struct thread *t = r == 0 ? thread_create_app(run, app->name, app_thread, s) : NULL;
	if (t == NULL) {
		fd_close_run(run);
		free(s);
		free(run);
		return r ? r : -ENOMEM;
	}
	*out = t;
	return 0;
}

int yolk_app_run(const struct yolk_app *app, int argc, char **argv, int wait)
{
	struct thread *t;
	int r = yolk_app_start(app, argc, argv, NULL, &t);
	if (r < 0)
		return r;
	if (!wait)
		return thread_detach(t);
	void *status;
	/* The app clears this itself on its way out (tty_forget), before join frees it. */
	tty_set_foreground(t);
	thread_join(t, &status);
	return (int)(intptr_t)status;
}
