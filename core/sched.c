/*
 * The scheduler: THREAD_NPRIO priorities, round-robin within a priority,
 * preemption on the timer tick (a time slice is one tick) and when a
 * higher-priority thread becomes runnable. sched_lock protects the run
 * queues, every thread's state, the sleepers, the thread list and the
 * reapable list.
 *
 * SMP: one run queue for all CPUs (at 2-4 CPUs one lock is not the
 * bottleneck), a `current` and an idle thread per CPU (struct cpu). A thread
 * made runnable goes to the CPU it may run on that is idle, or else runs the
 * least important thread below it: that CPU's need_resched is set and, if it
 * is another CPU, it gets a reschedule IPI (VECTOR_RESCHED). A thread's
 * affinity mask is honoured by the pick.
 *
 * Blocking is built from two primitives: sched_park() puts the current thread
 * to sleep (optionally until a deadline), handing over the lock that
 * protects what it waits for; sched_unpark() makes a parked thread runnable.
 * Wait queues (below) and channels (core/chan.c) use them.
 *
 * Across a context switch sched_lock stays taken: the thread that switches
 * away holds it, the thread switched to (returning from its own
 * switch_to_next(), or a new one in thread_start()) releases it. So no other
 * CPU can pick a thread before its stack is left: on_cpu says so, and the
 * pick asserts it.
 */
#include <errno.h>
#include <stdint.h>
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/ipi.h>
#include <arch/percpu.h>
#include <yolk-config/core.h>
#include <yolk/app.h>
#include <yolk/console.h>
#include <yolk/cpu.h>
#include <yolk/mm.h>
#include <yolk/panic.h>
#include <yolk/sched.h>
#include <yolk/spinlock.h>
#include <yolk/time.h>
#include <yolk/tty.h>
#include <yolk/waitq.h>
#include "sched_internal.h"

#define THREAD_STACK_DEFAULT (CONFIG_THREAD_STACK_KB * 1024ul)
#define IDLE_STACK (16 * 1024ul)

extern char __tls_size[], __x86_tls_tcb_offset[];
void _init_tls(void *tls);

enum thread_state { T_RUNNABLE, T_RUNNING, T_BLOCKED, T_ZOMBIE };
static const char *const state_names[] = {"runnable", "running", "blocked", "zombie"};

struct spinlock sched_lock = SPINLOCK_INIT("sched", LOCK_RANK_SCHED);

/* The running thread and the idle thread of the calling CPU. */
#define current cpu_current()
#define idle_thread (this_cpu()->idle)
/*
 * One run queue per rank: ordinary priorities 0..THREAD_NPRIO-1, then the
 * real-time priorities 1..THREAD_RT_PRIO_MAX above them all.
 */
#define NRANK (THREAD_NPRIO + THREAD_RT_PRIO_MAX)
static struct thread *runq_head[NRANK], *runq_tail[NRANK];
static struct thread *sleepers; /* sorted by wake_at */
static struct thread *all_threads, *all_tail;
static struct thread *reapable;
static volatile int queued; /* threads in the run queues: the idle loop polls it without the lock */
static volatile int sched_up; /* sched_init() done: the other CPUs may start taking threads */
static int next_id;
static uint64_t gone_cpu_ns; /* CPU time of the threads already freed */
static uint8_t fpu_initial[ARCH_FPU_STATE_SIZE] __attribute__((aligned(ARCH_FPU_STATE_ALIGN)));

int sched_running(void) { return current != NULL; }

struct thread *thread_self(void) { return current; }

int thread_id(const struct thread *t) { return t->id; }

int thread_get_prio(const struct thread *t) { return t->prio; }

void **thread_key_slots(struct thread *t) { return t->keys; }

void thread_set_app(struct thread *t, int is_app) { t->is_app = is_app; }

int thread_is_app(const struct thread *t) { return t && t->is_app; }

struct app_run *thread_app_run(const struct thread *t) { return t ? t->run : NULL; }

void thread_set_name(struct thread *t, const char *name)
{
	strncpy(t->name, name ? name : "", THREAD_NAME_MAX - 1);
}

static int rank(const struct thread *t) { return t->rt_prio ? THREAD_NPRIO - 1 + t->rt_prio : t->prio; }

/* Whether t may run on CPU id (its affinity mask; 0 means any CPU). */
static int allowed(const struct thread *t, unsigned id)
{
	return t->affinity == 0 || (t->affinity >> id & 1);
}

/* Asks CPU c to pick again; sched_lock held. Another CPU hears it through an IPI. */
static void resched_cpu(struct cpu *c)
{
	c->need_resched = 1;
	if (c != this_cpu())
		lapic_send_ipi(c->apic_id, VECTOR_RESCHED);
}

