/*
 * Where the trampoline lives: four pages below 1 MiB, in RAM the memory map
 * says is usable and clear of boot modules: the code page (whose number is
 * the STARTUP vector), then a PML4, PDPT and PD. pmm_init() keeps the whole
 * first MiB out of the allocator, so nothing else is ever put there.
 */
#include <errno.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/trampoline.h>
#include <yolk/boot.h>

#define LOW_START 0x10000ul /* above the first 64 KiB, which some BIOSes scribble on (Linux keeps out too)   \
	                     */
#define LOW_LIMIT 0xa0000ul /* the conventional memory's end; the legacy video hole follows */
#define TRAMPOLINE_PAGES 4
#define PTE_P 0x1ul
#define PTE_W 0x2ul
#define PTE_PS 0x80ul
#define PML4_KERNEL_HALF 256

struct trampoline_params {
	uint32_t alive;
	uint32_t pml4;
	uint64_t cr3, stack, cpu, entry;
};

extern const char trampoline_start[], trampoline_end[], trampoline_params[];
void ap_entry(struct cpu *c, uint64_t cr3);

static uint64_t base; /* P: the code page's physical address */

static volatile struct trampoline_params *params(void)
{
	return phys_to_virt(base + (uint64_t)(trampoline_params - trampoline_start));
}

static int usable(uint64_t start, uint64_t end)
{
	int in_ram = 0;
	for (size_t i = 0; i < boot_info.nram; i++)
		if (boot_info.ram[i].base <= start && end <= boot_info.ram[i].base + boot_info.ram[i].len)
			in_ram = 1;
	for (size_t m = 0; m < boot_info.nmodules; m++)
		if (start < boot_info.modules[m].base + boot_info.modules[m].len &&
		    boot_info.modules[m].base < end)
			return 0;
	return in_ram;
}

/* The lowest usable run of TRAMPOLINE_PAGES pages in [LOW_START, LOW_LIMIT). */
static uint64_t find_room(void)
{
	uint64_t len = TRAMPOLINE_PAGES * PAGE_SIZE;
	for (uint64_t p = LOW_START; p + len <= LOW_LIMIT; p += PAGE_SIZE)
		if (usable(p, p + len))
			return p;
	return 0;
}

/* PML4: the kernel's upper half, and the first 2 MiB identity-mapped (executable) for the blob. */
static void build_tables(void)
{
	uint64_t *pml4 = phys_to_virt(base + PAGE_SIZE), *pdpt = phys_to_virt(base + 2 * PAGE_SIZE),
	         *pd = phys_to_virt(base + 3 * PAGE_SIZE);
	const uint64_t *kernel = phys_to_virt(read_cr3() & ~0xffful);
	memset(pml4, 0, 3 * PAGE_SIZE);
	pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
	pdpt[0] = (base + 3 * PAGE_SIZE) | PTE_P | PTE_W;
	pml4[0] = (base + 2 * PAGE_SIZE) | PTE_P | PTE_W;
	for (unsigned i = PML4_KERNEL_HALF; i < 512; i++)
		pml4[i] = kernel[i];
}

int trampoline_install(void)
{
	_Static_assert(sizeof(struct trampoline_params) == 40, "trampoline.S's parameter block");
	if (base == 0 && (base = find_room()) == 0)
		return -ENOMEM;
	memcpy(phys_to_virt(base), trampoline_start, (size_t)(trampoline_end - trampoline_start));
	build_tables();
	return (int)(base >> 12);
}

void trampoline_arm(struct cpu *c)
{
	volatile struct trampoline_params *p = params();
	/* Stacks are made after install: refresh the kernel half so the AP sees this one's. */
	build_tables();
	p->alive = TRAMPOLINE_SILENT;
	p->pml4 = (uint32_t)(base + PAGE_SIZE);
	p->cr3 = read_cr3();
	p->stack = (uint64_t)c->idle_stack;
	p->cpu = (uint64_t)c;
	p->entry = (uint64_t)ap_entry;
}

unsigned trampoline_progress(void)
{
	return params()->alive;
}
