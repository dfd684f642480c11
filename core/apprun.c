/*
 * Running a linked application in a thread of its own (shells, `cmd &`), and
 * what its run leaves behind: the descriptors its threads did not close.
 */
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <yolk/app.h>
#include <yolk/file.h>
#include <yolk/sched.h>
#include <yolk/tty.h>

struct app_run {
	unsigned threads; /* threads of the run that have not ended */
};

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
	fd_close_run(r);
	free(r);
}

struct app_start {
	const struct yolk_app *app;
	int argc;
	char **argv; /* copied: a background app outlives the caller's buffers */
};

static void *app_thread(void *arg)
{
	struct app_start *s = arg;
	int status = s->app->main(s->argc, s->argv);
	free(s);
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
	s->app = app;
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

int yolk_app_run(const struct yolk_app *app, int argc, char **argv, int wait)
{
	struct app_start *s = copy_args(app, argc, argv);
	struct app_run *run = calloc(1, sizeof(*run));
	struct thread *t = s && run ? thread_create_app(run, app->name, app_thread, s) : NULL;
	if (t == NULL) {
		free(s);
		free(run);
		return -ENOMEM;
	}
	if (!wait)
		return thread_detach(t);
	void *status;
	/* The app clears this itself on its way out (tty_forget), before join frees it. */
	tty_set_foreground(t);
	thread_join(t, &status);
	return (int)(intptr_t)status;
}
