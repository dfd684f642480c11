/*
 * The kernel's page tables. vm_init() replaces the boot tables with:
 *   - the image at KERNEL_VBASE in 4 KiB pages, W^X: text RX, rodata R,
 *     data/bss RW+NX, the boot stack's guard page unmapped;
 *   - all RAM (and the low 4 GiB, for firmware tables) at DIRECT_MAP_BASE,
 *     RW+NX, in 2 MiB pages; non-RAM there is uncached; the image's own
 *     text/rodata frames are read-only there too, so no writable alias exists;
 *   - nothing at 0: NULL and small offsets from it fault.
 * Stacks, the heap and MMIO get their own regions (see arch/layout.h).
 *
 * Threads map and unmap pages at any time (stacks, the heap), so vm_lock
 * protects the tables (two walks can never both create the same missing
 * table and lose one), the free stack slots and the stack and MMIO regions'
 * high-water marks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/tlb.h>
#include <yolk/mm.h>
#include <yolk/panic.h>
#include <yolk/spinlock.h>

#define PTE_P (1ul << 0)
#define PTE_W (1ul << 1)
#define PTE_PWT (1ul << 3)
#define PTE_PCD (1ul << 4)
#define PTE_PS (1ul << 7)
#define PTE_G (1ul << 8)
#define PTE_NX (1ul << 63)
#define PTE_ADDR 0x000ffffffffff000ul

#define SIZE_2M 0x200000ul
#define LOW_4G 0x100000000ul

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __image_end[], __boot_stack_guard[];

static struct spinlock vm_lock = SPINLOCK_INIT("vm", LOCK_RANK_VM);
static uint64_t *pml4;
static int direct_map_ready;
static uintptr_t stack_next = STACK_REGION_BASE;
static uintptr_t mmio_next = MMIO_REGION_BASE;

/* Page-table pages: reached through the boot map until the direct map exists. */
static uint64_t *table_virt(uint64_t pa)
{
	return direct_map_ready ? phys_to_virt(pa) : (uint64_t *)(KERNEL_VBASE + pa);
}

static uint64_t pte_flags(unsigned flags)
{
	uint64_t f = PTE_P | PTE_G;
	if (flags & VM_WRITE)
		f |= PTE_W;
	if (!(flags & VM_EXEC))
		f |= PTE_NX;
	if (flags & VM_UNCACHED)
		f |= PTE_PCD | PTE_PWT;
	return f;
}

/* A zeroed page-table page; returns its physical address, 0 if out of memory. */
static uint64_t new_table(void)
{
	uint64_t pa = pmm_alloc();
	if (pa != 0)
		memset(table_virt(pa), 0, PAGE_SIZE);
	return pa;
}

/* Returns the entry for va at `level` (1 = PTE, 2 = PDE), creating tables on the way. vm_lock held. */
static uint64_t *walk(uintptr_t va, int level, int create)
{
	KASSERT(spin_held(&vm_lock) || panic_in_progress());
	uint64_t *t = pml4;
	for (int l = 4; l > level; l--) {
		uint64_t *e = &t[(va >> (12 + 9 * (l - 1))) & 511];
		if (*e & PTE_P && *e & PTE_PS)
			return create ? NULL : e;
		if (!(*e & PTE_P)) {
			uint64_t pa = create ? new_table() : 0;
			if (pa == 0)
				return NULL;
			*e = pa | PTE_P | PTE_W;
		}
		t = table_virt(*e & PTE_ADDR);
	}
	return &t[(va >> (12 + 9 * (level - 1))) & 511];
}

int vm_map_page(uintptr_t va, uint64_t pa, unsigned flags)
{
	int irq = spin_lock_irqsave(&vm_lock);
	uint64_t *e = walk(va, 1, 1);
	if (e != NULL) {
		*e = (pa & PTE_ADDR) | pte_flags(flags);
		invlpg(va);
	}
	spin_unlock_irqrestore(&vm_lock, irq);
	return e == NULL ? -ENOMEM : 0;
}

