/* What the pthread files (core/pthread*.c, core/semaphore.c) share. */
#ifndef CORE_PTHREAD_INTERNAL_H
#define CORE_PTHREAD_INTERNAL_H

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

#endif
