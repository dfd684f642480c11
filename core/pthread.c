/* POSIX threads on yolk's kernel threads (include/posix/pthread.h). */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arch/cpu.h>
#include <yolk-config/core.h>
#include <yolk/sched.h>
#include <yolk/time.h>
#include "pthread_internal.h"

static struct {
	int used;
	void (*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];
static struct kmutex keys_lock = KMUTEX_INIT;

uint64_t pthread_deadline(clockid_t clock, const struct timespec *abstime)
{
	struct timespec now;
	clock_gettime(clock, &now);
	int64_t ns = (int64_t)(abstime->tv_sec - now.tv_sec) * (int64_t)NSEC_PER_SEC +
		     (abstime->tv_nsec - now.tv_nsec);
	return time_monotonic_ns() + (ns > 0 ? (uint64_t)ns : 0);
}

int pthread_bad_time(const struct timespec *t) { return t->tv_nsec < 0 || t->tv_nsec >= (long)NSEC_PER_SEC; }

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
	struct thread *t;
	if (attr && attr->stackaddr)
		t = thread_create_on_stack("pthread", pthread_trampoline, s, prio, policy, rt_prio, attr->stackaddr, stack);
	else
		t = thread_create_sched("pthread", pthread_trampoline, s, prio, policy, rt_prio, stack);
	if (t == NULL) {
		free(s);
		return EAGAIN;
	}
	/* Read before it can run and end: a detached thread's handle dies with it. */
	*thread = thread_handle(t);
	if (attr && attr->detachstate == PTHREAD_CREATE_DETACHED)
		thread_detach(t);
	return 0;
}

int pthread_join(pthread_t t, void **retval)
{
	int point = thread_cancel_point_begin();
	int r = -thread_join_handle(t, retval);
	thread_cancel_point_end(point, r == EINTR);
	return r;
}
int pthread_detach(pthread_t t) { return -thread_detach_handle(t); }
pthread_t pthread_self(void) { return thread_handle(thread_self()); }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

static int thread_exists(struct thread *t, void *arg)
{
	(void)t, (void)arg;
	return 0;
}

int pthread_kill(pthread_t t, int sig)
{
	if (sig < 0 || sig >= _NSIG)
		return EINVAL;
	int r = -thread_with_handle(t, thread_exists, NULL);
	if (r || sig == 0)
		return r;
	/* No signal goes to another thread (README.md); the caller's own runs its handler. */
	if (t != pthread_self())
		return EINVAL;
	return raise(sig) ? EINVAL : 0;
}

int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	(void)prepare, (void)parent, (void)child;
	return 0;
}

void pthread_exit(void *retval)
{
	pthread_cleanup_run_all();
	run_key_destructors();
	thread_exit(retval);
}

static int set_name(struct thread *t, void *name)
{
	thread_set_name(t, name);
	return 0;
}

int pthread_setname_np(pthread_t t, const char *name) { return -thread_with_handle(t, set_name, (void *)name); }

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
	/* The stack size a thread gets by default, so pthread_attr_getstacksize tells the truth. */
	*a = (pthread_attr_t){.stacksize = CONFIG_THREAD_STACK_KB * 1024ul,
	                      .detachstate = PTHREAD_CREATE_JOINABLE,
	                      .priority = THREAD_PRIO_NORMAL};
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	(void)a;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	if (size < PTHREAD_STACK_MIN)
		return EINVAL;
	a->stacksize = size;
	a->stackaddr = NULL;
	return 0;
}

int pthread_attr_setstack(pthread_attr_t *a, void *stackaddr, size_t size)
{
	/* 16-byte alignment: what the x86-64 ABI asks of a stack. */
	if (size < PTHREAD_STACK_MIN || stackaddr == NULL || ((uintptr_t)stackaddr & 15))
		return EINVAL;
	a->stackaddr = stackaddr;
	a->stacksize = size;
	return 0;
}

int pthread_attr_getstack(const pthread_attr_t *a, void **stackaddr, size_t *size)
{
	*stackaddr = a->stackaddr;
	*size = a->stacksize;
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
	*a = (pthread_mutexattr_t){PTHREAD_MUTEX_DEFAULT, PTHREAD_PROCESS_PRIVATE};
	return 0;
}

int pthread_pshared_valid(int pshared) { return pshared == PTHREAD_PROCESS_PRIVATE || pshared == PTHREAD_PROCESS_SHARED; }

int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared)
{
	if (!pthread_pshared_valid(pshared))
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *pshared)
{
	*pshared = a->pshared;
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

int pthread_mutex_lock(pthread_mutex_t *m) { return user_locked(m, -kmutex_lock(&m->m, WAIT_FOREVER)); }
int pthread_mutex_trylock(pthread_mutex_t *m) { return user_locked(m, -kmutex_trylock(&m->m)); }

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	int last = m->m.depth == 1;
	int r = -kmutex_unlock(&m->m);
	if (r == 0 && last)
		thread_user_hold(-1);
	return r;
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	if (pthread_bad_time(abstime))
		return EINVAL;
	return user_locked(m, -kmutex_lock(&m->m, pthread_deadline(CLOCK_REALTIME, abstime)));
}

/* --- condition variables --- */

int pthread_condattr_init(pthread_condattr_t *a)
{
	*a = (pthread_condattr_t){CLOCK_REALTIME, PTHREAD_PROCESS_PRIVATE};
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clock)
{
	*clock = a->clock;
	return 0;
}

int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared)
{
	if (!pthread_pshared_valid(pshared))
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *a, int *pshared)
{
	*pshared = a->pshared;
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
	int r = -kcond_wait(&c->c, &m->m, deadline);
	thread_cancel_point_end(point, r == EINTR);
	return cond_status(r);
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return cond_wait_point(c, m, WAIT_FOREVER); }

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
	if (pthread_bad_time(abstime))
		return EINVAL;
	return cond_wait_point(c, m, pthread_deadline(c->clock, abstime));
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
