/*
 * lwIP's operating-system layer (NO_SYS=0) on yolk: semaphores, mutexes,
 * mailboxes, threads, the millisecond clock and lightweight protection.
 * Timeouts are lwIP's milliseconds (0 = forever), turned into yolk's
 * monotonic deadlines.
 */
#include <errno.h>
#include <stdlib.h>
#include <yolk/spinlock.h>
#include <yolk/sched.h>
#include <yolk/time.h>
#include "lwip/sys.h"

/* A bounded FIFO of pointers: posters wait for room, fetchers for a message. */
struct sys_mbox {
	struct kmutex lock;
	struct kcond not_empty, not_full;
	unsigned head, count, size;
	void *msgs[];
};

static uint64_t deadline_ms(u32_t timeout)
{
	return timeout == 0 ? WAIT_FOREVER : time_monotonic_ns() + (uint64_t)timeout * 1000000u;
}

/* Milliseconds since t0 (what lwIP's timed waits return). */
static u32_t ms_since(uint64_t t0)
{
	return (u32_t)((time_monotonic_ns() - t0) / 1000000u);
}

void sys_init(void) {}

u32_t sys_now(void)
{
	return (u32_t)(time_monotonic_ns() / 1000000u);
}

/*
 * lwIP's lightweight protection (memory pools, pbuf reference counts). lwIP
 * may nest it, so a call made while this CPU already holds the lock takes
 * nothing; the value returned says whether interrupts were on (bit 0) and
 * whether this call took the lock (bit 1).
 */
static struct spinlock lwip_protect_lock = SPINLOCK_INIT("lwip protect", LOCK_RANK_LWIP);

#define PROT_IRQ_ON 1
#define PROT_TOOK 2

sys_prot_t sys_arch_protect(void)
{
	int irq = irq_save(); /* with the lock, or inside an outer protect that holds it */
	if (spin_held(&lwip_protect_lock))
		return irq ? PROT_IRQ_ON : 0;
	spin_lock(&lwip_protect_lock);
	return (irq ? PROT_IRQ_ON : 0) | PROT_TOOK;
}

void sys_arch_unprotect(sys_prot_t pval)
{
	if (pval & PROT_TOOK)
		spin_unlock(&lwip_protect_lock);
	irq_restore(pval & PROT_IRQ_ON);
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	sem->sem = (struct ksem)KSEM_INIT(count);
	sem->valid = 1;
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
	sem->valid = 0;
}

void sys_sem_signal(sys_sem_t *sem)
{
	ksem_post(&sem->sem);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	uint64_t t0 = time_monotonic_ns(), deadline = deadline_ms(timeout);
	int r;
	/* A killed thread keeps waiting: lwIP is finishing its request on its stack. */
	while ((r = ksem_wait(&sem->sem, deadline)) == -EINTR)
		; /* sched_park answers -ETIMEDOUT once the deadline has passed */
	if (r == -ETIMEDOUT)
		return SYS_ARCH_TIMEOUT;
	return ms_since(t0);
}

err_t sys_mutex_new(sys_mutex_t *m)
{
	m->mutex = (struct kmutex)KMUTEX_INIT;
	m->valid = 1;
	return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *m)
{
	m->valid = 0;
}

void sys_mutex_lock(sys_mutex_t *m)
{
	kmutex_lock(&m->mutex, WAIT_FOREVER);
}

void sys_mutex_unlock(sys_mutex_t *m)
{
	kmutex_unlock(&m->mutex);
}

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
	if (size <= 0)
		size = 16;
	struct sys_mbox *mb = calloc(1, sizeof(*mb) + (size_t)size * sizeof(void *));
	if (mb == NULL)
		return ERR_MEM;
	mb->lock = (struct kmutex)KMUTEX_INIT;
	mb->not_empty = mb->not_full = (struct kcond)KCOND_INIT;
	mb->size = (unsigned)size;
	*mbox = mb;
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
	free(*mbox);
	*mbox = NULL;
}

/* Appends msg if there is room: ERR_OK, or ERR_MEM when full. Lock held. */
static err_t mbox_put(struct sys_mbox *mb, void *msg)
{
	if (mb->count == mb->size)
		return ERR_MEM;
	mb->msgs[(mb->head + mb->count++) % mb->size] = msg;
	kcond_signal(&mb->not_empty);
	return ERR_OK;
}

/* Removes the oldest message; the mailbox is not empty. Lock held. */
static void *mbox_take(struct sys_mbox *mb)
{
	void *m = mb->msgs[mb->head];
	mb->head = (mb->head + 1) % mb->size;
	mb->count--;
	kcond_signal(&mb->not_full);
	return m;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	struct sys_mbox *mb = *mbox;
	kmutex_lock(&mb->lock, WAIT_FOREVER);
	while (mbox_put(mb, msg) != ERR_OK)
		kcond_wait(&mb->not_full, &mb->lock, WAIT_FOREVER);
	kmutex_unlock(&mb->lock);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	struct sys_mbox *mb = *mbox;
	kmutex_lock(&mb->lock, WAIT_FOREVER);
	err_t r = mbox_put(mb, msg);
	kmutex_unlock(&mb->lock);
	return r;
}

/* Not from interrupts: yolk's drivers hand frames over from threads (netdev.h). */
err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
	return sys_mbox_trypost(mbox, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	struct sys_mbox *mb = *mbox;
	uint64_t t0 = time_monotonic_ns(), deadline = deadline_ms(timeout);
	kmutex_lock(&mb->lock, WAIT_FOREVER);
	while (mb->count == 0) {
		/* A killed thread gives up as on a timeout (recv/accept then return -EINTR). */
		int r = kcond_wait(&mb->not_empty, &mb->lock, deadline);
		if ((r == -ETIMEDOUT || r == -EINTR) && mb->count == 0) {
			kmutex_unlock(&mb->lock);
			return SYS_ARCH_TIMEOUT;
		}
	}
	void *m = mbox_take(mb);
	kmutex_unlock(&mb->lock);
	if (msg)
		*msg = m;
	return ms_since(t0);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	struct sys_mbox *mb = *mbox;
	kmutex_lock(&mb->lock, WAIT_FOREVER);
	if (mb->count == 0) {
		kmutex_unlock(&mb->lock);
		return SYS_MBOX_EMPTY;
	}
	void *m = mbox_take(mb);
	kmutex_unlock(&mb->lock);
	if (msg)
		*msg = m;
	return 0;
}

struct thread_start {
	lwip_thread_fn fn;
	void *arg;
};

static void *thread_trampoline(void *p)
{
	struct thread_start s = *(struct thread_start *)p;
	free(p);
	s.fn(s.arg);
	return NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize, int prio)
{
	struct thread_start *s = malloc(sizeof(*s));
	if (s == NULL)
		return NULL;
	*s = (struct thread_start){fn, arg};
	if (prio < THREAD_PRIO_LOW || prio >= THREAD_NPRIO)
		prio = THREAD_PRIO_NORMAL;
	struct thread *t = thread_create(name, thread_trampoline, s, prio, (size_t)stacksize);
	if (t == NULL) {
		free(s);
		return NULL;
	}
	thread_detach(t);
	return t;
}

/* Messages waiting in mbox now (for the sockets' poll). */
int sys_mbox_pending(sys_mbox_t *mbox)
{
	return (int)__atomic_load_n(&(*mbox)->count, __ATOMIC_RELAXED);
}
