/*
 * The long-mode GDT: kernel code and data, plus the TSS whose interrupt stack
 * table gives double faults, NMIs and machine checks a known-good stack, so a
 * kernel stack overflow still reaches the panic handler.
 */
#include <stdint.h>
#include <string.h>
#include <arch/trap.h>
#include <yolk/mm.h>
#include <yolk/panic.h>

#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_STACK_SIZE (16 * 1024)

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

static struct tss tss;

/* null, code64 (0x08), data (0x10), TSS (0x18, two slots) */
static uint64_t gdt[5] = {
	0,
	0x00af9a000000ffff,
	0x00cf92000000ffff,
};

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ul << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;
}

void gdt_init(void)
{
	set_tss_descriptor();
	struct gdt_ptr p = {sizeof(gdt) - 1, (uint64_t)gdt};
	__asm__ volatile("lgdt %0\n\t"
			 "pushq $0x08\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw $0x10, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "movw $0x18, %%ax\n\t"
			 "ltr %%ax"
			 :
			 : "m"(p)
			 : "rax", "memory");
}

/* Gives the fatal-exception vectors their own guarded stacks; needs the VM up. */
void gdt_init_ist(void)
{
	tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)vm_alloc_stack(IST_STACK_SIZE);
	tss.ist[IST_NMI - 1] = (uint64_t)vm_alloc_stack(IST_STACK_SIZE);
	tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)vm_alloc_stack(IST_STACK_SIZE);
	tss.iomap_base = sizeof(tss);
	if (!tss.ist[0] || !tss.ist[1] || !tss.ist[2])
		panic("no memory for interrupt stacks");
}
