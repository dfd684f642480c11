/*
 * Spinlocks: what protects data shared with interrupt handlers and, with
 * CONFIG_SMP, with the other CPUs. Test-and-test-and-set: a taker swaps 1
 * into the lock word and, while it got 1 back, spins with `pause` reading
 * the word until it looks free. Ticket locks (first come, first served;
 * CONFIG_SPINLOCK_TICKET) stall under QEMU TCG once the host has fewer free
 * cores than the guest has vCPUs: a vCPU thread the host descheduled while
 * holding the *next* ticket blocks every other taker for its whole host time
 * slice, even though the lock is free (measured in the commit that made
 * TTAS the default). With TTAS whoever runs takes the free lock. Without
 * CONFIG_SMP the spinning part compiles away and a lock is
 * what yolk always had on one CPU: interrupts off (plus the owner, for
 * spin_held(), and the checks of CONFIG_DEBUG_LOCKS).
 *
 * Interrupts are off for as long as any spinlock is held, so an interrupt
 * handler on this CPU never finds one of them taken. Threads take a lock
 * with spin_lock_irqsave() and give it back with spin_unlock_irqrestore();
 * interrupt handlers (interrupts already off) and code already holding an
 * irqsave lock use spin_lock()/spin_unlock(). A thread never sleeps while
 * holding one, except through waitq_wait()/sched_park(), which hand the one
 * lock they are given over to the scheduler (yolk/waitq.h).
 *
 * Every lock has a rank from yolk/lock_order.h, where the order is written
 * down; CONFIG_DEBUG_LOCKS panics on an inversion, on recursion, on
 * unlocking a lock this CPU does not hold and on sleeping with one held.
 *
 * Like Linux's spin_lock_irqsave() and Zephyr's k_spin_lock() (which returns
 * the key to restore), and xv6's push_off/pop_off nesting: a nested
 * irqsave returns "interrupts were off" and its restore leaves them off.
 */
#ifndef YOLK_SPINLOCK_H
#define YOLK_SPINLOCK_H

#include <stdint.h>
#include <arch/cpu.h>
#include <yolk-config/core.h>
#include <yolk/lock_order.h>
#include <yolk/panic.h>

struct spinlock {
	union {
		uint32_t word;
		struct {
			uint16_t serving; /* the ticket allowed in now */
			uint16_t next;    /* the ticket the next taker draws */
		};
	} ticket;  /* used only with CONFIG_SMP; word is 0 free, 1 taken without CONFIG_SPINLOCK_TICKET */
	int owner; /* arch_cpu_id() + 1 of the holder, 0 if free */
	int rank;  /* enum lock_rank */
	const char *name;
};

#define SPINLOCK_INIT(lock_name, lock_rank) {{0}, 0, (lock_rank), (lock_name)}

static inline void spin_init(struct spinlock *l, const char *name, int rank)
{
	*l = (struct spinlock)SPINLOCK_INIT(name, rank);
}

#ifdef CONFIG_DEBUG_LOCKS
/* core/spinlock.c: the checks; each panics with the lock's name (and the other's). */
void lock_debug_acquire(const struct spinlock *l);
void lock_debug_acquired(const struct spinlock *l);
void lock_debug_release(const struct spinlock *l);
#else
static inline void lock_debug_acquire(const struct spinlock *l) { (void)l; }
static inline void lock_debug_acquired(const struct spinlock *l) { (void)l; }
static inline void lock_debug_release(const struct spinlock *l) { (void)l; }
#endif

/*
 * Panics (CONFIG_DEBUG_LOCKS) if this CPU holds a spinlock other than
 * `allowed` (NULL: any): called where a thread is about to sleep.
 */
#ifdef CONFIG_DEBUG_LOCKS
void lock_debug_may_sleep(const struct spinlock *allowed);
#else
static inline void lock_debug_may_sleep(const struct spinlock *allowed) { (void)allowed; }
#endif

/* Whether this CPU holds l (for KASSERT on "called with l held"). */
static inline int spin_held(const struct spinlock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == (int)arch_cpu_id() + 1;
}

/* Takes l; interrupts must already be off (an interrupt handler, or under another irqsave lock). */
static inline void spin_lock(struct spinlock *l)
{
	KASSERT(!irqs_enabled());
	lock_debug_acquire(l);
#if defined(CONFIG_SMP) && defined(CONFIG_SPINLOCK_TICKET)
	uint16_t mine = __atomic_fetch_add(&l->ticket.next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->ticket.serving, __ATOMIC_ACQUIRE) != mine)
		cpu_pause();
#elif defined(CONFIG_SMP)
	while (__atomic_exchange_n(&l->ticket.word, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->ticket.word, __ATOMIC_RELAXED))
			cpu_pause();
#endif
	__atomic_store_n(&l->owner, (int)arch_cpu_id() + 1, __ATOMIC_RELAXED);
	lock_debug_acquired(l);
}

/* Takes l if it is free: 1 taken, 0 not. Interrupts off. Never waits, so never an order violation. */
static inline int spin_trylock(struct spinlock *l)
{
	KASSERT(!irqs_enabled());
#if defined(CONFIG_SMP) && defined(CONFIG_SPINLOCK_TICKET)
	uint32_t old = __atomic_load_n(&l->ticket.word, __ATOMIC_RELAXED);
	if ((old & 0xffff) != old >> 16 ||
	    !__atomic_compare_exchange_n(&l->ticket.word, &old, old + 0x10000, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
#elif defined(CONFIG_SMP)
	if (__atomic_load_n(&l->ticket.word, __ATOMIC_RELAXED) || __atomic_exchange_n(&l->ticket.word, 1, __ATOMIC_ACQUIRE))
		return 0;
#else
	if (l->owner)
		return 0; /* one CPU: held means held by this very CPU, further up the stack */
#endif
	__atomic_store_n(&l->owner, (int)arch_cpu_id() + 1, __ATOMIC_RELAXED);
	lock_debug_acquired(l);
	return 1;
}

/* Gives l back; interrupts stay as they are. */
static inline void spin_unlock(struct spinlock *l)
{
	lock_debug_release(l);
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
#if defined(CONFIG_SMP) && defined(CONFIG_SPINLOCK_TICKET)
	__atomic_store_n(&l->ticket.serving, (uint16_t)(l->ticket.serving + 1), __ATOMIC_RELEASE);
#elif defined(CONFIG_SMP)
	__atomic_store_n(&l->ticket.word, 0, __ATOMIC_RELEASE);
#endif
}

/* Disables interrupts, takes l, and returns whether interrupts were on (for spin_unlock_irqrestore). */
static inline int spin_lock_irqsave(struct spinlock *l)
{
	int irq = irq_save();
	spin_lock(l);
	return irq;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, int irq)
{
	spin_unlock(l);
	irq_restore(irq);
}

#endif
