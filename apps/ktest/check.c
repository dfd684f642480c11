/* What every ktest case shares: its checks, its result line and its clock. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "ktest.h"

int ktest_failures;

void ktest_check(int ok, const char *what, int line)
{
	if (!ok) {
		printf("FAIL line %d: %s (errno %d %s)\n", line, what, errno, strerror(errno));
		ktest_failures++;
	}
}

int ktest_result(const char *name)
{
	printf("%s: %d failures\n", name, ktest_failures);
	return ktest_failures ? 1 : 0;
}

uint64_t ktest_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t ktest_ms(void)
{
	return ktest_ns() / 1000000u;
}
