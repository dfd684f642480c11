/*
 * SMP bring-up on the boot CPU: the CPUs from the ACPI MADT, then each
 * other one started with INIT-SIPI-SIPI (Intel SDM vol. 3A 9.4.4.1): INIT
 * to every AP, 10 ms, then per AP two STARTUPs 200 us apart and a bounded
 * wait for it to come online. An AP that does not answer is reported, put
 * back to sleep with INIT, and skipped; it never hangs the boot.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <arch/acpi.h>
#include <arch/cpu.h>
#include <arch/ipi.h>
#include <arch/layout.h>
#include <arch/madt.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <arch/timer.h>
#include <arch/trampoline.h>
#include <arch/trap.h>
#include <yolk/console.h>
#include <yolk/cpu.h>
#include <yolk/mm.h>
#include <yolk/param.h>

#define INIT_DELAY_US 10000
#define STARTUP_DELAY_US 200
#define AP_TIMEOUT_MS 1000
#define XAPIC_MAX_ID 0xfe
#define TLS_PAGE_SIZE 4096ul

extern char __tls_size[];

static unsigned boot_ms;
static volatile int stopping;
static long silent_apic_id = -1;

/* smp_test_silent=APICID (for tests): that CPU gets no STARTUP, as if it never answered. */
static const char *param_silent(const char *value)
{
	char *end;
	silent_apic_id = strtol(value, &end, 10);
	return *value && *end == 0 && silent_apic_id >= 0 ? NULL : "expected an APIC id (a number)";
}
YOLK_PARAM(smp_test_silent, param_silent);

static void delay_us(uint64_t us)
{
	uint64_t end = arch_monotonic_ns() + us * 1000;
	while (arch_monotonic_ns() < end)
		cpu_pause();
}

/* Adds one MADT CPU as the next id, or says why it is left out. */
static void add_cpu(const struct madt_cpu *m, uint32_t bsp_apic, unsigned *n)
{
	if (m->apic_id == bsp_apic)
		return;
	if (!(m->flags & MADT_CPU_ENABLED)) {
		klog(KLOG_INFO, "smp: apic id %u is online-capable only (hot-plug): not started\n",
		     m->apic_id);
	} else if (m->apic_id > XAPIC_MAX_ID) {
		klog(KLOG_WARN, "smp: apic id %u needs x2APIC mode: not started\n", m->apic_id);
	} else if (*n == CPU_MAX) {
		klog(KLOG_WARN, "smp: apic id %u is past CONFIG_MAX_CPUS=%u: not started\n", m->apic_id,
		     CPU_MAX);
	} else {
		struct cpu *c = percpu_slot(*n);
		c->id = *n;
		c->apic_id = m->apic_id;
		(*n)++;
	}
}

/* Fills the per-CPU slots from the MADT (cpu 0 = this one); returns how many CPUs there are. */
static unsigned discover(void)
{
	const char *why;
	const struct madt_info *madt = acpi_madt(&why);
	if (madt == NULL) {
		klog(KLOG_WARN, "smp: %s: running on the boot CPU only\n", why);
		return 1;
	}
	unsigned n = 1;
	for (unsigned i = 0; i < madt->ncpus; i++)
		add_cpu(&madt->cpus[i], this_cpu()->apic_id, &n);
	if (madt->cpus_dropped)
		klog(KLOG_WARN, "smp: %u MADT CPU entries ignored (duplicates or too many)\n",
		     madt->cpus_dropped);
	return n;
}

/* The AP's idle stack, IST stacks and TLS block; -ENOMEM (with nothing kept) leaves it stopped. */
static int prepare(struct cpu *c)
{
	if ((uintptr_t)__tls_size > TLS_PAGE_SIZE)
		return -ENOMEM;
	uint64_t tls = pmm_alloc();
	void *stack = tls ? vm_alloc_stack(AP_STACK_SIZE) : NULL;
	if (stack == NULL || gdt_alloc_ist(c)) {
		if (stack)
			vm_free_stack(stack, AP_STACK_SIZE);
		if (tls)
			pmm_free(tls);
		return -ENOMEM;
	}
	c->idle_stack = stack;
	c->tls = phys_to_virt(tls);
	return 0;
}

