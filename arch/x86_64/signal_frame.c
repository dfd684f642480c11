/*
 * Delivering a signal to an interrupted thread (core/signal.c): the
 * interrupt returns into arch_signal_trampoline (signal_trampoline.S)
 * instead of into the thread's code, with interrupts off and every register
 * as the code left it. The interrupted rip and rflags wait in the thread
 * (signal_set_resume): the trap frame itself lies just below the stack
 * pointer, where the trampoline's pushes will go, so nothing can be put
 * there while the interrupt still needs it.
 */
#include <arch/trap.h>
#include <yolk/signal.h>

#define RFLAGS_IF (1ul << 9)

void arch_signal_trampoline(void);

void arch_signal_redirect(struct trap_frame *tf)
{
	signal_set_resume(tf->rip, tf->rflags);
	tf->rip = (uint64_t)arch_signal_trampoline;
	tf->rflags &= ~RFLAGS_IF; /* until the trampoline has taken rip and rflags back */
}
