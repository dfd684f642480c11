/*
 * posix-sem: <semaphore.h> from the sem_* pages: unnamed semaphores (init
 * limits, trywait, timed waits, post, getvalue, destroy, pshared) and named
 * ones (O_CREAT/O_EXCL, same address per name, unlink while open, close).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include "posix.h"

static sem_t sem;

static void *post_later(void *arg)
{
	struct timespec ms = {0, (long)(intptr_t)arg * 1000000};
	nanosleep(&ms, NULL);
	sem_post(&sem);
	return NULL;
}

static void check_unnamed(void)
{
	int value = -1;
	EXPECT_ERRNO(sem_init(&sem, 0, (unsigned)SEM_VALUE_MAX + 1), EINVAL);
	EXPECT_ERRNO(sem_init(&sem, 0, 2), 0);
	EXPECT_ERRNO(sem_getvalue(&sem, &value), 0);
	CHECK(value == 2);
	EXPECT_ERRNO(sem_trywait(&sem), 0);
	EXPECT_ERRNO(sem_wait(&sem), 0);
	EXPECT_ERRNO(sem_trywait(&sem), EAGAIN);
	/* sem_timedwait: ETIMEDOUT, not before the time. */
	struct timespec at = posix_abs_in(CLOCK_REALTIME, 30);
	uint64_t t0 = posix_now_ns(CLOCK_MONOTONIC);
	EXPECT_ERRNO(sem_timedwait(&sem, &at), ETIMEDOUT);
	CHECK(posix_now_ns(CLOCK_MONOTONIC) - t0 >= 30000000);
	/* A bad abstime is EINVAL when it would block, unchecked when it need not. */
	struct timespec bad = {0, -1};
	EXPECT_ERRNO(sem_timedwait(&sem, &bad), EINVAL);
	EXPECT_ERRNO(sem_post(&sem), 0);
	EXPECT_ERRNO(sem_timedwait(&sem, &bad), 0);
	/* A post from another thread wakes a blocked wait. */
	pthread_t t;
	pthread_create(&t, NULL, post_later, (void *)10);
	at = posix_abs_in(CLOCK_REALTIME, 5000);
	EXPECT_ERRNO(sem_timedwait(&sem, &at), 0);
	pthread_join(t, NULL);
	EXPECT_ERRNO(sem_destroy(&sem), 0);
	/* pshared != 0: one address space, the same semaphore for every thread. */
	EXPECT_ERRNO(sem_init(&sem, 1, 0), 0);
	pthread_create(&t, NULL, post_later, (void *)5);
	EXPECT_ERRNO(sem_wait(&sem), 0);
	pthread_join(t, NULL);
	/* The count stops at SEM_VALUE_MAX. */
	EXPECT_ERRNO(sem_destroy(&sem), 0);
	EXPECT_ERRNO(sem_init(&sem, 0, SEM_VALUE_MAX), 0);
	EXPECT_ERRNO(sem_post(&sem), EOVERFLOW);
	EXPECT_ERRNO(sem_getvalue(&sem, &value), 0);
	CHECK(value == SEM_VALUE_MAX);
	EXPECT_ERRNO(sem_destroy(&sem), 0);
	/* Destroyed: not a valid semaphore any more. */
	EXPECT_ERRNO(sem_post(&sem), EINVAL);
	EXPECT_ERRNO(sem_trywait(&sem), EINVAL);
	EXPECT_ERRNO(sem_wait(&sem), EINVAL);
	EXPECT_ERRNO(sem_getvalue(&sem, &value), EINVAL);
	EXPECT_ERRNO(sem_destroy(&sem), EINVAL);
	EXPECT_ERRNO(sem_close(&sem), EINVAL); /* not a named one */
}

/* sem_open returning SEM_FAILED with errno err. */
static void expect_open_fails(sem_t *s, int err, const char *what, int line)
{
	posix_expect_errno(s == SEM_FAILED ? -1 : 0, err, what, line);
}
#define EXPECT_OPEN_FAILS(call, err) expect_open_fails((call), (err), #call, __LINE__)

static void check_named(void)
{
	int value = -1;
	char long_name[NAME_MAX + 3];
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[0] = '/';
	long_name[sizeof(long_name) - 1] = 0;
	EXPECT_OPEN_FAILS(sem_open("/ktest-sem", 0), ENOENT);
	EXPECT_OPEN_FAILS(sem_open("/ktest-sem", O_CREAT, 0600, (unsigned)SEM_VALUE_MAX + 1), EINVAL);
	EXPECT_OPEN_FAILS(sem_open(long_name, O_CREAT, 0600, 1), ENAMETOOLONG);
	EXPECT_OPEN_FAILS(sem_open("no-slash", O_CREAT, 0600, 1), EINVAL);
	sem_t *a = sem_open("/ktest-sem", O_CREAT | O_EXCL, 0600, 3);
	CHECK(a != SEM_FAILED);
	EXPECT_OPEN_FAILS(sem_open("/ktest-sem", O_CREAT | O_EXCL, 0600, 1), EEXIST);
	/* The same name gives the same address; O_CREAT on an existing one keeps its value. */
	sem_t *b = sem_open("/ktest-sem", 0);
	sem_t *c = sem_open("/ktest-sem", O_CREAT, 0600, 9);
	CHECK(b == a && c == a);
	EXPECT_ERRNO(sem_getvalue(a, &value), 0);
	CHECK(value == 3);
	EXPECT_ERRNO(sem_wait(b), 0);
	EXPECT_ERRNO(sem_close(c), 0);
	EXPECT_ERRNO(sem_close(b), 0);
	/* Unlinked while open: the name is gone, the semaphore still works. */
	EXPECT_ERRNO(sem_unlink("/ktest-sem"), 0);
	EXPECT_ERRNO(sem_unlink("/ktest-sem"), ENOENT);
	EXPECT_OPEN_FAILS(sem_open("/ktest-sem", 0), ENOENT);
	EXPECT_ERRNO(sem_post(a), 0);
	EXPECT_ERRNO(sem_getvalue(a, &value), 0);
	CHECK(value == 3);
	/* A new semaphore under the old name is another one. */
	sem_t *d = sem_open("/ktest-sem", O_CREAT | O_EXCL, 0600, 0);
	CHECK(d != SEM_FAILED && d != a);
	EXPECT_ERRNO(sem_trywait(d), EAGAIN);
	EXPECT_ERRNO(sem_close(a), 0);
	EXPECT_ERRNO(sem_close(d), 0);
	/* Closed but not unlinked: it keeps its value for the next sem_open. */
	d = sem_open("/ktest-sem", 0);
	CHECK(d != SEM_FAILED);
	EXPECT_ERRNO(sem_post(d), 0);
	EXPECT_ERRNO(sem_getvalue(d, &value), 0);
	CHECK(value == 1);
	EXPECT_ERRNO(sem_close(d), 0);
	EXPECT_ERRNO(sem_unlink("/ktest-sem"), 0);
	EXPECT_ERRNO(sem_unlink(long_name), ENAMETOOLONG);
}

int ktest_posix_sem(int argc, char **argv)
{
	(void)argc, (void)argv;
	check_unnamed();
	check_named();
	return posix_report("posix-sem");
}
