/*
 * Threads on every CPU (issue 19 phase 3), at -smp 2 and 4: that busy
 * threads are seen running on each CPU; a mutex and a channel shared across
 * CPUs lose nothing (exact counts); a pinned thread only ever runs on its
 * CPU; how long a wakeup of a thread pinned to another CPU takes (the
 * reschedule IPI); and round trips between threads pinned to the first and
 * last CPU, none lost (ktest smp-pingpong: those alone, 1,000,000 of
 * them). ktest smp-tlb: a page unmapped on CPU 0 faults when
 * CPU 1 touches it again (the TLB shootdown reached it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arch/percpu.h>
#include <arch/tlb.h>
#include <yolk/chan.h>
#include <yolk/cpu.h>
#include <yolk/mm.h>
#include <yolk/sched.h>
#include "ktest.h"

#define SPREAD_MS 300
#define MUTEX_THREADS 4
#define MUTEX_ROUNDS 50000
#define CHAN_ITEMS 20000
#define PIN_ROUNDS 2000
#define LATENCY_ROUNDS 200
#define PINGPONG_LIMIT_NS (20 * 1000000000ull)
#define WAIT_LIMIT_S 5

static int pin(pthread_t t, int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(t, sizeof(set), &set);
}

/* --- busy threads are seen on every CPU --- */

static void *spread_worker(void *arg)
{
	uint64_t *seen = arg, end = ktest_ns() + SPREAD_MS * 1000000ull;
	while (ktest_ns() < end)
		__atomic_or_fetch(seen, 1ull << sched_getcpu(), __ATOMIC_RELAXED);
	return NULL;
}

static void check_spread(int ncpu)
{
	uint64_t seen = 0;
	pthread_t t[8];
	for (int i = 0; i < 2 * ncpu; i++)
		CHECK(pthread_create(&t[i], NULL, spread_worker, &seen) == 0);
	for (int i = 0; i < 2 * ncpu; i++)
		pthread_join(t[i], NULL);
	printf("smp-sched: busy threads ran on cpus mask 0x%llx\n", (unsigned long long)seen);
	CHECK(seen == (1ull << ncpu) - 1);
}

/* --- a mutex and a channel across CPUs --- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *mutex_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		pthread_mutex_lock(&counter_lock);
		long v = counter;
		if ((i & 63) == 0)
			sched_yield(); /* holds the lock across a switch now and then */
		counter = v + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

struct chan_job {
	struct chan *c;
	long sum;
	int count;
};

static void *chan_producer(void *arg)
{
	struct chan_job *j = arg;
	for (int v = 1; v <= CHAN_ITEMS; v++)
		chan_send(j->c, &v);
	return NULL;
}

static void *chan_consumer(void *arg)
{
	struct chan_job *j = arg;
	int v, ok;
	for (;;) {
		chan_recv(j->c, &v, &ok);
		if (!ok)
			return NULL;
		j->sum += v;
		j->count++;
	}
}

