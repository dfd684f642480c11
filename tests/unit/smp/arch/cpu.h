/*
 * Host stand-in for arch/cpu.h where host threads play CPUs (test_spinlock.c):
 * "interrupts" are always off, arch_cpu_id() is the thread's CPU number.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H
extern __thread unsigned test_cpu_id;
static inline unsigned arch_cpu_id(void) { return test_cpu_id; }
static inline int irqs_enabled(void) { return 0; }
static inline int irq_save(void) { return 0; }
static inline void irq_restore(int on) { (void)on; }
static inline void cpu_pause(void) { __asm__ volatile("pause"); }
#endif
