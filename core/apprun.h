/*
 * What core keeps per app run (yolk/app.h): its standard streams. fds 0-2
 * are the run's own, so a shell can point one command's output at a file
 * or a pipe without touching anyone else's; fds 3 and up stay in the one
 * table (core/file.c), owned by the run that opened them.
 */
#ifndef CORE_APPRUN_H
#define CORE_APPRUN_H

#include <yolk/app.h>
#include <yolk/file.h>

struct stdio_run;

struct app_run {
	unsigned threads;     /* threads of the run that have not ended */
	struct file *std[3];  /* fds 0-2 (NULL: closed); fd_lock (core/file.c) guards them */
	struct stdio_run *stdio; /* stdin/stdout/stderr's buffers, made on first use (core/stdio.c) */
};

/* Sets up stdin, stdout and stderr (core/stdio.c); at start-up, before anything uses them. */
void stdio_init(void);

/*
 * Flushes what the run's threads left in stdout/stderr and frees the
 * buffers; the run's last thread has ended (no lock held, r->std still set).
 */
void stdio_run_end(struct app_run *r);

#endif
