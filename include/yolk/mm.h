/* Physical pages, kernel virtual memory, and the heap behind malloc. */
#ifndef YOLK_MM_H
#define YOLK_MM_H

#include <stddef.h>
#include <stdint.h>
#include <yolk/boot.h>

#define PAGE_SIZE_4K 4096ul

/* --- physical pages (core/pmm.c) --- */
void pmm_init(const struct boot_info *bi);
uint64_t pmm_alloc(void);                /* one page's physical address, 0 if none left */
uint64_t pmm_alloc_contig(size_t pages); /* physically contiguous run, 0 if none */
void pmm_free(uint64_t pa);
void pmm_free_contig(uint64_t pa, size_t pages);
size_t pmm_free_pages(void);
size_t pmm_total_pages(void);
void pmm_use_direct_map(void); /* paging is up: reach the bitmap through the direct map */

/* --- kernel virtual memory (arch paging) --- */
#define VM_WRITE 0x1u
#define VM_EXEC 0x2u
#define VM_UNCACHED 0x4u

void vm_init(const struct boot_info *bi);
int vm_ready(void); /* 1 once vm_init() has switched to yolk's page tables */
int vm_map_page(uintptr_t va, uint64_t pa, unsigned flags); /* 0, or -ENOMEM (no page for a page table) */
uint64_t vm_unmap_page(uintptr_t va);                       /* the page's pa, 0 if none */
/* Unmaps [va, va + len) (page-aligned) and frees its pages once no CPU's TLB maps them (TLB shootdown). */
void vm_unmap_free(uintptr_t va, size_t len);
int vm_is_mapped(uintptr_t va);
int vm_is_stack_guard(uintptr_t va);
void *vm_map_mmio(uint64_t pa, size_t len);                 /* uncached, NULL if no space */
/* The physical address behind any mapped kernel address (heap, stack, image), 0 if unmapped: for DMA. */
uint64_t vm_phys(const void *va);

/* A stack of `size` bytes with an unmapped guard page below; returns its top. */
void *vm_alloc_stack(size_t size);
void vm_free_stack(void *top, size_t size);

/* --- heap (core/heap.c); picolibc's malloc grows it with sbrk() --- */
size_t heap_mapped_bytes(void);

#endif
