/* The hardware behind yolk's clocks: TSC for reading time, LAPIC timer for interrupts. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdint.h>

/* Measures TSC and LAPIC timer rates against the PIT; sets up the LAPIC. */
void lapic_init(void);

/* Calls timer_interrupt() once, `ns` from now (0 cancels). */
void lapic_timer_oneshot(uint64_t ns);
/*
 * Runs the boot CPU's timer interrupt now (an IPI of its vector): how another
 * CPU gets the one-shot timer, which only the boot CPU programs, re-armed.
 */
void timer_kick_boot_cpu(void);

uint64_t tsc_hz(void);
uint64_t lapic_timer_hz(void);

/* Nanoseconds since lapic_init(), from the TSC. */
uint64_t arch_monotonic_ns(void);

/* Seconds since the epoch according to the CMOS real-time clock. */
int64_t rtc_read_epoch(void);

/* Called from the timer interrupt (core/time.c). */
void timer_interrupt(void);

#endif