/*
 * t has just been queued: the CPU that should run it is told. This CPU if
 * it idles; else another idle CPU t may use; else this CPU if t outranks
 * what runs here; else the CPU running the least important thread below t.
 * sched_lock held.
 */
static void place(struct thread *t)
{
	struct cpu *me = this_cpu(), *best = NULL;
	int r = rank(t), here = allowed(t, me->id) && me->thread;
	if (here && me->thread == me->idle) {
		me->need_resched = 1;
		return;
	}
	for (unsigned i = 0; i < cpu_count_found(); i++) {
		struct cpu *c = cpu_by_id(i);
		if (c == me || c->thread == NULL || !allowed(t, i))
			continue;
		if (c->thread == c->idle) {
			if (!c->need_resched) {
				resched_cpu(c);
				return;
			}
		} else if (r > rank(c->thread) && (best == NULL || rank(c->thread) < rank(best->thread))) {
			best = c;
		}
	}
	if (here && r > rank(me->thread))
		me->need_resched = 1;
	else if (best)
		resched_cpu(best);
}

static void runq_push(struct thread *t)
{
	KASSERT(spin_held(&sched_lock));
	int r = rank(t);
	t->state = T_RUNNABLE;
	t->run_next = NULL;
	if (runq_tail[r])
		runq_tail[r]->run_next = t;
	else
		runq_head[r] = t;
	runq_tail[r] = t;
	queued++;
	place(t);
}

/* POSIX: a preempted real-time thread goes back to the head of its list, not the tail. */
static void runq_push_head(struct thread *t)
{
	int r = rank(t);
	t->state = T_RUNNABLE;
	t->run_next = runq_head[r];
	runq_head[r] = t;
	if (runq_tail[r] == NULL)
		runq_tail[r] = t;
	queued++;
	place(t);
}

/* The first thread of the highest rank that may run on CPU id, taken off its queue; or NULL. */
static struct thread *runq_pop(unsigned id)
{
	for (int p = NRANK - 1; p >= 0; p--) {
		struct thread *prev = NULL;
		for (struct thread *t = runq_head[p]; t; prev = t, t = t->run_next) {
			if (!allowed(t, id))
				continue;
			if (prev)
				prev->run_next = t->run_next;
			else
				runq_head[p] = t->run_next;
			if (runq_tail[p] == t)
				runq_tail[p] = prev;
			queued--;
			return t;
		}
	}
	return NULL;
}

/* Whether a thread of rank min_rank or above waits that CPU id may run. */
static int runq_has(unsigned id, int min_rank)
{
	for (int p = NRANK - 1; p >= min_rank; p--)
		for (struct thread *t = runq_head[p]; t; t = t->run_next)
			if (allowed(t, id))
				return 1;
	return 0;
}

static void runq_remove(struct thread *t)
{
	struct thread **pp = &runq_head[rank(t)], *prev = NULL;
	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->run_next;
	}
	if (*pp == NULL)
		return;
	*pp = t->run_next;
	if (runq_tail[rank(t)] == t)
		runq_tail[rank(t)] = prev;
	queued--;
}

static void sleepers_insert(struct thread *t)
{
	struct thread **pp = &sleepers;
	while (*pp && (*pp)->wake_at <= t->wake_at)
		pp = &(*pp)->sleep_next;
	t->sleep_next = *pp;
	*pp = t;
	t->sleeping = 1;
}

static void sleepers_remove(struct thread *t)
{
	if (!t->sleeping)
		return;
	for (struct thread **pp = &sleepers; *pp; pp = &(*pp)->sleep_next) {
		if (*pp == t) {
			*pp = t->sleep_next;
			break;
		}
	}
	t->sleeping = 0;
}

/* The thread switched to, on its new stack: the one switched away from is off this CPU now. */
static void switch_done(void)
{
	struct cpu *me = this_cpu();
	me->switched_from->on_cpu = 0;
	me->switched_from = NULL;
}

/*
 * Runs the next thread; the caller has already queued or parked `current`.
 * Called with sched_lock held; returns (in `current`, once it runs again)
 * with it held.
 */
static void switch_to_next(void)
{
	KASSERT(spin_held(&sched_lock));
	struct cpu *me = this_cpu();
	struct thread *prev = current, *next = runq_pop(me->id);
	if (next == NULL)
		next = me->idle;
	me->need_resched = 0;
	me->slice_over = 0;
	if (next == prev) {
		prev->state = T_RUNNING;
		return;
	}
	KASSERT(!next->on_cpu);
	uint64_t now = time_monotonic_ns();
	prev->cpu_ns += now - prev->ran_since;
	next->ran_since = now;
	arch_fpu_save(prev->fpu);
	me->thread = next;
	me->switched_from = prev;
	next->state = T_RUNNING;
	next->on_cpu = 1;
	next->cpu = me->id;
	arch_set_thread_pointer(next->tp);
	arch_context_switch(&prev->rsp, next->rsp);
	/* Back in prev, switched to by someone else, maybe on another CPU. */
	switch_done();
	arch_fpu_restore(prev->fpu);
}

