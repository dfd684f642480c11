/*
 * picolibc's <limits.h>, plus the limits POSIX puts there for the options
 * yolk implements (picolibc leaves them to the system).
 */
#ifndef YOLK_POSIX_LIMITS_H
#define YOLK_POSIX_LIMITS_H

#pragma GCC system_header /* #include_next is a GCC extension */

#include_next <limits.h>

/* The smallest stack a thread may be given: room for libc calls and interrupts on top. */
#ifndef PTHREAD_STACK_MIN
#define PTHREAD_STACK_MIN 16384
#endif
#ifndef PTHREAD_KEYS_MAX
#define PTHREAD_KEYS_MAX 32
#endif
#ifndef PTHREAD_DESTRUCTOR_ITERATIONS
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#endif
/* As many live threads as yolk has handles (THREAD_HANDLES_MAX, yolk/sched.h), less main and idle. */
#ifndef PTHREAD_THREADS_MAX
#define PTHREAD_THREADS_MAX 4094
#endif
/* Per-process timers (core/timer.c): how many may exist, and the overrun count's cap. */
#ifndef TIMER_MAX
#define TIMER_MAX 64
#endif
#ifndef DELAYTIMER_MAX
#define DELAYTIMER_MAX 2147483647
#endif
#ifndef SEM_VALUE_MAX
#define SEM_VALUE_MAX 2147483647
#endif

#endif
