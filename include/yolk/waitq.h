/*
 * Wait queues: where threads block until another thread (or an interrupt)
 * wakes them, optionally with a deadline. All callers run with interrupts
 * disabled around the check-then-wait, which is what makes it race-free on
 * one CPU.
 */
#ifndef YOLK_WAITQ_H
#define YOLK_WAITQ_H

#include <stdint.h>

struct thread;

struct waitq {
	struct thread *head, *tail;
};

#define WAITQ_INIT {0, 0}
#define WAIT_FOREVER UINT64_MAX

/*
 * Blocks the current thread on q until waitq_wake_*() or the monotonic
 * deadline. Call with interrupts disabled; returns with them disabled.
 * Returns 0 if woken (by a wake call, or spuriously: recheck what was
 * waited for), -ETIMEDOUT if the deadline passed, or -EINTR if the thread
 * was killed (Ctrl-C) or cancelled at a cancellation point: the caller must
 * then give up and return an error instead of waiting again (a killed
 * thread that waits again is woken every few ms with -EINTR until it does).
 */
int waitq_wait(struct waitq *q, uint64_t deadline_ns);

/* Wakes the longest waiter; returns 1 if there was one. Interrupts disabled. */
int waitq_wake_one(struct waitq *q);

/* Wakes every waiter; returns how many. Interrupts disabled. */
int waitq_wake_all(struct waitq *q);

#endif
