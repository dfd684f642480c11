/*
 * posix-locks: barriers, spin locks, reader-writer locks (timed, EDEADLK),
 * the process-shared attribute of each object, and condition variables
 * timed on CLOCK_MONOTONIC (pthread_condattr_setclock/getclock).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include "posix.h"

/* --- barriers --- */

enum { BARRIER_THREADS = 4, BARRIER_ROUNDS = 50 };
static pthread_barrier_t barrier;
static int serial_count, bad_returns;

static void *barrier_rounds(void *arg)
{
	(void)arg;
	for (int r = 0; r < BARRIER_ROUNDS; r++) {
		int rc = pthread_barrier_wait(&barrier);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&serial_count, 1, __ATOMIC_RELAXED);
		else if (rc != 0)
			__atomic_add_fetch(&bad_returns, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *wait_once(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)pthread_barrier_wait(&barrier);
}

static void check_barriers(void)
{
	pthread_barrierattr_t a;
	int pshared = -1;
	EXPECT_RC(pthread_barrierattr_init(&a), 0);
	EXPECT_RC(pthread_barrierattr_getpshared(&a, &pshared), 0);
	CHECK(pshared == PTHREAD_PROCESS_PRIVATE);
	EXPECT_RC(pthread_barrierattr_setpshared(&a, 99), EINVAL);
	EXPECT_RC(pthread_barrierattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
	EXPECT_RC(pthread_barrierattr_getpshared(&a, &pshared), 0);
	CHECK(pshared == PTHREAD_PROCESS_SHARED);
	/* EINVAL: count 0. */
	EXPECT_RC(pthread_barrier_init(&barrier, &a, 0), EINVAL);
	EXPECT_RC(pthread_barrier_init(&barrier, &a, BARRIER_THREADS), 0);
	EXPECT_RC(pthread_barrierattr_destroy(&a), 0);
	/* Each round exactly one thread gets PTHREAD_BARRIER_SERIAL_THREAD, the others 0. */
	pthread_t t[BARRIER_THREADS];
	for (int i = 0; i < BARRIER_THREADS; i++)
		EXPECT_RC(pthread_create(&t[i], NULL, barrier_rounds, NULL), 0);
	for (int i = 0; i < BARRIER_THREADS; i++)
		EXPECT_RC(pthread_join(t[i], NULL), 0);
	EXPECT_RC(serial_count, BARRIER_ROUNDS);
	EXPECT_RC(bad_returns, 0);
	EXPECT_RC(pthread_barrier_destroy(&barrier), 0);
	EXPECT_RC(pthread_barrier_destroy(&barrier), EINVAL); /* destroyed: no longer a barrier */
	/* EBUSY: destroyed while a thread waits on it (the page's "may fail", detected). */
	pthread_t waiter;
	EXPECT_RC(pthread_barrier_init(&barrier, NULL, 2), 0);
	EXPECT_RC(pthread_create(&waiter, NULL, wait_once, NULL), 0);
	while (__atomic_load_n(&barrier.arrived, __ATOMIC_RELAXED) == 0)
		sched_yield();
	EXPECT_RC(pthread_barrier_destroy(&barrier), EBUSY);
	int mine = pthread_barrier_wait(&barrier);
	void *theirs = NULL;
	EXPECT_RC(pthread_join(waiter, &theirs), 0);
	CHECK((mine == PTHREAD_BARRIER_SERIAL_THREAD) + ((intptr_t)theirs == PTHREAD_BARRIER_SERIAL_THREAD) ==
	      1);
	EXPECT_RC(pthread_barrier_destroy(&barrier), 0);
	/* A barrier of one never blocks; destroyed, it may be initialised again. */
	EXPECT_RC(pthread_barrier_init(&barrier, NULL, 1), 0);
	EXPECT_RC(pthread_barrier_wait(&barrier), PTHREAD_BARRIER_SERIAL_THREAD);
	EXPECT_RC(pthread_barrier_destroy(&barrier), 0);
}

/* --- spin locks --- */

static pthread_spinlock_t spin;
static long spin_counter;

static void *spin_add(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_spin_lock(&spin);
		long v = spin_counter;
		if ((i & 255) == 0)
			sched_yield(); /* hold it across a switch now and then */
		spin_counter = v + 1;
		pthread_spin_unlock(&spin);
	}
	return NULL;
}

static void check_spin(void)
{
	EXPECT_RC(pthread_spin_init(&spin, 5), EINVAL);
	EXPECT_RC(pthread_spin_init(&spin, PTHREAD_PROCESS_SHARED), 0);
	EXPECT_RC(pthread_spin_destroy(&spin), 0);
	EXPECT_RC(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE), 0);
	EXPECT_RC(pthread_spin_trylock(&spin), 0);
	EXPECT_RC(pthread_spin_trylock(&spin), EBUSY);
	EXPECT_RC(pthread_spin_lock(&spin), EDEADLK); /* may fail: yolk detects it */
	EXPECT_RC(pthread_spin_destroy(&spin), EBUSY);
	EXPECT_RC(pthread_spin_unlock(&spin), 0);
	EXPECT_RC(pthread_spin_unlock(&spin), EPERM);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		EXPECT_RC(pthread_create(&t[i], NULL, spin_add, NULL), 0);
	for (int i = 0; i < 4; i++)
		EXPECT_RC(pthread_join(t[i], NULL), 0);
	CHECK(spin_counter == 80000);
	EXPECT_RC(pthread_spin_destroy(&spin), 0);
}

