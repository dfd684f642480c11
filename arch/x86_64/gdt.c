/*
 * The long-mode GDT, one per CPU (in its struct cpu): kernel code and data,
 * plus the CPU's TSS, whose interrupt stack table gives double faults, NMIs
 * and machine checks a known-good stack, so a kernel stack overflow still
 * reaches the panic handler.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <yolk/mm.h>
#include <yolk/panic.h>

#define IST_STACK_SIZE (16 * 1024)
#define GDT_CODE64 0x00af9a000000ffffull
#define GDT_DATA 0x00cf92000000ffffull
#define SEL_TSS 0x18

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void set_tss_descriptor(struct cpu *c)
{
	uint64_t base = (uint64_t)&c->tss, limit = sizeof(c->tss) - 1;
	c->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ul << 40) |
		    (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	c->gdt[4] = base >> 32;
}

void gdt_load(struct cpu *c)
{
	c->gdt[0] = 0;
	c->gdt[1] = GDT_CODE64;
	c->gdt[2] = GDT_DATA;
	c->tss.iomap_base = sizeof(c->tss);
	set_tss_descriptor(c);
	struct gdt_ptr p = {sizeof(c->gdt) - 1, (uint64_t)c->gdt};
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
			 "movw %[tss], %%ax\n\t"
			 "ltr %%ax"
			 :
			 : "m"(p), [tss] "i"(SEL_TSS)
			 : "rax", "memory");
}

/* The boot CPU: cpu 0's GDT and TSS, and its GS base, before anything else runs. */
void gdt_init(void)
{
	struct cpu *bsp = percpu_slot(0);
	gdt_load(bsp);
	percpu_load(bsp);
	bsp->online = 1;
	bsp->seen_id = this_cpu()->id;
}

int gdt_alloc_ist(struct cpu *c)
{
	for (unsigned i = 0; i < IST_COUNT; i++) {
		c->tss.ist[i] = (uint64_t)vm_alloc_stack(IST_STACK_SIZE);
		if (c->tss.ist[i] == 0) {
			while (i-- > 0)
				vm_free_stack((void *)c->tss.ist[i], IST_STACK_SIZE);
			memset(c->tss.ist, 0, sizeof(c->tss.ist));
			return -ENOMEM;
		}
	}
	return 0;
}

/* Gives the boot CPU's fatal-exception vectors their own guarded stacks; needs the VM up. */
void gdt_init_ist(void)
{
	if (gdt_alloc_ist(percpu_slot(0)))
		panic("no memory for interrupt stacks");
}
