/*
 * Assembler macros that save and restore the 15 general registers in the
 * order of struct trap_frame (arch/trap.h): r15 ends up at the lowest
 * address. isr.S and signal_trampoline.S both build that frame.
 */
#ifndef ARCH_GPRS_H
#define ARCH_GPRS_H
#ifdef __ASSEMBLER__

/* Bytes the saved registers take on the stack. */
#define GPRS_SIZE (15 * 8)

	.macro push_gprs
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro pop_gprs
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	.endm

#endif
#endif
