/*
 * ktest thread-churn and thread-concurrent: thread stacks come and go without
 * leaking memory, address space or page tables, and concurrent creators
 * never lose each other's stack mappings (every stack touched end to end).
 */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <yolk/mm.h>
#include "ktest.h"

/*
 * Writes one byte every 256 below the caller's frame, `bytes` deep: a stack
 * page that is missing (or a stack smaller than asked for) faults here.
 */
__attribute__((noinline)) static void touch_below(size_t bytes)
{
	volatile char *here = (volatile char *)__builtin_frame_address(0);
	for (size_t off = 256; off <= bytes; off += 256)
		here[-(long)off] = (char)off;
}

/* Room the thread's start-up frames take above the touching one. */
#define STACK_SLACK 1024

static void *toucher(void *arg)
{
	size_t size = (size_t)(uintptr_t)arg;
	touch_below(size - STACK_SLACK);
	return arg;
}

/* Creates and joins a thread with an explicit stack of `size` that touches all of it: 1 if it did. */
static int churn_one(size_t size)
{
	pthread_attr_t a;
	pthread_t t;
	void *r = NULL;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, size);
	int ok = pthread_create(&t, &a, toucher, (void *)(uintptr_t)size) == 0 && pthread_join(t, &r) == 0 &&
	         r == (void *)(uintptr_t)size;
	pthread_attr_destroy(&a);
	return ok;
}

int ktest_thread_churn(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
	uint64_t t0 = ktest_ms();
	churn_one(16384); /* first use: malloc's and the stack list's own set-up */
	size_t pages0 = pmm_free_pages(), heap0 = (size_t)mallinfo().uordblks;
	long done = 0;
	for (; done < n && ktest_ms() - t0 < 300000; done++) {
		/* Sizes that are not whole pages: the stack must be rounded up, never down. */
		if (!churn_one(done % 3 == 0 ? 16384 + 3000 : 16384)) {
			printf("FAIL churn: thread %ld\n", done);
			break;
		}
	}
	size_t pages1 = pmm_free_pages(), heap1 = (size_t)mallinfo().uordblks;
	printf("thread-churn: %ld threads in %llu ms\n", done, (unsigned long long)(ktest_ms() - t0));
	printf("thread-churn: free pages %zu -> %zu, heap in use %zu -> %zu bytes, heap mapped %zu KiB\n",
	       pages0, pages1, heap0, heap1, heap_mapped_bytes() / 1024);
	long lost_pages = (long)pages0 - (long)pages1, lost_heap = (long)heap1 - (long)heap0;
	printf("thread-churn: lost_pages=%ld lost_heap=%ld\n", lost_pages, lost_heap);
	CHECK(done == n);
	CHECK(lost_pages <= 2);
	CHECK(lost_heap <= 8192);
	return ktest_failures ? 1 : 0;
}

struct creator {
	long rounds, ok;
};

/* One of the concurrent creators: creates and joins threads whose stacks it checks. */
static void *creator(void *arg)
{
	struct creator *c = arg;
	for (long i = 0; i < c->rounds; i++)
		c->ok += churn_one(8192 + (size_t)(i % 5) * 4096 + 1000);
	return NULL;
}

int ktest_thread_concurrent(int argc, char **argv)
{
	enum { CREATORS = 8 };
	long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 2000;
	static struct creator c[CREATORS];
	pthread_t t[CREATORS];
	uint64_t t0 = ktest_ms();
	size_t pages0 = pmm_free_pages();
	for (int i = 0; i < CREATORS; i++) {
		c[i] = (struct creator){rounds, 0};
		CHECK(pthread_create(&t[i], NULL, creator, &c[i]) == 0);
	}
	long ok = 0;
	for (int i = 0; i < CREATORS; i++) {
		CHECK(pthread_join(t[i], NULL) == 0);
		ok += c[i].ok;
	}
	printf("thread-concurrent: %d creators, %ld of %ld threads ran with whole stacks in %llu ms\n",
	       CREATORS, ok, rounds * CREATORS, (unsigned long long)(ktest_ms() - t0));
	printf("thread-concurrent: free pages %zu -> %zu\n", pages0, pmm_free_pages());
	CHECK(ok == rounds * CREATORS);
	return ktest_failures ? 1 : 0;
}
