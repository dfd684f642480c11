/*
 * sbrk() for picolibc's malloc: the heap is a virtual region that gains pages
 * from the page allocator as it grows and gives them back when malloc trims
 * it, so free() returns memory to the system, not just to malloc's free list.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <arch/layout.h>
#include <yolk-config/core.h>
#include <yolk/mm.h>
#include <yolk/spinlock.h>

/* The heap may grow up to CONFIG_HEAP_MAX_MB, and never past its region. */
#define HEAP_MAX_BYTES ((uintptr_t)CONFIG_HEAP_MAX_MB << 20)
#define HEAP_END (HEAP_MAX_BYTES < HEAP_LIMIT - HEAP_BASE ? HEAP_BASE + HEAP_MAX_BYTES : HEAP_LIMIT)

/* Protects heap_brk and mapped_end (malloc calls sbrk under its own lock, but sbrk is public). */
static struct spinlock heap_lock = SPINLOCK_INIT("heap", LOCK_RANK_HEAP);
static uintptr_t heap_brk = HEAP_BASE;
static uintptr_t mapped_end = HEAP_BASE;

static uintptr_t page_up(uintptr_t a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

static int grow(uintptr_t new_end)
{
	while (mapped_end < new_end) {
		uint64_t pa = pmm_alloc();
		if (pa == 0)
			return -1;
		__builtin_memset(phys_to_virt(pa), 0, PAGE_SIZE);
		if (vm_map_page(mapped_end, pa, VM_WRITE)) {
			pmm_free(pa);
			return -1;
		}
		mapped_end += PAGE_SIZE;
	}
	return 0;
}

static void shrink(uintptr_t new_end)
{
	if (mapped_end > new_end) {
		vm_unmap_free(new_end, mapped_end - new_end);
		mapped_end = new_end;
	}
}

void *sbrk(ptrdiff_t incr)
{
	int irq = spin_lock_irqsave(&heap_lock);
	uintptr_t old = heap_brk, want = heap_brk + (uintptr_t)incr;
	void *ret = (void *)-1;
	if (incr < 0 ? want < HEAP_BASE || want > old : want > HEAP_END || want < old) {
		errno = ENOMEM;
	} else if (incr > 0 && grow(page_up(want))) {
		shrink(page_up(old));
		errno = ENOMEM;
	} else {
		if (incr < 0)
			shrink(page_up(want));
		heap_brk = want;
		ret = (void *)old;
	}
	spin_unlock_irqrestore(&heap_lock, irq);
	return ret;
}

size_t heap_mapped_bytes(void) { return mapped_end - HEAP_BASE; }
