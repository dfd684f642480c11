/*
 * Host stand-in for arch/cpu.h where host threads play CPUs (test_spinlock.c):
 * "interrupts" are always off, arch_cpu_id() is the thread's CPU number.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H
#include <sched.h>
extern __thread unsigned test_cpu_id;
static inline unsigned arch_cpu_id(void) { return test_cpu_id; }
static inline int irqs_enabled(void) { return 0; }
static inline int irq_save(void) { return 0; }
static inline void irq_restore(int on) { (void)on; }
/*
 * A real CPU waiting for its ticket keeps running; a host thread may be
 * descheduled while the next ticket is its own, and with more threads than
 * host cores every other waiter would spin out its time slice. Yield.
 */
static inline void cpu_pause(void) { sched_yield(); }
#endif
