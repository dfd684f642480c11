/* POSIX threads on yolk's kernel threads (include/posix/pthread.h). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arch/cpu.h>
#include <yolk/sched.h>
#include <yolk/time.h>
#include "pthread_internal.h"

#define PTHREAD_DESTRUCTOR_ITERATIONS 4

static struct {
	int used;
	void (*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];
static struct kmutex keys_lock = KMUTEX_INIT;

/* An absolute time on `clock` as a deadline on the monotonic clock. */
static uint64_t deadline_of(clockid_t clock, const struct timespec *abstime)
{
	struct timespec now;
	clock_gettime(clock, &now);
	int64_t ns = (int64_t)(abstime->tv_sec - now.tv_sec) * (int64_t)NSEC_PER_SEC +
		     (abstime->tv_nsec - now.tv_nsec);
	return time_monotonic_ns() + (ns > 0 ? (uint64_t)ns : 0);
}

static int bad_time(const struct timespec *t) { return t->tv_nsec < 0 || t->tv_nsec >= (long)NSEC_PER_SEC; }

/* Runs the key destructors of the calling thread, as POSIX asks, a few rounds. */
static void run_key_destructors(void)
{
	void **slots = thread_key_slots(thread_self());
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		int ran = 0;
		for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
			void *v = slots[k];
			if (v && keys[k].used && keys[k].destructor) {
				slots[k] = NULL;
				keys[k].destructor(v);
				ran = 1;
			}
		}
		if (!ran)
			return;
	}
}

struct start {
	void *(*fn)(void *);
	void *arg;
};

static void *pthread_trampoline(void *p)
{
	struct start s = *(struct start *)p;
	free(p);
	void *ret = s.fn(s.arg);
	run_key_destructors();
	return ret;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	int policy, prio, rt_prio;
	int bad = sched_policy_for_create(attr, &policy, &prio, &rt_prio);
	if (bad)
		return bad;
	struct start *s = malloc(sizeof(*s));
	if (s == NULL)
		return EAGAIN;
	*s = (struct start){fn, arg};
	size_t stack = attr ? attr->stacksize : 0;
	struct thread *t = thread_create_sched("pthread", pthread_trampoline, s, prio, policy, rt_prio, stack);
	if (t == NULL) {
		free(s);
		return EAGAIN;
	}
	if (attr && attr->detachstate == PTHREAD_CREATE_DETACHED)
		thread_detach(t);
	*thread = t;
	return 0;
}

int pthread_join(pthread_t t, void **retval)
{
	int point = thread_cancel_point_begin();
	int r = thread_join(t, retval);
	thread_cancel_point_end(point, r == EINTR);
	return r;
}
int pthread_detach(pthread_t t) { return thread_detach(t); }
pthread_t pthread_self(void) { return thread_self(); }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

void pthread_exit(void *retval)
{
	pthread_cleanup_run_all();
	run_key_destructors();
	thread_exit(retval);
}

int pthread_setname_np(pthread_t t, const char *name)
{
	thread_set_name(t, name);
	return 0;
}

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
	static struct kmutex lock = KMUTEX_RECURSIVE_INIT;
	if (once->state == 2)
		return 0;
	kmutex_lock(&lock, WAIT_FOREVER);
	if (once->state == 0) {
		once->state = 1;
		fn();
		once->state = 2;
	}
	kmutex_unlock(&lock);
	return 0;
}

int sched_yield(void)
{
	thread_yield();
	return 0;
}

/* --- attributes --- */

int pthread_attr_init(pthread_attr_t *a)
{
	*a = (pthread_attr_t){.detachstate = PTHREAD_CREATE_JOINABLE, .priority = THREAD_PRIO_NORMAL};
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	(void)a;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	if (size < 8192)
		return EINVAL;
	a->stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
	*size = a->stacksize;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	a->detachstate = state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
	*state = a->detachstate;
	return 0;
}

/* --- mutexes --- */

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
	a->type = PTHREAD_MUTEX_DEFAULT;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
	(void)a;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
	if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_RECURSIVE)
		return EINVAL;
	a->type = type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)
{
	*type = a->type;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	*m = (pthread_mutex_t){KMUTEX_INIT};
	m->m.recursive = a && a->type == PTHREAD_MUTEX_RECURSIVE;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m) { return m->m.state ? EBUSY : 0; }
/* A first acquisition is counted as the app's own: cancellation may act while it is held. */
static int user_locked(pthread_mutex_t *m, int r)
{
	if (r == 0 && m->m.depth == 1)
		thread_user_hold(1);
	return r;
}

