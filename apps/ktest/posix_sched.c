/*
 * ktest posix-sched: Thread Execution Scheduling and Priority Scheduling
 * (POSIX.1-2017 2.8.4, pthread_attr_setschedpolicy & co., sched_*), the
 * errors from each page, and SCHED_FIFO/SCHED_RR behaviour on the one CPU:
 * the order threads of different FIFO priorities run in, that a higher one
 * preempts at once, that an equal FIFO one waits for the running one to
 * block or yield while an equal RR one gets a time slice, and that a
 * preempted FIFO thread resumes before others of its priority.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ktest.h"

#if !defined(_POSIX_THREAD_PRIORITY_SCHEDULING) || _POSIX_THREAD_PRIORITY_SCHEDULING <= 0
#error "<unistd.h> must announce _POSIX_THREAD_PRIORITY_SCHEDULING"
#endif
#if !defined(_POSIX_PRIORITY_SCHEDULING) || _POSIX_PRIORITY_SCHEDULING <= 0
#error "<unistd.h> must announce _POSIX_PRIORITY_SCHEDULING"
#endif

static void spin_ms(int ms)
{
	uint64_t end = ktest_ms() + (uint64_t)ms;
	while (ktest_ms() < end)
		;
}

static int set_self(int policy, int prio)
{
	struct sched_param p = {.sched_priority = prio};
	return pthread_setschedparam(pthread_self(), policy, &p);
}

static void ranges(void)
{
	CHECK(sched_get_priority_min(SCHED_OTHER) == 0 && sched_get_priority_max(SCHED_OTHER) == 3);
	CHECK(sched_get_priority_min(SCHED_FIFO) == 1 && sched_get_priority_max(SCHED_FIFO) == 32);
	CHECK(sched_get_priority_min(SCHED_RR) == 1 && sched_get_priority_max(SCHED_RR) == 32);
	/* POSIX: at least 32 priorities for SCHED_FIFO and SCHED_RR. */
	CHECK(sched_get_priority_max(SCHED_FIFO) - sched_get_priority_min(SCHED_FIFO) >= 31);
	CHECK_ERR(sched_get_priority_min(42), EINVAL);
	CHECK_ERR(sched_get_priority_max(42), EINVAL);
	CHECK(sysconf(_SC_THREAD_PRIORITY_SCHEDULING) == _POSIX_THREAD_PRIORITY_SCHEDULING);
	CHECK(sysconf(_SC_PRIORITY_SCHEDULING) == _POSIX_PRIORITY_SCHEDULING);
}

static void attributes(void)
{
	pthread_attr_t a;
	struct sched_param p = {0};
	int v = -1;
	CHECK(pthread_attr_init(&a) == 0);
	CHECK(pthread_attr_getschedpolicy(&a, &v) == 0 && v == SCHED_OTHER);
	CHECK(pthread_attr_getinheritsched(&a, &v) == 0 && v == PTHREAD_INHERIT_SCHED);
	CHECK(pthread_attr_getscope(&a, &v) == 0 && v == PTHREAD_SCOPE_SYSTEM);
	CHECK(pthread_attr_setschedpolicy(&a, 42) == EINVAL);
	CHECK(pthread_attr_setinheritsched(&a, 42) == EINVAL);
	CHECK(pthread_attr_setscope(&a, PTHREAD_SCOPE_PROCESS) == ENOTSUP);
	CHECK(pthread_attr_setscope(&a, 42) == EINVAL);
	CHECK(pthread_attr_setscope(&a, PTHREAD_SCOPE_SYSTEM) == 0);
	CHECK(pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED) == 0);
	CHECK(pthread_attr_getinheritsched(&a, &v) == 0 && v == PTHREAD_EXPLICIT_SCHED);
	CHECK(pthread_attr_setschedpolicy(&a, SCHED_FIFO) == 0);
	CHECK(pthread_attr_getschedpolicy(&a, &v) == 0 && v == SCHED_FIFO);
	p.sched_priority = 0;
	CHECK(pthread_attr_setschedparam(&a, &p) == EINVAL);
	p.sched_priority = 33;
	CHECK(pthread_attr_setschedparam(&a, &p) == EINVAL);
	p.sched_priority = 17;
	CHECK(pthread_attr_setschedparam(&a, &p) == 0);
	p.sched_priority = 0;
	CHECK(pthread_attr_getschedparam(&a, &p) == 0 && p.sched_priority == 17);
	pthread_attr_destroy(&a);
}

static void *nothing(void *arg)
{
	return arg;
}

static void *report_sched(void *arg)
{
	int *out = arg;
	struct sched_param p;
	pthread_getschedparam(pthread_self(), &out[0], &p);
	out[1] = p.sched_priority;
	return NULL;
}

