/*
 * POSIX threads for yolk (picolibc has none), on yolk's kernel threads and
 * sleeping locks: POSIX.1-2017's Threads, Barriers, Spin Locks, Reader-Writer
 * Locks, Timeouts, Thread Stack Address/Size, Process-Shared and Thread
 * CPU-Time options (README.md lists them). Timed waits take absolute times
 * on CLOCK_REALTIME, or on the clock set with pthread_condattr_setclock.
 * A pthread_t is a generation-checked handle (core/thread_handle.c): calls
 * on a thread that was joined, or ended detached, return ESRCH.
 */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <time.h>
#include <yolk/sync.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long pthread_t; /* (generation << 32) | (slot + 1); never 0 */
typedef unsigned pthread_key_t;

typedef struct {
	size_t stacksize;
	void *stackaddr;  /* pthread_attr_setstack's stack, or NULL for one of yolk's */
	int detachstate;
	int priority; /* sched_priority under policy (see "Scheduling" below) */
	int policy;       /* SCHED_OTHER (0, the default), SCHED_FIFO, SCHED_RR */
	int inheritsched; /* PTHREAD_INHERIT_SCHED (0, the default) or PTHREAD_EXPLICIT_SCHED */
	int scope;        /* PTHREAD_SCOPE_SYSTEM (0): the only one */
} pthread_attr_t;

typedef struct {
	struct kmutex m;
} pthread_mutex_t;

typedef struct {
	int type;
	int pshared;
} pthread_mutexattr_t;

typedef struct {
	struct kcond c;
	clockid_t clock;
} pthread_cond_t;

typedef struct {
	clockid_t clock;
	int pshared;
} pthread_condattr_t;

typedef struct {
	struct kmutex m;
	struct kcond changed;
	int readers;           /* holding it for reading */
	pthread_t writer;      /* the thread holding it for writing, or 0 */
	int writers_waiting;
} pthread_rwlock_t;

typedef struct {
	int pshared;
} pthread_rwlockattr_t;

typedef struct {
	struct kmutex m;
	struct kcond all_arrived;
	unsigned count;        /* threads that must arrive; 0 once destroyed */
	unsigned arrived;      /* in the current round */
	unsigned leaving;      /* woken, not yet out of pthread_barrier_wait */
	unsigned long round;   /* goes up as each round completes */
} pthread_barrier_t;

typedef struct {
	int pshared;
} pthread_barrierattr_t;

typedef struct {
	volatile pthread_t holder; /* 0 when free */
} pthread_spinlock_t;

typedef struct {
	volatile int state; /* 0 not run, 1 running, 2 done */
} pthread_once_t;

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1

#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED 1 /* one address space: shared objects are simply shared */

#define PTHREAD_BARRIER_SERIAL_THREAD (-1)

#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_ERRORCHECK 1
#define PTHREAD_MUTEX_RECURSIVE 2
#define PTHREAD_MUTEX_DEFAULT PTHREAD_MUTEX_NORMAL

#define PTHREAD_MUTEX_INITIALIZER {KMUTEX_INIT}
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP {KMUTEX_RECURSIVE_INIT}
#define PTHREAD_COND_INITIALIZER {KCOND_INIT, CLOCK_REALTIME}
#define PTHREAD_RWLOCK_INITIALIZER {KMUTEX_INIT, KCOND_INIT, 0, 0, 0}
#define PTHREAD_ONCE_INIT {0}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **retval);
int pthread_detach(pthread_t thread);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
__attribute__((noreturn)) void pthread_exit(void *retval);
int pthread_once(pthread_once_t *once, void (*fn)(void));
int pthread_setname_np(pthread_t thread, const char *name);
/* The CPUs `thread` may run on (GNU): 0, EINVAL (no online CPU in the set), ESRCH. */
int pthread_setaffinity_np(pthread_t thread, size_t setsize, const cpu_set_t *set);
int pthread_getaffinity_np(pthread_t thread, size_t setsize, cpu_set_t *set);
int pthread_setschedprio(pthread_t thread, int prio);
/* Signal 0 checks that thread lives; another thread gets no signals (README.md). */
int pthread_kill(pthread_t thread, int sig);
int pthread_getcpuclockid(pthread_t thread, clockid_t *clock);
/* Accepted; the handlers never run, as yolk has no fork(). */
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
int pthread_attr_setschedparam(pthread_attr_t *attr, const struct sched_param *param);
int pthread_attr_getschedparam(const pthread_attr_t *attr, struct sched_param *param);
int pthread_attr_setstack(pthread_attr_t *attr, void *stackaddr, size_t size);
int pthread_attr_getstack(const pthread_attr_t *attr, void **stackaddr, size_t *size);

int pthread_mutexattr_init(pthread_mutexattr_t *attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type);
int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared);
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared);
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime);
int pthread_mutex_unlock(pthread_mutex_t *m);