uint64_t vm_unmap_page(uintptr_t va)
{
	int irq = spin_lock_irqsave(&vm_lock);
	uint64_t *e = walk(va, 1, 0), pa = 0;
	if (e != NULL && (*e & PTE_P) && !(*e & PTE_PS)) {
		pa = *e & PTE_ADDR;
		*e = 0;
		invlpg(va);
		tlb_shootdown(va, 1);
	}
	spin_unlock_irqrestore(&vm_lock, irq);
	return pa;
}

/*
 * Two passes under vm_lock: clear the present bits (the addresses stay in
 * the entries), one shootdown for the whole range, then free the pages, so
 * a page is never reused while some CPU's TLB still maps it.
 */
void vm_unmap_free(uintptr_t va, size_t len)
{
	int irq = spin_lock_irqsave(&vm_lock), any = 0;
	for (uintptr_t p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *e = walk(p, 1, 0);
		if (e != NULL && (*e & PTE_P) && !(*e & PTE_PS)) {
			*e &= ~PTE_P;
			invlpg(p);
			any = 1;
		}
	}
	if (any)
		tlb_shootdown(va, len / PAGE_SIZE);
	for (uintptr_t p = va; p < va + len; p += PAGE_SIZE) {
		uint64_t *e = walk(p, 1, 0);
		if (e != NULL && !(*e & PTE_P) && (*e & PTE_ADDR)) {
			pmm_free(*e & PTE_ADDR);
			*e = 0;
		}
	}
	spin_unlock_irqrestore(&vm_lock, irq);
}

static int table_empty(const uint64_t *t)
{
	for (int i = 0; i < 512; i++)
		if (t[i] & PTE_P)
			return 0;
	return 1;
}

/*
 * Frees the page table that maps va's 2 MiB if nothing is left in it, then
 * its page directory if that is empty too (PDPTs stay: one per 512 GiB).
 * vm_lock held.
 */
static void prune_tables(uintptr_t va)
{
	KASSERT(spin_held(&vm_lock));
	for (int level = 2; level <= 3; level++) { /* the PDE naming the PT, then the PDPTE naming the PD */
		uint64_t *e = walk(va, level, 0);
		if (e == NULL || !(*e & PTE_P) || (*e & PTE_PS) || !table_empty(table_virt(*e & PTE_ADDR)))
			return;
		uint64_t pa = *e & PTE_ADDR;
		*e = 0;
		invlpg(va); /* also drops cached upper-level entries (Intel SDM 4.10.4.1) */
		tlb_shootdown(va, 1); /* and the other CPUs' before the table is reused */
		pmm_free(pa);
	}
}

int vm_ready(void) { return direct_map_ready; }

/*
 * For the lookups: takes vm_lock unless this CPU holds it already (a fault
 * inside the VM code, reported by the trap handler) or a panic is under way
 * (its backtrace walks the tables whatever was held). 1 if it took it.
 */
static int lookup_lock(int *irq)
{
	if (spin_held(&vm_lock) || panic_in_progress())
		return 0;
	*irq = spin_lock_irqsave(&vm_lock);
	return 1;
}

static void lookup_unlock(int took, int irq)
{
	if (took)
		spin_unlock_irqrestore(&vm_lock, irq);
}

uint64_t vm_phys(const void *p)
{
	uintptr_t va = (uintptr_t)p;
	int irq = 0, took = lookup_lock(&irq);
	uint64_t *e = walk(va, 1, 0), pa = 0;
	if (e == NULL || !(*e & PTE_P))
		pa = 0;
	else if (*e & PTE_PS) /* a 2 MiB page of the direct map */
		pa = (*e & PTE_ADDR & ~(SIZE_2M - 1)) + (va & (SIZE_2M - 1));
	else
		pa = (*e & PTE_ADDR) + (va & (PAGE_SIZE - 1));
	lookup_unlock(took, irq);
	return pa;
}

int vm_is_mapped(uintptr_t va)
{
	int irq = 0, took = lookup_lock(&irq), mapped = 0;
	for (int level = 1; level <= 2 && !mapped; level++) {
		uint64_t *e = walk(va, level, 0);
		mapped = e && (*e & PTE_P) && (level == 1 || (*e & PTE_PS));
	}
	lookup_unlock(took, irq);
	return mapped;
}

