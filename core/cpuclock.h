/* CPU-time clocks (core/cpuclock.c), for core/time.c. */
#ifndef CORE_CPUCLOCK_H
#define CORE_CPUCLOCK_H

#include <stdint.h>
#include <time.h>

/*
 * A thread's CPU clock id is its pthread_t with this bit set (handles use
 * 63 bits, core/thread_handle.c), so it stops working when the thread goes.
 */
#define CPUCLOCK_THREAD_BIT (1ul << 63)

/* 1 if id is a CPU-time clock (of the process or of any thread, live or not). */
int cpuclock_is_cpu(clockid_t id);

/* 1 if id is the calling thread's CPU-time clock. */
int cpuclock_is_own(clockid_t id);

/* The CPU time clock id reads now: 0, or -EINVAL for no such clock (thread gone). */
int cpuclock_ns(clockid_t id, uint64_t *ns);

#endif
