/*
 * POSIX barriers: the count-th thread to arrive ends the round, is told so
 * (PTHREAD_BARRIER_SERIAL_THREAD) and wakes the others. A round number,
 * not the arrival count, says when a waiter may go, so a thread that comes
 * back for the next round before the others left cannot hold them up.
 */
#include <errno.h>
#include <pthread.h>
#include <yolk/sync.h>
#include "pthread_internal.h"

int pthread_barrierattr_init(pthread_barrierattr_t *a)
{
	a->pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *a)
{
	(void)a;
	return 0;
}

int pthread_barrierattr_setpshared(pthread_barrierattr_t *a, int pshared)
{
	if (!pthread_pshared_valid(pshared))
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t *a, int *pshared)
{
	*pshared = a->pshared;
	return 0;
}

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *a, unsigned count)
{
	if (count == 0 || (a && !pthread_pshared_valid(a->pshared)))
		return EINVAL;
	*b = (pthread_barrier_t){KMUTEX_INIT, KCOND_INIT, count, 0, 0, 0};
	return 0;
}

/* Waits until the threads woken by the last round have left, so b may be freed. */
int pthread_barrier_destroy(pthread_barrier_t *b)
{
	int r = 0;
	kmutex_lock(&b->m, WAIT_FOREVER);
	if (b->count == 0)
		r = EINVAL;
	else if (b->arrived)
		r = EBUSY;
	while (r == 0 && b->leaving)
		kcond_wait(&b->all_arrived, &b->m, WAIT_FOREVER);
	if (r == 0)
		b->count = 0;
	kmutex_unlock(&b->m);
	return r;
}

int pthread_barrier_wait(pthread_barrier_t *b)
{
	kmutex_lock(&b->m, WAIT_FOREVER);
	if (b->count == 0) {
		kmutex_unlock(&b->m);
		return EINVAL;
	}
	int r = 0;
	unsigned long round = b->round;
	if (++b->arrived == b->count) {
		b->arrived = 0;
		b->leaving += b->count - 1;
		b->round++;
		kcond_broadcast(&b->all_arrived);
		r = PTHREAD_BARRIER_SERIAL_THREAD;
	} else {
		while (b->round == round)
			kcond_wait(&b->all_arrived, &b->m, WAIT_FOREVER);
		if (--b->leaving == 0)
			kcond_broadcast(&b->all_arrived); /* for a destroy waiting on us */
	}
	kmutex_unlock(&b->m);
	return r;
}
