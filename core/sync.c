/*
 * Mutexes, condition variables and semaphores on wait queues. Each object's
 * own spinlock protects its waiters (and a semaphore's count); a kmutex's
 * uncontended lock and unlock never take it (one compare-and-swap each).
 */
#include <errno.h>
#include <limits.h>
#include <arch/cpu.h>
#include <yolk/sched.h>
#include <yolk/spinlock.h>
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
 * Takes m for `self`, waiting as needed; m->wait_lock held. A waiter marks
 * the lock contended (under wait_lock) before it sleeps, so the owner's
 * unlock fails its compare-and-swap, takes the slow path and wakes it;
 * whoever acquires keeps the mark while others wait.
 */
static int lock_slow(struct kmutex *m, uintptr_t self, uint64_t deadline)
{
	KASSERT(spin_held(&m->wait_lock));
	for (;;) {
		uintptr_t s = __atomic_load_n(&m->state, __ATOMIC_RELAXED);
		if (s == 0) {
			if (cas(&m->state, 0, self | (m->waiters.head ? CONTENDED : 0)))
				return 0;
			continue;
		}
		if (!(s & CONTENDED) && !cas(&m->state, s, s | CONTENDED))
			continue;
		int r = waitq_wait(&m->waiters, &m->wait_lock, deadline);
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
	lock_debug_may_sleep(NULL);
	int irq = spin_lock_irqsave(&m->wait_lock);
	int r = lock_slow(m, self, deadline);
	if (r == 0) {
		m->depth = 1;
		held(1);
	}
	spin_unlock_irqrestore(&m->wait_lock, irq);
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

/* Frees m and wakes one waiter; m->wait_lock held. */
static void unlock_slow(struct kmutex *m)
{
	KASSERT(spin_held(&m->wait_lock));
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
	int irq = spin_lock_irqsave(&m->wait_lock);
	unlock_slow(m);
	spin_unlock_irqrestore(&m->wait_lock, irq);
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
	lock_debug_may_sleep(NULL);
	/* c->lock from before m is let go until the wait: no signal is missed. */
	int irq = spin_lock_irqsave(&c->lock);
	unsigned depth = m->depth;
	m->depth = 0;
	spin_lock(&m->wait_lock);
	unlock_slow(m);
	spin_unlock(&m->wait_lock);
	int r = waitq_wait(&c->waiters, &c->lock, deadline);
	spin_unlock(&c->lock);
	spin_lock(&m->wait_lock);
	lock_slow(m, self, WAIT_FOREVER);
	m->depth = depth;
	spin_unlock_irqrestore(&m->wait_lock, irq);
	return r;
}

/* A woken waiter more important than the caller runs now (POSIX real-time preemption), not at the next tick. */
void kcond_signal(struct kcond *c)
{
	int irq = spin_lock_irqsave(&c->lock);
	waitq_wake_one(&c->waiters);
	spin_unlock_irqrestore(&c->lock, irq);
	sched_preempt_point_voluntary();
}

void kcond_broadcast(struct kcond *c)
{
	int irq = spin_lock_irqsave(&c->lock);
	waitq_wake_all(&c->waiters);
	spin_unlock_irqrestore(&c->lock, irq);
	sched_preempt_point_voluntary();
}

int ksem_wait(struct ksem *s, uint64_t deadline)
{
	int irq = spin_lock_irqsave(&s->lock), r = 0;
	while (s->count == 0 && r == 0)
		r = waitq_wait(&s->waiters, &s->lock, deadline);
	if (r == 0)
		s->count--;
	spin_unlock_irqrestore(&s->lock, irq);
	return r;
}

int ksem_trywait(struct ksem *s)
{
	int irq = spin_lock_irqsave(&s->lock), r = -EAGAIN;
	if (s->count) {
		s->count--;
		r = 0;
	}
	spin_unlock_irqrestore(&s->lock, irq);
	return r;
}

int ksem_post_max(struct ksem *s, unsigned max)
{
	int irq = spin_lock_irqsave(&s->lock);
	int full = s->count >= max;
	if (!full) {
		s->count++;
		waitq_wake_one(&s->waiters);
	}
	spin_unlock_irqrestore(&s->lock, irq);
	sched_preempt_point_voluntary();
	return full ? -EOVERFLOW : 0;
}

void ksem_post(struct ksem *s) { ksem_post_max(s, UINT_MAX); }
