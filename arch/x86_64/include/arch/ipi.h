/*
 * Inter-processor interrupts through the local APIC's ICR (xAPIC mode,
 * Intel SDM vol. 3A 11.6). Each call waits (bounded) until the previous
 * IPI left this CPU, then sends; interrupts are held off while the two ICR
 * halves are written. They return 0, or -ETIMEDOUT if the APIC stayed busy.
 * Callable from any CPU, in interrupt handlers too.
 */
#ifndef ARCH_IPI_H
#define ARCH_IPI_H

#include <stdint.h>

#define VECTOR_CPU_TICK 0xf1 /* the application processors' LAPIC timers */
#define VECTOR_TEST_IPI 0xf2 /* counted per CPU (struct cpu's test_ipis), for tests */
#define VECTOR_RESCHED 0xf3  /* "pick again": the scheduler queued a thread for that CPU */

/* Fixed delivery of `vector` to the CPU with this APIC id. */
int lapic_send_ipi(uint32_t apic_id, unsigned vector);
/* Fixed delivery of `vector` to every CPU but the caller. */
int lapic_send_ipi_all_but_self(unsigned vector);
/* A non-maskable interrupt to one CPU, or to all but the caller. */
int lapic_send_nmi(uint32_t apic_id);
int lapic_send_nmi_all_but_self(void);
/* MP start-up (SDM 9.4.4): INIT (assert, then de-assert), and STARTUP at real-mode page `page`. */
int lapic_send_init(uint32_t apic_id);
int lapic_send_startup(uint32_t apic_id, unsigned page);

/* On an application processor: enables its LAPIC and starts its periodic timer (CONFIG_TICK_HZ). */
void lapic_init_ap(void);

#endif
