/*
 * posix-threads: thread ids that cannot dangle (ESRCH after join or a
 * detached end, with the freed memory refilled), EDEADLK and EINVAL for
 * join, pthread_kill's signal 0, and the stack attributes
 * (pthread_attr_setstack/getstack, PTHREAD_STACK_MIN).
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "posix.h"

static void *return_arg(void *arg)
{
	return arg;
}

static sem_t go, ended;

/* Waits for `go`, then says it is ending. */
static void *wait_for_go(void *arg)
{
	sem_wait(&go);
	sem_post(&ended);
	return arg;
}

/* Refills freed heap memory with a poison pattern, so a stale pointer would read garbage. */
static void poison_heap(void)
{
	enum { BLOCKS = 64 };
	void *p[BLOCKS];
	for (int i = 0; i < BLOCKS; i++) {
		p[i] = malloc(512 + 128 * (size_t)i);
		if (p[i])
			memset(p[i], 0xa5, 512 + 128 * (size_t)i);
	}
	for (int i = 0; i < BLOCKS; i++)
		free(p[i]);
}

/* Every call on a thread id whose lifetime ended: ESRCH, as the pages recommend. */
static void expect_gone(pthread_t t, int line)
{
	int policy;
	struct sched_param sp;
	clockid_t clock;
	posix_expect(pthread_join(t, NULL), ESRCH, "pthread_join(gone)", line);
	posix_expect(pthread_detach(t), ESRCH, "pthread_detach(gone)", line);
	posix_expect(pthread_kill(t, 0), ESRCH, "pthread_kill(gone, 0)", line);
	posix_expect(pthread_getschedparam(t, &policy, &sp), ESRCH, "pthread_getschedparam(gone)", line);
	posix_expect(pthread_getcpuclockid(t, &clock), ESRCH, "pthread_getcpuclockid(gone)", line);
}

static void *join_self(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_join(pthread_self(), NULL);
}

static void check_join_detach(void)
{
	pthread_t t, u;
	void *ret = NULL;
	/* pthread_join: the value passed to pthread_exit (or returned) is stored. */
	EXPECT_RC(pthread_create(&t, NULL, return_arg, (void *)0x1234), 0);
	EXPECT_RC(pthread_join(t, &ret), 0);
	CHECK(ret == (void *)0x1234);
	poison_heap();
	expect_gone(t, __LINE__);
	/* A new thread never gets the id of a joined one. */
	EXPECT_RC(pthread_create(&u, NULL, return_arg, NULL), 0);
	CHECK(!pthread_equal(t, u));
	expect_gone(t, __LINE__);
	EXPECT_RC(pthread_join(u, NULL), 0);

	/* EDEADLK: a thread joining itself. */
	EXPECT_RC(pthread_create(&t, NULL, join_self, NULL), 0);
	EXPECT_RC(pthread_join(t, &ret), 0);
	CHECK((intptr_t)ret == EDEADLK);

	/* EINVAL: join on a detached thread that still runs; detach twice. */
	EXPECT_RC(pthread_create(&t, NULL, wait_for_go, NULL), 0);
	EXPECT_RC(pthread_detach(t), 0);
	EXPECT_RC(pthread_join(t, NULL), EINVAL);
	EXPECT_RC(pthread_detach(t), EINVAL);
	EXPECT_RC(pthread_kill(t, 0), 0);
	sem_post(&go);
	sem_wait(&ended);
	struct timespec ms20 = {0, 20000000};
	nanosleep(&ms20, NULL); /* it returns and is reaped */
	poison_heap();
	expect_gone(t, __LINE__);

	/* Created detached (attribute), ended: gone too. */
	pthread_attr_t a;
	EXPECT_RC(pthread_attr_init(&a), 0);
	EXPECT_RC(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
	EXPECT_RC(pthread_attr_setdetachstate(&a, 42), EINVAL);
	EXPECT_RC(pthread_create(&t, &a, wait_for_go, NULL), 0);
	sem_post(&go);
	sem_wait(&ended);
	nanosleep(&ms20, NULL);
	poison_heap();
	expect_gone(t, __LINE__);
	pthread_attr_destroy(&a);
}

static void check_kill_self(void)
{
	pthread_t self = pthread_self();
	int policy = -1;
	struct sched_param sp;
	CHECK(pthread_equal(self, pthread_self()));
	EXPECT_RC(pthread_kill(self, 0), 0);
	EXPECT_RC(pthread_kill(self, -1), EINVAL);
	EXPECT_RC(pthread_kill(self, 100000), EINVAL);
	EXPECT_RC(pthread_getschedparam(self, &policy, &sp), 0);
	CHECK(policy == SCHED_OTHER);
}

static uintptr_t seen_local; /* an address on the thread's stack */

static void *note_stack(void *arg)
{
	char local;
	seen_local = (uintptr_t)&local;
	return arg;
}

static void check_stack_attrs(void)
{
	pthread_attr_t a;
	size_t size = 0;
	void *addr = (void *)1;
	enum { STACK = 64 * 1024 };
	static char stack[STACK] __attribute__((aligned(16)));
	pthread_t t;
	CHECK(PTHREAD_STACK_MIN >= 16384);
	EXPECT_RC(pthread_attr_init(&a), 0);
	EXPECT_RC(pthread_attr_getstack(&a, &addr, &size), 0);
	CHECK(addr == NULL && size >= PTHREAD_STACK_MIN); /* the default size */
	EXPECT_RC(pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN - 1), EINVAL);
	EXPECT_RC(pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN), 0);
	EXPECT_RC(pthread_attr_getstacksize(&a, &size), 0);
	CHECK(size == PTHREAD_STACK_MIN);
	EXPECT_RC(pthread_attr_setstack(&a, stack, PTHREAD_STACK_MIN - 1), EINVAL);
	EXPECT_RC(pthread_attr_setstack(&a, stack, STACK), 0);
	EXPECT_RC(pthread_attr_getstack(&a, &addr, &size), 0);
	CHECK(addr == stack && size == STACK);
	/* The thread runs on that stack. */
	EXPECT_RC(pthread_create(&t, &a, note_stack, (void *)7), 0);
	void *ret = NULL;
	EXPECT_RC(pthread_join(t, &ret), 0);
	CHECK(ret == (void *)7);
	CHECK(seen_local >= (uintptr_t)stack && seen_local < (uintptr_t)stack + STACK);
	/* Reused for a second thread once the first is joined. */
	seen_local = 0;
	EXPECT_RC(pthread_create(&t, &a, note_stack, NULL), 0);
	EXPECT_RC(pthread_join(t, NULL), 0);
	CHECK(seen_local >= (uintptr_t)stack && seen_local < (uintptr_t)stack + STACK);
	EXPECT_RC(pthread_attr_destroy(&a), 0);
}

int ktest_posix_threads(int argc, char **argv)
{
	(void)argc, (void)argv;
	sem_init(&go, 0, 0);
	sem_init(&ended, 0, 0);
	check_join_detach();
	check_kill_self();
	check_stack_attrs();
	return posix_report("posix-threads");
}
