/* Mutexes, condition variables and semaphores on wait queues. */
#include <errno.h>
#include <arch/cpu.h>
#include <yolk/sched.h>
#include <yolk/sync.h>

int kmutex_lock(struct kmutex *m, uint64_t deadline)
{
	struct thread *self = thread_self();
	int irq = irq_save(), r = 0;
	if (m->owner == self && self) {
		if (m->recursive)
			m->depth++;
		else
			r = EDEADLK;
		irq_restore(irq);
		return r;
	}
	while (m->owner && r == 0)
		r = waitq_wait(&m->waiters, deadline);
	if (r == 0) {
		m->owner = self;
		m->depth = 1;
	}
	irq_restore(irq);
	return r;
}

int kmutex_trylock(struct kmutex *m)
{
	int irq = irq_save(), r = 0;
	struct thread *self = thread_self();
	if (m->owner == NULL) {
		m->owner = self;
		m->depth = 1;
	} else if (m->owner == self && m->recursive) {
		m->depth++;
	} else {
		r = EBUSY;
	}
	irq_restore(irq);
	return r;
}

int kmutex_unlock(struct kmutex *m)
{
	int irq = irq_save();
	if (m->owner != thread_self() || m->depth == 0) {
		irq_restore(irq);
		return EPERM;
	}
	if (--m->depth == 0) {
		m->owner = NULL;
		waitq_wake_one(&m->waiters);
	}
	irq_restore(irq);
	/* A woken waiter of higher priority runs now, not at the next tick. */
	sched_preempt_point_voluntary();
	return 0;
}

int kcond_wait(struct kcond *c, struct kmutex *m, uint64_t deadline)
{
	int irq = irq_save();
	if (m->owner != thread_self()) {
		irq_restore(irq);
		return EPERM;
	}
	unsigned depth = m->depth;
	m->depth = 0;
	m->owner = NULL;
	waitq_wake_one(&m->waiters);
	/* Interrupts stay off from the unlock to the wait: no signal is missed. */
	int r = waitq_wait(&c->waiters, deadline);
	while (m->owner)
		waitq_wait(&m->waiters, WAIT_FOREVER);
	m->owner = thread_self();
	m->depth = depth;
	irq_restore(irq);
	return r;
}

void kcond_signal(struct kcond *c)
{
	int irq = irq_save();
	waitq_wake_one(&c->waiters);
	irq_restore(irq);
}

void kcond_broadcast(struct kcond *c)
{
	int irq = irq_save();
	waitq_wake_all(&c->waiters);
	irq_restore(irq);
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
	int irq = irq_save(), r = EAGAIN;
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
