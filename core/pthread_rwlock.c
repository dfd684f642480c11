/*
 * POSIX reader-writer locks: writers waiting hold new readers back. The
 * writer is remembered, so its own second wrlock or rdlock fails with
 * EDEADLK instead of waiting forever (POSIX allows the check; yolk makes it).
 */
#include <errno.h>
#include <pthread.h>
#include <yolk/sync.h>
#include "pthread_internal.h"

int pthread_rwlockattr_init(pthread_rwlockattr_t *a)
{
	a->pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a)
{
	(void)a;
	return 0;
}

int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *a, int pshared)
{
	if (!pthread_pshared_valid(pshared))
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *a, int *pshared)
{
	*pshared = a->pshared;
	return 0;
}

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a)
{
	(void)a; /* shared or not, it is the same lock in yolk's one address space */
	*rw = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	return rw->readers || rw->writer ? EBUSY : 0;
}

/*
 * Read locks the calling thread holds, on any rwlock. POSIX lets a thread
 * take a read lock it already holds again; holding writers back for it
 * would wait for a writer that waits for it. So a thread holding read locks
 * is let in while writers wait (only an active writer stops it).
 */
static __thread unsigned reads_held;

static int read_blocked(const pthread_rwlock_t *rw)
{
	return rw->writer || (rw->writers_waiting && !reads_held);
}
static int write_blocked(const pthread_rwlock_t *rw)
{
	return rw->writer || rw->readers;
}

/*
 * Waits (rw->m held) until blocked(rw) is false or the deadline passes:
 * 0 or ETIMEDOUT (positive, for POSIX). A kill's early wakeup is a spurious one.
 */
static int wait_while(pthread_rwlock_t *rw, int (*blocked)(const pthread_rwlock_t *), uint64_t deadline)
{
	while (blocked(rw))
		if (kcond_wait(&rw->changed, &rw->m, deadline) == -ETIMEDOUT && blocked(rw))
			return ETIMEDOUT;
	return 0;
}

/* rdlock with a deadline on the monotonic clock (WAIT_FOREVER for none), abstime to check. */
static int read_lock(pthread_rwlock_t *rw, uint64_t deadline, const struct timespec *abstime)
{
	kmutex_lock(&rw->m, WAIT_FOREVER);
	int r = 0;
	if (rw->writer == pthread_self())
		r = EDEADLK;
	else if (read_blocked(rw) && abstime && pthread_bad_time(abstime))
		r = EINVAL;
	else
		r = wait_while(rw, read_blocked, deadline);
	if (r == 0) {
		rw->readers++;
		reads_held++;
	}
	kmutex_unlock(&rw->m);
	return r;
}

static int write_lock(pthread_rwlock_t *rw, uint64_t deadline, const struct timespec *abstime)
{
	kmutex_lock(&rw->m, WAIT_FOREVER);
	int r = 0;
	if (rw->writer == pthread_self()) {
		r = EDEADLK;
	} else if (write_blocked(rw) && abstime && pthread_bad_time(abstime)) {
		r = EINVAL;
	} else {
		rw->writers_waiting++;
		r = wait_while(rw, write_blocked, deadline);
		rw->writers_waiting--;
		if (r == 0)
			rw->writer = pthread_self();
		else
			kcond_broadcast(&rw->changed); /* readers held back by this writer may go */
	}
	kmutex_unlock(&rw->m);
	return r;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	return read_lock(rw, WAIT_FOREVER, NULL);
}
int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	return write_lock(rw, WAIT_FOREVER, NULL);
}

int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *abstime)
{
	uint64_t deadline = pthread_bad_time(abstime) ? 0 : pthread_deadline(CLOCK_REALTIME, abstime);
	return read_lock(rw, deadline, abstime);
}

int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *abstime)
{
	uint64_t deadline = pthread_bad_time(abstime) ? 0 : pthread_deadline(CLOCK_REALTIME, abstime);
	return write_lock(rw, deadline, abstime);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	int r = EBUSY;
	kmutex_lock(&rw->m, WAIT_FOREVER);
	if (!read_blocked(rw)) {
		rw->readers++;
		reads_held++;
		r = 0;
	}
	kmutex_unlock(&rw->m);
	return r;
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	int r = EBUSY;
	kmutex_lock(&rw->m, WAIT_FOREVER);
	if (!write_blocked(rw)) {
		rw->writer = pthread_self();
		r = 0;
	}
	kmutex_unlock(&rw->m);
	return r;
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	int r = 0;
	kmutex_lock(&rw->m, WAIT_FOREVER);
	if (rw->writer == pthread_self())
		rw->writer = 0;
	else if (rw->readers) {
		rw->readers--;
		reads_held -= reads_held > 0;
	} else
		r = EPERM;
	kcond_broadcast(&rw->changed);
	kmutex_unlock(&rw->m);
	return r;
}
