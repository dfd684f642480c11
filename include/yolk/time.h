/* Kernel time: a monotonic nanosecond clock and the periodic tick. */
#ifndef YOLK_TIME_H
#define YOLK_TIME_H

#include <stdint.h>

#define NSEC_PER_SEC 1000000000ull

/* Measures the clocks and starts the tick; interrupts must be set up. */
void time_init(void);

/* Nanoseconds since boot. */
uint64_t time_monotonic_ns(void);

/* Sleeps until time_monotonic_ns() >= deadline, idling the CPU meanwhile. */
void time_sleep_until(uint64_t deadline_ns);

/* Timer ticks since boot (CONFIG tick rate, see time.c). */
uint64_t time_ticks(void);

#endif