int pthread_condattr_init(pthread_condattr_t *attr);
int pthread_condattr_destroy(pthread_condattr_t *attr);
int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock);
int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock);
int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared);
int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared);
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr);
int pthread_rwlock_destroy(pthread_rwlock_t *rw);
int pthread_rwlock_rdlock(pthread_rwlock_t *rw);
int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw);
int pthread_rwlock_wrlock(pthread_rwlock_t *rw);
int pthread_rwlock_trywrlock(pthread_rwlock_t *rw);
int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw, const struct timespec *abstime);
int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw, const struct timespec *abstime);
int pthread_rwlock_unlock(pthread_rwlock_t *rw);
int pthread_rwlockattr_init(pthread_rwlockattr_t *attr);
int pthread_rwlockattr_destroy(pthread_rwlockattr_t *attr);
int pthread_rwlockattr_setpshared(pthread_rwlockattr_t *attr, int pshared);
int pthread_rwlockattr_getpshared(const pthread_rwlockattr_t *attr, int *pshared);

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count);
int pthread_barrier_destroy(pthread_barrier_t *b);
int pthread_barrier_wait(pthread_barrier_t *b);
int pthread_barrierattr_init(pthread_barrierattr_t *attr);
int pthread_barrierattr_destroy(pthread_barrierattr_t *attr);
int pthread_barrierattr_setpshared(pthread_barrierattr_t *attr, int pshared);
int pthread_barrierattr_getpshared(const pthread_barrierattr_t *attr, int *pshared);

int pthread_spin_init(pthread_spinlock_t *s, int pshared);
int pthread_spin_destroy(pthread_spinlock_t *s);
int pthread_spin_lock(pthread_spinlock_t *s);
int pthread_spin_trylock(pthread_spinlock_t *s);
int pthread_spin_unlock(pthread_spinlock_t *s);

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

/*
 * --- Cancellation (core/pthread_cancel.c) ---
 * Deferred cancellation acts at the cancellation points of POSIX.1-2017
 * 2.9.5.2 that yolk has: accept, clock_nanosleep, close, connect, creat,
 * fdatasync, fsync, nanosleep, open, poll, pread, pthread_cond_timedwait,
 * pthread_cond_wait, pthread_join, pthread_testcancel, pwrite, read, recv,
 * recvfrom, recvmsg, select, send, sendmsg, sendto, sleep, usleep, write
 * (and sem_wait/sem_timedwait where <semaphore.h> exists). A request made
 * while the thread is blocked in one wakes it; a pending one acts at entry
 * (close() acts after closing); one that arrives as the call completes
 * stays pending for the next point. Asynchronous cancellation acts
 * on return from an interrupt, never while the thread holds a kernel lock or
 * reference (pthread mutexes of its own do not count: cleanup handlers
 * release them). Acting runs the cleanup handlers (last pushed first), then
 * the key destructors, and the thread joins with PTHREAD_CANCELED.
 */
#define PTHREAD_CANCEL_ENABLE 0
#define PTHREAD_CANCEL_DISABLE 1
#define PTHREAD_CANCEL_DEFERRED 0
#define PTHREAD_CANCEL_ASYNCHRONOUS 1
#define PTHREAD_CANCELED ((void *)-1)

int pthread_cancel(pthread_t thread);
int pthread_setcancelstate(int state, int *oldstate);
int pthread_setcanceltype(int type, int *oldtype);
void pthread_testcancel(void);

/* A cleanup handler's record, in the frame of the block pthread_cleanup_push() opens. */
struct __pthread_cleanup {
	void (*routine)(void *);
	void *arg;
	struct __pthread_cleanup *prev;
};
void __pthread_cleanup_push(struct __pthread_cleanup *c, void (*routine)(void *), void *arg);
void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute);

/* Lexically paired, as POSIX requires: push opens a block that pop closes. */
#define pthread_cleanup_push(routine, arg) \
	do { \
		struct __pthread_cleanup __pthread_cleanup_rec; \
		__pthread_cleanup_push(&__pthread_cleanup_rec, (routine), (arg));
#define pthread_cleanup_pop(execute) \
	__pthread_cleanup_pop(&__pthread_cleanup_rec, (execute)); \
	} \
	while (0)

/*
 * --- Scheduling (core/sched_policy.c) ---
 * POSIX policies on yolk's scheduler (include/yolk/sched.h):
 *   SCHED_OTHER priorities 0..3 are yolk's THREAD_PRIO_LOW, NORMAL, HIGH and
 *     REALTIME, round-robin with a one-tick time slice;
 *   SCHED_FIFO and SCHED_RR priorities 1..32 rank above every SCHED_OTHER
 *     thread (and every kernel thread), higher number first. A SCHED_FIFO
 *     thread runs until it blocks, yields or a higher one preempts it (it then
 *     stays at the head of its list); SCHED_RR is time-sliced every tick
 *     among its priority (sched_rr_get_interval()).
 * A more important thread that becomes runnable preempts at once. Only
 * PTHREAD_SCOPE_SYSTEM exists. New threads inherit the creator's policy and
 * priority unless the attribute says PTHREAD_EXPLICIT_SCHED.
 */
#define PTHREAD_INHERIT_SCHED 0
#define PTHREAD_EXPLICIT_SCHED 1
#define PTHREAD_SCOPE_SYSTEM 0
#define PTHREAD_SCOPE_PROCESS 1

int pthread_attr_setschedpolicy(pthread_attr_t *attr, int policy);
int pthread_attr_getschedpolicy(const pthread_attr_t *attr, int *policy);
int pthread_attr_setinheritsched(pthread_attr_t *attr, int inheritsched);
int pthread_attr_getinheritsched(const pthread_attr_t *attr, int *inheritsched);
int pthread_attr_setscope(pthread_attr_t *attr, int scope);
int pthread_attr_getscope(const pthread_attr_t *attr, int *scope);
int pthread_setschedparam(pthread_t thread, int policy, const struct sched_param *param);
int pthread_getschedparam(pthread_t thread, int *policy, struct sched_param *param);

#ifdef __cplusplus
}
#endif

#endif
