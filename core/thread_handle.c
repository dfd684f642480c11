/*
 * Thread handles that cannot dangle (pthread_t). A handle is a slot in a
 * fixed table plus the slot's generation: (generation << 32) | (slot + 1).
 * A slot's generation goes up each time it is given to a new thread, so the
 * handle of a thread that was joined, or ended detached, matches nothing and
 * every lookup of it fails with -ESRCH without reading the freed thread.
 * Slots are handed out round-robin, so a freed one is reused as late as
 * possible. thread_handle_lock protects the table; a lookup holds it while
 * it uses the thread, so the thread cannot be unbound (and freed) meanwhile.
 */
#include <errno.h>
#include <stdint.h>
#include <arch/cpu.h>
#include <yolk/sched.h>
#include <yolk/spinlock.h>
#include "sched_internal.h"

struct spinlock thread_handle_lock = SPINLOCK_INIT("thread handles", LOCK_RANK_THREAD_HANDLES);

static struct {
	struct thread *thread; /* NULL: free */
	uint32_t generation;
} slots[THREAD_HANDLES_MAX];
static unsigned next_slot;

int thread_handle_bind(struct thread *t)
{
	KASSERT(spin_held(&thread_handle_lock));
	for (unsigned n = 0; n < THREAD_HANDLES_MAX; n++) {
		unsigned i = (next_slot + n) % THREAD_HANDLES_MAX;
		if (slots[i].thread == NULL) {
			slots[i].thread = t;
			/* 31 bits: a thread's CPU clock id is its handle with bit 63 set (core/cpuclock.c).
			 */
			slots[i].generation = (slots[i].generation + 1) & 0x7fffffff;
			next_slot = i + 1;
			t->handle = ((uint64_t)slots[i].generation << 32) | (i + 1);
			return 0;
		}
	}
	return -EAGAIN;
}

void thread_handle_unbind(struct thread *t)
{
	KASSERT(spin_held(&thread_handle_lock));
	if (t->handle == 0)
		return;
	slots[(uint32_t)t->handle - 1].thread = NULL;
	t->handle = 0;
}

/* 0 before the scheduler runs (no thread yet): pthread_self() of boot code. */
uint64_t thread_handle(const struct thread *t)
{
	return t ? t->handle : 0;
}

/* The live thread `handle` names, or NULL. thread_handle_lock held. */
static struct thread *lookup(uint64_t handle)
{
	KASSERT(spin_held(&thread_handle_lock));
	uint32_t index = (uint32_t)handle - 1, generation = (uint32_t)(handle >> 32);
	if (index >= THREAD_HANDLES_MAX || slots[index].generation != generation)
		return NULL;
	return slots[index].thread;
}

int thread_with_handle(uint64_t handle, int (*fn)(struct thread *t, void *arg), void *arg)
{
	int irq = spin_lock_irqsave(&thread_handle_lock);
	struct thread *t = lookup(handle);
	int r = t ? fn(t, arg) : -ESRCH;
	spin_unlock_irqrestore(&thread_handle_lock, irq);
	return r;
}

/*
 * The errors are decided under thread_handle_lock, at the lookup. A thread still
 * joinable then can only be freed by a join (this one) or by a detach and
 * its end, and joining a thread while detaching or joining it elsewhere is
 * undefined in POSIX; so t outlives the step to thread_join, which then
 * frees it with the lock let go, as before. thread_detach_handle is the
 * same: thread_detach() takes thread_handle_lock itself.
 */
int thread_join_handle(uint64_t handle, void **retval)
{
	int irq = spin_lock_irqsave(&thread_handle_lock);
	struct thread *t = lookup(handle);
	int r = t == NULL ? -ESRCH : t == thread_self() ? -EDEADLK : t->detached || t->joining ? -EINVAL : 0;
	spin_unlock_irqrestore(&thread_handle_lock, irq);
	return r ? r : thread_join(t, retval);
}

int thread_detach_handle(uint64_t handle)
{
	int irq = spin_lock_irqsave(&thread_handle_lock);
	struct thread *t = lookup(handle);
	spin_unlock_irqrestore(&thread_handle_lock, irq);
	return t ? thread_detach(t) : -ESRCH;
}
