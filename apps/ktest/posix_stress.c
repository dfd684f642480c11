/*
 * Stress, bounded in count and time: posix-barrier-stress THREADS ROUNDS
 * (every thread sees all arrivals of a round before leaving it, one serial
 * thread per round), posix-sem-stress (16 producers and 16 consumers on a
 * bounded buffer of counting semaphores: every item consumed exactly once).
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include "posix.h"

static pthread_barrier_t barrier;
static unsigned long arrivals, serials, early_leavers;
static long rounds;
static int nthreads;

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (long r = 0; r < rounds; r++) {
		__atomic_add_fetch(&arrivals, 1, __ATOMIC_RELAXED);
		int rc = pthread_barrier_wait(&barrier);
		/* All nthreads arrivals of round r happened before anyone leaves it. */
		if (__atomic_load_n(&arrivals, __ATOMIC_RELAXED) <
		    (unsigned long)nthreads * (unsigned long)(r + 1))
			__atomic_add_fetch(&early_leavers, 1, __ATOMIC_RELAXED);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
		else if (rc != 0)
			__atomic_add_fetch(&early_leavers, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

int ktest_posix_barrier_stress(int argc, char **argv)
{
	nthreads = argc > 2 ? atoi(argv[2]) : 64;
	rounds = argc > 3 ? atol(argv[3]) : 10000;
	pthread_t *t = calloc((size_t)nthreads, sizeof(*t));
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 32 * 1024);
	EXPECT_RC(pthread_barrier_init(&barrier, NULL, (unsigned)nthreads), 0);
	uint64_t t0 = posix_now_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < nthreads; i++)
		EXPECT_RC(pthread_create(&t[i], &a, barrier_worker, NULL), 0);
	for (int i = 0; i < nthreads; i++)
		EXPECT_RC(pthread_join(t[i], NULL), 0);
	uint64_t ms = (posix_now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
	EXPECT_RC(pthread_barrier_destroy(&barrier), 0);
	printf("barrier-stress threads=%d rounds=%ld serial=%lu early=%lu ms=%llu\n", nthreads, rounds,
	       serials, early_leavers, (unsigned long long)ms);
	CHECK(serials == (unsigned long)rounds);
	CHECK(early_leavers == 0);
	CHECK(arrivals == (unsigned long)nthreads * (unsigned long)rounds);
	free(t);
	return posix_report("posix-barrier-stress");
}

/* --- producers and consumers --- */

enum { PRODUCERS = 16, CONSUMERS = 16, ITEMS_PER_PRODUCER = 2000, SLOTS = 8 };
#define ITEMS (PRODUCERS * ITEMS_PER_PRODUCER)

static sem_t empty_slots, full_slots;
static pthread_mutex_t buffer_lock = PTHREAD_MUTEX_INITIALIZER;
static int buffer[SLOTS], head, tail;
static unsigned char seen[ITEMS];
static int consumed[CONSUMERS], duplicates;

static void *producer(void *arg)
{
	int base = (int)(intptr_t)arg * ITEMS_PER_PRODUCER;
	for (int i = 0; i < ITEMS_PER_PRODUCER; i++) {
		sem_wait(&empty_slots);
		pthread_mutex_lock(&buffer_lock);
		buffer[head] = base + i;
		head = (head + 1) % SLOTS;
		pthread_mutex_unlock(&buffer_lock);
		sem_post(&full_slots);
	}
	return NULL;
}

/* Takes items until it gets the stop mark (-1). */
static void *consumer(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (;;) {
		sem_wait(&full_slots);
		pthread_mutex_lock(&buffer_lock);
		int item = buffer[tail];
		tail = (tail + 1) % SLOTS;
		if (item >= 0 && seen[item]++)
			duplicates++;
		pthread_mutex_unlock(&buffer_lock);
		sem_post(&empty_slots);
		if (item < 0)
			return NULL;
		consumed[me]++;
	}
}

int ktest_posix_sem_stress(int argc, char **argv)
{
	(void)argc, (void)argv;
	pthread_t p[PRODUCERS], c[CONSUMERS];
	EXPECT_ERRNO(sem_init(&empty_slots, 0, SLOTS), 0);
	EXPECT_ERRNO(sem_init(&full_slots, 1, 0), 0);
	uint64_t t0 = posix_now_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < CONSUMERS; i++)
		pthread_create(&c[i], NULL, consumer, (void *)(intptr_t)i);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_create(&p[i], NULL, producer, (void *)(intptr_t)i);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(p[i], NULL);
	for (int i = 0; i < CONSUMERS; i++) { /* one stop mark each */
		sem_wait(&empty_slots);
		pthread_mutex_lock(&buffer_lock);
		buffer[head] = -1;
		head = (head + 1) % SLOTS;
		pthread_mutex_unlock(&buffer_lock);
		sem_post(&full_slots);
	}
	for (int i = 0; i < CONSUMERS; i++)
		pthread_join(c[i], NULL);
	int total = 0, missing = 0, busy = 0, empty = -1, full = -1;
	for (int i = 0; i < CONSUMERS; i++) {
		total += consumed[i];
		busy += consumed[i] > 0;
	}
	for (int i = 0; i < ITEMS; i++)
		missing += !seen[i];
	sem_getvalue(&empty_slots, &empty);
	sem_getvalue(&full_slots, &full);
	printf("sem-stress producers=%d consumers=%d items=%d consumed=%d missing=%d duplicates=%d "
	       "consumers_busy=%d empty=%d full=%d ms=%llu\n",
	       PRODUCERS, CONSUMERS, ITEMS, total, missing, duplicates, busy, empty, full,
	       (unsigned long long)(posix_now_ns(CLOCK_MONOTONIC) - t0) / 1000000);
	CHECK(total == ITEMS && missing == 0 && duplicates == 0);
	CHECK(empty == SLOTS && full == 0);
	EXPECT_ERRNO(sem_destroy(&empty_slots), 0);
	EXPECT_ERRNO(sem_destroy(&full_slots), 0);
	return posix_report("posix-sem-stress");
}
