/*
 * An application processor's first instructions (Intel SDM vol. 3A 9.4.4
 * and 10.8.5: real mode, then protected mode, then long mode). smp.c
 * copies this blob (trampoline_start .. trampoline_end) to a free page P
 * below 1 MiB, fills in the parameters at its end, and sends STARTUP with
 * vector P >> 12: the AP starts in real mode at CS:IP = (P >> 4):0000.
 * The blob knows P only from CS, so it runs wherever it was put: it
 * patches the few linear addresses it needs itself.
 *
 * Page tables (built by trampoline.c, all below 1 MiB since CR3 is loaded
 * in 32-bit mode): the kernel's upper half, plus an identity map of the
 * first 2 MiB for these instructions until the jump into the kernel's text.
 * ap_entry() then switches to the kernel's own tables.
 */
#define CR0_PE (1 << 0)
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18

#define OFF(sym) ((sym) - trampoline_start)

	.section .rodata.trampoline, "a"
	.code16
	.globl trampoline_start, trampoline_end, trampoline_params
trampoline_start:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	movzwl %ax, %ebx
	shl $4, %ebx				/* ebx = P, for the rest of the trip */
	movl $1, OFF(tp_alive)			/* "answered the STARTUP", for smp.c's report */

	/* Linear addresses the blob could not know when it was assembled. */
	lea OFF(gdt)(%ebx), %eax
	mov %eax, OFF(gdtr) + 2
	lea OFF(start32)(%ebx), %eax
	mov %eax, OFF(far32)
	lea OFF(start64)(%ebx), %eax
	mov %eax, OFF(far64)

	lgdtl OFF(gdtr)
	mov %cr0, %eax
	and $~(CR0_CD | CR0_NW), %eax		/* INIT leaves the caches off */
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl *OFF(far32)

	.code32
start32:
	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov OFF(tp_pml4)(%ebx), %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $(EFER_LME | EFER_NXE), %eax		/* NXE: the kernel's entries carry NX */
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	ljmpl *OFF(far64)(%ebx)

	.code64
start64:
	mov %ebx, %ebx				/* upper halves are undefined after the switch */
	movl $2, OFF(tp_alive)(%rbx)		/* "reached long mode" */
	mov OFF(tp_stack)(%rbx), %rsp
	mov OFF(tp_cpu)(%rbx), %rdi
	mov OFF(tp_cr3)(%rbx), %rsi
	mov OFF(tp_entry)(%rbx), %rax
	xor %ebp, %ebp
	pushq $0				/* a null return address ends backtraces here */
	jmp *%rax				/* ap_entry(cpu, cr3): never returns */

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff		/* 0x08: 32-bit code, flat */
	.quad 0x00cf92000000ffff		/* 0x10: data, flat */
	.quad 0x00af9a000000ffff		/* 0x18: 64-bit code */
gdtr:
	.word gdtr - gdt - 1
	.long 0					/* P + OFF(gdt) */
far32:
	.long 0					/* P + OFF(start32) */
	.word SEL_CODE32
far64:
	.long 0					/* P + OFF(start64) */
	.word SEL_CODE64

	/* struct trampoline_params in trampoline.c: same order and sizes. */
	.balign 8
trampoline_params:
tp_alive:
	.long 0		/* 1 once in real mode, 2 once in long mode */
tp_pml4:
	.long 0		/* physical address of the trampoline PML4 (below 4 GiB) */
tp_cr3:
	.quad 0		/* the kernel's CR3, for ap_entry */
tp_stack:
	.quad 0		/* top of the AP's idle stack */
tp_cpu:
	.quad 0		/* its struct cpu */
tp_entry:
	.quad 0		/* ap_entry */
trampoline_end:
	.section .note.GNU-stack, "", @progbits
