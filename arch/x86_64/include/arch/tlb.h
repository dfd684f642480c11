/* TLB shootdown (arch/x86_64/tlb.c): what paging.c calls once a mapping is gone. */
#ifndef ARCH_TLB_H
#define ARCH_TLB_H

#include <stddef.h>
#include <stdint.h>

/*
 * Makes every other online CPU drop [va, va + pages * 4 KiB) from its TLB
 * (and, for more than a few pages, its paging-structure caches) and waits
 * until each has: after it returns the pages and page tables may be reused.
 * The caller has flushed its own TLB. Callable with interrupts off and
 * spinlocks held (the request is an NMI); panics if a CPU does not answer in 5 s.
 */
void tlb_shootdown(uintptr_t va, size_t pages);

/* The NMI handler's part: 1 if a shootdown was asked of this CPU (now done), 0 if the NMI is not one. */
int tlb_nmi(void);

/* Shootdowns done so far (for tests). */
uint64_t tlb_shootdowns(void);

#endif