int vm_is_stack_guard(uintptr_t va)
{
	if (va >= (uintptr_t)__boot_stack_guard && va < (uintptr_t)__boot_stack_guard + PAGE_SIZE)
		return 1;
	return va >= STACK_REGION_BASE && va < stack_next && !vm_is_mapped(va);
}

static int map_range(uintptr_t va, uintptr_t end, unsigned flags)
{
	for (; va < end; va += PAGE_SIZE)
		if (vm_map_page(va, virt_to_phys((void *)va), flags))
			return -ENOMEM;
	return 0;
}

/* Flags for the image page holding physical address pa, in the direct map. */
static unsigned image_alias_flags(uint64_t pa)
{
	uint64_t ro_start = virt_to_phys(__text_start), ro_end = virt_to_phys(__data_start);
	return pa >= ro_start && pa < ro_end ? 0 : VM_WRITE;
}

static int ram_in(const struct boot_info *bi, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < bi->nram; i++)
		if (bi->ram[i].base < end && start < bi->ram[i].base + bi->ram[i].len)
			return 1;
	return 0;
}

static int map_direct(const struct boot_info *bi)
{
	uint64_t top = bi->ram[bi->nram - 1].base + bi->ram[bi->nram - 1].len;
	uint64_t img_start = virt_to_phys(__text_start), img_end = virt_to_phys(__image_end);
	if (top < LOW_4G)
		top = LOW_4G;
	for (uint64_t pa = 0; pa < top; pa += SIZE_2M) {
		if (pa < img_end && img_start < pa + SIZE_2M) {
			for (uint64_t p = pa; p < pa + SIZE_2M; p += PAGE_SIZE)
				if (vm_map_page(DIRECT_MAP_BASE + p, p, image_alias_flags(p)))
					return -ENOMEM;
			continue;
		}
		unsigned flags = VM_WRITE | (ram_in(bi, pa, pa + SIZE_2M) ? 0 : VM_UNCACHED);
		int irq = spin_lock_irqsave(&vm_lock);
		uint64_t *e = walk(DIRECT_MAP_BASE + pa, 2, 1);
		if (e != NULL)
			*e = pa | pte_flags(flags) | PTE_PS;
		spin_unlock_irqrestore(&vm_lock, irq);
		if (e == NULL)
			return -ENOMEM;
	}
	return 0;
}

void vm_init(const struct boot_info *bi)
{
	uint64_t root = new_table();
	if (root == 0)
		panic("no memory for page tables");
	pml4 = table_virt(root);
	int err = map_range((uintptr_t)__text_start, (uintptr_t)__text_end, VM_EXEC);
	err |= map_range((uintptr_t)__rodata_start, (uintptr_t)__data_start, 0);
	err |= map_range((uintptr_t)__data_start, (uintptr_t)__boot_stack_guard, VM_WRITE);
	err |= map_range((uintptr_t)__boot_stack_guard + PAGE_SIZE, (uintptr_t)__image_end, VM_WRITE);
	err |= map_direct(bi);
	if (err)
		panic("out of memory while building page tables");
	write_cr3(root);
	direct_map_ready = 1;
	pml4 = phys_to_virt(root);
	pmm_use_direct_map();
}

/*
 * Stack slots: a guard page and the stack above it. A freed slot's range goes
 * on this list (first fit, split when larger), so threads that come and go
 * reuse their address space instead of walking off the end of the region.
 */
struct stack_slot {
	uintptr_t start; /* the guard page */
	size_t len;      /* guard + stack */
	struct stack_slot *next;
};
static struct stack_slot *free_slots;

/* A free range of len bytes from the list, or 0. vm_lock held. */
static uintptr_t slot_take(size_t len, struct stack_slot **spent)
{
	KASSERT(spin_held(&vm_lock));
	for (struct stack_slot **pp = &free_slots; *pp; pp = &(*pp)->next) {
		struct stack_slot *s = *pp;
		if (s->len < len)
			continue;
		uintptr_t start = s->start;
		s->start += len;
		s->len -= len;
		if (s->len == 0) {
			*pp = s->next;
			*spent = s; /* freed by the caller, outside vm_lock */
		}
		return start;
	}
	return 0;
}

