/* Host stand-in for yolk/spinlock.h: one thread, so a lock only records that it is held. */
#ifndef YOLK_SPINLOCK_H
#define YOLK_SPINLOCK_H
#include <assert.h>
#include <yolk/lock_order.h>

#define KASSERT(cond) assert(cond)

struct spinlock {
	int owner;
	int rank;
	const char *name;
};

#define SPINLOCK_INIT(lock_name, lock_rank) {0, (lock_rank), (lock_name)}

static inline void spin_init(struct spinlock *l, const char *name, int rank)
{
	*l = (struct spinlock)SPINLOCK_INIT(name, rank);
}
static inline int spin_held(const struct spinlock *l) { return l->owner; }
static inline void spin_lock(struct spinlock *l) { assert(!l->owner); l->owner = 1; }
static inline void spin_unlock(struct spinlock *l) { assert(l->owner); l->owner = 0; }
static inline int spin_lock_irqsave(struct spinlock *l) { spin_lock(l); return 0; }
static inline void spin_unlock_irqrestore(struct spinlock *l, int irq) { (void)irq; spin_unlock(l); }
#endif
