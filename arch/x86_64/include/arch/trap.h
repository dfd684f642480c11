/* The register frame every interrupt and exception stub builds on the stack. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define IRQ_VECTOR_BASE 32
#define VECTOR_SPURIOUS 0xff

typedef void (*irq_handler_t)(struct trap_frame *tf, void *arg);

void gdt_init(void);
void idt_init(void);

/* Routes `vector` (>= 32) to `fn`; the handler runs with interrupts off. */
void irq_register(unsigned vector, irq_handler_t fn, void *arg);

/* Returns a vector no one has claimed yet, or -ENOSPC. */
int irq_alloc_vector(void);

/* Called by each IRQ handler's stub path when the device is done. */
void lapic_eoi(void);

/* This CPU's local APIC id: where MSIs and I/O APIC entries are sent. */
uint32_t lapic_id(void);

/* I/O APIC (ioapic.c): ioapic_route's flags. */
#define IOAPIC_LEVEL 0x1      /* level-triggered (else edge) */
#define IOAPIC_ACTIVE_LOW 0x2 /* asserted low (else high) */

/*
 * Routes ISA/PCI interrupt line `irq` (as the firmware numbers it, e.g. a
 * PCI device's interrupt line register) to `vector` on the CPU with local
 * APIC id `apic_id` and unmasks
 * it. `flags` is the bus's default polarity and trigger, which an ACPI
 * interrupt source override for irq replaces. Returns the GSI, -ENODEV if no
 * I/O APIC pin serves it, or -ENOMEM if its registers cannot be mapped.
 */
int ioapic_route(unsigned irq, unsigned vector, unsigned flags, uint32_t apic_id);

/* Sends routed line `irq` to the CPU with APIC id `apic_id` instead. 0 or -ENODEV. */
int ioapic_set_dest(unsigned irq, uint32_t apic_id);

#endif
