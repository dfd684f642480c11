/* The interrupt descriptor table and the dispatch of vectors to handlers. */
#include <errno.h>
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <arch/tlb.h>
#include <arch/trap.h>
#include <yolk-config/core.h>
#include <yolk/irq.h>
#include <yolk/panic.h>
#include <yolk/sched.h>
#include <yolk/signal.h>

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define KERNEL_CS 0x08
#define VEC_NMI 2

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

/* isr.S: vector v's entry stub is at isr_stubs + v * ISR_STUB_SIZE. */
#define ISR_STUB_SIZE 8
extern const char isr_stubs[];
static struct idt_gate idt[256];

static struct {
	irq_handler_t fn;
	void *arg;
} handlers[256];

/* Interrupts taken, by CPU and vector: each CPU writes only its own row, so no lock (yolk/irq.h). */
static volatile uint64_t counts[CPU_MAX][256];

uint64_t irq_count(unsigned cpu, unsigned vector)
{
	return cpu < CPU_MAX && vector < 256 ? counts[cpu][vector] : 0;
}

static void set_gate(unsigned vec, uint64_t addr, uint8_t ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = addr & 0xffff,
		.sel = KERNEL_CS,
		.ist = ist,
		.type = GATE_INTERRUPT,
		.off_mid = (addr >> 16) & 0xffff,
		.off_hi = addr >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, (uint64_t)(isr_stubs + v * ISR_STUB_SIZE), 0);
	/* Every CPU's TSS has these IST stacks (gdt_alloc_ist). */
	idt[8].ist = IST_DOUBLE_FAULT;
	idt[2].ist = IST_NMI;
	idt[18].ist = IST_MACHINE_CHECK;
	idt_load();
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = {sizeof(idt) - 1, (uint64_t)idt};
	__asm__ volatile("lidt %0" ::"m"(p));
}

void irq_register(unsigned vector, irq_handler_t fn, void *arg)
{
	if (vector < IRQ_VECTOR_BASE || vector > 255)
		panic("irq_register: bad vector %u", vector);
	handlers[vector].arg = arg;
	handlers[vector].fn = fn;
}

int irq_alloc_vector(void)
{
	/* 0xf0 and up are reserved for the local APIC's own vectors. */
	for (unsigned v = IRQ_VECTOR_BASE + 16; v < 0xf0; v++)
		if (handlers[v].fn == 0)
			return (int)v;
	return -ENOSPC;
}

void trap_fatal(struct trap_frame *tf);

void trap_dispatch(struct trap_frame *tf)
{
#ifdef CONFIG_SMP
	/* An NMI is a TLB shootdown (arch/tlb.h) unless the CPUs are stopping or none was asked. */
	if (tf->vector == VEC_NMI && !smp_stopping() && tlb_nmi())
		return;
#endif
	if (tf->vector < IRQ_VECTOR_BASE) {
		trap_fatal(tf);
		return;
	}
	if (tf->vector == VECTOR_SPURIOUS)
		return;
	counts[arch_cpu_id()][tf->vector]++;
	if (handlers[tf->vector].fn)
		handlers[tf->vector].fn(tf, handlers[tf->vector].arg);
	lapic_eoi();
	/* The handler may have woken a more important thread, or ended a time slice. */
	sched_preempt_point();
	/*
	 * A thread told to end (Ctrl-C) that was interrupted in its own code,
	 * holding no lock: return into sched_killed() instead, on its own stack,
	 * aligned as if called.
	 */
	if (sched_kill_due()) {
		tf->rsp = (tf->rsp & ~15ul) - 8;
		tf->rip = (uint64_t)sched_killed;
	} else if (sched_cancel_due()) {
		/* The same for an asynchronous pthread_cancel(), holding no kernel lock. */
		tf->rsp = (tf->rsp & ~15ul) - 8;
		tf->rip = (uint64_t)sched_cancelled;
	} else if (signal_due()) {
		/* A handler to run (Ctrl-C with SIGINT caught): in the thread, before its own code. */
		arch_signal_redirect(tf);
	}
}
