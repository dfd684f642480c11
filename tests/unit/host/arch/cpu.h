/* Host stand-in for arch/cpu.h: unit tests run one thread in user mode. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H
static inline int irq_save(void) { return 0; }
static inline void irq_restore(int on) { (void)on; }
#endif
