/* Signal delivery between the console, the scheduler and the program (core/signal.c). */
#ifndef YOLK_SIGNAL_H
#define YOLK_SIGNAL_H

struct thread;

/*
 * sig for thread t from outside it (the console's Ctrl-C), from any context:
 * 1 if its action is taken care of (a handler now pending in t, or ignored),
 * 0 if the action is the default one, which the caller carries out.
 */
int signal_post(struct thread *t, int sig);

/* For the interrupt return path: 1 if the current thread has a signal to run now (holds nothing). */
int signal_due(void);

/* Runs the calling thread's pending, unblocked signals' actions (from the trampoline too). */
void signal_run_pending(void);

/* Makes the interrupted thread of frame tf (a struct trap_frame) run its signals first (arch). */
struct trap_frame;
void arch_signal_redirect(struct trap_frame *tf);

/* Where the current thread resumes after its handlers: kept in it while the trampoline starts. */
void signal_set_resume(unsigned long rip, unsigned long rflags);
/* slots[0] = rflags, slots[1] = rip, as signal_set_resume() left them. */
void signal_get_resume(unsigned long *slots);

#endif