static void thread_params(void)
{
	struct sched_param p = {0};
	int policy = -1;
	CHECK(pthread_getschedparam(pthread_self(), &policy, &p) == 0 && policy == SCHED_OTHER &&
	      p.sched_priority == 1);
	CHECK(set_self(42, 1) == EINVAL);
	CHECK(set_self(SCHED_FIFO, 0) == EINVAL && set_self(SCHED_FIFO, 33) == EINVAL);
	CHECK(set_self(SCHED_OTHER, 4) == EINVAL);
	CHECK(set_self(SCHED_RR, 9) == 0);
	CHECK(pthread_getschedparam(pthread_self(), &policy, &p) == 0 && policy == SCHED_RR &&
	      p.sched_priority == 9);
	CHECK(pthread_setschedprio(pthread_self(), 33) == EINVAL);
	CHECK(pthread_setschedprio(pthread_self(), 12) == 0);
	CHECK(pthread_getschedparam(pthread_self(), &policy, &p) == 0 && policy == SCHED_RR &&
	      p.sched_priority == 12);

	/* Inherited by default; explicit when the attribute says so. */
	int got[2] = {-1, -1};
	pthread_t t;
	CHECK(pthread_create(&t, NULL, report_sched, got) == 0 && pthread_join(t, NULL) == 0);
	CHECK(got[0] == SCHED_RR && got[1] == 12);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	p.sched_priority = 3;
	pthread_attr_setschedparam(&a, &p);
	CHECK(pthread_create(&t, &a, report_sched, got) == 0 && pthread_join(t, NULL) == 0);
	CHECK(got[0] == SCHED_RR && got[1] == 12); /* still PTHREAD_INHERIT_SCHED */
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	CHECK(pthread_create(&t, &a, report_sched, got) == 0 && pthread_join(t, NULL) == 0);
	CHECK(got[0] == SCHED_FIFO && got[1] == 3);
	pthread_attr_destroy(&a);
	CHECK(set_self(SCHED_OTHER, 1) == 0);

	/* A joined thread is no thread: ESRCH. */
	CHECK(pthread_create(&t, NULL, nothing, NULL) == 0 && pthread_join(t, NULL) == 0);
	CHECK(pthread_getschedparam(t, &policy, &p) == ESRCH);
	CHECK(pthread_setschedparam(t, SCHED_OTHER, &p) == ESRCH);
	CHECK(pthread_setschedprio(t, 1) == ESRCH);
}

static void process_params(void)
{
	struct sched_param p = {0};
	struct timespec slice = {0, 0};
	CHECK(sched_getscheduler(0) == SCHED_OTHER);
	CHECK(sched_getparam(0, &p) == 0 && p.sched_priority == 1);
	p.sched_priority = 10;
	CHECK(sched_setscheduler(0, SCHED_FIFO, &p) == SCHED_OTHER); /* returns the former policy */
	CHECK(sched_getscheduler(getpid()) == SCHED_FIFO);
	p.sched_priority = 40;
	CHECK_ERR(sched_setparam(0, &p), EINVAL);
	CHECK_ERR(sched_setscheduler(0, 42, &p), EINVAL);
	p.sched_priority = 12;
	CHECK(sched_setparam(getpid(), &p) == 0);
	p.sched_priority = 0;
	CHECK(sched_getparam(0, &p) == 0 && p.sched_priority == 12);
	CHECK_ERR(sched_getscheduler(getpid() + 1), ESRCH);
	CHECK_ERR(sched_getparam(getpid() + 1, &p), ESRCH);
	CHECK_ERR(sched_setparam(getpid() + 1, &p), ESRCH);
	CHECK_ERR(sched_setscheduler(getpid() + 1, SCHED_FIFO, &p), ESRCH);
	CHECK(sched_rr_get_interval(0, &slice) == 0 && slice.tv_sec == 0 && slice.tv_nsec > 0);
	CHECK_ERR(sched_rr_get_interval(getpid() + 1, &slice), ESRCH);
	/* System-scope threads are not the process's to change (POSIX sched_setparam). */
	int policy = -1;
	CHECK(pthread_getschedparam(pthread_self(), &policy, &p) == 0 && policy == SCHED_OTHER);
	p.sched_priority = 1;
	CHECK(sched_setscheduler(0, SCHED_OTHER, &p) == SCHED_FIFO);
}

/* --- behaviour --- */

static int order[16];
static volatile int order_n;

static void *record_and_spin(void *arg)
{
	order[order_n++] = (int)(intptr_t)arg;
	spin_ms(5);
	return NULL;
}

static pthread_t fifo_thread(int prio, void *(*fn)(void *), void *arg)
{
	pthread_attr_t a;
	struct sched_param p = {.sched_priority = prio};
	pthread_t t;
	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	pthread_attr_setschedparam(&a, &p);
	CHECK(pthread_create(&t, &a, fn, arg) == 0);
	pthread_attr_destroy(&a);
	return t;
}

