/* Mutexes, condition variables and semaphores on wait queues. */
#include <errno.h>
#include <arch/cpu.h>
#include <yolk/sched.h>
#include <yolk/sync.h>
#include "sched_internal.h"

#define CONTENDED 1ul

static int cas(uintptr_t *p, uintptr_t old, uintptr_t new)
{
	return __atomic_compare_exchange_n(p, &old, new, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static uintptr_t self_word(void) { return (uintptr_t)thread_self(); }

/* A thread holding a lock is never killed (Ctrl-C waits until it lets go). */
static void held(int delta)
{
	struct thread *t = thread_self();
	if (t)
		t->holds += delta;
}

/*
 * Takes m for `self`, waiting as needed. Interrupts are disabled. A waiter
 * marks the lock contended before it sleeps, so the owner's unlock takes the
 * slow path and wakes it; whoever acquires keeps the mark while others wait.
 */
static int lock_slow(struct kmutex *m, uintptr_t self, uint64_t deadline)
{
	for (;;) {
		uintptr_t s = m->state;
		if (s == 0) {
			if (cas(&m->state, 0, self | (m->waiters.head ? CONTENDED : 0)))
				return 0;
			continue;
		}
		if (!(s & CONTENDED) && !cas(&m->state, s, s | CONTENDED))
			continue;
		int r = waitq_wait(&m->waiters, deadline);
		if (r == -ETIMEDOUT)
			return r;
	}
}

int kmutex_lock(struct kmutex *m, uint64_t deadline)
{
	uintptr_t self = self_word();
	/* Counted before the CAS: an interrupt between the two must not see a held lock as free. */
	held(1);
	if (cas(&m->state, 0, self)) {
		m->depth = 1;
		return 0;
	}
	held(-1);
	if ((m->state & ~CONTENDED) == self && self) {
		if (!m->recursive)
			return -EDEADLK;
		m->depth++;
		return 0;
	}
	int irq = irq_save();
	int r = lock_slow(m, self, deadline);
	if (r == 0) {
		m->depth = 1;
		held(1);
	}
	irq_restore(irq);
	return r;
}

int kmutex_trylock(struct kmutex *m)
{
	uintptr_t self = self_word();
	held(1);
	if (cas(&m->state, 0, self)) {
		m->depth = 1;
		return 0;
	}
	held(-1);
	if ((m->state & ~CONTENDED) == self && self && m->recursive) {
		m->depth++;
		return 0;
	}
	return -EBUSY;
}

/* Frees m and wakes one waiter; interrupts disabled. */
static void unlock_slow(struct kmutex *m)
{
	__atomic_store_n(&m->state, 0, __ATOMIC_RELEASE);
	waitq_wake_one(&m->waiters);
}

int kmutex_unlock(struct kmutex *m)
{
	uintptr_t self = self_word();
	if ((m->state & ~CONTENDED) != self || m->depth == 0)
		return -EPERM;
	if (--m->depth)
		return 0;
	held(-1);
	if (cas(&m->state, self, 0))
		return 0;
	int irq = irq_save();
	unlock_slow(m);
	irq_restore(irq);
	/* A woken waiter of higher priority runs now, not at the next tick. */
	sched_preempt_point_voluntary();
	return 0;
}

int kmutex_held(const struct kmutex *m)
{
	uintptr_t self = self_word();
	return self && (__atomic_load_n(&m->state, __ATOMIC_RELAXED) & ~CONTENDED) == self;
}

int kcond_wait(struct kcond *c, struct kmutex *m, uint64_t deadline)
{
	uintptr_t self = self_word();
	if ((m->state & ~CONTENDED) != self)
		return -EPERM;
	int irq = irq_save();
	unsigned depth = m->depth;
	m->depth = 0;
	unlock_slow(m);
	/* Interrupts stay off from the unlock to the wait: no signal is missed. */
	int r = waitq_wait(&c->waiters, deadline);
	lock_slow(m, self, WAIT_FOREVER);
	m->depth = depth;
	irq_restore(irq);
	return r;
}

/* A woken waiter more important than the caller runs now (POSIX real-time preemption), not at the next tick. */
void kcond_signal(struct kcond *c)
{
	int irq = irq_save();
	waitq_wake_one(&c->waiters);
	irq_restore(irq);
	sched_preempt_point_voluntary();
}

void kcond_broadcast(struct kcond *c)
{
	int irq = irq_save();
	waitq_wake_all(&c->waiters);
	irq_restore(irq);
	sched_preempt_point_voluntary();
}

int ksem_wait(struct ksem *s, uint64_t deadline)
{
	int irq = irq_save(), r = 0;
	while (s->count == 0 && r == 0)
		r = waitq_wait(&s->waiters, deadline);
	if (r == 0)
		s->count--;
	irq_restore(irq);
	return r;
}

int ksem_trywait(struct ksem *s)
{
	int irq = irq_save(), r = -EAGAIN;
	if (s->count) {
		s->count--;
		r = 0;
	}
	irq_restore(irq);
	return r;
}

void ksem_post(struct ksem *s)
{
	int irq = irq_save();
	s->count++;
	waitq_wake_one(&s->waiters);
	irq_restore(irq);
	sched_preempt_point_voluntary();
}