/* How often a killed thread that waits again is woken to find its way out. */
#define KILL_RECHECK_NS (10 * 1000 * 1000ull)

/* sched_park() with sched_lock held: the state change and the switch. */
static int park_locked(uint64_t deadline)
{
	/*
	 * thread_kill() woke it once; code that ignored that -EINTR and waits
	 * again must not sleep through the kill: every wait of a killed thread
	 * ends soon with -EINTR, until one returns it to its own code, where the
	 * timer ends it (sched_kill_due).
	 */
	uint64_t asked = deadline;
	if (current->kill_pending || thread_cancel_wakes(current)) {
		uint64_t soon = time_monotonic_ns() + KILL_RECHECK_NS;
		if (deadline > soon)
			deadline = soon;
	}
	current->state = T_BLOCKED;
	current->wake_reason = 0;
	if (deadline != WAIT_FOREVER) {
		current->wake_at = deadline;
		sleepers_insert(current);
		time_request_wakeup(deadline);
	}
	switch_to_next();
	sleepers_remove(current);
	if (current->kill_pending)
		return asked != WAIT_FOREVER && time_monotonic_ns() >= asked ? -ETIMEDOUT : -EINTR;
	/* Woken by what it waited for (reason 0): the event wins over a cancellation. */
	if (thread_cancel_wakes(current) && current->wake_reason)
		return asked != WAIT_FOREVER && time_monotonic_ns() >= asked ? -ETIMEDOUT : -EINTR;
	return current->wake_reason;
}

int sched_park(struct spinlock *held, uint64_t deadline)
{
	KASSERT(!irqs_enabled());
	KASSERT(held == NULL || spin_held(held));
	lock_debug_may_sleep(held);
	if (held == &sched_lock)
		return park_locked(deadline);
	/* Taken before `held` is let go: a waker needs both, so it cannot slip in between. */
	spin_lock(&sched_lock);
	if (held)
		spin_unlock(held);
	int r = park_locked(deadline);
	spin_unlock(&sched_lock);
	if (held)
		spin_lock(held);
	return r;
}

/* Makes t runnable if it is parked; sched_lock held. */
static void unpark_locked(struct thread *t)
{
	KASSERT(spin_held(&sched_lock));
	if (t->state != T_BLOCKED)
		return;
	sleepers_remove(t);
	t->wake_reason = 0;
	runq_push(t);
}

void thread_kill(struct thread *t)
{
	int irq = spin_lock_irqsave(&sched_lock);
	if (t->is_app && t->state != T_ZOMBIE) {
		t->kill_pending = 1;
		unpark_locked(t);
	}
	spin_unlock_irqrestore(&sched_lock, irq);
}

int thread_kill_pending(void) { return current && (current->kill_pending || thread_cancel_wakes(current)); }

void thread_kill_point(void)
{
	if (current && current->kill_pending && current->holds == 0)
		sched_killed();
}

void thread_hold_begin(void)
{
	if (current)
		__atomic_add_fetch(&current->holds, 1, __ATOMIC_RELAXED);
}

void thread_hold_end(void)
{
	if (current)
		__atomic_sub_fetch(&current->holds, 1, __ATOMIC_RELAXED);
}

int sched_kill_due(void)
{
	return current && current->kill_pending && current->holds == 0 && current->state == T_RUNNING;
}

int sched_cancel_due(void)
{
	struct thread *t = current;
	return t && t != idle_thread && t->state == T_RUNNING && t->cancel_pending && t->cancel_async &&
	       !t->cancel_disabled && t->holds == t->user_holds;
}

void sched_killed(void)
{
	current->kill_pending = 0;
	tty_forget(current);
	irq_enable();
	thread_exit((void *)(intptr_t)130);
}

void sched_unpark(struct thread *t)
{
	KASSERT(!irqs_enabled());
	spin_lock(&sched_lock);
	unpark_locked(t);
	spin_unlock(&sched_lock);
}

void sched_tick(uint64_t now, int new_tick)
{
	if (current == NULL)
		return;
	spin_lock(&sched_lock);
	while (sleepers && sleepers->wake_at <= now) {
		struct thread *t = sleepers;
		sleepers = t->sleep_next;
		t->sleeping = 0;
		t->wake_reason = -ETIMEDOUT;
		runq_push(t);
	}
	if (new_tick) {
		current->cpu_ticks++;
		/*
		 * Time slice over: let the next thread of the same priority run.
		 * SCHED_FIFO has no slices: it runs until it blocks or yields.
		 */
		if (current != idle_thread && current->policy != SCHED_FIFO &&
		    runq_has(this_cpu()->id, rank(current))) {
			this_cpu()->need_resched = 1;
			this_cpu()->slice_over = 1;
		}
	}
	spin_unlock(&sched_lock);
}

