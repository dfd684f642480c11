/*
 * Local APIC: interrupt acknowledgement and the one-shot timer. Rates are
 * measured at boot against the PIT over CALIBRATE_US; the TSC gives time,
 * the LAPIC timer gives interrupts. Conversions use 32.32 fixed point so no
 * 128-bit division is needed.
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <yolk/mm.h>
#include <yolk/panic.h>
#include "pit.h"

#define LAPIC_ID 0x020
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define SVR_ENABLE 0x100
#define LVT_MASKED 0x10000
#define TIMER_DIV_16 0x3
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

static void calibrate(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	pit_wait_start(CALIBRATE_US);
	uint64_t t0 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	while (!pit_wait_done())
		cpu_pause();
	uint64_t t1 = rdtsc();
	uint32_t counted = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	tsc_rate = (t1 - t0) * (1000000 / CALIBRATE_US);
	lapic_rate = (uint64_t)counted * (1000000 / CALIBRATE_US);
	if (tsc_rate == 0 || lapic_rate == 0)
		panic("timer calibration failed (tsc %lu Hz, lapic %lu Hz)", (unsigned long)tsc_rate,
		      (unsigned long)lapic_rate);
	ns_per_tsc_32 = (1000000000ull << 32) / tsc_rate;
	count_per_ns_32 = (lapic_rate << 32) / 1000000000ull;
}

static void timer_irq(struct trap_frame *tf, void *arg)
{
	(void)tf;
	(void)arg;
	timer_interrupt();
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
