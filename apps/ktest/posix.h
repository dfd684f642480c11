/* Shared by the posix-* ktest cases (posix_*.c): assertions from the POSIX.1-2017 pages. */
#ifndef KTEST_POSIX_H
#define KTEST_POSIX_H

#include <stdint.h>
#include <time.h>
#include "ktest.h"

/* For calls that return an error number (pthread_*, clock_nanosleep): got must be want. */
void posix_expect(int got, int want, const char *call, int line);
#define EXPECT_RC(call, want) posix_expect((call), (want), #call, __LINE__)

/* For calls that return -1 and set errno (sem_*, clock_*): -1 and errno == want, or 0 if want is 0. */
void posix_expect_errno(int got, int want, const char *call, int line);
#define EXPECT_ERRNO(call, want) posix_expect_errno((call), (want), #call, __LINE__)

uint64_t posix_now_ns(clockid_t clock);
/* clock's time now plus ms milliseconds, as an absolute timespec. */
struct timespec posix_abs_in(clockid_t clock, long ms);
/* Prints "<name>: N failures" and gives main's status. */
int posix_report(const char *name);

int ktest_posix_threads(int argc, char **argv);
int ktest_posix_locks(int argc, char **argv);
int ktest_posix_sem(int argc, char **argv);
int ktest_posix_clock(int argc, char **argv);
int ktest_posix_sysconf(int argc, char **argv);
int ktest_posix_header(int argc, char **argv);
int ktest_posix_timers(int argc, char **argv);
int ktest_posix_signals(int argc, char **argv);
int ktest_posix_barrier_stress(int argc, char **argv);
int ktest_posix_sem_stress(int argc, char **argv);

#endif
