/*
 * First instructions. Two loaders can start yolk, both in 32-bit protected
 * mode with paging off:
 *   - GRUB (multiboot2): eax = 0x36d76289, ebx = multiboot2 info.
 *   - qemu -kernel / Xen / Firecracker (PVH): ebx = hvm_start_info.
 * We build just enough page tables to enter long mode (identity map of the
 * first GiB for this file, the same GiB at KERNEL_VBASE for the image), then
 * jump to kernel_entry() in the higher half. core/paging replaces these
 * tables with the real W^X ones.
 */
#include <arch/layout.h>

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define PVH_MAGIC 0x336ec578
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

#define BOOT_STACK_SIZE 16384

	/*
	 * The multiboot2 header: this fixed part, then the tags parts add in
	 * section .multiboot2.tag (e.g. fb-multiboot's framebuffer request),
	 * then the end tag. The linker script sums up length and checksum.
	 */
	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long __mb2_header_length
	.long __mb2_checksum

	.section .multiboot2.end, "a"
	.balign 8
	.word 0, 0
	.long 8

	.section .note.Xen, "a"
	.balign 4
	.long 4				/* name size */
	.long 4				/* desc size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.balign 4
	.long pvh_start32

	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	mov $PVH_MAGIC, %eax
	/* fall through: ebx already points at hvm_start_info */

	.globl _start32
_start32:
	cli
	cld
	mov %eax, boot_magic
	mov %ebx, boot_info_pa
	mov $boot32_stack_top, %esp

	/* A CPU without long mode cannot run yolk: say so on COM1 and stop. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	test $(1 << 29), %edx
	jz no_long_mode

	/* PD: 512 x 2 MiB pages covering the first GiB. */
	mov $boot_pd, %edi
	mov $(PTE_P | PTE_W | PTE_PS), %eax
	mov $512, %ecx
1:	mov %eax, (%edi)
	movl $0, 4(%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 1b

	/* PML4[0] -> identity, PML4[511] -> KERNEL_VBASE; both reach the same PD. */
	mov $boot_pdpt_low, %eax
	or $(PTE_P | PTE_W), %eax
	mov %eax, boot_pml4
	mov $boot_pdpt_high, %eax
	or $(PTE_P | PTE_W), %eax
	mov %eax, boot_pml4 + 511 * 8
	mov $boot_pd, %eax
	or $(PTE_P | PTE_W), %eax
	mov %eax, boot_pdpt_low
	mov %eax, boot_pdpt_high + 510 * 8

	mov %cr4, %eax
	or $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $(EFER_LME | EFER_NXE), %eax
	wrmsr
	mov %cr0, %eax
	and $~CR0_EM, %eax
	or $(CR0_PE | CR0_MP | CR0_WP | CR0_PG), %eax
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $start64

no_long_mode:
	mov $no_lm_msg, %esi
	mov $0x3f8, %dx
2:	lodsb
	test %al, %al
	jz 3f
	out %al, %dx
	jmp 2b
3:	hlt
	jmp 3b

	.code64
start64:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	movabs $higher_half, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt
	.globl boot_magic, boot_info_pa
boot_magic:
	.long 0
boot_info_pa:
	.long 0
no_lm_msg:
	.asciz "yolk: this CPU has no 64-bit long mode\r\n"

	.section .boot.bss, "aw", @nobits
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt_low:
	.skip 4096
boot_pdpt_high:
	.skip 4096
boot_pd:
	.skip 4096
	.skip 1024
boot32_stack_top:

	.text
higher_half:
	movabs $boot_stack_top, %rsp
	xor %ebp, %ebp
	fninit
	mov boot_magic, %edi
	mov boot_info_pa, %esi
	call kernel_entry
4:	cli
	hlt
	jmp 4b

	/*
	 * The stack kernel_entry runs on until the main thread gets its own
	 * guarded stack. Its own guard is the unmapped page the linker script
	 * leaves below it.
	 */
	.section .kstack.boot, "aw", @nobits
	.balign 4096
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
	.section .note.GNU-stack, "", @progbits