uint64_t sched_next_wakeup(void)
{
	spin_lock(&sched_lock);
	uint64_t at = sleepers ? sleepers->wake_at : UINT64_MAX;
	spin_unlock(&sched_lock);
	return at;
}

void sched_preempt_point(void)
{
	KASSERT(!irqs_enabled());
	if (current == NULL)
		return;
	/* It may switch away: whatever called it (ksem_post, kcond_signal ...) must hold no spinlock. */
	lock_debug_may_sleep(NULL);
	spin_lock(&sched_lock);
	struct cpu *me = this_cpu();
	/* A thread whose affinity no longer includes this CPU leaves it at once. */
	if (!allowed(current, me->id))
		me->need_resched = 1;
	if (me->need_resched) {
		if (current != idle_thread && current->state == T_RUNNING) {
			if (current->rt_prio && !me->slice_over)
				runq_push_head(current);
			else
				runq_push(current);
		}
		switch_to_next();
	}
	spin_unlock(&sched_lock);
}

void thread_yield(void)
{
	if (current == NULL)
		return;
	lock_debug_may_sleep(NULL);
	int irq = spin_lock_irqsave(&sched_lock);
	runq_push(current);
	switch_to_next();
	spin_unlock_irqrestore(&sched_lock, irq);
}

void thread_sleep_until(uint64_t deadline)
{
	int irq = spin_lock_irqsave(&sched_lock);
	while (time_monotonic_ns() < deadline && sched_park(&sched_lock, deadline) != -EINTR)
		;
	spin_unlock_irqrestore(&sched_lock, irq);
}

/* --- creation, exit, join --- */

static void thread_free(struct thread *t)
{
	/* Ctrl-C must never reach freed memory through the terminal's foreground. */
	tty_forget(t);
	int irq = spin_lock_irqsave(&thread_handle_lock);
	thread_handle_unbind(t);
	spin_unlock_irqrestore(&thread_handle_lock, irq);
	if (t->stack_top && !t->stack_given)
		vm_free_stack(t->stack_top, t->stack_size);
	free(t->tls);
	/* Poisoned: a stale struct thread pointer reads nonsense at once, not a plausible old thread. */
	memset(t, 0x6b, sizeof(*t));
	free(t);
}

/* Takes a finished thread, already unbound from its handle, off the thread list; sched_lock held. */
static void unlink_from_all(struct thread *t)
{
	KASSERT(spin_held(&sched_lock));
	struct thread *prev = NULL;
	gone_cpu_ns += t->cpu_ns;
	for (struct thread *i = all_threads; i; prev = i, i = i->all_next) {
		if (i == t) {
			if (prev)
				prev->all_next = t->all_next;
			else
				all_threads = t->all_next;
			if (all_tail == t)
				all_tail = prev;
			return;
		}
	}
}

/* Frees detached threads that have finished (never the running one). */
static void reap(void)
{
	int irq = spin_lock_irqsave(&sched_lock);
	struct thread *list = reapable;
	reapable = NULL;
	for (struct thread *t = list; t; t = t->run_next)
		unlink_from_all(t);
	spin_unlock_irqrestore(&sched_lock, irq);
	while (list) {
		struct thread *next = list->run_next;
		thread_free(list);
		list = next;
	}
}

/* A new thread's first code: switched to under sched_lock, which it lets go (see the top). */
static __attribute__((noreturn)) void thread_start(void)
{
	switch_done();
	spin_unlock(&sched_lock);
	arch_fpu_restore(current->fpu);
	irq_enable();
	thread_exit(current->fn(current->arg));
}

