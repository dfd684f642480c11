/*
 * CONFIG_DEBUG_LOCKS: each CPU's list of the spinlocks it holds, checked at
 * every acquire, release and sleep against the order in yolk/lock_order.h.
 * A list per CPU, not per thread: interrupts are off while any spinlock is
 * held, and the one lock carried across a context switch (sched_lock) is
 * released by the thread switched to, on the same CPU.
 */
#include <stddef.h>
#include <arch/cpu.h>
#include <yolk-config/core.h>
#include <yolk/panic.h>
#include <yolk/spinlock.h>

#ifdef CONFIG_MAX_CPUS
#define LOCK_CPUS CONFIG_MAX_CPUS
#else
#define LOCK_CPUS 1
#endif
#define LOCK_HELD_MAX 16

#ifdef CONFIG_DEBUG_LOCKS

struct held_locks {
	const struct spinlock *lock[LOCK_HELD_MAX];
	unsigned n;
};

static struct held_locks held_by_cpu[LOCK_CPUS];

static struct held_locks *mine(void) { return &held_by_cpu[arch_cpu_id()]; }

/* The held lock of the highest rank (the innermost in the order), or NULL. */
static const struct spinlock *innermost(const struct held_locks *h)
{
	const struct spinlock *in = NULL;
	for (unsigned i = 0; i < h->n; i++)
		if (in == NULL || h->lock[i]->rank > in->rank)
			in = h->lock[i];
	return in;
}

void lock_debug_acquire(const struct spinlock *l)
{
	if (panic_in_progress())
		return; /* the panic's own output must get through whatever was held */
	if (spin_held(l))
		panic("lock recursion: taking %s while already holding it", l->name);
	const struct spinlock *in = innermost(mine());
	if (in && l->rank <= in->rank)
		panic("lock order: taking %s while holding %s", l->name, in->name);
}

void lock_debug_acquired(const struct spinlock *l)
{
	struct held_locks *h = mine();
	if (panic_in_progress())
		return;
	if (h->n == LOCK_HELD_MAX)
		panic("lock debugging: more than %d spinlocks held, taking %s", LOCK_HELD_MAX, l->name);
	h->lock[h->n++] = l;
}

void lock_debug_release(const struct spinlock *l)
{
	struct held_locks *h = mine();
	if (panic_in_progress())
		return;
	if (!spin_held(l))
		panic("unlocking %s, which this CPU does not hold", l->name);
	/* Not always the innermost: waitq_wait gives its lock back under sched_lock. */
	for (unsigned i = 0; i < h->n; i++) {
		if (h->lock[i] == l) {
			h->lock[i] = h->lock[--h->n];
			return;
		}
	}
}

/*
 * Callers may run with interrupts on (kmutex_lock before its wait_lock):
 * they are turned off for the check, or a thread moved to another CPU
 * halfway would read the list of the CPU it left, where another thread's
 * spinlock is held (seen as "sleeping while holding spinlock kmutex" in
 * mutex-counter-smp4 once in CI; 0 of 30 runs here after).
 */
void lock_debug_may_sleep(const struct spinlock *allowed)
{
	if (panic_in_progress())
		return;
	int irq = irq_save();
	const struct held_locks *h = mine();
	for (unsigned i = 0; i < h->n; i++)
		if (h->lock[i] != allowed)
			panic("sleeping while holding spinlock %s", h->lock[i]->name);
	irq_restore(irq);
}

#endif
