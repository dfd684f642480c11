/*
 * The kernel's virtual address map. Physical RAM is mapped once at
 * DIRECT_MAP_BASE; the image is linked at KERNEL_VBASE + its load address;
 * the heap and stacks live in their own regions so a stray pointer into a gap
 * faults instead of corrupting a neighbour.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define KERNEL_VBASE 0xffffffff80000000ul
#define DIRECT_MAP_BASE 0xffff800000000000ul
#define HEAP_BASE 0xffffc00000000000ul
#define HEAP_LIMIT 0xffffc80000000000ul
#define STACK_REGION_BASE 0xffffd00000000000ul
#define STACK_REGION_LIMIT 0xffffd80000000000ul
#define MMIO_REGION_BASE 0xffffe00000000000ul
#define MMIO_REGION_LIMIT 0xffffe80000000000ul

#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *phys_to_virt(uint64_t pa) { return (void *)(DIRECT_MAP_BASE + pa); }

/* Only for addresses in the image or the direct map; heap, stack and MMIO pages are not linear. */
static inline uint64_t virt_to_phys(const void *va)
{
	uintptr_t v = (uintptr_t)va;
	return v >= KERNEL_VBASE ? v - KERNEL_VBASE : v - DIRECT_MAP_BASE;
}
#endif

#endif
