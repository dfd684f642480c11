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
 * Returns 0 if woken, ETIMEDOUT if the deadline passed.
 */
int waitq_wait(struct waitq *q, uint64_t deadline_ns);

/* Wakes the longest waiter; returns 1 if there was one. Interrupts disabled. */
int waitq_wake_one(struct waitq *q);

/* Wakes every waiter; returns how many. Interrupts disabled. */
int waitq_wake_all(struct waitq *q);

#endif
