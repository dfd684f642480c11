/*
 * One entry stub per vector. Each pushes a uniform trap_frame (a dummy error
 * code where the CPU pushes none) and calls trap_dispatch(). Vectors >= 32 are
 * interrupts that return to arbitrary code, so they also save the FPU/SSE
 * state: C code in handlers may use SSE registers.
 */
#include <arch/gprs.h>
#define ISR_STUB_SIZE 8 /* idt.c's too */
	/*
	 * A stub is `push $vector` with an 8-bit immediate (2 bytes; the CPU
	 * sign-extends it, so isr_common masks the vector back to 0-255) and a
	 * 5-byte jump: 7 bytes, half the size of pushing a dummy error code in
	 * each stub. Vectors whose exception pushes an error code jump to
	 * isr_common; the others to isr_noerr, which puts a zero error code
	 * under the vector.
	 */
	.macro stub vec
	.balign ISR_STUB_SIZE
	.byte 0x6a, \vec		/* pushq $imm8 */
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	jmp isr_common
	.else
	jmp isr_noerr
	.endif
	.endm

	.text
isr_noerr:
	pushq (%rsp)			/* the vector again, one slot lower */
	movq $0, 8(%rsp)		/* and a zero error code where it was */
isr_common:
	andq $0xff, (%rsp)		/* vectors >= 128 were sign-extended */
	push_gprs
	cld
	mov %rsp, %rdi
	/* Frame pointer chain through the interrupted code, for backtraces. */
	mov GPRS_SIZE+16(%rsp), %rax		/* rip of the interrupted code */
	pushq %rax
	pushq %rbp
	mov %rsp, %rbp
	cmpq $32, GPRS_SIZE(%rdi)		/* frame->vector */
	jb 1f
	/* Interrupt: save FPU/SSE state in a 16-byte aligned area. */
	mov %rsp, %rbx
	sub $512, %rsp
	and $~15, %rsp
	fxsave64 (%rsp)
	call trap_dispatch
	fxrstor64 (%rsp)
	mov %rbx, %rsp
	jmp 2f
1:	and $~15, %rsp
	call trap_dispatch
	mov %rbp, %rsp
2:	add $16, %rsp
	pop_gprs
	add $16, %rsp
	iretq

	/*
	 * The stubs, 8 bytes apart (each is at most 7): vector v's is at
	 * isr_stubs + 8 * v, so no table of their addresses is needed (idt.c).
	 */
	.altmacro
	.balign ISR_STUB_SIZE
	.globl isr_stubs
isr_stubs:
	.set i, 0
	.rept 256
	stub %i
	.set i, i + 1
	.endr
	/* A stub longer than ISR_STUB_SIZE bytes moves . past this: "moving .org backwards". */
	.org isr_stubs + 256 * ISR_STUB_SIZE
	.section .note.GNU-stack, "", @progbits
