/* What the pthread files (core/pthread*.c, core/semaphore.c, core/sched_policy.c) share. */
#ifndef CORE_PTHREAD_INTERNAL_H
#define CORE_PTHREAD_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* An absolute time on `clock` as a deadline on the monotonic clock. */
uint64_t pthread_deadline(clockid_t clock, const struct timespec *abstime);

/* 1 if t's nanoseconds are out of range (POSIX: EINVAL, when the call would block). */
int pthread_bad_time(const struct timespec *t);

/* 1 for PTHREAD_PROCESS_PRIVATE and PTHREAD_PROCESS_SHARED, 0 for anything else. */
int pthread_pshared_valid(int pshared);

/*
 * Called by clock_settime(CLOCK_REALTIME), interrupts enabled: timers on
 * that clock look at their expiry again (core/timer.c).
 */
void timer_realtime_was_set(void);

/*
 * Pops and runs the calling thread's cleanup handlers, innermost first, with
 * cancellation disabled: pthread_exit() calls it before the key destructors.
 */
void pthread_cleanup_run_all(void);

/*
 * The policy, ordinary priority and real-time priority a new thread gets
 * from attr (NULL: inherited from the caller). 0, or EINVAL if the attr's
 * explicit parameters do not fit its policy.
 */
int sched_policy_for_create(const pthread_attr_t *attr, int *policy, int *prio, int *rt_prio);

#endif
