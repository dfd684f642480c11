/*
 * Sleeping locks for threads: mutexes (optionally recursive), condition
 * variables and counting semaphores, each with an optional deadline on the
 * monotonic clock (WAIT_FOREVER for none). Functions return 0 or -errno,
 * the kernel's convention (core/pthread*.c turn these into the positive
 * values POSIX returns). Threads only: an interrupt handler wakes a thread
 * with waitq_wake_one() (yolk/waitq.h).
 */
#ifndef YOLK_SYNC_H
#define YOLK_SYNC_H

#include <stdint.h>
#include <yolk/spinlock.h>
#include <yolk/waitq.h>

/*
 * state: the owning thread's address, with bit 0 set while threads wait
 * (so an uncontended lock and unlock are one compare-and-swap each, with
 * interrupts left on), or 0 when free. wait_lock protects the waiters and
 * the contended path (setting bit 0, handing the lock over).
 */
struct kmutex {
	uintptr_t state;
	unsigned depth;
	int recursive;
	struct waitq waiters;
	struct spinlock wait_lock;
};

/* lock protects the waiters. */
struct kcond {
	struct waitq waiters;
	struct spinlock lock;
};

/* lock protects count and the waiters. */
struct ksem {
	unsigned count;
	struct waitq waiters;
	struct spinlock lock;
};

#define KMUTEX_INIT {0, 0, 0, WAITQ_INIT, SPINLOCK_INIT("kmutex", LOCK_RANK_KMUTEX)}
#define KMUTEX_RECURSIVE_INIT {0, 0, 1, WAITQ_INIT, SPINLOCK_INIT("kmutex", LOCK_RANK_KMUTEX)}
#define KCOND_INIT {WAITQ_INIT, SPINLOCK_INIT("kcond", LOCK_RANK_KCOND)}
#define KSEM_INIT(n) {(n), WAITQ_INIT, SPINLOCK_INIT("ksem", LOCK_RANK_SEM)}

/*
 * Takes m, waiting until the deadline. 0, -ETIMEDOUT (the deadline passed
 * first) or -EDEADLK (the caller holds m and m is not recursive). Never
 * -EINTR: a kill or cancellation does not end the wait (the thread holds
 * nothing while it waits, so Ctrl-C still ends it at once, see sched.h).
 */
int kmutex_lock(struct kmutex *m, uint64_t deadline_ns);
/* 0, or -EBUSY if another thread holds m (or the caller does and m is not recursive). */
int kmutex_trylock(struct kmutex *m);
/* 0, or -EPERM if the caller does not hold m. */
int kmutex_unlock(struct kmutex *m);
/* Whether the calling thread holds m (for KASSERT on "called with m held"). */
int kmutex_held(const struct kmutex *m);

/*
 * Unlocks m, waits for a signal (or the deadline), locks m again; m is held
 * again whatever it returns, except -EPERM. 0 (signalled, or woken
 * spuriously: recheck the condition), -ETIMEDOUT, -EINTR (the thread was
 * killed or cancelled at a cancellation point: do not wait again, return),
 * or -EPERM (the caller does not hold m; nothing waited).
 */
int kcond_wait(struct kcond *c, struct kmutex *m, uint64_t deadline_ns);
void kcond_signal(struct kcond *c);
void kcond_broadcast(struct kcond *c);

/* Takes one unit, waiting until the deadline. 0, -ETIMEDOUT or -EINTR (as kcond_wait; no unit taken). */
int ksem_wait(struct ksem *s, uint64_t deadline_ns);
/* 0, or -EAGAIN if the count is 0. */
int ksem_trywait(struct ksem *s);
/* Adds one unit and wakes a waiter. */
void ksem_post(struct ksem *s);
/* ksem_post() unless the count is already `max`: 0, or -EOVERFLOW (nothing added). */
int ksem_post_max(struct ksem *s, unsigned max);

#endif
