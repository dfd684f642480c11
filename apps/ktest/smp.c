/*
 * SMP bring-up (issue 19 phase 1), checked from the boot CPU: how many CPUs
 * sysconf() reports, that each AP's own this_cpu() and LAPIC gave it the id
 * it was assigned, that an IPI to one CPU is taken exactly once by that
 * CPU alone, that each AP's LAPIC timer ticks; and (smp-fault, smp-nmi)
 * that a fault on an AP is reported like one on the boot CPU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arch/ipi.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <yolk-config/core.h>
#include <yolk/cpu.h>
#include <yolk/sched.h>
#include "ktest.h"

#define IPI_WAIT_NS 1000000000ull /* an IPI not taken in 1 s is lost */
#define SETTLE_MS 50              /* time for a duplicate to show up */

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* These checks speak of "this CPU" as the boot CPU: the test thread stays there. */
static void stay_on_cpu0(void)
{
	thread_set_affinity(thread_self(), 1);
	sched_preempt_point_voluntary();
}

/* Every CPU's test-IPI count into counts[]. */
static void snapshot(uint64_t *counts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		counts[i] = cpu_test_ipis(i);
}

/* After IPIs meant for the CPUs in `want` (a bit mask), each of those took exactly one more, the others none.
 */
static void check_taken(const uint64_t *before, unsigned n, uint64_t want, const char *what)
{
	uint64_t deadline = arch_monotonic_ns() + IPI_WAIT_NS;
	for (unsigned i = 0; i < n; i++)
		while ((want >> i & 1) && cpu_test_ipis(i) == before[i] && arch_monotonic_ns() < deadline)
			sleep_ms(1);
	sleep_ms(SETTLE_MS);
	for (unsigned i = 0; i < n; i++) {
		uint64_t got = cpu_test_ipis(i) - before[i], expect = want >> i & 1;
		if (got != expect)
			printf("FAIL: %s: cpu %u took %llu test IPIs, expected %llu\n", what, i,
			       (unsigned long long)got, (unsigned long long)expect);
		CHECK(got == expect);
	}
}

static void check_ids(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct cpu *c = cpu_by_id(i);
		CHECK(c != NULL && c->id == i);
		if (!cpu_is_online(i)) {
			printf("smp: cpu %u apic id %u offline\n", i, c->apic_id);
			continue;
		}
		CHECK(c->seen_id == i && c->seen_apic_id == c->apic_id);
		for (unsigned j = 0; j < i; j++)
			CHECK(cpu_apic_id(j) != cpu_apic_id(i));
		printf("smp: cpu %u apic id %u saw id %u apic id %u\n", i, c->apic_id, c->seen_id,
		       c->seen_apic_id);
	}
	CHECK(this_cpu_id() == 0);
}

/* The online CPUs but this one, as a mask. */
static uint64_t others_online(unsigned n)
{
	uint64_t mask = 0;
	for (unsigned i = 1; i < n; i++)
		if (cpu_is_online(i))
			mask |= 1ull << i;
	return mask;
}

static void check_ipis(unsigned n)
{
	uint64_t before[CPU_MAX];
	int failures = ktest_failures;
	for (unsigned i = 0; i < n; i++) {
		snapshot(before, n);
		if (!cpu_is_online(i)) {
			CHECK(cpu_send_test_ipi(i) == -EINVAL);
			continue;
		}
		CHECK(cpu_send_test_ipi(i) == 0);
		check_taken(before, n, 1ull << i, "IPI to one CPU");
	}
	snapshot(before, n);
	CHECK(lapic_send_ipi_all_but_self(VECTOR_TEST_IPI) == 0);
	check_taken(before, n, others_online(n), "IPI to all but self");
	CHECK(cpu_send_test_ipi(n) == -EINVAL); /* no such CPU */
	if (ktest_failures == failures)
		printf("smp: each online CPU took each IPI once (%u CPUs)\n", cpu_count_online());
}

