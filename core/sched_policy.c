/*
 * POSIX scheduling policies and parameters (Thread Execution Scheduling,
 * Priority Scheduling) mapped onto yolk's scheduler; the mapping is
 * documented in include/posix/pthread.h ("Scheduling").
 *
 * yolk is one process whose threads all have system contention scope, so, as
 * POSIX says for such threads, sched_setparam() and sched_setscheduler() on
 * the process record its parameters without changing any thread's.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <yolk-config/core.h>
#include <yolk/sched.h>
#include <yolk/time.h>
#include "pthread_internal.h"

static int policy_valid(int policy)
{
	return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR;
}

int sched_get_priority_min(int policy)
{
	if (!policy_valid(policy)) {
		errno = EINVAL;
		return -1;
	}
	return policy == SCHED_OTHER ? THREAD_PRIO_LOW : 1;
}

int sched_get_priority_max(int policy)
{
	if (!policy_valid(policy)) {
		errno = EINVAL;
		return -1;
	}
	return policy == SCHED_OTHER ? THREAD_NPRIO - 1 : THREAD_RT_PRIO_MAX;
}

static int prio_valid(int policy, int prio)
{
	return policy_valid(policy) && prio >= sched_get_priority_min(policy) &&
	       prio <= sched_get_priority_max(policy);
}

/* POSIX (policy, priority) to yolk's (prio, rt_prio): real-time ones sit above every ordinary level. */
static void to_yolk(int policy, int prio, int *yolk_prio, int *rt_prio)
{
	*yolk_prio = policy == SCHED_OTHER ? prio : THREAD_PRIO_REALTIME;
	*rt_prio = policy == SCHED_OTHER ? 0 : prio;
}

static int from_yolk(int policy, int yolk_prio, int rt_prio)
{
	return policy == SCHED_OTHER ? yolk_prio : rt_prio;
}

/* --- thread attributes --- */

int pthread_attr_setschedpolicy(pthread_attr_t *a, int policy)
{
	if (!policy_valid(policy))
		return EINVAL;
	a->policy = policy;
	return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *a, int *policy)
{
	*policy = a->policy;
	return 0;
}

int pthread_attr_setschedparam(pthread_attr_t *a, const struct sched_param *p)
{
	if (!prio_valid(a->policy, p->sched_priority))
		return EINVAL;
	a->priority = p->sched_priority;
	return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t *a, struct sched_param *p)
{
	p->sched_priority = a->priority;
	return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t *a, int inheritsched)
{
	if (inheritsched != PTHREAD_INHERIT_SCHED && inheritsched != PTHREAD_EXPLICIT_SCHED)
		return EINVAL;
	a->inheritsched = inheritsched;
	return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t *a, int *inheritsched)
{
	*inheritsched = a->inheritsched;
	return 0;
}

int pthread_attr_setscope(pthread_attr_t *a, int scope)
{
	if (scope == PTHREAD_SCOPE_PROCESS)
		return ENOTSUP; /* one process, one CPU: every thread contends system-wide */
	if (scope != PTHREAD_SCOPE_SYSTEM)
		return EINVAL;
	a->scope = scope;
	return 0;
}

int pthread_attr_getscope(const pthread_attr_t *a, int *scope)
{
	*scope = a->scope;
	return 0;
}

int sched_policy_for_create(const pthread_attr_t *a, int *policy, int *prio, int *rt_prio)
{
	if (a == NULL || a->inheritsched == PTHREAD_INHERIT_SCHED) {
		thread_get_sched(thread_self(), policy, prio, rt_prio);
		return 0;
	}
	if (!prio_valid(a->policy, a->priority))
		return EINVAL;
	*policy = a->policy;
	to_yolk(a->policy, a->priority, prio, rt_prio);
	return 0;
}

/* --- threads --- */

/* A thread's parameters in yolk's terms, read or set through its pthread_t handle. */
struct sched_args {
	int policy, prio, rt_prio, to_head;
};

