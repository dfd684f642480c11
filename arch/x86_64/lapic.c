/*
 * Local APIC: interrupt acknowledgement and the one-shot timer. Rates are
 * measured at boot against the PIT over CALIBRATE_US; the TSC gives time,
 * the LAPIC timer gives interrupts. Conversions use 32.32 fixed point so no
 * 128-bit division is needed.
 */
#include <errno.h>
#include <arch/cpu.h>
#include <arch/ipi.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <yolk-config/core.h>
#include <yolk/console.h>
#include <yolk/cpu.h>
#include <yolk/mm.h>
#include <yolk/panic.h>
#include <yolk/sched.h>
#include "pit.h"

#define LAPIC_ID 0x020
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define SVR_ENABLE 0x100
#define LVT_MASKED 0x10000
#define LVT_PERIODIC 0x20000
#define TIMER_DIV_16 0x3

#define ICR_FIXED 0x000
#define ICR_NMI 0x400
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_PENDING 0x1000 /* delivery status: still sending */
#define ICR_ASSERT 0x4000
#define ICR_LEVEL 0x8000
#define ICR_ALL_BUT_SELF 0xc0000
#define ICR_IDLE_SPINS 1000000
#define APIC_BASE_ADDR_MASK 0xffffffffff000ul

#define VECTOR_TIMER 0xf0
#define CALIBRATE_US 10000

static volatile uint32_t *lapic;
static uint64_t tsc_rate, lapic_rate;
static uint64_t tsc_base;
static uint64_t ns_per_tsc_32;   /* ns = (tsc * ns_per_tsc_32) >> 32 */
static uint64_t count_per_ns_32; /* lapic counts = (ns * count_per_ns_32) >> 32 */

static uint32_t lapic_read(unsigned reg) { return lapic[reg / 4]; }
static void lapic_write(unsigned reg, uint32_t v) { lapic[reg / 4] = v; }

void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

uint32_t lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

static uint64_t mul_shift32(uint64_t a, uint64_t b) { return (uint64_t)((__extension__(unsigned __int128)a * b) >> 32); }

/*
 * One measurement of the TSC and LAPIC timer rates against CALIBRATE_US of
 * the PIT. Every event is bracketed by two TSC reads, because the CPU can be
 * away between any two instructions: an SMI on a PC, and under QEMU's TCG on
 * a loaded host the vCPU thread is descheduled for milliseconds. A single
 * unbracketed 10 ms measurement was off by up to 2x there (TSC 2612-5206 MHz
 * for a 2596 MHz host; with UEFI the guest clock ran 2-5x fast). Returns
 * -EAGAIN when the brackets are too wide to trust.
 */
static int calibrate_once(uint64_t *tsc_hz_out, uint64_t *lapic_hz_out, uint64_t *spread)
{
	lapic_write(LAPIC_TIMER_INIT, 0);
	uint64_t start_lo = rdtsc();
	pit_wait_start(CALIBRATE_US);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	uint64_t start_hi = rdtsc();
	uint64_t end_lo = start_hi, end_hi;
	for (;;) {
		uint64_t before = rdtsc();
		if (pit_wait_done()) {
			end_hi = rdtsc();
			break;
		}
		end_lo = before; /* not yet done at `before` */
		cpu_pause();
	}
	uint32_t counted = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
	uint64_t read_hi = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0);

	/* The PIT interval lies within [end_lo - start_hi, end_hi - start_lo] TSC
	 * ticks, the LAPIC's within [end_hi - start_hi, read_hi - start_lo]. */
	uint64_t pit_lo = end_lo - start_hi, pit_hi = end_hi - start_lo;
	uint64_t lapic_lo = end_hi - start_hi, lapic_hi = read_hi - start_lo;
	*spread = (pit_hi - pit_lo) + (lapic_hi - lapic_lo);
	if (end_lo <= start_hi || counted == 0)
		return -EAGAIN;
	uint64_t pit_tsc = (pit_lo + pit_hi) / 2;
	*tsc_hz_out = pit_tsc * (1000000 / CALIBRATE_US);
	*lapic_hz_out = (uint64_t)((__extension__(unsigned __int128)counted * *tsc_hz_out) /
				   ((lapic_lo + lapic_hi) / 2));
	/* Trust it when both brackets are within 1/512 (0.2%) of the interval. */
	return *spread > pit_tsc / 512 ? -EAGAIN : 0;
}

#define CALIBRATE_TRIES 50

static void calibrate(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	uint64_t best_spread = UINT64_MAX, tsc = 0, lapic_hz = 0;
	int tries;
	for (tries = 1; tries <= CALIBRATE_TRIES; tries++) {
		uint64_t t = 0, l = 0, spread = UINT64_MAX;
		int err = calibrate_once(&t, &l, &spread);
		if (spread < best_spread && t && l) {
			best_spread = spread;
			tsc = t;
			lapic_hz = l;
		}
		if (err == 0)
			break;
	}
	if (tsc == 0 || lapic_hz == 0)
		panic("timer calibration failed (tsc %lu Hz, lapic %lu Hz)", (unsigned long)tsc,
		      (unsigned long)lapic_hz);
	/* A notice, not a warning: the best of the tries is kept, and a host
	 * loaded enough to spoil all of them is common under TCG (CI). */
	if (tries > CALIBRATE_TRIES)
		klog(KLOG_NOTICE, "lapic: timer calibration uncertain after %d tries (+-%lu TSC ticks), best kept\n",
		     CALIBRATE_TRIES, (unsigned long)best_spread);
	else
		klog(KLOG_DEBUG, "lapic: TSC %lu Hz, timer %lu Hz, measured %d time(s)\n",
		     (unsigned long)tsc, (unsigned long)lapic_hz, tries);
	tsc_rate = tsc;
	lapic_rate = lapic_hz;
	ns_per_tsc_32 = (1000000000ull << 32) / tsc_rate;
	count_per_ns_32 = (lapic_rate << 32) / 1000000000ull;
}