static void check_shared(void)
{
	pthread_t t[MUTEX_THREADS], p[2], c[2];
	for (int i = 0; i < MUTEX_THREADS; i++)
		pthread_create(&t[i], NULL, mutex_worker, NULL);
	for (int i = 0; i < MUTEX_THREADS; i++)
		pthread_join(t[i], NULL);
	printf("smp-sched: mutex counter=%ld expected=%d\n", counter, MUTEX_THREADS * MUTEX_ROUNDS);
	CHECK(counter == MUTEX_THREADS * MUTEX_ROUNDS);

	struct chan_job prod = {chan_new(sizeof(int), 4), 0, 0}, cons[2] = {{prod.c, 0, 0}, {prod.c, 0, 0}};
	for (int i = 0; i < 2; i++) {
		pthread_create(&p[i], NULL, chan_producer, &prod);
		pthread_create(&c[i], NULL, chan_consumer, &cons[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(p[i], NULL);
	chan_close(prod.c);
	for (int i = 0; i < 2; i++)
		pthread_join(c[i], NULL);
	long sum = cons[0].sum + cons[1].sum, want = 2L * CHAN_ITEMS * (CHAN_ITEMS + 1) / 2;
	printf("smp-sched: chan items=%d sum=%ld expected %d/%ld\n", cons[0].count + cons[1].count, sum,
	       2 * CHAN_ITEMS, want);
	CHECK(cons[0].count + cons[1].count == 2 * CHAN_ITEMS && sum == want);
	chan_free(prod.c);
}

/* --- affinity --- */

struct pinned {
	int cpu, wrong;
	volatile int go;
	cpu_set_t got;
};

static void *pinned_worker(void *arg)
{
	struct pinned *p = arg;
	while (!p->go)
		sched_yield();
	for (int i = 0; i < PIN_ROUNDS; i++) {
		if (sched_getcpu() != p->cpu)
			p->wrong++;
		if (i % 8 == 0)
			sched_yield();
	}
	pthread_getaffinity_np(pthread_self(), sizeof(p->got), &p->got);
	return NULL;
}

static void check_affinity(int ncpu)
{
	for (int cpu = 0; cpu < ncpu; cpu++) {
		struct pinned p = {cpu, 0, 0, {{0}}};
		pthread_attr_t a;
		pthread_t t;
		pthread_attr_init(&a);
		/* Started on any CPU, pinned, then let go: from then on every look must say `cpu`. */
		CHECK(pthread_create(&t, &a, pinned_worker, &p) == 0);
		CHECK(pin(t, cpu) == 0);
		p.go = 1;
		pthread_join(t, NULL);
		int only = CPU_ISSET(cpu, &p.got) && CPU_COUNT(&p.got) == 1;
		printf("smp-sched: pinned to cpu %d: %d of %d looks elsewhere, mask ok=%d\n", cpu, p.wrong, PIN_ROUNDS,
		       only);
		CHECK(p.wrong == 0 && only);
	}
	cpu_set_t none;
	CPU_ZERO(&none);
	CPU_SET(ncpu, &none); /* no such CPU online */
	CHECK(pthread_setaffinity_np(pthread_self(), sizeof(none), &none) == EINVAL);
}

/* --- wakeup latency and round trips across CPUs --- */

struct pair {
	sem_t ping, pong;
	volatile uint64_t sent_at;
	uint64_t lat_ns[LATENCY_ROUNDS];
	long rounds, done;
	uint64_t deadline;
	int lost;
};

static int wait_sem(sem_t *s)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_LIMIT_S;
	return sem_timedwait(s, &ts);
}

static void *latency_waiter(void *arg)
{
	struct pair *p = arg;
	for (int i = 0; i < LATENCY_ROUNDS; i++) {
		if (wait_sem(&p->ping)) {
			p->lost++;
			return NULL;
		}
		p->lat_ns[i] = ktest_ns() - p->sent_at;
		sem_post(&p->pong);
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void check_latency(int ncpu)
{
	static struct pair p;
	pthread_t t;
	memset(&p, 0, sizeof(p));
	sem_init(&p.ping, 0, 0);
	sem_init(&p.pong, 0, 0);
	pin(pthread_self(), 0);
	pthread_create(&t, NULL, latency_waiter, &p);
	pin(t, ncpu - 1);
	uint64_t ipis = cpu_by_id(ncpu - 1)->resched_ipis;
	for (int i = 0; i < LATENCY_ROUNDS && !p.lost; i++) {
		struct timespec pause = {0, 1000000}; /* the waiter is asleep, its CPU idle, when the post comes */
		nanosleep(&pause, NULL);
		p.sent_at = ktest_ns();
		sem_post(&p.ping);
		if (wait_sem(&p.pong))
			p.lost++;
	}
	pthread_join(t, NULL);
	qsort(p.lat_ns, LATENCY_ROUNDS, sizeof(p.lat_ns[0]), cmp_u64);
	printf("smp-sched: wakeup cpu 0 -> cpu %d: median %llu us, 90%% %llu us, max %llu us, %llu IPIs, lost %d\n",
	       ncpu - 1, (unsigned long long)p.lat_ns[LATENCY_ROUNDS / 2] / 1000,
	       (unsigned long long)p.lat_ns[LATENCY_ROUNDS * 9 / 10] / 1000,
	       (unsigned long long)p.lat_ns[LATENCY_ROUNDS - 1] / 1000,
	       (unsigned long long)(cpu_by_id(ncpu - 1)->resched_ipis - ipis), p.lost);
	CHECK(p.lost == 0);
	sem_destroy(&p.ping);
	sem_destroy(&p.pong);
}

static void *ponger(void *arg)
{
	struct pair *p = arg;
	for (;;) {
		if (wait_sem(&p->ping)) {
			p->lost++;
			return NULL;
		}
		if (p->done)
			return NULL;
		sem_post(&p->pong);
	}
}

/*
 * ROUNDS round trips between threads pinned to cpu 0 and cpu NCPU-1, or as
 * many as fit in limit_ns; a round trip whose wakeup went missing shows as
 * a semaphore wait running out (WAIT_LIMIT_S) and is counted as lost.
 */
static void check_pingpong(const char *who, int ncpu, long rounds, uint64_t limit_ns)
{
	static struct pair p;
	pthread_t t;
	memset(&p, 0, sizeof(p));
	sem_init(&p.ping, 0, 0);
	sem_init(&p.pong, 0, 0);
	pin(pthread_self(), 0);
	pthread_create(&t, NULL, ponger, &p);
	pin(t, ncpu - 1);
	uint64_t t0 = ktest_ns(), deadline = t0 + limit_ns;
	long n = 0;
	while (n < rounds && ktest_ns() < deadline) {
		sem_post(&p.ping);
		if (wait_sem(&p.pong)) {
			p.lost++;
			break;
		}
		n++;
	}
	p.done = 1;
	sem_post(&p.ping);
	pthread_join(t, NULL);
	uint64_t ms = (ktest_ns() - t0) / 1000000;
	printf("%s: pingpong cpu 0 <-> cpu %d: %ld round trips in %llu ms (%s, %llu/s), lost %d\n", who, ncpu - 1, n,
	       (unsigned long long)ms, n == rounds ? "all" : "time bound",
	       (unsigned long long)(n * 1000ull / (ms ? ms : 1)), p.lost);
	/* Bounded by count or time; either way no round trip may be lost, and a good many must be done. */
	CHECK(p.lost == 0 && (n == rounds || n >= 1000));
	sem_destroy(&p.ping);
	sem_destroy(&p.pong);
}

/* ktest smp-sched NCPU [ROUNDS]: every check above; ROUNDS ping-pong round trips (default 100000). */
int ktest_smp_sched(int argc, char **argv)
{
	int ncpu = argc > 2 ? atoi(argv[2]) : 2;
	long rounds = argc > 3 ? atol(argv[3]) : 100000;
	CHECK(ncpu >= 2 && ncpu <= 8 && (int)cpu_count_online() == ncpu);
	if (ktest_failures)
		return 1;
	check_spread(ncpu);
	check_shared();
	check_affinity(ncpu);
	check_latency(ncpu);
	check_pingpong("smp-sched", ncpu, rounds, PINGPONG_LIMIT_NS);
	printf("smp-sched: %s\n", ktest_failures ? "FAILED" : "ok");
	return ktest_failures != 0;
}

/*
 * ktest smp-pingpong NCPU ROUNDS [LIMIT_S]: the ping-pong alone, ROUNDS
 * round trips (the 1,000,000) within LIMIT_S seconds (default 600):
 * every one must complete, none lost.
 */
int ktest_smp_pingpong(int argc, char **argv)
{
	int ncpu = argc > 2 ? atoi(argv[2]) : 2;
	long rounds = argc > 3 ? atol(argv[3]) : 1000000;
	uint64_t limit_s = argc > 4 ? (uint64_t)atol(argv[4]) : 600;
	CHECK(ncpu >= 2 && ncpu <= 8 && (int)cpu_count_online() == ncpu && rounds > 0);
	if (ktest_failures)
		return 1;
	check_pingpong("smp-pingpong", ncpu, rounds, limit_s * 1000000000ull);
	printf("smp-pingpong: %s\n", ktest_failures ? "FAILED" : "ok");
	return ktest_failures != 0;
}

/* --- TLB shootdown --- */

static volatile int tlb_step;
static volatile uintptr_t tlb_page;

static void *tlb_toucher(void *arg)
{
	(void)arg;
	while (sched_getcpu() != 1)
		sched_yield();
	volatile int *p = (volatile int *)tlb_page;
	int v = *p; /* now in this CPU's TLB */
	tlb_step = 1;
	while (tlb_step != 2) /* spins: it stays on cpu 1 with its TLB as it is */
		;
	printf("smp-tlb: cpu %d touches 0x%lx again\n", sched_getcpu(), (unsigned long)tlb_page);
	v += *p; /* must fault: cpu 0's unmap was shot down here */
	printf("smp-tlb: FAIL: cpu 1 still read the unmapped page (%d)\n", v);
	return NULL;
}

/* ktest smp-tlb: a stack page mapped, read on cpu 1, unmapped on cpu 0, read on cpu 1 again: a page fault there. */
int ktest_smp_tlb(int argc, char **argv)
{
	(void)argc, (void)argv;
	pthread_t t;
	if (cpu_count_online() < 2) {
		printf("smp-tlb: needs 2 CPUs\n");
		return 1;
	}
	pin(pthread_self(), 0);
	void *top = vm_alloc_stack(4096);
	tlb_page = (uintptr_t)top - 4096;
	*(volatile int *)tlb_page = 42;
	pthread_create(&t, NULL, tlb_toucher, NULL);
	pin(t, 1);
	uint64_t end = ktest_ns() + 5000000000ull;
	while (tlb_step != 1 && ktest_ns() < end)
		sched_yield();
	uint64_t before = tlb_shootdowns();
	vm_free_stack(top, 4096);
	printf("smp-tlb: cpu %d unmapped 0x%lx, %llu shootdown(s)\n", sched_getcpu(), (unsigned long)tlb_page,
	       (unsigned long long)(tlb_shootdowns() - before));
	tlb_step = 2;
	sleep(5);
	printf("smp-tlb: FAIL: cpu 1 did not fault\n");
	return 1;
}
