/* x86_64 instructions the kernel needs, as small inline functions. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>
#include <yolk-config/core.h>

#define MSR_APIC_BASE 0x0000001bu
#define MSR_EFER 0xc0000080u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u

#define RFLAGS_IF (1ul << 9)

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }

/* Whether interrupts are on (for KASSERT(!irqs_enabled()) where a contract says "interrupts off"). */
static inline int irqs_enabled(void) { return (read_rflags() & RFLAGS_IF) != 0; }

/* Disables interrupts and returns whether they were on, for irq_restore(). */
static inline int irq_save(void)
{
	int on = irqs_enabled();
	irq_disable();
	return on;
}

static inline void irq_restore(int on)
{
	if (on)
		irq_enable();
}

/* Waits for the next interrupt with interrupts enabled; `sti; hlt` is atomic. */
static inline void cpu_idle(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

/*
 * The number of the CPU running this (0 .. CPUs-1): struct cpu's id, at
 * %gs:8 (arch/percpu.h asserts the offset). kernel_entry loads the boot
 * CPU's GS base before anything can take a lock.
 */
#ifdef CONFIG_SMP
static inline unsigned arch_cpu_id(void)
{
	unsigned id;
	__asm__ volatile("movl %%gs:8, %0" : "=r"(id));
	return id;
}
#else
static inline unsigned arch_cpu_id(void) { return 0; }
#endif

static inline void cpu_pause(void) { __asm__ volatile("pause"); }

/* Returns 1 and stores a hardware random value, or 0 if the CPU has none to give. */
int cpu_rdrand(uint64_t *out);

#endif
