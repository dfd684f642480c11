/* Unnamed POSIX semaphores (include/posix/semaphore.h) on kernel semaphores. */
#include <errno.h>
#include <limits.h>
#include <semaphore.h>
#include <yolk/spinlock.h>
#include <yolk/sync.h>
#include "pthread_internal.h"
#include "semaphore_internal.h"

static int fail(int err)
{
	errno = err;
	return -1;
}

void sem_setup(sem_t *sem, unsigned value)
{
	*sem = (sem_t){KSEM_INIT(value), SEM_MAGIC};
}

int sem_init(sem_t *sem, int pshared, unsigned value)
{
	(void)pshared; /* one address space: a shared semaphore is simply shared */
	if (value > SEM_VALUE_MAX)
		return fail(EINVAL);
	sem_setup(sem, value);
	return 0;
}

int sem_destroy(sem_t *sem)
{
	if (sem->magic != SEM_MAGIC)
		return fail(EINVAL);
	int irq = spin_lock_irqsave(&sem->s.lock), err = 0;
	if (sem->s.waiters.head)
		err = EBUSY;
	else
		sem->magic = 0;
	spin_unlock_irqrestore(&sem->s.lock, irq);
	return err ? fail(err) : 0;
}

int sem_wait(sem_t *sem)
{
	if (sem->magic != SEM_MAGIC)
		return fail(EINVAL);
	int err = -ksem_wait(&sem->s, WAIT_FOREVER);
	return err ? fail(err) : 0;
}

int sem_trywait(sem_t *sem)
{
	if (sem->magic != SEM_MAGIC)
		return fail(EINVAL);
	int err = -ksem_trywait(&sem->s);
	return err ? fail(err) : 0;
}

/* abstime is checked only if the call must wait, as POSIX says. */
int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	if (sem->magic != SEM_MAGIC)
		return fail(EINVAL);
	if (ksem_trywait(&sem->s) == 0)
		return 0;
	if (pthread_bad_time(abstime))
		return fail(EINVAL);
	int err = -ksem_wait(&sem->s, pthread_deadline(CLOCK_REALTIME, abstime));
	return err ? fail(err) : 0;
}

int sem_post(sem_t *sem)
{
	if (sem->magic != SEM_MAGIC)
		return fail(EINVAL);
	return ksem_post_max(&sem->s, SEM_VALUE_MAX) ? fail(EOVERFLOW) : 0;
}

/* POSIX allows a negative value for waiters; yolk reports 0 then. */
int sem_getvalue(sem_t *sem, int *value)
{
	if (sem->magic != SEM_MAGIC)
		return fail(EINVAL);
	*value = (int)sem->s.count;
	return 0;
}