static void check_ticks(unsigned n)
{
	uint64_t t0[CPU_MAX] = {0}, start = arch_monotonic_ns(); /* = {0}: -Os warns otherwise */
	for (unsigned i = 1; i < n; i++)
		t0[i] = cpu_ticks(i);
	sleep_ms(100);
	uint64_t ms = (arch_monotonic_ns() - start) / 1000000; /* a loaded host may oversleep */
	for (unsigned i = 1; i < n; i++) {
		if (!cpu_is_online(i))
			continue;
		uint64_t d = cpu_ticks(i) - t0[i];
		printf("smp: cpu %u ticked %llu times in %llu ms\n", i, (unsigned long long)d,
		       (unsigned long long)ms);
		CHECK(d > 0 &&
		      d <= 2 * ms * CONFIG_TICK_HZ / 1000 + 2); /* ticking, and not faster than its rate */
	}
}

/* ktest smp FOUND [ONLINE]: FOUND CPUs listed, ONLINE (default FOUND) of them running. */
int ktest_smp(int argc, char **argv)
{
	long found = argc > 2 ? strtol(argv[2], NULL, 10) : 1,
	     online = argc > 3 ? strtol(argv[3], NULL, 10) : found;
	long conf = sysconf(_SC_NPROCESSORS_CONF), onln = sysconf(_SC_NPROCESSORS_ONLN);
	stay_on_cpu0();
	unsigned n = cpu_count_found();
	printf("smp: sysconf conf=%ld onln=%ld\n", conf, onln);
	CHECK(conf == found && onln == online && n == (unsigned)found &&
	      cpu_count_online() == (unsigned)online);
	check_ids(n);
	check_ipis(n);
	check_ticks(n);
	printf("smp: %s\n", ktest_failures ? "FAILED" : "ok");
	return ktest_failures != 0;
}

#pragma GCC diagnostic ignored "-Warray-bounds"

__attribute__((noinline)) static void smp_fault_handler(struct trap_frame *tf, void *arg)
{
	(void)tf, (void)arg;
	*(volatile int *)(uintptr_t)0x8 = 1;
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"

/* Recurses until the AP's idle stack hits its guard page: a double fault on the AP's own IST stack. */
__attribute__((noinline)) static int smp_overflow(int depth)
{
	volatile char frame[1024];
	frame[0] = (char)depth;
	return smp_overflow(depth + 1) + frame[0];
}

static void smp_overflow_handler(struct trap_frame *tf, void *arg)
{
	(void)tf, (void)arg;
	smp_overflow(0);
}

/* Runs `fn` as an interrupt handler on the last CPU, which must panic there (ktest smp-fault, smp-overflow).
 */
static int fault_on_last_cpu(irq_handler_t fn)
{
	stay_on_cpu0(); /* the last CPU idles: the fault's backtrace ends in its ap_entry */
	int vec = irq_alloc_vector();
	unsigned last = cpu_count_online() - 1;
	if (vec < 0 || last == 0) {
		printf("smp-fault: needs 2 CPUs and a free vector\n");
		return 1;
	}
	irq_register((unsigned)vec, fn, NULL);
	lapic_send_ipi(cpu_apic_id(last), (unsigned)vec);
	sleep_ms(5000);
	printf("smp-fault: cpu %u did not fault\n", last);
	return 1;
}

int ktest_smp_fault(int argc, char **argv)
{
	(void)argc;
	return fault_on_last_cpu(strcmp(argv[1], "smp-overflow") == 0 ? smp_overflow_handler
	                                                              : smp_fault_handler);
}

/* ktest smp-nmi: an NMI on the last CPU, which is not expected there, panics on its NMI stack. */
int ktest_smp_nmi(int argc, char **argv)
{
	(void)argc, (void)argv;
	stay_on_cpu0();
	unsigned last = cpu_count_online() - 1;
	if (last == 0) {
		printf("smp-nmi: needs 2 CPUs\n");
		return 1;
	}
	lapic_send_nmi(cpu_apic_id(last));
	sleep_ms(5000);
	printf("smp-nmi: cpu %u did not report the NMI\n", last);
	return 1;
}