static void fifo_order(void)
{
	static const int prios[] = {5, 20, 10, 15};
	pthread_t t[6];
	char text[64] = "";
	order_n = 0;
	CHECK(set_self(SCHED_FIFO, 30) == 0);
	for (int i = 0; i < 4; i++)
		t[i] = fifo_thread(prios[i], record_and_spin, (void *)(intptr_t)prios[i]);
	pthread_attr_t a;
	struct sched_param p = {.sched_priority = 3};
	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedparam(&a,
	                           &p); /* SCHED_OTHER 3: yolk's highest level, below every real-time one */
	CHECK(pthread_create(&t[5], &a, record_and_spin, (void *)3) == 0);
	/* Above main: runs before pthread_create returns. */
	t[4] = fifo_thread(31, record_and_spin, (void *)31);
	order[order_n++] = 100; /* main again */
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < order_n; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%d", i ? "," : "", order[i]);
	printf("posix-sched: FIFO run order %s\n", text);
	CHECK(strcmp(text, "31,100,20,15,10,5,3") == 0);
	CHECK(set_self(SCHED_OTHER, 1) == 0);
}

static volatile int ran;

static void *set_ran(void *arg)
{
	(void)arg;
	ran = 1;
	return NULL;
}

/* An equal SCHED_FIFO thread waits for the running one to yield; an equal SCHED_RR one gets a slice. */
static void equal_priority(void)
{
	pthread_t t;
	ran = 0;
	CHECK(set_self(SCHED_FIFO, 10) == 0);
	CHECK(pthread_create(&t, NULL, set_ran, NULL) == 0); /* inherits FIFO 10 */
	spin_ms(60);
	int ran_while_spinning = ran;
	sched_yield();
	int ran_after_yield = ran;
	pthread_join(t, NULL);
	printf("posix-sched: equal FIFO thread ran during 60 ms spin: %d, after sched_yield: %d\n",
	       ran_while_spinning, ran_after_yield);
	CHECK(!ran_while_spinning && ran_after_yield);

	ran = 0;
	CHECK(set_self(SCHED_RR, 10) == 0);
	CHECK(pthread_create(&t, NULL, set_ran, NULL) == 0); /* inherits RR 10 */
	uint64_t end = ktest_ms() + 2000;
	while (!ran && ktest_ms() < end)
		;
	printf("posix-sched: equal RR thread ran during a spin: %d\n", ran);
	CHECK(ran);
	pthread_join(t, NULL);
	CHECK(set_self(SCHED_OTHER, 1) == 0);
}

static void *long_spin(void *arg)
{
	order[order_n++] = (int)(intptr_t)arg;
	spin_ms(100);
	order[order_n++] = (int)(intptr_t)arg + 1;
	return NULL;
}

/* A FIFO thread preempted by a higher one resumes before the others of its priority. */
static void preempted_to_head(void)
{
	order_n = 0;
	CHECK(set_self(SCHED_FIFO, 20) == 0);
	pthread_t a = fifo_thread(10, long_spin, (void *)1);
	pthread_t b = fifo_thread(10, record_and_spin, (void *)9);
	usleep(30000); /* a runs, main preempts it on waking */
	order[order_n++] = 5;
	usleep(10000);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("posix-sched: preempted FIFO order %d,%d,%d,%d\n", order[0], order[1], order[2], order[3]);
	CHECK(order_n == 4 && order[0] == 1 && order[1] == 5 && order[2] == 2 && order[3] == 9);
	CHECK(set_self(SCHED_OTHER, 1) == 0);
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static volatile int ready, after_signal;

static void *signaller(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	ready = 1;
	pthread_mutex_unlock(&m);
	pthread_cond_signal(&c); /* wakes the more important main: it runs before this returns */
	after_signal = 1;
	return NULL;
}

/* A higher real-time thread made runnable by pthread_cond_signal() preempts the signaller at once. */
static void preempt_on_signal(void)
{
	CHECK(set_self(SCHED_FIFO, 20) == 0);
	ready = after_signal = 0;
	pthread_t t = fifo_thread(10, signaller, NULL);
	pthread_mutex_lock(&m);
	while (!ready)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	int preempted = !after_signal;
	pthread_join(t, NULL);
	printf("posix-sched: woken by pthread_cond_signal, ran before the signaller went on: %d\n",
	       preempted);
	CHECK(preempted);
	CHECK(set_self(SCHED_OTHER, 1) == 0);
}

int ktest_posix_sched(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t t0 = ktest_ms();
	ranges();
	attributes();
	thread_params();
	process_params();
	fifo_order();
	equal_priority();
	preempted_to_head();
	preempt_on_signal();
	printf("posix-sched: %d failures in %llu ms\n", ktest_failures, (unsigned long long)(ktest_ms() - t0));
	return ktest_failures ? 1 : 0;
}
