/*
 * Signals within the one program yolk runs: sigaction(), signal(), raise(),
 * sigprocmask()/pthread_sigmask(), and the one signal from outside, SIGINT
 * from Ctrl-C on the console (core/tty.c).
 *
 * Actions are the program's (one table, as one process has); masks and
 * pending signals are each thread's. raise() runs the action at once in the
 * caller, unless blocked. SIGINT from the console is posted to the
 * foreground thread when a handler is installed (otherwise the tty ends the
 * app, the default action) and the handler runs in that thread, the way a
 * Unix kernel delivers it: the next timer interrupt that finds the thread
 * in its own code holding no kernel lock returns into a trampoline on the
 * thread's own stack (arch_signal_redirect), which saves the interrupted
 * registers and FPU state, runs the handler and resumes where it was. A
 * blocked wait is not cut short (no EINTR): the handler runs once the
 * thread runs its own code again.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <yolk/sched.h>
#include <yolk/signal.h>
#include "sched_internal.h"

#define BIT(sig) (1ul << (sig))
/* What no mask can hold back (POSIX: SIGKILL and SIGSTOP cannot be blocked). */
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

/* Read by the tick (signal_post) without a lock: each field is one atomic word. */
static struct {
	void (*handler)(int); /* or sa_sigaction's function, with SA_SIGINFO */
	unsigned long mask;
	int flags;
} actions[_NSIG];

static int valid(int sig) { return sig > 0 && sig < _NSIG; }

/* Default actions that do nothing (POSIX: SIGCHLD, SIGURG, SIGWINCH; SIGCONT continues). */
static int default_ignores(int sig) { return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT; }

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!valid(sig) || (act && (sig == SIGKILL || sig == SIGSTOP))) {
		errno = EINVAL;
		return -1;
	}
	if (old) {
		memset(old, 0, sizeof(*old));
		old->sa_handler = __atomic_load_n(&actions[sig].handler, __ATOMIC_ACQUIRE);
		old->sa_mask = actions[sig].mask;
		old->sa_flags = actions[sig].flags;
	}
	if (act) {
		__atomic_store_n(&actions[sig].mask, act->sa_mask & ~UNBLOCKABLE, __ATOMIC_RELAXED);
		__atomic_store_n(&actions[sig].flags, act->sa_flags, __ATOMIC_RELAXED);
		__atomic_store_n(&actions[sig].handler, act->sa_handler, __ATOMIC_RELEASE);
	}
	return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr func)
{
	/* BSD semantics, as glibc's signal(): the handler stays, the signal is held while it runs. */
	struct sigaction act = {.sa_handler = func, .sa_flags = SA_RESTART}, old;
	if (sigaction(sig, &act, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* Runs sig's action in the calling thread. */
static void run_action(int sig)
{
	struct thread *t = thread_self();
	void (*h)(int) = __atomic_load_n(&actions[sig].handler, __ATOMIC_ACQUIRE);
	int flags = __atomic_load_n(&actions[sig].flags, __ATOMIC_RELAXED);
	if (h == SIG_IGN || (h == SIG_DFL && default_ignores(sig)))
		return;
	if (h == SIG_DFL)
		_exit(128 + sig); /* ends an app (its thread), or the machine for a boot program */
	if (flags & SA_RESETHAND)
		__atomic_compare_exchange_n(&actions[sig].handler, &h, SIG_DFL, 0, __ATOMIC_ACQ_REL,
					    __ATOMIC_RELAXED);
	unsigned long saved = t->sig_blocked;
	t->sig_blocked |= (actions[sig].mask | ((flags & SA_NODEFER) ? 0 : BIT(sig))) & ~UNBLOCKABLE;
	if (flags & SA_SIGINFO) {
		siginfo_t info = {.si_signo = sig, .si_code = SI_USER};
		((void (*)(int, siginfo_t *, void *))(void (*)(void))h)(sig, &info, NULL);
	} else {
		h(sig);
	}
	t->sig_blocked = saved;
}

void signal_run_pending(void)
{
	struct thread *t = thread_self();
	for (;;) {
		unsigned long ready = __atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) & ~t->sig_blocked;
		if (ready == 0)
			return;
		int sig = __builtin_ctzl(ready);
		__atomic_and_fetch(&t->sig_pending, ~BIT(sig), __ATOMIC_ACQ_REL);
		run_action(sig);
	}
}

int raise(int sig)
{
	if (!valid(sig)) {
		errno = EINVAL;
		return -1;
	}
	struct thread *t = thread_self();
	if (t == NULL) { /* before the scheduler: only the default action can apply */
		run_action(sig);
		return 0;
	}
	__atomic_or_fetch(&t->sig_pending, BIT(sig), __ATOMIC_ACQ_REL);
	signal_run_pending(); /* nothing if sig is blocked: it stays pending */
	return 0;
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	struct thread *t = thread_self();
	unsigned long cur = t ? t->sig_blocked : 0;
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return EINVAL;
	if (old)
		*old = cur;
	if (set == NULL || t == NULL)
		return 0;
	if (how == SIG_BLOCK)
		cur |= *set;
	else if (how == SIG_UNBLOCK)
		cur &= ~*set;
	else
		cur = *set;
	t->sig_blocked = cur & ~UNBLOCKABLE & (BIT(_NSIG) - 1);
	/* POSIX: a signal pending and unblocked by this call is delivered before it returns. */
	signal_run_pending();
	return 0;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	int r = pthread_sigmask(how, set, old);
	return r ? (errno = r, -1) : 0;
}

int sigpending(sigset_t *set)
{
	struct thread *t = thread_self();
	*set = t ? __atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) & t->sig_blocked : 0;
	return 0;
}

int signal_post(struct thread *t, int sig)
{
	void (*h)(int) = __atomic_load_n(&actions[sig].handler, __ATOMIC_ACQUIRE);
	if (h == SIG_DFL && !default_ignores(sig))
		return 0;
	if (h != SIG_IGN && h != SIG_DFL)
		__atomic_or_fetch(&t->sig_pending, BIT(sig), __ATOMIC_ACQ_REL);
	return 1;
}

int signal_due(void)
{
	struct thread *t = thread_self();
	return t && t->holds == 0 && (__atomic_load_n(&t->sig_pending, __ATOMIC_RELAXED) & ~t->sig_blocked);
}

void signal_set_resume(unsigned long rip, unsigned long rflags)
{
	struct thread *t = thread_self();
	t->sig_resume_rip = rip;
	t->sig_resume_rflags = rflags;
}

void signal_get_resume(unsigned long *slots)
{
	struct thread *t = thread_self();
	slots[0] = t->sig_resume_rflags;
	slots[1] = t->sig_resume_rip;
}
