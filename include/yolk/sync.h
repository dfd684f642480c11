/*
 * Sleeping locks for threads: mutexes (optionally recursive), condition
 * variables and counting semaphores, each with an optional deadline on the
 * monotonic clock (WAIT_FOREVER for none). Functions return 0 or an errno
 * value (ETIMEDOUT, EBUSY, EDEADLK, EPERM), like pthreads.
 */
#ifndef YOLK_SYNC_H
#define YOLK_SYNC_H

#include <stdint.h>
#include <yolk/waitq.h>

/*
 * state: the owning thread's address, with bit 0 set while threads wait
 * (so an uncontended lock and unlock are one compare-and-swap each, with
 * interrupts left on), or 0 when free.
 */
struct kmutex {
	uintptr_t state;
	unsigned depth;
	int recursive;
	struct waitq waiters;
};

struct kcond {
	struct waitq waiters;
};

struct ksem {
	unsigned count;
	struct waitq waiters;
};

#define KMUTEX_INIT {0, 0, 0, WAITQ_INIT}
#define KMUTEX_RECURSIVE_INIT {0, 0, 1, WAITQ_INIT}
#define KCOND_INIT {WAITQ_INIT}
#define KSEM_INIT(n) {(n), WAITQ_INIT}

int kmutex_lock(struct kmutex *m, uint64_t deadline_ns);
int kmutex_trylock(struct kmutex *m);
int kmutex_unlock(struct kmutex *m);
/* Whether the calling thread holds m (for KASSERT on "called with m held"). */
int kmutex_held(const struct kmutex *m);

/* Unlocks m, waits for a signal (or the deadline), locks m again. */
int kcond_wait(struct kcond *c, struct kmutex *m, uint64_t deadline_ns);
void kcond_signal(struct kcond *c);
void kcond_broadcast(struct kcond *c);

int ksem_wait(struct ksem *s, uint64_t deadline_ns);
int ksem_trywait(struct ksem *s);
void ksem_post(struct ksem *s);

#endif