static int get_sched(struct thread *t, void *arg)
{
	struct sched_args *a = arg;
	thread_get_sched(t, &a->policy, &a->prio, &a->rt_prio);
	return 0;
}

static int set_sched(struct thread *t, void *arg)
{
	struct sched_args *a = arg;
	thread_set_sched(t, a->policy, a->prio, a->rt_prio, a->to_head);
	return 0;
}

/* Sets them, then (out of thread_handle_lock) gives up the CPU if now outranked: POSIX real-time preemption. */
static int set_sched_then_yield(pthread_t t, struct sched_args *a)
{
	int r = thread_with_handle(t, set_sched, a);
	sched_preempt_point_voluntary();
	return -r;
}

int pthread_setschedparam(pthread_t t, int policy, const struct sched_param *p)
{
	struct sched_args a = {0};
	if (thread_with_handle(t, get_sched, &a) != 0)
		return ESRCH;
	if (!prio_valid(policy, p->sched_priority))
		return EINVAL;
	a.policy = policy;
	to_yolk(policy, p->sched_priority, &a.prio, &a.rt_prio);
	a.to_head = 0;
	return set_sched_then_yield(t, &a);
}

int pthread_getschedparam(pthread_t t, int *policy, struct sched_param *p)
{
	struct sched_args a = {0};
	if (thread_with_handle(t, get_sched, &a) != 0)
		return ESRCH;
	*policy = a.policy;
	p->sched_priority = from_yolk(a.policy, a.prio, a.rt_prio);
	return 0;
}

int pthread_setschedprio(pthread_t t, int prio)
{
	struct sched_args a = {0};
	if (thread_with_handle(t, get_sched, &a) != 0)
		return ESRCH;
	if (!prio_valid(a.policy, prio))
		return EINVAL;
	int old = from_yolk(a.policy, a.prio, a.rt_prio);
	if (prio == old)
		return 0; /* POSIX: unchanged, it keeps its place in its list */
	to_yolk(a.policy, prio, &a.prio, &a.rt_prio);
	/* POSIX: lowered, it goes to the head of its new list rather than the tail. */
	a.to_head = prio < old;
	return set_sched_then_yield(t, &a);
}

/* --- the process (Priority Scheduling) --- */

static int process_policy = SCHED_OTHER;
static struct sched_param process_param = {.sched_priority = THREAD_PRIO_NORMAL};

static int is_self(pid_t pid)
{
	return pid == 0 || pid == getpid();
}

static int fail(int err)
{
	errno = err;
	return -1;
}

int sched_setparam(pid_t pid, const struct sched_param *p)
{
	if (!is_self(pid))
		return fail(ESRCH);
	if (!prio_valid(process_policy, p->sched_priority))
		return fail(EINVAL);
	process_param = *p;
	return 0;
}

int sched_getparam(pid_t pid, struct sched_param *p)
{
	if (!is_self(pid))
		return fail(ESRCH);
	*p = process_param;
	return 0;
}

int sched_setscheduler(pid_t pid, int policy, const struct sched_param *p)
{
	if (!is_self(pid))
		return fail(ESRCH);
	if (!prio_valid(policy, p->sched_priority))
		return fail(EINVAL);
	int old = process_policy;
	process_policy = policy;
	process_param = *p;
	return old;
}

int sched_getscheduler(pid_t pid)
{
	if (!is_self(pid))
		return fail(ESRCH);
	return process_policy;
}

int sched_rr_get_interval(pid_t pid, struct timespec *interval)
{
	if (!is_self(pid))
		return fail(ESRCH);
	/* A SCHED_RR slice is one timer tick (core/sched.c). */
	uint64_t ns = NSEC_PER_SEC / CONFIG_TICK_HZ;
	*interval = (struct timespec){(time_t)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC)};
	return 0;
}
