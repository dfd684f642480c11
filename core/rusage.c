/*
 * getrusage(): CPU time from the scheduler's per-thread accounting
 * (core/cpuclock.c). Everything runs in one privilege level, so all of it
 * counts as user time; there are no child processes.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "cpuclock.h"

#ifndef RUSAGE_THREAD
#define RUSAGE_THREAD 1 /* picolibc names it only for _GNU_SOURCE */
#endif

int getrusage(int who, struct rusage *ru)
{
	clockid_t clock;
	if (who == RUSAGE_SELF)
		clock = CLOCK_PROCESS_CPUTIME_ID;
	else if (who == RUSAGE_THREAD)
		clock = CLOCK_THREAD_CPUTIME_ID;
	else if (who != RUSAGE_CHILDREN) {
		errno = EINVAL;
		return -1;
	}
	memset(ru, 0, sizeof(*ru));
	uint64_t ns = 0;
	if (who != RUSAGE_CHILDREN && cpuclock_ns(clock, &ns) < 0) {
		errno = EINVAL;
		return -1;
	}
	ru->ru_utime.tv_sec = (time_t)(ns / 1000000000u);
	ru->ru_utime.tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
	return 0;
}
