/*
 * bench/smp.sh's guest half, the same source on yolk and on Linux: a
 * CPU-bound parallel workload. WORK blocks of a 4 KiB buffer are hashed
 * (FNV-1a, 64 rounds each), split evenly over THREADS threads that share
 * nothing but the result; the check value does not depend on THREADS, so
 * every run can be compared. Prints "bench smp threads=T blocks=W ms=M check=C".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BLOCK 4096
#define ROUNDS 64
#define MAX_THREADS 64

struct job {
	long first, count;
	uint64_t xor;
};

static uint64_t hash_block(long block)
{
	unsigned char buf[BLOCK];
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)block;
	for (int i = 0; i < BLOCK; i++)
		buf[i] = (unsigned char)(block * 31 + i);
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BLOCK; i++)
			h = (h ^ buf[i]) * 0x100000001b3ull;
		buf[r] ^= (unsigned char)h;
	}
	return h;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	for (long b = j->first; b < j->first + j->count; b++)
		j->xor ^= hash_block(b);
	return NULL;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 1;
	long blocks = argc > 2 ? atol(argv[2]) : 2000;
	if (threads < 1 || threads > MAX_THREADS || blocks < threads) {
		fprintf(stderr, "usage: bench-smp THREADS(1-%d) BLOCKS(>= THREADS)\n", MAX_THREADS);
		return 2;
	}
	pthread_t t[MAX_THREADS];
	struct job jobs[MAX_THREADS];
	uint64_t t0 = now_ms(), check = 0;
	for (int i = 0; i < threads; i++) {
		jobs[i] = (struct job){blocks * i / threads, blocks * (i + 1) / threads - blocks * i / threads, 0};
		if (pthread_create(&t[i], NULL, worker, &jobs[i])) {
			fprintf(stderr, "bench-smp: pthread_create failed\n");
			return 1;
		}
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		check ^= jobs[i].xor;
	}
	printf("bench smp threads=%d blocks=%ld ms=%llu check=%016llx\n", threads, blocks,
	       (unsigned long long)(now_ms() - t0), (unsigned long long)check);
	return 0;
}
