/*
 * TLB shootdown: after a mapping is removed, every other CPU drops it from
 * its TLB before the page can be reused. The request goes out as an NMI,
 * not an ordinary IPI: the initiator holds vm_lock (interrupts off) while
 * it waits, and another CPU may be spinning with interrupts off on that very
 * lock, or on a lock the initiator holds further out. An ordinary IPI would
 * never be taken there and both would wait forever; an NMI always is.
 * Requests are one at a time (tlb_lock); a CPU spinning for tlb_lock still
 * answers the current one from its NMI handler.
 */
#include <stddef.h>
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/ipi.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/tlb.h>
#include <yolk-config/core.h>
#include <yolk/cpu.h>
#include <yolk/panic.h>
#include <yolk/spinlock.h>

#define PAGE 4096ul
#define FLUSH_ALL_PAGES 32            /* more than this: reload CR3 rather than invlpg each page */
#define ANSWER_TIMEOUT_NS 5000000000ull /* a CPU that has not flushed in 5 s is stuck */

#ifdef CONFIG_SMP
static struct spinlock tlb_lock = SPINLOCK_INIT("tlb", LOCK_RANK_TLB);
#endif
static volatile uintptr_t req_va;
static volatile size_t req_pages;
static volatile uint64_t shootdowns;

static void flush_local(uintptr_t va, size_t pages)
{
	if (pages > FLUSH_ALL_PAGES) {
		write_cr3(read_cr3()); /* all non-global entries, and the paging-structure caches */
		return;
	}
	for (size_t i = 0; i < pages; i++)
		invlpg(va + i * PAGE);
}

void tlb_shootdown(uintptr_t va, size_t pages)
{
#ifdef CONFIG_SMP
	unsigned me = arch_cpu_id(), n = cpu_count_found();
	if (cpu_count_online() < 2 || pages == 0)
		return;
	int irq = spin_lock_irqsave(&tlb_lock);
	req_va = va;
	req_pages = pages;
	for (unsigned i = 0; i < n; i++)
		if (i != me && cpu_is_online(i))
			__atomic_store_n(&cpu_by_id(i)->tlb_pending, 1, __ATOMIC_RELEASE);
	lapic_send_nmi_all_but_self();
	uint64_t deadline = arch_monotonic_ns() + ANSWER_TIMEOUT_NS;
	for (unsigned i = 0; i < n; i++)
		while (__atomic_load_n(&cpu_by_id(i)->tlb_pending, __ATOMIC_ACQUIRE)) {
			if (arch_monotonic_ns() > deadline)
				panic("tlb shootdown: cpu %u did not flush in 5 s", i);
			cpu_pause();
		}
	shootdowns++;
	spin_unlock_irqrestore(&tlb_lock, irq);
#else
	(void)va, (void)pages;
#endif
}

int tlb_nmi(void)
{
	struct cpu *c = this_cpu();
	if (!__atomic_load_n(&c->tlb_pending, __ATOMIC_ACQUIRE))
		return 0;
	flush_local(req_va, req_pages);
	__atomic_store_n(&c->tlb_pending, 0, __ATOMIC_RELEASE);
	return 1;
}

uint64_t tlb_shootdowns(void) { return shootdowns; }
