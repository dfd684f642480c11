/* The scheduler's own view of a thread, shared with the code that blocks. */
#ifndef CORE_SCHED_INTERNAL_H
#define CORE_SCHED_INTERNAL_H

#include <stdint.h>
#include <arch/context.h>
#include <yolk/sched.h>
#include <yolk/spinlock.h>
#include <yolk/waitq.h>

struct thread {
	uint8_t fpu[ARCH_FPU_STATE_SIZE] __attribute__((aligned(ARCH_FPU_STATE_ALIGN)));
	uint64_t rsp;      /* saved stack pointer while not running */
	uint64_t tp;       /* thread pointer (%fs base) */
	void *tls;         /* TLS block (NULL for main: it uses the boot block) */
	void *stack_top;
	size_t stack_size;
	int id, prio, state;
	int wake_reason;   /* 0: unparked; -ETIMEDOUT: deadline passed; -EINTR: cancelled */
	int sleeping;      /* on the sleepers list */
	int detached, joining;
	int is_app;        /* started by yolk_app_run: exit() ends only this thread */
	struct app_run *run; /* the app run it belongs to (yolk/app.h), or NULL */
	int kill_pending;  /* Ctrl-C: end it at the next safe interrupt */
	int holds;         /* kmutexes and file references held: never killed while > 0 */
	uint64_t wake_at;
	uint64_t cpu_ticks;
	uint64_t cpu_ns;     /* CPU time used before the current run (switch-time TSC) */
	uint64_t ran_since;  /* time_monotonic_ns() when it last started running */
	uint64_t handle;     /* its generation-checked handle (core/thread_handle.c), 0 if none */
	int stack_given;     /* the stack is the caller's (pthread_attr_setstack): never freed here */
	thread_fn fn;
	void *arg, *retval;
	struct waitq joiners;
	struct thread *run_next, *sleep_next, *wq_next, *all_next;
	void *keys[THREAD_KEYS_MAX];
	char name[THREAD_NAME_MAX];
	/* POSIX cancellation (core/pthread_cancel.c) */
	int cancel_pending;  /* pthread_cancel() asked; acted on at a cancellation point */
	int cancel_disabled; /* PTHREAD_CANCEL_DISABLE */
	int cancel_async;    /* PTHREAD_CANCEL_ASYNCHRONOUS */
	int cancel_points;   /* depth of cancellation-point calls it is inside */
	int user_holds;      /* of holds, the pthread mutexes the app holds (cancellation may act) */
	/* POSIX scheduling policy (core/sched_policy.c): rt_prio > 0 ranks above every prio */
	int policy, rt_prio;
	/* SMP */
	uint64_t affinity;   /* CPUs it may run on, bit i for CPU i; 0: any */
	int on_cpu;          /* running, or its switch away not yet done: no other CPU may take it */
	unsigned cpu;        /* the CPU it runs or last ran on */
	int is_idle;         /* a CPU's idle thread: never queued, CPU time not the process's */
	/* Signals (core/signal.c): posted by the console's Ctrl-C or raise(), and held back */
	unsigned long sig_pending, sig_blocked;
	unsigned long sig_resume_rip, sig_resume_rflags; /* for the trampoline (arch_signal_redirect) */
};

/* A pthread_cancel() that cuts t's waits short: pending, enabled, t inside a cancellation point. */
static inline int thread_cancel_wakes(const struct thread *t)
{
	return t->cancel_pending && !t->cancel_disabled && t->cancel_points > 0;
}

/*
 * Protects the run queues, every thread's state, wake_reason and sleeping,
 * the sleepers and the thread list (core/sched.c). Innermost but for the
 * time and console locks (yolk/lock_order.h).
 */
extern struct spinlock sched_lock;

/*
 * Parks the current thread until sched_unpark() or the deadline. Interrupts
 * off; `held` (NULL: none) is the lock protecting what the thread waits
 * for, taken by the caller and the only spinlock it holds: it is released
 * atomically with parking and taken again before returning (sched_lock
 * itself may be passed: then it stays held). Returns 0 (unparked),
 * -ETIMEDOUT (the deadline passed) or -EINTR (thread_kill(), or
 * pthread_cancel() at a cancellation point: the caller must not wait again
 * as if nothing happened, see sched.h).
 */
int sched_park(struct spinlock *held, uint64_t deadline_ns);

/*
 * Makes a parked thread runnable (no-op otherwise). Called with the lock the
 * thread passed to sched_park() held (so interrupts are off); takes
 * sched_lock.
 */
void sched_unpark(struct thread *t);

/*
 * Handles (core/thread_handle.c): thread_handle_bind() gives t a handle, or
 * returns -EAGAIN when every slot is taken; thread_handle_unbind() ends it,
 * so lookups of the old value fail. Both called with thread_handle_lock
 * held, which comes before sched_lock.
 */
extern struct spinlock thread_handle_lock;
int thread_handle_bind(struct thread *t);
void thread_handle_unbind(struct thread *t);

/* Asks the timer to interrupt no later than deadline (core/time.c). */
void time_request_wakeup(uint64_t deadline_ns);

#endif