static void timer_irq(struct trap_frame *tf, void *arg)
{
	(void)tf;
	(void)arg;
	timer_interrupt();
}

/*
 * The application processors' tick: their time slices, and sleepers whose
 * time came (the boot CPU's one-shot timer wakes them on time; this is the
 * bound when the boot CPU is busy with interrupts off).
 */
static void cpu_tick_irq(struct trap_frame *tf, void *arg)
{
	(void)tf, (void)arg;
	this_cpu()->ticks++;
	sched_tick(arch_monotonic_ns(), 1);
}

/* A reschedule IPI only ends a halt and reaches the interrupt's way out (trap_dispatch), where the switch is. */
static void resched_irq(struct trap_frame *tf, void *arg)
{
	(void)tf, (void)arg;
	this_cpu()->resched_ipis++;
}

/* The test vector's handler: counts, on whichever CPU took it. */
static void test_ipi_irq(struct trap_frame *tf, void *arg)
{
	(void)tf, (void)arg;
	this_cpu()->test_ipis++;
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK;
	lapic = vm_map_mmio(base, PAGE_SIZE_4K);
	if (lapic == NULL)
		panic("cannot map the local APIC");
	/* The legacy PICs stay masked: every interrupt comes through the APICs. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	irq_register(VECTOR_TIMER, timer_irq, 0);
	irq_register(VECTOR_TEST_IPI, test_ipi_irq, 0);
	irq_register(VECTOR_CPU_TICK, cpu_tick_irq, 0);
	irq_register(VECTOR_RESCHED, resched_irq, 0);
	this_cpu()->apic_id = this_cpu()->seen_apic_id = lapic_id();
	calibrate();
	lapic_write(LAPIC_LVT_TIMER, VECTOR_TIMER); /* one-shot, unmasked */
	tsc_base = rdtsc();
}

void lapic_timer_oneshot(uint64_t ns)
{
	uint64_t count = ns ? mul_shift32(ns, count_per_ns_32) : 0;
	if (ns && count == 0)
		count = 1;
	if (count > 0xffffffffu)
		count = 0xffffffffu;
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
}

uint64_t arch_monotonic_ns(void) { return mul_shift32(rdtsc() - tsc_base, ns_per_tsc_32); }

uint64_t tsc_hz(void) { return tsc_rate; }

uint64_t lapic_timer_hz(void) { return lapic_rate; }

/* Waits until this CPU's last IPI has left; interrupts off. */
static int icr_wait_idle(void)
{
	for (unsigned i = 0; i < ICR_IDLE_SPINS; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_PENDING))
			return 0;
		cpu_pause();
	}
	return -ETIMEDOUT;
}

static int icr_send(uint32_t apic_id, uint32_t command)
{
	int on = irq_save();
	int err = icr_wait_idle();
	if (err == 0) {
		lapic_write(LAPIC_ICR_HI, apic_id << 24);
		lapic_write(LAPIC_ICR_LO, command); /* writing the low half sends */
		err = icr_wait_idle();
	}
	irq_restore(on);
	return err;
}

int lapic_send_ipi(uint32_t apic_id, unsigned vector) { return icr_send(apic_id, ICR_FIXED | (vector & 0xff)); }

int lapic_send_ipi_all_but_self(unsigned vector) { return icr_send(0, ICR_ALL_BUT_SELF | ICR_FIXED | (vector & 0xff)); }

int lapic_send_nmi(uint32_t apic_id) { return icr_send(apic_id, ICR_NMI); }

int lapic_send_nmi_all_but_self(void) { return icr_send(0, ICR_ALL_BUT_SELF | ICR_NMI); }

int lapic_send_init(uint32_t apic_id)
{
	int err = icr_send(apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
	/* De-assert: needed by old (P6-era) APICs, ignored by newer ones (SDM 11.6.1). */
	return err ? err : icr_send(apic_id, ICR_INIT | ICR_LEVEL);
}

int lapic_send_startup(uint32_t apic_id, unsigned page) { return icr_send(apic_id, ICR_STARTUP | (page & 0xff)); }

void lapic_init_ap(void)
{
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VECTOR_CPU_TICK);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(lapic_rate / CONFIG_TICK_HZ)); /* calibrated on the boot CPU */
}

void timer_kick_boot_cpu(void) { lapic_send_ipi(cpu_apic_id(0), VECTOR_TIMER); }

int cpu_send_test_ipi(unsigned id)
{
	if (!cpu_is_online(id))
		return -EINVAL;
	return lapic_send_ipi(cpu_apic_id(id), VECTOR_TEST_IPI);
}

uint64_t cpu_test_ipis(unsigned id) { return cpu_by_id(id) ? cpu_by_id(id)->test_ipis : 0; }

uint64_t cpu_ticks(unsigned id) { return cpu_by_id(id) ? cpu_by_id(id)->ticks : 0; }
