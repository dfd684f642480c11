/*
 * arch_context_switch(uint64_t *save_rsp, uint64_t next_rsp): saves the
 * callee-saved registers on the current stack, stores the stack pointer in
 * *save_rsp, and resumes the thread whose stack pointer is next_rsp, which
 * was saved the same way (or laid out by arch_thread_stack_init()).
 * Caller-saved registers and the FPU state are the caller's business.
 */
	.text
	.globl arch_context_switch
	.type arch_context_switch, @function
arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size arch_context_switch, . - arch_context_switch
	.section .note.GNU-stack, "", @progbits