/* --- reader-writer locks --- */

static pthread_rwlock_t rw;

static void *timed_rd(void *ms)
{
	struct timespec at = posix_abs_in(CLOCK_REALTIME, (long)(intptr_t)ms);
	return (void *)(intptr_t)pthread_rwlock_timedrdlock(&rw, &at);
}

static void *timed_wr(void *ms)
{
	struct timespec at = posix_abs_in(CLOCK_REALTIME, (long)(intptr_t)ms);
	return (void *)(intptr_t)pthread_rwlock_timedwrlock(&rw, &at);
}

/* Runs fn(ms) in another thread (this one holds rw): its result and how long it took. */
static int in_other_thread(void *(*fn)(void *), long ms, uint64_t *took_ns)
{
	pthread_t t;
	void *ret = NULL;
	uint64_t t0 = posix_now_ns(CLOCK_MONOTONIC);
	pthread_create(&t, NULL, fn, (void *)(intptr_t)ms);
	pthread_join(t, &ret);
	*took_ns = posix_now_ns(CLOCK_MONOTONIC) - t0;
	return (int)(intptr_t)ret;
}

static void check_rwlock_attrs(void)
{
	pthread_rwlockattr_t a;
	int pshared = -1;
	EXPECT_RC(pthread_rwlockattr_init(&a), 0);
	EXPECT_RC(pthread_rwlockattr_getpshared(&a, &pshared), 0);
	CHECK(pshared == PTHREAD_PROCESS_PRIVATE);
	EXPECT_RC(pthread_rwlockattr_setpshared(&a, -3), EINVAL);
	EXPECT_RC(pthread_rwlockattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
	EXPECT_RC(pthread_rwlockattr_getpshared(&a, &pshared), 0);
	CHECK(pshared == PTHREAD_PROCESS_SHARED);
	EXPECT_RC(pthread_rwlock_init(&rw, &a), 0);
	EXPECT_RC(pthread_rwlockattr_destroy(&a), 0);
}

static void *write_lock_unlock(void *arg)
{
	(void)arg;
	int r = pthread_rwlock_wrlock(&rw);
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(intptr_t)r;
}

/* A thread may take a read lock it holds again, even while a writer waits (the rdlock page). */
static void check_recursive_read(void)
{
	pthread_t writer;
	void *wr = (void *)1;
	EXPECT_RC(pthread_rwlock_rdlock(&rw), 0);
	EXPECT_RC(pthread_create(&writer, NULL, write_lock_unlock, NULL), 0);
	while (__atomic_load_n(&rw.writers_waiting, __ATOMIC_RELAXED) == 0)
		sched_yield();
	struct timespec at = posix_abs_in(CLOCK_REALTIME, 2000);
	EXPECT_RC(pthread_rwlock_timedrdlock(&rw, &at), 0);
	EXPECT_RC(pthread_rwlock_tryrdlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	EXPECT_RC(pthread_join(writer, &wr), 0);
	CHECK(wr == NULL);
}

static void check_rwlock(void)
{
	uint64_t took;
	struct timespec bad = {0, 1000000000};
	check_rwlock_attrs();
	/* The writer's own second lock: EDEADLK, not a hang. */
	EXPECT_RC(pthread_rwlock_wrlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_wrlock(&rw), EDEADLK);
	EXPECT_RC(pthread_rwlock_rdlock(&rw), EDEADLK);
	EXPECT_RC(pthread_rwlock_timedwrlock(&rw, &bad), EDEADLK);
	EXPECT_RC(pthread_rwlock_tryrdlock(&rw), EBUSY);
	EXPECT_RC(pthread_rwlock_trywrlock(&rw), EBUSY);
	/* Held for writing: another's timed read lock times out, not early. */
	EXPECT_RC(in_other_thread(timed_rd, 30, &took), ETIMEDOUT);
	CHECK(took >= 30000000);
	EXPECT_RC(in_other_thread(timed_wr, 30, &took), ETIMEDOUT);
	CHECK(took >= 30000000);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_unlock(&rw), EPERM);
	/* Held for reading: readers come in, a timed writer times out. */
	EXPECT_RC(pthread_rwlock_rdlock(&rw), 0);
	EXPECT_RC(in_other_thread(timed_rd, 30, &took), 0);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0); /* the other thread's read lock */
	EXPECT_RC(in_other_thread(timed_wr, 30, &took), ETIMEDOUT);
	CHECK(took >= 30000000);
	/* A timed-out writer no longer holds readers back. */
	EXPECT_RC(pthread_rwlock_tryrdlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	/* Bad abstime: EINVAL only when the call would block. */
	EXPECT_RC(pthread_rwlock_timedwrlock(&rw, &bad), EINVAL);
	EXPECT_RC(pthread_rwlock_timedrdlock(&rw, &bad), 0);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_timedwrlock(&rw, &bad), 0);
	EXPECT_RC(pthread_rwlock_destroy(&rw), EBUSY);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	check_recursive_read();
	EXPECT_RC(pthread_rwlock_destroy(&rw), 0);
}

