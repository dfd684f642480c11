/*
 * Lock debugging (CONFIG_DEBUG_LOCKS) caught on purpose: each case breaks one
 * rule of yolk/spinlock.h and must panic naming the locks (fault suite,
 * tests/meson.build). `app=ktest lock CASE`.
 */
#include <stdio.h>
#include <string.h>
#include <yolk/sched.h>
#include <yolk/spinlock.h>
#include <yolk/waitq.h>
#include "ktest.h"

static struct spinlock outer = SPINLOCK_INIT("ktest outer", LOCK_RANK_TEST_OUTER);
static struct spinlock inner = SPINLOCK_INIT("ktest inner", LOCK_RANK_TEST_INNER);

/* Inner, then outer: an inversion. */
__attribute__((noinline)) static int fault_lock_order(void)
{
	int irq = spin_lock_irqsave(&inner);
	spin_lock(&outer);
	spin_unlock(&outer);
	spin_unlock_irqrestore(&inner, irq);
	return 0;
}

/* The same lock twice on one CPU: with CONFIG_SMP this would spin forever. */
__attribute__((noinline)) static int fault_lock_recursion(void)
{
	int irq = spin_lock_irqsave(&outer);
	spin_lock(&outer);
	spin_unlock(&outer);
	spin_unlock_irqrestore(&outer, irq);
	return 0;
}

/* A yield while holding a spinlock: another thread would find it taken. */
__attribute__((noinline)) static int fault_lock_sleep(void)
{
	int irq = spin_lock_irqsave(&outer);
	thread_yield();
	spin_unlock_irqrestore(&outer, irq);
	return 0;
}

/* waitq_wait may keep only the lock it is handed: here another one is still held. */
__attribute__((noinline)) static int fault_lock_sleep_waitq(void)
{
	static struct waitq q = WAITQ_INIT;
	int irq = spin_lock_irqsave(&outer);
	spin_lock(&inner);
	waitq_wait(&q, &inner, 0);
	spin_unlock(&inner);
	spin_unlock_irqrestore(&outer, irq);
	return 0;
}

__attribute__((noinline)) static int fault_lock_unlock(void)
{
	int irq = irq_save();
	spin_unlock(&inner);
	irq_restore(irq);
	return 0;
}

int ktest_lock(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} faults[] = {
		{"order", fault_lock_order},   {"recursion", fault_lock_recursion},
		{"sleep", fault_lock_sleep},   {"sleep-waitq", fault_lock_sleep_waitq},
		{"unlock", fault_lock_unlock},
	};
#ifndef CONFIG_DEBUG_LOCKS
	(void)faults, (void)argc, (void)argv;
	printf("lock: CONFIG_DEBUG_LOCKS is off\n");
	return 1;
#else
	for (size_t i = 0; argc > 2 && i < sizeof(faults) / sizeof(faults[0]); i++)
		if (strcmp(argv[2], faults[i].name) == 0)
			return faults[i].fn();
	printf("lock: expected order, recursion, sleep, sleep-waitq or unlock\n");
	return 1;
#endif
}
