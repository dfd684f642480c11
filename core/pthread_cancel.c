/*
 * POSIX thread cancellation (include/posix/pthread.h, "Cancellation"):
 * pthread_cancel() marks the target (core/sched.c, thread_cancel) and the
 * target acts on it itself, at a cancellation point (deferred) or on the way
 * back from an interrupt (asynchronous), in both cases only while it holds
 * no kernel lock or reference: the same rule as a Ctrl-C kill. Acting means
 * pthread_exit(PTHREAD_CANCELED): cleanup handlers, key destructors, exit.
 */
#include <errno.h>
#include <pthread.h>
#include <arch/cpu.h>
#include <yolk/sched.h>
#include "pthread_internal.h"
#include "sched_internal.h"

/* The calling thread's cleanup handlers, innermost first (records live in the pushing frames). */
static __thread struct __pthread_cleanup *cleanup_top;

static __attribute__((noreturn)) void cancel_act(struct thread *t)
{
	t->cancel_pending = 0;
	pthread_exit(PTHREAD_CANCELED);
}

static int cancel_may_act(const struct thread *t)
{
	return t && t->cancel_pending && !t->cancel_disabled && t->holds == t->user_holds;
}

void thread_cancel_point(void)
{
	struct thread *t = thread_self();
	if (cancel_may_act(t))
		cancel_act(t);
}

int thread_cancel_point_begin(void)
{
	struct thread *t = thread_self();
	if (t == NULL || t->holds != t->user_holds)
		return 0;
	thread_cancel_point();
	__atomic_add_fetch(&t->cancel_points, 1, __ATOMIC_RELAXED);
	return 1;
}

void thread_cancel_point_end(int point, int cut_short)
{
	struct thread *t = thread_self();
	if (!point)
		return;
	__atomic_sub_fetch(&t->cancel_points, 1, __ATOMIC_RELAXED);
	if (cut_short)
		thread_cancel_point();
}

void thread_user_hold(int delta)
{
	struct thread *t = thread_self();
	if (t)
		__atomic_add_fetch(&t->user_holds, delta, __ATOMIC_RELAXED);
}

void sched_cancelled(void)
{
	irq_enable();
	cancel_act(thread_self());
}

/* An asynchronous thread acts on a pending request as soon as it may. */
static void act_if_async(void)
{
	struct thread *t = thread_self();
	if (t->cancel_async)
		thread_cancel_point();
}

static int cancel_thread(struct thread *t, void *arg)
{
	(void)arg;
	thread_cancel(t);
	return 0;
}

int pthread_cancel(pthread_t thread)
{
	int r = -thread_with_handle(thread, cancel_thread, NULL);
	if (r == 0 && thread == thread_handle(thread_self()))
		act_if_async();
	return r;
}

int pthread_setcancelstate(int state, int *oldstate)
{
	if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
		return EINVAL;
	struct thread *t = thread_self();
	if (oldstate)
		*oldstate = t->cancel_disabled ? PTHREAD_CANCEL_DISABLE : PTHREAD_CANCEL_ENABLE;
	t->cancel_disabled = state == PTHREAD_CANCEL_DISABLE;
	act_if_async();
	return 0;
}

int pthread_setcanceltype(int type, int *oldtype)
{
	if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS)
		return EINVAL;
	struct thread *t = thread_self();
	if (oldtype)
		*oldtype = t->cancel_async ? PTHREAD_CANCEL_ASYNCHRONOUS : PTHREAD_CANCEL_DEFERRED;
	t->cancel_async = type == PTHREAD_CANCEL_ASYNCHRONOUS;
	act_if_async();
	return 0;
}

void pthread_testcancel(void)
{
	thread_cancel_point();
}

void __pthread_cleanup_push(struct __pthread_cleanup *c, void (*routine)(void *), void *arg)
{
	c->routine = routine;
	c->arg = arg;
	c->prev = cleanup_top;
	/* Complete before it is reachable: an asynchronous cancellation may come between any two. */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	cleanup_top = c;
}

void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute)
{
	cleanup_top = c->prev;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (execute)
		c->routine(c->arg);
}

void pthread_cleanup_run_all(void)
{
	/* An exiting thread is no longer cancelled: a request now would run the handlers twice. */
	thread_self()->cancel_disabled = 1;
	while (cleanup_top) {
		struct __pthread_cleanup *c = cleanup_top;
		cleanup_top = c->prev;
		c->routine(c->arg);
	}
}
