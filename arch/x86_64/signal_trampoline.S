/*
 * Entered by iretq from an interrupt (arch_signal_redirect) with %rsp at a
 * copy of the interrupted thread's trap frame, interrupts as they were.
 * Runs the thread's pending signal handlers with the FPU/SSE state saved,
 * then resumes the interrupted code from the copy, as isr_common would have.
 */
	.text
	.globl arch_signal_trampoline
arch_signal_trampoline:
	mov %rsp, %rbx			/* the frame copy; %rbx survives the call */
	/* Frame pointer chain through the interrupted code, for backtraces. */
	pushq 17*8(%rbx)		/* its rip */
	pushq 8*8(%rbx)			/* its rbp */
	mov %rsp, %rbp
	sub $512, %rsp
	and $~15, %rsp
	fxsave64 (%rsp)
	call signal_run_pending
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
	add $16, %rsp			/* vector and error code */
	iretq
