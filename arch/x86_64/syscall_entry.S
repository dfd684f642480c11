/*
 * The `syscall` instruction, ring 0 to ring 0. SYSCALL saved the return
 * address in rcx and the flags in r11 and did not switch stacks (we are
 * already in the kernel). The number is in rax, the arguments in rdi, rsi,
 * rdx, r10, r8, r9 (Linux's order); rax gets the result; like Linux, only
 * rcx and r11 are clobbered. SYSRET would drop to ring 3, so the way back is
 * popfq + jmp.
 */
	.text
	.globl arch_syscall_entry
	.type arch_syscall_entry, @function
arch_syscall_entry:
	pushq %rcx			/* return address: makes the frame below look like a call */
	pushq %rbp
	movq %rsp, %rbp
	pushq %r11
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r10
	pushq %r8
	pushq %r9
	andq $-16, %rsp
	subq $8, %rsp
	pushq %r9			/* a5: the 7th C argument goes on the stack */
	movq %r8, %r9			/* a4 */
	movq %r10, %r8			/* a3 */
	movq %rdx, %rcx			/* a2 */
	movq %rsi, %rdx			/* a1 */
	movq %rdi, %rsi			/* a0 */
	movq %rax, %rdi			/* nr */
	call yolk_syscall_dispatch
	leaq -56(%rbp), %rsp		/* back to the saved r9 */
	popq %r9
	popq %r8
	popq %r10
	popq %rdx
	popq %rsi
	popq %rdi
	popq %r11
	popq %rbp
	popq %rcx
	pushq %r11
	popfq
	jmp *%rcx
	.size arch_syscall_entry, . - arch_syscall_entry
	.section .note.GNU-stack, "", @progbits
