/*
 * Applications linked into the image. Each app's main() is compiled as
 * yolk_app_<name>_main (yolk passes -Dmain=... for an app that lists its
 * sources; an app building its own library passes it itself), and the
 * build generates the table below from the selected apps (tools/kconfig.py).
 */
#ifndef YOLK_APP_H
#define YOLK_APP_H

struct yolk_app {
	const char *name;
	int (*main)(int argc, char **argv);
};

extern const struct yolk_app yolk_apps[];
extern const unsigned yolk_napps;

/* The app named `name`, or NULL. */
const struct yolk_app *yolk_app_find(const char *name);

/*
 * Runs app's main(argc, argv) in a thread of its own, as a shell does. With
 * wait, returns its exit status (exit() in the app ends only the app);
 * otherwise returns 0 at once and the app runs on in the background.
 * -ENOMEM if the thread could not be started.
 */
int yolk_app_run(const struct yolk_app *app, int argc, char **argv, int wait);

struct thread;
/*
 * Starts app as yolk_app_run() does, in a new run whose fds 0-2 are the
 * caller's fds io[0], io[1], io[2] (a file, one end of a pipe; io NULL: the
 * caller's own 0-2), and sets *t to its main thread: thread_join() it for
 * the exit status, or thread_detach() it. The caller may close its io fds
 * at once: the run holds its own references. 0, -ENOMEM, or -EBADF if an
 * io[i] is not open.
 */
int yolk_app_start(const struct yolk_app *app, int argc, char **argv, const int io[3], struct thread **t);

/*
 * One run of an app: the thread yolk_app_run() starts and every thread
 * created under it. The run has its own fds 0-2, and with them its own
 * stdin, stdout and stderr buffers (core/stdio.c), so each command of a
 * shell reads and writes where it was told. Descriptors opened by its
 * threads belong to the run; when the last of them ends (main returned,
 * exit(), Ctrl-C), buffered output is written and the fds still open are
 * closed, as a process's are when it exits (a pipe's reader then sees end
 * of file). Threads started outside any app (boot, drivers, the image's
 * main program) belong to none (NULL) and share the first 0-2.
 */
struct app_run;
/* The run the calling thread belongs to, or NULL. */
struct app_run *app_run_current(void);
/* A thread joins r (for thread creation; NULL does nothing). */
void app_run_hold(struct app_run *r);
/* A thread of r has ended; the last one closes r's descriptors and frees r. */
void app_run_release(struct app_run *r);

#endif
