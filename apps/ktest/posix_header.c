/*
 * posix-header: the header check of issue 16. This file is compiled with
 * the image's flags (those of every yolk app) and takes the address of each
 * interface of the options yolk announces, from the standard headers only;
 * a missing declaration fails the build, a missing definition the link,
 * and the case checks at run time that every address is a real one.
 *
 * Left out (README.md): robust mutexes (pthread_mutex_consistent,
 * pthread_mutexattr_get/setrobust) and pthread_sigmask.
 */
#include <dirent.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "posix.h"

#define FN(f)                                                                                                \
	{                                                                                                    \
#f, (void (*)(void))(f)                                                                      \
	}

static const struct {
	const char *name;
	void (*addr)(void);
} interfaces[] = {
    /* Threads */
    FN(pthread_create),
    FN(pthread_join),
    FN(pthread_detach),
    FN(pthread_self),
    FN(pthread_equal),
    FN(pthread_exit),
    FN(pthread_once),
    FN(pthread_kill),
    FN(pthread_atfork),
    FN(pthread_getschedparam),
    FN(pthread_attr_init),
    FN(pthread_attr_destroy),
    FN(pthread_attr_setdetachstate),
    FN(pthread_attr_getdetachstate),
    FN(pthread_attr_setschedparam),
    FN(pthread_attr_getschedparam),
    FN(pthread_mutexattr_init),
    FN(pthread_mutexattr_destroy),
    FN(pthread_mutexattr_settype),
    FN(pthread_mutexattr_gettype),
    FN(pthread_mutex_init),
    FN(pthread_mutex_destroy),
    FN(pthread_mutex_lock),
    FN(pthread_mutex_trylock),
    FN(pthread_mutex_unlock),
    FN(pthread_condattr_init),
    FN(pthread_condattr_destroy),
    FN(pthread_cond_init),
    FN(pthread_cond_destroy),
    FN(pthread_cond_wait),
    FN(pthread_cond_timedwait),
    FN(pthread_cond_signal),
    FN(pthread_cond_broadcast),
    FN(pthread_key_create),
    FN(pthread_key_delete),
    FN(pthread_getspecific),
    FN(pthread_setspecific),
    FN(sched_yield),
    /* Reader-Writer Locks (base in POSIX.1-2008) and their attributes */
    FN(pthread_rwlock_init),
    FN(pthread_rwlock_destroy),
    FN(pthread_rwlock_rdlock),
    FN(pthread_rwlock_tryrdlock),
    FN(pthread_rwlock_wrlock),
    FN(pthread_rwlock_trywrlock),
    FN(pthread_rwlock_unlock),
    FN(pthread_rwlockattr_init),
    FN(pthread_rwlockattr_destroy),
    /* Timeouts */
    FN(pthread_mutex_timedlock),
    FN(pthread_rwlock_timedrdlock),
    FN(pthread_rwlock_timedwrlock),
    FN(sem_timedwait),
    /* Barriers */
    FN(pthread_barrier_init),
    FN(pthread_barrier_destroy),
    FN(pthread_barrier_wait),
    FN(pthread_barrierattr_init),
    FN(pthread_barrierattr_destroy),
    /* Spin Locks */
    FN(pthread_spin_init),
    FN(pthread_spin_destroy),
    FN(pthread_spin_lock),
    FN(pthread_spin_trylock),
    FN(pthread_spin_unlock),
    /* Semaphores */
    FN(sem_init),
    FN(sem_destroy),
    FN(sem_wait),
    FN(sem_trywait),
    FN(sem_post),
    FN(sem_getvalue),
    FN(sem_open),
    FN(sem_close),
    FN(sem_unlink),
    /* Thread Stack Address and Size attributes */
    FN(pthread_attr_setstack),
    FN(pthread_attr_getstack),
    FN(pthread_attr_setstacksize),
    FN(pthread_attr_getstacksize),
    /* Thread Process-Shared Synchronization */
    FN(pthread_mutexattr_setpshared),
    FN(pthread_mutexattr_getpshared),
    FN(pthread_condattr_setpshared),
    FN(pthread_condattr_getpshared),
    FN(pthread_rwlockattr_setpshared),
    FN(pthread_rwlockattr_getpshared),
    FN(pthread_barrierattr_setpshared),
    FN(pthread_barrierattr_getpshared),
    /* Clock Selection, Monotonic Clock, Timers */
    FN(pthread_condattr_setclock),
    FN(pthread_condattr_getclock),
    FN(clock_nanosleep),
    FN(clock_gettime),
    FN(clock_settime),
    FN(clock_getres),
    FN(nanosleep),
    FN(timer_create),
    FN(timer_delete),
    FN(timer_settime),
    FN(timer_gettime),
    FN(timer_getoverrun),
    /* Thread CPU-Time Clocks, Process CPU-Time Clocks */
    FN(pthread_getcpuclockid),
    FN(clock_getcpuclockid),
    /* Thread Safe Functions (picolibc's and yolk's) */
    FN(strtok_r),
    FN(gmtime_r),
    FN(localtime_r),
    FN(asctime_r),
    FN(ctime_r),
    FN(rand_r),
    FN(flockfile),
    FN(ftrylockfile),
    FN(funlockfile),
    FN(getc_unlocked),
    FN(getchar_unlocked),
    FN(putc_unlocked),
    FN(putchar_unlocked),
    /* Cancellation (core/pthread_cancel.c; pthread_cleanup_push/pop are macros, used in posix_cancel.c) */
    FN(pthread_cancel),
    FN(pthread_setcancelstate),
    FN(pthread_setcanceltype),
    FN(pthread_testcancel),
    /* Thread Execution Scheduling, Process Scheduling (core/sched_policy.c) */
    FN(pthread_setschedparam),
    FN(pthread_setschedprio),
    FN(pthread_attr_setschedpolicy),
    FN(pthread_attr_getschedpolicy),
    FN(pthread_attr_setinheritsched),
    FN(pthread_attr_getinheritsched),
    FN(pthread_attr_setscope),
    FN(pthread_attr_getscope),
    FN(sched_setparam),
    FN(sched_getparam),
    FN(sched_setscheduler),
    FN(sched_getscheduler),
    FN(sched_get_priority_min),
    FN(sched_get_priority_max),
    FN(sched_rr_get_interval),
    /* Asking */
    FN(sysconf),
};

