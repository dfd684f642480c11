/*
 * The per-CPU structs and the counts core asks for (include/yolk/cpu.h).
 * cpus[0] is the boot CPU; smp.c fills the others from the MADT.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <yolk/cpu.h>

static struct cpu cpus[CPU_MAX];
static unsigned ncpus_found = 1;

struct cpu *percpu_slot(unsigned id)
{
	return id < CPU_MAX ? &cpus[id] : 0;
}

void percpu_load(struct cpu *c)
{
	c->self = c;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
}

void percpu_load_boot(void) { percpu_load(&cpus[0]); }

void percpu_set_found(unsigned n)
{
	ncpus_found = n < 1 ? 1 : n > CPU_MAX ? CPU_MAX : n;
}

unsigned cpu_count_found(void)
{
	return ncpus_found;
}

unsigned cpu_count_online(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < ncpus_found; i++)
		n += cpus[i].online != 0;
	return n;
}

struct cpu *cpu_by_id(unsigned id)
{
	return id < ncpus_found ? &cpus[id] : 0;
}

unsigned this_cpu_id(void)
{
	return this_cpu()->id;
}

int cpu_is_online(unsigned id)
{
	return id < ncpus_found && cpus[id].online;
}

uint32_t cpu_apic_id(unsigned id)
{
	return id < ncpus_found ? cpus[id].apic_id : 0;
}
