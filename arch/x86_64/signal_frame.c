/*
 * Delivering a signal to an interrupted thread (core/signal.c): the
 * interrupt returns into arch_signal_trampoline (signal_trampoline.S) on the
 * thread's own stack instead of into its code, with a copy of the
 * interrupted registers (the trap frame) at the stack pointer. The
 * trampoline runs the handlers and returns to the interrupted code through
 * that copy with iretq, every register as it was.
 */
#include <string.h>
#include <arch/trap.h>
#include <yolk/signal.h>

void arch_signal_trampoline(void);

void arch_signal_redirect(struct trap_frame *tf)
{
	/* No red zone in the image (cross file): below the stack pointer is free. */
	uint64_t sp = (tf->rsp & ~15ul) - sizeof(*tf);
	_Static_assert(sizeof(struct trap_frame) % 16 == 0, "the copy keeps the stack 16-byte aligned");
	memcpy((void *)sp, tf, sizeof(*tf));
	tf->rsp = sp;
	tf->rip = (uint64_t)arch_signal_trampoline;
}
