/*
 * The machine's CPUs as the kernel knows them: how many the firmware lists,
 * which are running, and what they are. Ids are dense, 0 is the boot CPU.
 * With CONFIG_SMP off there is one CPU, the boot CPU.
 */
#ifndef YOLK_CPU_H
#define YOLK_CPU_H

#include <stddef.h>
#include <stdint.h>

struct cpu; /* arch/percpu.h */

/* CPUs found (the MADT's enabled ones, at most CONFIG_MAX_CPUS); >= 1. */
unsigned cpu_count_found(void);
/* CPUs running now; the boot CPU counts from the start. */
unsigned cpu_count_online(void);
/* The calling CPU's id (call with interrupts off, or the answer may be stale). */
unsigned this_cpu_id(void);
/* CPU `id`'s per-CPU data, or NULL if id >= cpu_count_found(). */
struct cpu *cpu_by_id(unsigned id);
int cpu_is_online(unsigned id);
uint32_t cpu_apic_id(unsigned id);

/* What CPUID says about the calling CPU (arch/x86_64/cpuid.c). */
struct cpu_ident {
	char vendor[13];
	char brand[49];                   /* the brand string, spaces trimmed; "" if the CPU has none */
	unsigned family, model, stepping; /* with the extended family/model folded in */
};
void cpu_identify(struct cpu_ident *id);
/*
 * Writes the names of the calling CPU's features (Linux's /proc/cpuinfo
 * spelling: "fpu sse sse2 ...") into buf, NUL-terminated, truncated to len.
 */
void cpu_feature_names(char *buf, size_t len);
/* The time-stamp counter's rate in Hz, as calibrated at boot against the PIT. */
uint64_t cpu_tsc_hz(void);

/*
 * SMP bring-up (arch/x86_64/smp.c): finds the CPUs in the MADT and starts
 * the others, each of which parks in an idle loop. Called once by the boot
 * CPU with the timers calibrated and interrupts on.
 */
void smp_boot(void);
/* From a panic: NMIs every other CPU, which halts (so only one CPU reports and exits). */
void smp_stop_others(void);
/* Milliseconds smp_boot() took to start the other CPUs (0 without SMP). */
unsigned smp_boot_ms(void);

/*
 * IPI test hooks (arch/x86_64/lapic.c): sends the test vector to CPU `id`
 * (0 on success, -EINVAL for no such online CPU); cpu_test_ipis() is how
 * many test IPIs CPU `id` has taken. The handler only counts.
 */
int cpu_send_test_ipi(unsigned id);
uint64_t cpu_test_ipis(unsigned id);
/* LAPIC timer interrupts CPU `id` has taken (APs tick CONFIG_TICK_HZ times a second). */
uint64_t cpu_ticks(unsigned id);

#endif