/* --- process-shared mutexes and condition variables, the condition's clock --- */

static pthread_mutex_t shared_m;
static pthread_cond_t shared_c;
static int flag;

static void *set_flag(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&shared_m);
	flag = 1;
	pthread_cond_signal(&shared_c);
	pthread_mutex_unlock(&shared_m);
	return NULL;
}

static void check_shared_mutex_cond(void)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int pshared = -1;
	clockid_t clock = 99;
	EXPECT_RC(pthread_mutexattr_init(&ma), 0);
	EXPECT_RC(pthread_mutexattr_getpshared(&ma, &pshared), 0);
	CHECK(pshared == PTHREAD_PROCESS_PRIVATE);
	EXPECT_RC(pthread_mutexattr_setpshared(&ma, 2), EINVAL);
	EXPECT_RC(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
	EXPECT_RC(pthread_mutex_init(&shared_m, &ma), 0);
	EXPECT_RC(pthread_condattr_init(&ca), 0);
	EXPECT_RC(pthread_condattr_getpshared(&ca, &pshared), 0);
	CHECK(pshared == PTHREAD_PROCESS_PRIVATE);
	EXPECT_RC(pthread_condattr_setpshared(&ca, 2), EINVAL);
	EXPECT_RC(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
	EXPECT_RC(pthread_condattr_getclock(&ca, &clock), 0);
	CHECK(clock == CLOCK_REALTIME);
	EXPECT_RC(pthread_condattr_setclock(&ca, CLOCK_THREAD_CPUTIME_ID), EINVAL);
	EXPECT_RC(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	EXPECT_RC(pthread_condattr_getclock(&ca, &clock), 0);
	CHECK(clock == CLOCK_MONOTONIC);
	EXPECT_RC(pthread_cond_init(&shared_c, &ca), 0);
	/* A shared pair works between threads like a private one. */
	pthread_t t;
	pthread_mutex_lock(&shared_m);
	pthread_create(&t, NULL, set_flag, NULL);
	while (!flag)
		EXPECT_RC(pthread_cond_wait(&shared_c, &shared_m), 0);
	pthread_mutex_unlock(&shared_m);
	pthread_join(t, NULL);
	/*
	 * The timeout is on CLOCK_MONOTONIC: 40 ms after boot-relative now. Read
	 * as CLOCK_REALTIME it would be decades ago and return at once.
	 */
	struct timespec at = posix_abs_in(CLOCK_MONOTONIC, 40);
	uint64_t t0 = posix_now_ns(CLOCK_MONOTONIC);
	pthread_mutex_lock(&shared_m);
	EXPECT_RC(pthread_cond_timedwait(&shared_c, &shared_m, &at), ETIMEDOUT);
	pthread_mutex_unlock(&shared_m);
	CHECK(posix_now_ns(CLOCK_MONOTONIC) - t0 >= 35000000);
	EXPECT_RC(pthread_cond_destroy(&shared_c), 0);
	EXPECT_RC(pthread_mutex_destroy(&shared_m), 0);
	pthread_condattr_destroy(&ca);
	pthread_mutexattr_destroy(&ma);
}

int ktest_posix_locks(int argc, char **argv)
{
	(void)argc, (void)argv;
	check_barriers();
	check_spin();
	check_rwlock();
	check_shared_mutex_cond();
	return posix_report("posix-locks");
}