static struct thread *thread_alloc(const char *name, int prio)
{
	struct thread *t = memalign(64, sizeof(*t));
	void *tls = memalign(64, (size_t)__tls_size);
	if (t == NULL || tls == NULL) {
		free(t);
		free(tls);
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	_init_tls(tls);
	t->tls = tls;
	t->tp = (uint64_t)tls + (uint64_t)__x86_tls_tcb_offset;
	*(uint64_t *)t->tp = t->tp; /* the TCB's self pointer (%fs:0) */
	memcpy(t->fpu, fpu_initial, sizeof(t->fpu));
	int irq = spin_lock_irqsave(&thread_handle_lock);
	int no_handle = thread_handle_bind(t);
	spin_unlock_irqrestore(&thread_handle_lock, irq);
	if (no_handle) {
		free(t);
		free(tls);
		return NULL;
	}
	thread_set_name(t, name);
	t->prio = prio < 0 ? 0 : prio >= THREAD_NPRIO ? THREAD_NPRIO - 1 : prio;
	return t;
}

static void register_thread(struct thread *t)
{
	KASSERT(spin_held(&sched_lock));
	t->id = next_id++;
	if (all_tail)
		all_tail->all_next = t;
	else
		all_threads = t;
	all_tail = t;
}

/*
 * A new runnable thread in run. given_stack: the caller's [given_stack,
 * given_stack + stack_size) (no guard page, never freed here); NULL: one of
 * yolk's guarded stacks of at least stack_size bytes.
 */
static struct thread *thread_start_in(struct app_run *run, int is_app, const char *name, thread_fn fn, void *arg,
                                      int prio, size_t stack_size, int policy, int rt_prio, void *given_stack)
{
	reap();
	struct thread *t = thread_alloc(name, prio);
	if (t == NULL)
		return NULL;
	t->policy = policy;
	t->rt_prio = rt_prio < 0 ? 0 : rt_prio > THREAD_RT_PRIO_MAX ? THREAD_RT_PRIO_MAX : rt_prio;
	if (given_stack) {
		t->stack_given = 1;
		t->stack_size = stack_size;
		t->stack_top = (void *)(((uintptr_t)given_stack + stack_size) & ~(uintptr_t)15);
	} else {
		/* Up to whole pages: a thread gets at least the stack it asked for. */
		t->stack_size = ((stack_size ? stack_size : THREAD_STACK_DEFAULT) + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
		t->stack_top = vm_alloc_stack(t->stack_size);
		if (t->stack_top == NULL) {
			thread_free(t);
			return NULL;
		}
	}
	t->fn = fn;
	t->arg = arg;
	t->rsp = arch_thread_stack_init(t->stack_top, thread_start);
	t->is_app = is_app;
	t->run = run;
	app_run_hold(run);
	int irq = spin_lock_irqsave(&sched_lock);
	register_thread(t);
	runq_push(t);
	spin_unlock_irqrestore(&sched_lock, irq);
	/* A new thread more important than its creator runs at once (POSIX real-time preemption). */
	sched_preempt_point_voluntary();
	return t;
}

struct thread *thread_create(const char *name, thread_fn fn, void *arg, int prio, size_t stack_size)
{
	return thread_create_sched(name, fn, arg, prio, SCHED_OTHER, 0, stack_size);
}

struct thread *thread_create_sched(const char *name, thread_fn fn, void *arg, int prio, int policy,
                                   int rt_prio, size_t stack_size)
{
	struct app_run *run = current ? current->run : NULL;
	return thread_start_in(run, 0, name, fn, arg, prio, stack_size, policy, rt_prio, NULL);
}

struct thread *thread_create_app(struct app_run *run, const char *name, thread_fn fn, void *arg)
{
	return thread_start_in(run, 1, name, fn, arg, THREAD_PRIO_NORMAL, 0, SCHED_OTHER, 0, NULL);
}

void thread_exit(void *retval)
{
	/*
	 * Still a live thread here, so the run's last files may block while
	 * closing. A kill now would end it a second time, halfway through: from
	 * here on it is never killed.
	 */
	thread_hold_begin();
	struct app_run *run = current->run;
	current->run = NULL;
	app_run_release(run);
	irq_disable(); /* for good: this thread never runs again */
	struct thread *t = current;
	spin_lock(&thread_handle_lock);
	spin_lock(&sched_lock);
	t->retval = retval;
	t->state = T_ZOMBIE;
	waitq_wake_all(&t->joiners);
	if (t->detached) {
		thread_handle_unbind(t);
		t->run_next = reapable;
		reapable = t;
	}
	spin_unlock(&thread_handle_lock);
	switch_to_next();
	panic("a finished thread was scheduled again");
}

int thread_join(struct thread *t, void **retval)
{
	int irq = spin_lock_irqsave(&sched_lock);
	if (t == current || t->detached || t->joining) {
		spin_unlock_irqrestore(&sched_lock, irq);
		return t == current ? -EDEADLK : -EINVAL;
	}
	t->joining = 1;
	while (t->state != T_ZOMBIE) {
		/* pthread_join() is a cancellation point: a cancelled joiner gives up the join. */
		if (waitq_wait(&t->joiners, &sched_lock, WAIT_FOREVER) == -EINTR && thread_cancel_wakes(current)) {
			t->joining = 0;
			spin_unlock_irqrestore(&sched_lock, irq);
			return -EINTR;
		}
	}
	spin_unlock(&sched_lock);
	/* Joined: nothing else reaches t now, so its handle and list entry can go in two steps. */
	spin_lock(&thread_handle_lock);
	thread_handle_unbind(t);
	spin_unlock(&thread_handle_lock);
	spin_lock(&sched_lock);
	unlink_from_all(t);
	spin_unlock_irqrestore(&sched_lock, irq);
	if (retval)
		*retval = t->retval;
	thread_free(t);
	return 0;
}

int thread_detach(struct thread *t)
{
	/* thread_handle_lock first: a finished thread's handle ends here. */
	int irq = spin_lock_irqsave(&thread_handle_lock);
	spin_lock(&sched_lock);
	int r = 0;
	if (t->detached || t->joining) {
		r = -EINVAL;
	} else {
		t->detached = 1;
		if (t->state == T_ZOMBIE && t != current) {
			thread_handle_unbind(t);
			t->run_next = reapable;
			reapable = t;
		}
	}
	spin_unlock(&sched_lock);
	spin_unlock_irqrestore(&thread_handle_lock, irq);
	return r;
}

void thread_cancel(struct thread *t)
{
	int irq = spin_lock_irqsave(&sched_lock);
	t->cancel_pending = 1;
	/* A cancel wakeup says EINTR: sched_park() tells it from the event waited for. */
	if (thread_cancel_wakes(t) && t->state == T_BLOCKED) {
		unpark_locked(t);
		t->wake_reason = -EINTR;
	}
	spin_unlock_irqrestore(&sched_lock, irq);
}

void thread_set_prio(struct thread *t, int prio)
{
	thread_set_sched(t, t->policy, prio, t->rt_prio, 0);
	sched_preempt_point_voluntary();
}

void thread_set_sched(struct thread *t, int policy, int prio, int rt_prio, int to_head)
{
	int irq = spin_lock_irqsave(&sched_lock);
	prio = prio < 0 ? 0 : prio >= THREAD_NPRIO ? THREAD_NPRIO - 1 : prio;
	rt_prio = rt_prio < 0 ? 0 : rt_prio > THREAD_RT_PRIO_MAX ? THREAD_RT_PRIO_MAX : rt_prio;
	int runnable = t->state == T_RUNNABLE;
	if (runnable)
		runq_remove(t);
	t->policy = policy;
	t->prio = prio;
	t->rt_prio = rt_prio;
	if (runnable && to_head)
		runq_push_head(t);
	if (runnable && !to_head)
		runq_push(t);
	/* t running on some CPU and now outranked by a thread waiting for that CPU: it picks again. */
	if (t->on_cpu && t->state == T_RUNNING && runq_has(t->cpu, rank(t) + 1)) {
		/* POSIX 2.8.4: changed other than by lowering it goes to the tail, not back to the head. */
		cpu_by_id(t->cpu)->slice_over = !to_head;
		resched_cpu(cpu_by_id(t->cpu));
	}
	spin_unlock_irqrestore(&sched_lock, irq);
}

void thread_get_sched(const struct thread *t, int *policy, int *prio, int *rt_prio)
{
	int irq = spin_lock_irqsave(&sched_lock);
	*policy = t->policy;
	*prio = t->prio;
	*rt_prio = t->rt_prio;
	spin_unlock_irqrestore(&sched_lock, irq);
}

#define AFFINITY_WAIT_NS (100 * 1000000ull)

int thread_set_affinity(struct thread *t, uint64_t mask)
{
	uint64_t online = 0;
	for (unsigned i = 0; i < cpu_count_found() && i < 64; i++)
		if (cpu_is_online(i))
			online |= 1ull << i;
	if ((mask & online) == 0)
		return -EINVAL;
	int irq = spin_lock_irqsave(&sched_lock);
	t->affinity = (mask & online) == online ? 0 : mask & online;
	if (t->state == T_RUNNABLE && !t->on_cpu) {
		runq_remove(t); /* queued again, so a CPU it may use now hears of it */
		runq_push(t);
	} else if (t->on_cpu && !allowed(t, t->cpu)) {
		resched_cpu(cpu_by_id(t->cpu)); /* its preemption point moves it off (sched_preempt_point) */
	}
	/*
	 * As on Linux, t is off a CPU it may no longer use when this returns
	 * (unless t is the caller, which moves at its own preemption point):
	 * waits for the other CPU's switch, bounded in case that CPU is stuck.
	 */
	uint64_t give_up = time_monotonic_ns() + AFFINITY_WAIT_NS;
	while (t != current && t->on_cpu && !allowed(t, t->cpu) && time_monotonic_ns() < give_up) {
		spin_unlock(&sched_lock);
		cpu_pause();
		spin_lock(&sched_lock);
	}
	spin_unlock_irqrestore(&sched_lock, irq);
	return 0;
}

uint64_t thread_get_affinity(const struct thread *t)
{
	uint64_t online = 0;
	for (unsigned i = 0; i < cpu_count_found() && i < 64; i++)
		if (cpu_is_online(i))
			online |= 1ull << i;
	uint64_t m = __atomic_load_n(&t->affinity, __ATOMIC_RELAXED);
	return m ? m & online : online;
}

unsigned sched_this_cpu(void)
{
	int irq = irq_save();
	unsigned id = arch_cpu_id();
	irq_restore(irq);
	return id;
}

uint64_t sched_idle_count(void)
{
	int irq = irq_save();
	uint64_t n = this_cpu()->idle_entries;
	irq_restore(irq);
	return n;
}

void sched_preempt_point_voluntary(void)
{
	/* Not a lock: sched_preempt_point() runs with interrupts off, as on an interrupt's way out. */
	int irq = irq_save();
	sched_preempt_point();
	irq_restore(irq);
}

/* Up to max threads' infos into out, under sched_lock; returns how many threads there are. */
static size_t thread_snapshot(struct thread_info *out, size_t max)
{
	size_t n = 0;
	int irq = spin_lock_irqsave(&sched_lock);
	for (struct thread *t = all_threads; t; t = t->all_next, n++) {
		if (n >= max)
			continue;
		out[n] = (struct thread_info){t->id, {0}, state_names[t->state], t->prio, t->cpu_ticks, t->stack_size, t->cpu};
		memcpy(out[n].name, t->name, THREAD_NAME_MAX);
		if (t->state == T_BLOCKED && t->sleeping)
			out[n].state = "sleeping";
	}
	spin_unlock_irqrestore(&sched_lock, irq);
	return n;
}

/*
 * visit() prints, takes stream locks, may sleep: it runs on a copy taken
 * under sched_lock, not under the lock itself.
 */
void thread_list(void (*visit)(const struct thread_info *info, void *arg), void *arg)
{
	size_t want = thread_snapshot(NULL, 0) + 8, n;
	struct thread_info *infos = malloc(want * sizeof(*infos));
	if (infos == NULL)
		return;
	n = thread_snapshot(infos, want);
	for (size_t i = 0; i < n && i < want; i++)
		visit(&infos[i], arg);
	free(infos);
}

struct thread *thread_create_on_stack(const char *name, thread_fn fn, void *arg, int prio, int policy,
                                      int rt_prio, void *stack, size_t size)
{
	struct app_run *run = current ? current->run : NULL;
	return thread_start_in(run, 0, name, fn, arg, prio, size, policy, rt_prio, stack);
}

static uint64_t cpu_ns_locked(const struct thread *t)
{
	return t->cpu_ns + (t->on_cpu ? time_monotonic_ns() - t->ran_since : 0);
}

uint64_t thread_cpu_ns(const struct thread *t)
{
	int irq = spin_lock_irqsave(&sched_lock);
	uint64_t ns = cpu_ns_locked(t);
	spin_unlock_irqrestore(&sched_lock, irq);
	return ns;
}

uint64_t sched_process_cpu_ns(void)
{
	int irq = spin_lock_irqsave(&sched_lock);
	uint64_t ns = gone_cpu_ns;
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (!t->is_idle)
			ns += cpu_ns_locked(t);
	spin_unlock_irqrestore(&sched_lock, irq);
	return ns;
}

/* --- start-up --- */

/*
 * How long an idle CPU polls the run queue before it halts
 * (CONFIG_SCHED_IDLE_POLL_US, 0 by default: see its help for the figures).
 * A reschedule IPI or a tick ends the halt.
 */
#ifdef CONFIG_SCHED_IDLE_POLL_US
#define IDLE_POLL_NS (CONFIG_SCHED_IDLE_POLL_US * 1000ull)
#else
#define IDLE_POLL_NS 0ull
#endif

static void *idle_loop(void *arg)
{
	(void)arg;
	struct cpu *me = this_cpu(); /* the idle thread never leaves its CPU (affinity) */
	for (;;) {
		me->idle_entries++;
		reap();
		uint64_t until = time_monotonic_ns() + IDLE_POLL_NS;
		while (!queued && !me->need_resched && time_monotonic_ns() < until)
			cpu_pause();
		irq_disable();
		spin_lock(&sched_lock);
		int work = runq_has(me->id, 0);
		if (work)
			switch_to_next();
		spin_unlock(&sched_lock);
		if (work)
			irq_enable();
		else
			cpu_idle(); /* sti; hlt: the next interrupt (a tick, a reschedule IPI) ends it */
	}
	return NULL;
}

/* A new idle thread for CPU id (struct and TLS; the stack is the caller's business). */
static struct thread *idle_alloc(unsigned id)
{
	char name[THREAD_NAME_MAX] = "idle";
	if (id)
		snprintf(name, sizeof(name), "idle%u", id);
	struct thread *t = thread_alloc(name, 0);
	if (t == NULL)
		panic("no memory for cpu %u's idle thread", id);
	t->is_idle = 1;
	t->affinity = 1ull << id;
	return t;
}

void sched_init(void)
{
	/* main's struct is never freed: main never exits through thread_exit(). */
	static struct thread main_thread __attribute__((aligned(64)));
	/* The FPU image every new thread starts from: fninit + default MXCSR. */
	__asm__ volatile("fninit");
	arch_fpu_save(fpu_initial);
	struct thread *m = &main_thread;
	thread_set_name(m, "main");
	m->prio = THREAD_PRIO_NORMAL;
	m->stack_size = CONFIG_MAIN_STACK_SIZE_KB * 1024ul;
	m->tp = rdmsr(MSR_FS_BASE);
	m->state = T_RUNNING;
	int irq = spin_lock_irqsave(&thread_handle_lock);
	if (thread_handle_bind(m))
		panic("no handle for the main thread");
	spin_lock(&sched_lock);
	register_thread(m);
	m->on_cpu = 1;
	m->cpu = this_cpu()->id;
	this_cpu()->thread = m;
	spin_unlock(&sched_lock);
	spin_unlock_irqrestore(&thread_handle_lock, irq);
	struct thread *idle = idle_alloc(this_cpu()->id);
	if ((idle->stack_top = vm_alloc_stack(IDLE_STACK)) == NULL)
		panic("no memory for the idle thread");
	idle->stack_size = IDLE_STACK;
	idle->fn = idle_loop;
	idle->rsp = arch_thread_stack_init(idle->stack_top, thread_start);
	irq = spin_lock_irqsave(&sched_lock);
	register_thread(idle);
	idle->state = T_RUNNABLE;
	this_cpu()->idle = idle;
	spin_unlock_irqrestore(&sched_lock, irq);
	/* The other CPUs' idle threads, made here: an AP has no thread yet to take malloc's lock with. */
	for (unsigned i = 0; i < cpu_count_found(); i++)
		if (i != this_cpu()->id && cpu_is_online(i))
			cpu_by_id(i)->idle = idle_alloc(i);
	__atomic_store_n(&sched_up, 1, __ATOMIC_RELEASE);
}

void sched_cpu_start(void *stack_top, size_t stack_size)
{
	while (!__atomic_load_n(&sched_up, __ATOMIC_ACQUIRE))
		cpu_idle(); /* its ticks wake it to look again */
	irq_disable();
	struct cpu *me = this_cpu();
	struct thread *idle = me->idle;
	idle->stack_top = stack_top;
	idle->stack_size = stack_size;
	idle->stack_given = 1; /* the CPU's own boot stack: never freed */
	arch_set_thread_pointer(idle->tp);
	spin_lock(&sched_lock);
	register_thread(idle);
	idle->state = T_RUNNING;
	idle->on_cpu = 1;
	idle->cpu = me->id;
	idle->ran_since = time_monotonic_ns();
	me->thread = idle;
	spin_unlock(&sched_lock);
	irq_enable();
	idle_loop(NULL);
	panic("idle loop returned");
}

/* --- wait queues (the protocol is in yolk/waitq.h) --- */

static void waitq_remove(struct waitq *q, struct thread *self)
{
	struct thread *prev = NULL;
	for (struct thread *t = q->head; t; prev = t, t = t->wq_next) {
		if (t == self) {
			if (prev)
				prev->wq_next = self->wq_next;
			else
				q->head = self->wq_next;
			if (q->tail == self)
				q->tail = prev;
			return;
		}
	}
}

/* With CONFIG_DEBUG_LOCKS, a queue remembers its lock so a wake without it is caught. */
static void waitq_check_lock(const struct waitq *q)
{
	KASSERT(!irqs_enabled());
	(void)q;
#ifdef CONFIG_DEBUG_LOCKS
	if (q->lock && !spin_held(q->lock))
		panic("waking a wait queue of %s without holding it", q->lock->name);
#endif
}

int waitq_wait(struct waitq *q, struct spinlock *held, uint64_t deadline)
{
	KASSERT(spin_held(held));
	struct thread *self = current;
	q->lock = held;
	self->wq_next = NULL;
	if (q->tail)
		q->tail->wq_next = self;
	else
		q->head = self;
	q->tail = self;
	int r = sched_park(held, deadline);
	/* Not woken by a waker (timed out, killed, cancelled): take ourselves out if still in. */
	if (r)
		waitq_remove(q, self);
	return r;
}

int waitq_wake_one(struct waitq *q)
{
	waitq_check_lock(q);
	while (q->head) {
		struct thread *t = q->head;
		q->head = t->wq_next;
		if (q->head == NULL)
			q->tail = NULL;
		/* One that already timed out is runnable: the wakeup goes to the next. */
		int take = !spin_held(&sched_lock); /* the joiners' queue is under sched_lock itself */
		if (take)
			spin_lock(&sched_lock);
		int blocked = t->state == T_BLOCKED;
		if (blocked)
			unpark_locked(t);
		if (take)
			spin_unlock(&sched_lock);
		if (blocked)
			return 1;
	}
	return 0;
}

int waitq_wake_all(struct waitq *q)
{
	int n = 0;
	while (waitq_wake_one(q))
		n++;
	return n;
}
