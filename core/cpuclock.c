/*
 * POSIX CPU-time clocks: the scheduler measures each thread's CPU time in
 * nanoseconds with the TSC at every switch (thread_cpu_ns); the process's
 * is the sum over its threads, the ones that ended included, but not idle.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <yolk/sched.h>
#include "cpuclock.h"

int cpuclock_is_cpu(clockid_t id)
{
	return id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID || (id & CPUCLOCK_THREAD_BIT);
}

int cpuclock_is_own(clockid_t id)
{
	return id == CLOCK_THREAD_CPUTIME_ID || id == (CPUCLOCK_THREAD_BIT | pthread_self());
}

static int cpu_of(struct thread *t, void *ns)
{
	*(uint64_t *)ns = thread_cpu_ns(t);
	return 0;
}

int cpuclock_ns(clockid_t id, uint64_t *ns)
{
	if (id == CLOCK_PROCESS_CPUTIME_ID) {
		*ns = sched_process_cpu_ns();
		return 0;
	}
	if (id == CLOCK_THREAD_CPUTIME_ID) {
		*ns = thread_self() ? thread_cpu_ns(thread_self()) : 0; /* boot code, before threads */
		return 0;
	}
	if (!(id & CPUCLOCK_THREAD_BIT))
		return -EINVAL;
	return thread_with_handle(id & ~CPUCLOCK_THREAD_BIT, cpu_of, ns) ? -EINVAL : 0;
}

static int exists(struct thread *t, void *arg)
{
	(void)t, (void)arg;
	return 0;
}

int pthread_getcpuclockid(pthread_t thread, clockid_t *clock)
{
	if (thread_with_handle(thread, exists, NULL))
		return ESRCH;
	*clock = CPUCLOCK_THREAD_BIT | thread;
	return 0;
}

/* The one process is pid 1 (core/process.c); 0 means the caller's. */
int clock_getcpuclockid(pid_t pid, clockid_t *clock)
{
	if (pid != 0 && pid != getpid())
		return ESRCH;
	*clock = CLOCK_PROCESS_CPUTIME_ID;
	return 0;
}
