/*
 * Entered from an interrupt's iretq (arch_signal_redirect) with interrupts
 * off, on the interrupted thread's stack, every register as its code left
 * it. Saves them and the FPU/SSE state, runs the thread's pending signal
 * handlers with interrupts on, and resumes the code where it was: popfq
 * and ret through the rip and rflags signal_get_resume() gave back.
 */
	.text
	.globl arch_signal_trampoline
arch_signal_trampoline:
	sub $16, %rsp			/* 0(%rsp): rflags, 8(%rsp): rip (no red zone in the image) */
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
	mov %rsp, %rbx			/* the saved registers; %rbx survives the calls */
	and $~15, %rsp
	lea 15*8(%rbx), %rdi
	call signal_get_resume		/* fills the rflags and rip slots */
	/* Frame pointer chain through the interrupted code, for backtraces. */
	pushq 16*8(%rbx)		/* its rip */
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
	popfq				/* its rflags, interrupts on again */
	ret				/* to its rip */