/* Constants the pages require, checked at compile time. */
_Static_assert(PTHREAD_STACK_MIN > 0, "PTHREAD_STACK_MIN");
_Static_assert(PTHREAD_BARRIER_SERIAL_THREAD != 0, "PTHREAD_BARRIER_SERIAL_THREAD");
_Static_assert(PTHREAD_PROCESS_SHARED != PTHREAD_PROCESS_PRIVATE, "PTHREAD_PROCESS_*");
_Static_assert(SEM_VALUE_MAX >= 32767, "SEM_VALUE_MAX");
_Static_assert(CLOCK_MONOTONIC != CLOCK_REALTIME && CLOCK_THREAD_CPUTIME_ID != CLOCK_PROCESS_CPUTIME_ID,
               "clock ids");
_Static_assert(TIMER_ABSTIME != 0, "TIMER_ABSTIME");
/* Cancellation and scheduling constants. */
static void *const canceled_check = PTHREAD_CANCELED;
_Static_assert(PTHREAD_CANCEL_ENABLE != PTHREAD_CANCEL_DISABLE &&
                   PTHREAD_CANCEL_DEFERRED != PTHREAD_CANCEL_ASYNCHRONOUS,
               "cancellation constants");
_Static_assert(PTHREAD_EXPLICIT_SCHED != PTHREAD_INHERIT_SCHED &&
                   PTHREAD_SCOPE_SYSTEM != PTHREAD_SCOPE_PROCESS && SCHED_FIFO != SCHED_RR &&
                   SCHED_RR != SCHED_OTHER,
               "scheduling constants");

static sem_t *const sem_failed_check = SEM_FAILED;
static const pthread_spinlock_t *spin_type_check;
static const pthread_barrier_t *barrier_type_check;

int ktest_posix_header(int argc, char **argv)
{
	(void)argc, (void)argv, (void)canceled_check, (void)sem_failed_check, (void)spin_type_check,
	    (void)barrier_type_check;
	size_t n = sizeof(interfaces) / sizeof(interfaces[0]), present = 0;
	for (size_t i = 0; i < n; i++) {
		if (interfaces[i].addr)
			present++;
		else
			printf("FAIL: %s has no address\n", interfaces[i].name);
	}
	printf("header-check interfaces=%zu present=%zu\n", n, present);
	CHECK(present == n);
	return posix_report("posix-header");
}