/* Two STARTUPs, then waits for c to come online; 0, or -ETIMEDOUT after reporting it and parking it again. */
static int start(struct cpu *c, int vector)
{
	uint64_t t0 = arch_monotonic_ns();
	trampoline_arm(c);
	for (int i = 0; i < 2 && c->apic_id != silent_apic_id; i++) {
		lapic_send_startup(c->apic_id, (unsigned)vector);
		delay_us(STARTUP_DELAY_US);
	}
	uint64_t deadline = arch_monotonic_ns() + AP_TIMEOUT_MS * 1000000ull;
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) && arch_monotonic_ns() < deadline)
		cpu_pause();
	if (c->online) {
		c->start_us = (uint32_t)((arch_monotonic_ns() - t0) / 1000);
		return 0;
	}
	unsigned got = trampoline_progress();
	klog(KLOG_WARN, "smp: cpu %u (apic id %u) did not come online in %u ms (%s): skipped\n", c->id,
	     c->apic_id, AP_TIMEOUT_MS,
	     got == TRAMPOLINE_SILENT      ? "no answer to STARTUP"
	     : got == TRAMPOLINE_REAL_MODE ? "stopped before long mode"
	                                   : "stopped in the kernel's start-up");
	lapic_send_init(
	    c->apic_id); /* back to waiting for STARTUP: it must not run later on a reused trampoline */
	return -ETIMEDOUT;
}

static void report(unsigned n)
{
	char ids[CPU_MAX * 4 + 1];
	size_t len = 0;
	ids[0] = 0;
	for (unsigned i = 0; i < n; i++)
		if (cpu_is_online(i))
			len += (size_t)snprintf(ids + len, sizeof(ids) - len, " %u", cpu_apic_id(i));
	for (unsigned i = 1; i < n; i++)
		if (cpu_is_online(i))
			klog(KLOG_INFO, "smp: cpu %u (apic id %u) online %u us after its STARTUP\n", i,
			     cpu_apic_id(i), percpu_slot(i)->start_us);
	unsigned online = cpu_count_online();
	klog(KLOG_NOTICE, "smp: %u CPU%s online (apic ids%s)\n", online, online == 1 ? "" : "s", ids);
	klog(KLOG_INFO, "smp: started %u of %u other CPUs in %u ms\n", online - 1, n - 1, boot_ms);
}

void smp_boot(void)
{
	uint64_t t0 = arch_monotonic_ns();
	unsigned n = discover();
	int vector = n > 1 ? trampoline_install() : 0;
	if (vector < 0) {
		klog(KLOG_WARN,
		     "smp: no free RAM below 1 MiB for the trampoline: running on the boot CPU only\n");
		n = 1;
	}
	percpu_set_found(n);
	ap_save_bsp_state();
	for (unsigned i = 1; i < n; i++)
		lapic_send_init(percpu_slot(i)->apic_id);
	if (n > 1)
		delay_us(INIT_DELAY_US);
	for (unsigned i = 1; i < n; i++) {
		struct cpu *c = percpu_slot(i);
		if (prepare(c))
			klog(KLOG_WARN, "smp: cpu %u (apic id %u): no memory for its stacks: skipped\n", i,
			     c->apic_id);
		else
			start(c, vector);
	}
	boot_ms = (unsigned)((arch_monotonic_ns() - t0) / 1000000);
	report(n);
}

unsigned smp_boot_ms(void)
{
	return boot_ms;
}

void smp_stop_others(void)
{
	stopping = 1;
	if (cpu_count_online() > 1)
		lapic_send_nmi_all_but_self();
}

int smp_stopping(void)
{
	return stopping;
}