int pthread_mutex_lock(pthread_mutex_t *m) { return user_locked(m, kmutex_lock(&m->m, WAIT_FOREVER)); }
int pthread_mutex_trylock(pthread_mutex_t *m) { return user_locked(m, kmutex_trylock(&m->m)); }

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	int last = m->m.depth == 1;
	int r = kmutex_unlock(&m->m);
	if (r == 0 && last)
		thread_user_hold(-1);
	return r;
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	if (bad_time(abstime))
		return EINVAL;
	return user_locked(m, kmutex_lock(&m->m, deadline_of(CLOCK_REALTIME, abstime)));
}

/* --- condition variables --- */

int pthread_condattr_init(pthread_condattr_t *a)
{
	a->clock = CLOCK_REALTIME;
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
	(void)a;
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return EINVAL;
	a->clock = clock;
	return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
	*c = (pthread_cond_t){KCOND_INIT, a ? a->clock : CLOCK_REALTIME};
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c) { return c->c.waiters.head ? EBUSY : 0; }
/* POSIX cond waits never fail with EINTR: a kill's wakeup is a spurious one. */
static int cond_status(int r) { return r == EINTR ? 0 : r; }

/* A cancellation point: a cancelled waiter has the mutex again before its cleanup handlers run. */
static int cond_wait_point(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
	int point = thread_cancel_point_begin();
	int r = kcond_wait(&c->c, &m->m, deadline);
	thread_cancel_point_end(point, r == EINTR);
	return cond_status(r);
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return cond_wait_point(c, m, WAIT_FOREVER); }

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
	if (bad_time(abstime))
		return EINVAL;
	return cond_wait_point(c, m, deadline_of(c->clock, abstime));
}

int pthread_cond_signal(pthread_cond_t *c)
{
	kcond_signal(&c->c);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	kcond_broadcast(&c->c);
	return 0;
}

/* --- reader/writer locks: writers waiting hold new readers back --- */

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *a)
{
	(void)a;
	*rw = (pthread_rwlock_t)PTHREAD_RWLOCK_INITIALIZER;
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *rw) { return rw->readers || rw->writer ? EBUSY : 0; }

int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	kmutex_lock(&rw->m, WAIT_FOREVER);
	while (rw->writer || rw->writers_waiting)
		kcond_wait(&rw->changed, &rw->m, WAIT_FOREVER);
	rw->readers++;
	kmutex_unlock(&rw->m);
	return 0;
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	int r = EBUSY;
	kmutex_lock(&rw->m, WAIT_FOREVER);
	if (!rw->writer && !rw->writers_waiting) {
		rw->readers++;
		r = 0;
	}
	kmutex_unlock(&rw->m);
	return r;
}

int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	kmutex_lock(&rw->m, WAIT_FOREVER);
	rw->writers_waiting++;
	while (rw->writer || rw->readers)
		kcond_wait(&rw->changed, &rw->m, WAIT_FOREVER);
	rw->writers_waiting--;
	rw->writer = 1;
	kmutex_unlock(&rw->m);
	return 0;
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	int r = EBUSY;
	kmutex_lock(&rw->m, WAIT_FOREVER);
	if (!rw->writer && !rw->readers) {
		rw->writer = 1;
		r = 0;
	}
	kmutex_unlock(&rw->m);
	return r;
}

int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	int r = 0;
	kmutex_lock(&rw->m, WAIT_FOREVER);
	if (rw->writer)
		rw->writer = 0;
	else if (rw->readers)
		rw->readers--;
	else
		r = EPERM;
	kcond_broadcast(&rw->changed);
	kmutex_unlock(&rw->m);
	return r;
}

/* --- thread-specific data --- */

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	int r = EAGAIN;
	kmutex_lock(&keys_lock, WAIT_FOREVER);
	for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
		if (!keys[k].used) {
			keys[k].used = 1;
			keys[k].destructor = destructor;
			*key = k;
			r = 0;
			break;
		}
	}
	kmutex_unlock(&keys_lock);
	return r;
}

int pthread_key_delete(pthread_key_t key)
{
	if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
		return EINVAL;
	keys[key].used = 0;
	return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
	return key < PTHREAD_KEYS_MAX ? thread_key_slots(thread_self())[key] : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
		return EINVAL;
	thread_key_slots(thread_self())[key] = (void *)value;
	return 0;
}
