/*
 * Physical page allocator over the boot memory map. Everything starts in use;
 * the RAM ranges are freed, then the kernel image, boot modules, the low MiB
 * (firmware, real-mode leftovers) and the bitmap itself are taken back.
 */
#include <string.h>
#include <arch/layout.h>
#include <yolk/mm.h>
#include <yolk/pagebitmap.h>
#include <yolk/panic.h>
#include <yolk/spinlock.h>

extern char __image_phys_start[], __image_phys_end[];

#define LOW_MEMORY_END 0x100000ul
#define EARLY_MAP_LIMIT 0x40000000ul

/* Protects the bitmap (allocations come from threads and from the VM code under its lock). */
static struct spinlock pmm_lock = SPINLOCK_INIT("pmm", LOCK_RANK_PMM);
static struct page_bitmap bitmap;
static uint64_t bitmap_pa;

static size_t pages(uint64_t bytes) { return (size_t)((bytes + PAGE_SIZE - 1) / PAGE_SIZE); }

/* The end of the first boot module overlapping [start, start+bytes), or 0 if none does. */
static uint64_t module_in_the_way(const struct boot_info *bi, uint64_t start, uint64_t bytes)
{
	for (size_t m = 0; m < bi->nmodules; m++) {
		const struct boot_module *mod = &bi->modules[m];
		if (start < mod->base + mod->len && mod->base < start + bytes)
			return mod->base + mod->len;
	}
	return 0;
}

/* Picks a home for the bitmap: RAM above the image, clear of modules, reachable before paging is up. */
static uint64_t place_bitmap(const struct boot_info *bi, uint64_t bytes)
{
	uint64_t above = (uint64_t)__image_phys_end;
	for (size_t i = 0; i < bi->nram; i++) {
		uint64_t start = bi->ram[i].base > above ? bi->ram[i].base : above;
		uint64_t end = bi->ram[i].base + bi->ram[i].len, skip;
		for (;;) {
			start = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
			if (start + bytes > end || start + bytes > EARLY_MAP_LIMIT)
				break;
			if ((skip = module_in_the_way(bi, start, bytes)) == 0)
				return start;
			start = skip; /* try just past the module */
		}
	}
	return 0;
}

void pmm_init(const struct boot_info *bi)
{
	if (bi->nram == 0)
		panic("the boot loader gave no memory map");
	uint64_t top = bi->ram[bi->nram - 1].base + bi->ram[bi->nram - 1].len;
	size_t npages = pages(top);
	uint64_t bytes = pbm_words(npages) * sizeof(uint64_t);
	bitmap_pa = place_bitmap(bi, bytes);
	if (bitmap_pa == 0)
		panic("no room for the page bitmap (%lu bytes)", (unsigned long)bytes);
	pbm_init(&bitmap, (uint64_t *)(KERNEL_VBASE + bitmap_pa), npages);
	for (size_t i = 0; i < bi->nram; i++)
		pbm_set_free(&bitmap, bi->ram[i].base / PAGE_SIZE, bi->ram[i].len / PAGE_SIZE);
	pbm_set_used(&bitmap, 0, LOW_MEMORY_END / PAGE_SIZE);
	uint64_t img = (uint64_t)__image_phys_start;
	pbm_set_used(&bitmap, img / PAGE_SIZE, pages((uint64_t)__image_phys_end - img));
	for (size_t m = 0; m < bi->nmodules; m++)
		pbm_set_used(&bitmap, bi->modules[m].base / PAGE_SIZE,
			     pages(bi->modules[m].len + bi->modules[m].base % PAGE_SIZE));
	pbm_set_used(&bitmap, bitmap_pa / PAGE_SIZE, pages(bytes));
}

void pmm_use_direct_map(void)
{
	bitmap.bits = phys_to_virt(bitmap_pa);
}

uint64_t pmm_alloc_contig(size_t n)
{
	int irq = spin_lock_irqsave(&pmm_lock);
	size_t i = pbm_alloc(&bitmap, n);
	spin_unlock_irqrestore(&pmm_lock, irq);
	return i == SIZE_MAX ? 0 : (uint64_t)i * PAGE_SIZE;
}

uint64_t pmm_alloc(void) { return pmm_alloc_contig(1); }

void pmm_free_contig(uint64_t pa, size_t n)
{
	if (pa % PAGE_SIZE || pa / PAGE_SIZE + n > bitmap.npages)
		panic("pmm_free: bad page 0x%lx", (unsigned long)pa);
	int irq = spin_lock_irqsave(&pmm_lock);
	pbm_set_free(&bitmap, pa / PAGE_SIZE, n);
	spin_unlock_irqrestore(&pmm_lock, irq);
}

void pmm_free(uint64_t pa) { pmm_free_contig(pa, 1); }

size_t pmm_free_pages(void) { return bitmap.nfree; }

size_t pmm_total_pages(void) { return bitmap.npages; }
