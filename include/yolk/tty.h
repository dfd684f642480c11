/* The console's line discipline (core/tty.c). */
#ifndef YOLK_TTY_H
#define YOLK_TTY_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Cooked read: edits a line with echo (see core/tty.c for the keys) and
 * returns up to n bytes of it, newline included; 0 at end of input (Ctrl-D
 * on an empty line).
 */
ssize_t tty_read(char *buf, size_t n);

/* Bytes already typed, at most n, without editing or waiting; -EAGAIN if none. */
ssize_t tty_read_nowait(char *buf, size_t n);

/* Whether a read would not wait: a whole line in cooked mode, a byte in raw mode. */
int tty_input_ready(void);

struct thread;

/* The app a shell is waiting for: Ctrl-C typed meanwhile kills it (thread_kill). NULL: none. */
void tty_set_foreground(struct thread *t);

/* One more app Ctrl-C kills, as for each stage of a pipeline: 0, or -ENOSPC past TTY_FOREGROUND_MAX. */
#define TTY_FOREGROUND_MAX 16
int tty_add_foreground(struct thread *t);

/* The (first) thread Ctrl-C would kill now, or NULL. */
struct thread *tty_foreground(void);

/* An app thread about to end: it stops being the foreground (called from its own thread). */
void tty_forget(struct thread *t);

/* From the timer tick: moves typed bytes into the line discipline's queue. */
void tty_poll_input(void);

#endif