/*
 * Puts an unmapped range back on the free list, kept in address order and
 * merged with its neighbours so split remnants join up again; a range that
 * ends at the region's high-water mark lowers it instead. A range is lost
 * only if there is no memory for its list entry (its pages are not).
 */
static void slot_put(uintptr_t start, size_t len)
{
	struct stack_slot *s = malloc(sizeof(*s)), *spent[3] = {NULL, NULL, NULL};
	int irq = spin_lock_irqsave(&vm_lock);
	struct stack_slot **pp = &free_slots, **pprev = NULL, **mlink;
	while (*pp && (*pp)->start < start) {
		pprev = pp;
		pp = &(*pp)->next;
	}
	struct stack_slot *prev = pprev ? *pprev : NULL, *next = *pp;
	if (prev && prev->start + prev->len == start) {
		prev->len += len;
		mlink = pprev;
		spent[0] = s;
		if (next && prev->start + prev->len == next->start) {
			prev->len += next->len;
			prev->next = next->next;
			spent[1] = next;
		}
	} else if (next && start + len == next->start) {
		next->start = start;
		next->len += len;
		mlink = pp;
		spent[0] = s;
	} else if (s) {
		*s = (struct stack_slot){start, len, next};
		*pp = s;
		mlink = pp;
	} else {
		mlink = NULL;
	}
	struct stack_slot *m = mlink ? *mlink : NULL;
	if (m && m->start + m->len == stack_next) {
		*mlink = m->next;
		stack_next = m->start;
		spent[2] = m;
	}
	spin_unlock_irqrestore(&vm_lock, irq);
	for (int i = 0; i < 3; i++)
		free(spent[i]);
}

/* A range of len bytes: a freed one, else fresh from the region; 0 if none. */
static uintptr_t stack_range(size_t len)
{
	struct stack_slot *spent = NULL;
	int irq = spin_lock_irqsave(&vm_lock);
	uintptr_t start = slot_take(len, &spent);
	if (start == 0 && stack_next + len <= STACK_REGION_LIMIT) {
		start = stack_next;
		stack_next += len;
	}
	spin_unlock_irqrestore(&vm_lock, irq);
	free(spent);
	return start;
}

/* Unmaps [base, base + size), freeing its pages and any table left empty. */
static void stack_unmap(uintptr_t base, size_t size)
{
	vm_unmap_free(base, size);
	int irq = spin_lock_irqsave(&vm_lock);
	for (uintptr_t va = base & ~(SIZE_2M - 1); va < base + size; va += SIZE_2M)
		prune_tables(va);
	spin_unlock_irqrestore(&vm_lock, irq);
}

void *vm_alloc_stack(size_t size)
{
	size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uintptr_t start = stack_range(size + PAGE_SIZE);
	if (start == 0)
		return NULL;
	uintptr_t base = start + PAGE_SIZE; /* the page below stays unmapped: the guard */
	for (uintptr_t va = base; va < base + size; va += PAGE_SIZE) {
		uint64_t pa = pmm_alloc();
		if (pa == 0 || vm_map_page(va, pa, VM_WRITE)) {
			if (pa)
				pmm_free(pa);
			stack_unmap(base, va - base);
			slot_put(start, size + PAGE_SIZE);
			return NULL;
		}
	}
	return (void *)(base + size);
}

void vm_free_stack(void *top, size_t size)
{
	size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uintptr_t base = (uintptr_t)top - size;
	stack_unmap(base, size);
	slot_put(base - PAGE_SIZE, size + PAGE_SIZE);
}

void *vm_map_mmio(uint64_t pa, size_t len)
{
	uint64_t off = pa % PAGE_SIZE;
	size_t size = (len + off + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int irq = spin_lock_irqsave(&vm_lock);
	uintptr_t va = mmio_next;
	if (va + size > MMIO_REGION_LIMIT) {
		spin_unlock_irqrestore(&vm_lock, irq);
		return NULL;
	}
	mmio_next += size + PAGE_SIZE;
	spin_unlock_irqrestore(&vm_lock, irq);
	for (size_t i = 0; i < size; i += PAGE_SIZE)
		if (vm_map_page(va + i, pa - off + i, VM_WRITE | VM_UNCACHED))
			return NULL;
	return (void *)(va + off);
}
