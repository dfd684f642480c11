/*
 * Entered from an interrupt's iretq (arch_signal_redirect) with interrupts
 * off, on the interrupted thread's stack, every register as its code left
 * it. Saves them and the FPU/SSE state, runs the thread's pending signal
 * handlers with interrupts on, and resumes the code where it was: popfq
 * and ret through the rip and rflags signal_get_resume() gave back.
 */
#include <arch/gprs.h>
	.text
	.globl arch_signal_trampoline
arch_signal_trampoline:
	sub $16, %rsp			/* 0(%rsp): rflags, 8(%rsp): rip (no red zone in the image) */
	push_gprs
	mov %rsp, %rbx			/* the saved registers; %rbx survives the calls */
	and $~15, %rsp
	lea GPRS_SIZE(%rbx), %rdi
	call signal_get_resume		/* fills the rflags and rip slots */
	/* Frame pointer chain through the interrupted code, for backtraces. */
	pushq GPRS_SIZE+8(%rbx)		/* its rip */
	pushq %rbp
	mov %rsp, %rbp
	sub $512, %rsp
	and $~15, %rsp
	fxsave64 (%rsp)
	sti
	call signal_run_pending
	cli				/* the FPU state back before another delivery can start */
	fxrstor64 (%rsp)
	mov %rbx, %rsp
	pop_gprs
	popfq				/* its rflags, interrupts on again */
	ret				/* to its rip */
