/*
 * Per-CPU data: one struct cpu per CPU, reached through the GS base, whose
 * first word points at the struct itself, so this_cpu() is one load
 * (`mov %gs:0`). The boot CPU is cpu 0, set up by gdt_init() before
 * anything else can run; application processors get theirs in smp.c before
 * they are started. A CPU writes only its own struct once online; other
 * CPUs read the fields marked "read by others".
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdint.h>
#include <yolk-config/core.h>

#ifdef CONFIG_SMP
#define CPU_MAX CONFIG_MAX_CPUS
#else
#define CPU_MAX 1
#endif

#define IST_DOUBLE_FAULT 1 /* the IDT's IST numbers for these vectors (idt.c) */
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3
#define GDT_ENTRIES 5 /* null, code64 (0x08), data (0x10), TSS (0x18, two slots) */

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct thread;

struct cpu {
	struct cpu *self;            /* offset 0: what %gs:0 reads */
	unsigned id;                 /* 0 for the boot CPU, then MADT order; read by others */
	uint32_t apic_id;            /* read by others (IPIs) */
	struct thread *thread;       /* offset 16: the thread running here (cpu_current()); read by others */
	struct thread *idle;         /* its idle thread (core/sched.c) */
	struct thread *switched_from; /* the thread it is switching away from, until the switch ends */
	int need_resched;            /* under sched_lock: pick again at the next preemption point */
	int slice_over;              /* need_resched because the time slice ended, not a preemption */
	volatile uint64_t resched_ipis; /* reschedule IPIs taken (VECTOR_RESCHED) */
	volatile uint64_t idle_entries; /* times it ran out of threads to run (sched_idle_count) */
	volatile int tlb_pending;    /* a TLB shootdown asked of this CPU and not yet done (tlb.c) */
	volatile int online;         /* set by the CPU itself once it idles; read by others */
	void *idle_stack;            /* top of the stack the CPU idles on (APs) */
	void *tls;                   /* its libc TLS block (APs; the boot CPU uses main.c's) */
	volatile uint64_t ticks;     /* its LAPIC timer interrupts (APs) */
	volatile uint64_t test_ipis; /* test-vector IPIs taken (VECTOR_TEST_IPI) */
	unsigned seen_id;            /* this_cpu()->id and the LAPIC's id as the CPU itself read them */
	uint32_t seen_apic_id;       /* once online (APs; tests compare them with id and apic_id) */
	uint32_t start_us;           /* from its first STARTUP to online, as the boot CPU saw it (APs) */
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));
};

_Static_assert(__builtin_offsetof(struct cpu, self) == 0, "this_cpu() reads %gs:0");
_Static_assert(__builtin_offsetof(struct cpu, id) == 8, "arch_cpu_id() (arch/cpu.h) reads %gs:8");
_Static_assert(__builtin_offsetof(struct cpu, thread) == 16, "cpu_current() reads %gs:16");

/*
 * The thread running on this CPU. One instruction: a thread that moves to
 * another CPU between two calls still reads itself, never the thread that
 * runs on the CPU it left.
 */
static inline struct thread *cpu_current(void)
{
	struct thread *t;
	__asm__ volatile("mov %%gs:16, %0" : "=r"(t));
	return t;
}

/* This CPU's struct; valid from gdt_init() (the boot CPU) or ap_main() on. */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c)); /* volatile: never hoisted across a switch */
	return c;
}

/* The struct for cpu `id` (0 .. CPU_MAX-1), whether or not that CPU was found. */
struct cpu *percpu_slot(unsigned id);

/* Records how many CPUs were found (clamped to 1..CPU_MAX); smp.c, before starting them. */
void percpu_set_found(unsigned n);

/* Points this CPU's GS base at c (after which this_cpu() == c). */
void percpu_load(struct cpu *c);
/* The boot CPU's percpu_load(), first thing in kernel_entry: spinlocks read arch_cpu_id(). */
void percpu_load_boot(void);

/* gdt.c: fills c's GDT and TSS and loads them on this CPU (lgdt, segments, ltr). */
void gdt_load(struct cpu *c);
/* gdt.c: guarded IST stacks for c's TSS; 0, or -ENOMEM (then c has none). */
int gdt_alloc_ist(struct cpu *c);

/* idt.c: loads the one IDT (shared by all CPUs) on this CPU. */
void idt_load(void);

#endif
