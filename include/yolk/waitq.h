/*
 * Wait queues: where threads block until another thread (or an interrupt)
 * wakes them, optionally with a deadline. A queue belongs to the spinlock
 * that protects the condition its waiters wait for (a semaphore's count, a
 * device's completion flag ...): the waiter checks the condition and waits
 * under that lock, the waker changes the condition and wakes under it, so
 * no wakeup is lost between the check and the sleep.
 *
 * The protocol (lock order: the queue's lock -> sched_lock):
 * - waitq_wait() puts the thread on the queue (under the queue's lock),
 *   takes sched_lock, lets the queue's lock go and marks itself blocked;
 *   sched_lock stays taken until it has switched away. A waker, which needs
 *   the queue's lock and then sched_lock, cannot run in between.
 * - waitq_wake_one() takes waiters off the head of the queue and, under
 *   sched_lock, makes the first still-blocked one runnable.
 * - A deadline is enforced by the timer (sched_tick, under sched_lock): it
 *   makes the thread runnable with -ETIMEDOUT. Wake versus timeout is
 *   decided by whichever takes sched_lock first: the loser finds the thread
 *   no longer blocked and does nothing (a wake then goes to the next waiter,
 *   so it is never lost).
 * - A waiter that returns anything but 0 (timed out, killed, cancelled) may
 *   still be on the queue: it takes itself off, under the queue's lock it
 *   has retaken, before waitq_wait() returns.
 */
#ifndef YOLK_WAITQ_H
#define YOLK_WAITQ_H

#include <stdint.h>

struct thread;
struct spinlock;

struct waitq {
	struct thread *head, *tail;
	struct spinlock *lock; /* the lock its waiters passed (checked with CONFIG_DEBUG_LOCKS) */
};

#define WAITQ_INIT {0, 0, 0}
#define WAIT_FOREVER UINT64_MAX

/*
 * Blocks the current thread on q until waitq_wake_*() or the monotonic
 * deadline. Call with `held` (q's lock) taken with spin_lock_irqsave() and
 * no other spinlock: it is let go atomically with blocking and taken again
 * before this returns, whatever it returns. Returns 0 if woken (by a wake
 * call, or spuriously: recheck what was waited for), -ETIMEDOUT if the
 * deadline passed, or -EINTR if the thread was killed (Ctrl-C) or cancelled
 * at a cancellation point: the caller must then give up and return an error
 * instead of waiting again (a killed thread that waits again is woken every
 * few ms with -EINTR until it does).
 */
int waitq_wait(struct waitq *q, struct spinlock *held, uint64_t deadline_ns);

/* Wakes the longest waiter; returns 1 if there was one. Called with q's lock held. */
int waitq_wake_one(struct waitq *q);

/* Wakes every waiter; returns how many. Called with q's lock held. */
int waitq_wake_all(struct waitq *q);

#endif
