/* What the scheduler needs from the CPU: switching stacks, FPU state, TLS. */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdint.h>
#include <arch/cpu.h>

#define ARCH_FPU_STATE_SIZE 512
#define ARCH_FPU_STATE_ALIGN 16

void arch_context_switch(uint64_t *save_rsp, uint64_t next_rsp);

/*
 * Lays out a new thread's stack so that switching to it "returns" into
 * entry() with a properly aligned stack. Returns the stack pointer to switch to.
 */
static inline uint64_t arch_thread_stack_init(void *top, void (*entry)(void))
{
	uint64_t *sp = (uint64_t *)((uintptr_t)top & ~15ul);
	*--sp = 0;                 /* entry's return address: ends backtraces */
	*--sp = (uint64_t)entry;   /* popped by arch_context_switch's ret */
	for (int i = 0; i < 6; i++)
		*--sp = 0;         /* rbp, rbx, r12-r15 */
	return (uint64_t)sp;
}

static inline void arch_fpu_save(void *area) { __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory"); }
static inline void arch_fpu_restore(const void *area) { __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory"); }

/* Points %fs at the thread's TLS control block (x86_64 TLS variant II). */
static inline void arch_set_thread_pointer(uint64_t tp) { wrmsr(MSR_FS_BASE, tp); }

#endif
