/*
 * Thread benchmark: the same C source runs as a yolk app and, built with
 * bench/chan_posix.c, as a static Linux program (bench/threads.sh compares
 * them under the same QEMU). Prints "bench NAME NS_PER_OP" lines.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <yolk/chan.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void report(const char *name, uint64_t ns, long ops)
{
	printf("bench %s %llu\n", name, (unsigned long long)(ns / (uint64_t)ops));
	fflush(stdout);
}

static volatile int yield_stop;

static void *yielder(void *arg)
{
	long n = (long)(intptr_t)arg;
	for (long i = 0; i < n; i++)
		sched_yield();
	return NULL;
}

/* Two threads taking turns with sched_yield: one op = one switch. */
static void bench_switch(long n)
{
	pthread_t t;
	uint64_t t0 = now_ns();
	pthread_create(&t, NULL, yielder, (void *)(intptr_t)n);
	for (long i = 0; i < n; i++)
		sched_yield();
	pthread_join(t, NULL);
	report("thread_switch", now_ns() - t0, 2 * n);
}

struct pp {
	struct chan *ping, *pong;
	long n;
};

static void *ponger(void *arg)
{
	struct pp *p = arg;
	int v, ok;
	for (long i = 0; i < p->n; i++) {
		chan_recv(p->ping, &v, &ok);
		chan_send(p->pong, &v);
	}
	return NULL;
}

/* A value to another thread and back over unbuffered channels. */
static void bench_chan(long n)
{
	struct pp p = {chan_new(sizeof(int), 0), chan_new(sizeof(int), 0), n};
	pthread_t t;
	int v = 1, ok;
	pthread_create(&t, NULL, ponger, &p);
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		chan_send(p.ping, &v);
		chan_recv(p.pong, &v, &ok);
	}
	report("chan_round_trip", now_ns() - t0, n);
	pthread_join(t, NULL);
}

static void bench_mutex(long n)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	report("mutex_uncontended", now_ns() - t0, n);
}

static void *nothing(void *arg) { return arg; }

static void bench_create(long n)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		pthread_t t;
		pthread_create(&t, NULL, nothing, NULL);
		pthread_join(t, NULL);
	}
	report("thread_create_join", now_ns() - t0, n);
}

int main(int argc, char **argv)
{
	/* "idle SECONDS": sleep, so the host can measure what an idle guest costs. */
	if (argc > 2 && strcmp(argv[1], "idle") == 0) {
		sleep((unsigned)atoi(argv[2]));
		printf("bench idle done\n");
		return 0;
	}
	long scale = argc > 1 ? atol(argv[1]) : 1;
	bench_switch(20000 * scale);
	bench_chan(20000 * scale);
	bench_mutex(1000000 * scale);
	bench_create(2000 * scale);
	printf("bench done\n");
	return 0;
}
