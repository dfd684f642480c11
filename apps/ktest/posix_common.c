/* Helpers for the posix-* ktest cases (posix.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "posix.h"

void posix_expect(int got, int want, const char *call, int line)
{
	if (got != want) {
		printf("FAIL line %d: %s returned %d (%s), expected %d (%s)\n", line, call, got,
		       got > 0 ? strerror(got) : "-", want, want > 0 ? strerror(want) : "-");
		ktest_failures++;
	}
}

void posix_expect_errno(int got, int want, const char *call, int line)
{
	int e = errno;
	if (want == 0 ? got != 0 : got != -1 || e != want) {
		printf("FAIL line %d: %s returned %d errno %d (%s), expected %s %d (%s)\n", line, call, got,
		       e, strerror(e), want ? "-1 errno" : "0", want, want ? strerror(want) : "-");
		ktest_failures++;
	}
}

uint64_t posix_now_ns(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct timespec posix_abs_in(clockid_t clock, long ms)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

int posix_report(const char *name)
{
	printf("%s: %d failures\n", name, ktest_failures);
	return ktest_failures ? 1 : 0;
}
