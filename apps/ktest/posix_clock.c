/*
 * posix-clock: CPU-time clocks (the thread's, the process's, another
 * thread's through pthread_getcpuclockid, clock_getcpuclockid), setting
 * CLOCK_REALTIME, clock_nanosleep's clocks and TIMER_ABSTIME.
 * posix-sysconf: <unistd.h>'s option macros and sysconf() agree, and the
 * thread-safe _r functions picolibc has work.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "posix.h"

/* Burns CPU for ms milliseconds of monotonic time. */
static void spin_for(long ms)
{
	uint64_t end = posix_now_ns(CLOCK_MONOTONIC) + (uint64_t)ms * 1000000;
	while (posix_now_ns(CLOCK_MONOTONIC) < end)
		;
}

static sem_t spun, go;

static void *spin_then_wait(void *arg)
{
	(void)arg;
	spin_for(40);
	sem_post(&spun);
	sem_wait(&go);
	return NULL;
}

static void check_cpu_clocks(void)
{
	struct timespec res;
	EXPECT_ERRNO(clock_getres(CLOCK_THREAD_CPUTIME_ID, &res), 0);
	EXPECT_ERRNO(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res), 0);
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0);
	/* Spinning counts as the thread's CPU time; sleeping does not. */
	uint64_t cpu0 = posix_now_ns(CLOCK_THREAD_CPUTIME_ID);
	spin_for(30);
	uint64_t cpu1 = posix_now_ns(CLOCK_THREAD_CPUTIME_ID);
	struct timespec ms50 = {0, 50000000};
	nanosleep(&ms50, NULL);
	uint64_t cpu2 = posix_now_ns(CLOCK_THREAD_CPUTIME_ID);
	printf("posix-clock: spun 30 ms: thread cpu +%llu us; slept 50 ms: +%llu us\n",
	       (unsigned long long)(cpu1 - cpu0) / 1000, (unsigned long long)(cpu2 - cpu1) / 1000);
	CHECK(cpu1 - cpu0 >= 20000000); /* the machine is shared: others may run meanwhile */
	CHECK(cpu2 - cpu1 < 10000000);
	CHECK(posix_now_ns(CLOCK_PROCESS_CPUTIME_ID) >= posix_now_ns(CLOCK_THREAD_CPUTIME_ID));

	/* Another thread's clock. */
	pthread_t t;
	clockid_t clock, own;
	sem_init(&spun, 0, 0);
	sem_init(&go, 0, 0);
	pthread_create(&t, NULL, spin_then_wait, NULL);
	EXPECT_RC(pthread_getcpuclockid(t, &clock), 0);
	sem_wait(&spun);
	uint64_t other = posix_now_ns(clock);
	CHECK(other >= 30000000);
	EXPECT_ERRNO(clock_settime(clock, &res), EPERM);
	EXPECT_RC(clock_nanosleep(clock, 0, &ms50, NULL), ENOTSUP);
	uint64_t process0 = posix_now_ns(CLOCK_PROCESS_CPUTIME_ID);
	sem_post(&go);
	EXPECT_RC(pthread_join(t, NULL), 0);
	/* The thread is gone: its clock id names nothing; its time stays in the process's. */
	EXPECT_RC(pthread_getcpuclockid(t, &clock), ESRCH);
	struct timespec ts;
	EXPECT_ERRNO(clock_gettime(clock, &ts), EINVAL);
	CHECK(posix_now_ns(CLOCK_PROCESS_CPUTIME_ID) >= process0);
	/* The calling thread's clock by id reads like CLOCK_THREAD_CPUTIME_ID. */
	EXPECT_RC(pthread_getcpuclockid(pthread_self(), &own), 0);
	uint64_t a = posix_now_ns(CLOCK_THREAD_CPUTIME_ID), b = posix_now_ns(own);
	CHECK(b >= a && b - a < 5000000);
	EXPECT_RC(clock_nanosleep(own, 0, &ms50, NULL), EINVAL);
	/* clock_getcpuclockid: 0 and our own pid are this process; others do not exist. */
	EXPECT_RC(clock_getcpuclockid(0, &clock), 0);
	CHECK(clock == CLOCK_PROCESS_CPUTIME_ID);
	EXPECT_RC(clock_getcpuclockid(getpid(), &clock), 0);
	EXPECT_RC(clock_getcpuclockid(getpid() + 1, &clock), ESRCH);
}

static void check_settime(void)
{
	struct timespec saved, set = {1900000000, 500000000}, now; /* 2030-03-17 */
	clock_gettime(CLOCK_REALTIME, &saved);
	uint64_t mono0 = posix_now_ns(CLOCK_MONOTONIC);
	EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &set), 0);
	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(now.tv_sec == set.tv_sec || (now.tv_sec == set.tv_sec + 1 && now.tv_nsec < 500000000));
	CHECK(time(NULL) >= 1900000000);
	CHECK(posix_now_ns(CLOCK_MONOTONIC) >= mono0); /* CLOCK_MONOTONIC is not moved */
	struct timespec bad = {1, 1000000000}, negative = {-1, 0};
	EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &bad), EINVAL);
	EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &negative), EINVAL);
	EXPECT_ERRNO(clock_settime(CLOCK_MONOTONIC, &set), EINVAL);
	EXPECT_ERRNO(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &set), EPERM);
	EXPECT_ERRNO(clock_settime(CLOCK_THREAD_CPUTIME_ID, &set), EPERM);
	EXPECT_ERRNO(clock_settime((clockid_t)1234, &set), EINVAL);
	EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &saved), 0);
}

static struct timespec wake_at;

static void *sleep_until_realtime(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &wake_at, NULL);
}

/* An absolute CLOCK_REALTIME sleep ends when the clock is set past its time, not 10 s later. */
static void check_sleep_follows_settime(void)
{
	struct timespec saved;
	clock_gettime(CLOCK_REALTIME, &saved);
	wake_at = posix_abs_in(CLOCK_REALTIME, 10000);
	pthread_t t;
	void *rc = (void *)1;
	uint64_t t0 = posix_now_ns(CLOCK_MONOTONIC);
	pthread_create(&t, NULL, sleep_until_realtime, NULL);
	struct timespec ms20 = {0, 20000000};
	nanosleep(&ms20, NULL);
	struct timespec later = posix_abs_in(CLOCK_REALTIME, 20000);
	EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &later), 0);
	pthread_join(t, &rc);
	uint64_t ms = (posix_now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
	CHECK(rc == NULL && ms < 2000);
	/* Back to the time it was (plus what passed). */
	struct timespec back = saved;
	back.tv_sec += (time_t)(ms / 1000);
	clock_settime(CLOCK_REALTIME, &back);
}

static void check_nanosleep(void)
{
	struct timespec ms10 = {0, 10000000}, bad = {0, 1000000000};
	EXPECT_RC(clock_nanosleep((clockid_t)1234, 0, &ms10, NULL), EINVAL);
	EXPECT_RC(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ms10, NULL), EINVAL);
	EXPECT_RC(clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &ms10, NULL), ENOTSUP);
	EXPECT_RC(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
	EXPECT_RC(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &bad, NULL), EINVAL);
	/* TIMER_ABSTIME: until the clock reaches the time, on either clock. */
	struct timespec at = posix_abs_in(CLOCK_MONOTONIC, 40);
	EXPECT_RC(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL), 0);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	CHECK(now.tv_sec > at.tv_sec || (now.tv_sec == at.tv_sec && now.tv_nsec >= at.tv_nsec));
	at = posix_abs_in(CLOCK_REALTIME, 40);
	EXPECT_RC(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &at, NULL), 0);
	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(now.tv_sec > at.tv_sec || (now.tv_sec == at.tv_sec && now.tv_nsec >= at.tv_nsec));
	/* A time already past returns at once. */
	struct timespec past = {0, 0};
	uint64_t t0 = posix_now_ns(CLOCK_MONOTONIC);
	EXPECT_RC(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
	CHECK(posix_now_ns(CLOCK_MONOTONIC) - t0 < 5000000);
	struct timespec ts;
	EXPECT_ERRNO(clock_gettime((clockid_t)1234, &ts), EINVAL);
}

int ktest_posix_clock(int argc, char **argv)
{
	(void)argc, (void)argv;
	check_cpu_clocks();
	check_settime();
	check_sleep_follows_settime();
	check_nanosleep();
	return posix_report("posix-clock");
}

/* --- sysconf and the option macros --- */

/* sysconf(name) must give the macro's value: an option announced is an option supported. */
#define OPTION(sc, macro)                                                                                    \
	do {                                                                                                 \
		posix_expect((int)sysconf(sc), (int)(macro), "sysconf(" #sc ") == " #macro, __LINE__);       \
		CHECK((macro) == 200809L);                                                                   \
	} while (0)

static void check_options(void)
{
	OPTION(_SC_THREADS, _POSIX_THREADS);
	OPTION(_SC_THREAD_SAFE_FUNCTIONS, _POSIX_THREAD_SAFE_FUNCTIONS);
	OPTION(_SC_BARRIERS, _POSIX_BARRIERS);
	OPTION(_SC_SPIN_LOCKS, _POSIX_SPIN_LOCKS);
	OPTION(_SC_SEMAPHORES, _POSIX_SEMAPHORES);
	OPTION(_SC_READER_WRITER_LOCKS, _POSIX_READER_WRITER_LOCKS);
	OPTION(_SC_TIMEOUTS, _POSIX_TIMEOUTS);
	OPTION(_SC_TIMERS, _POSIX_TIMERS);
	OPTION(_SC_CLOCK_SELECTION, _POSIX_CLOCK_SELECTION);
	OPTION(_SC_MONOTONIC_CLOCK, _POSIX_MONOTONIC_CLOCK);
	OPTION(_SC_THREAD_ATTR_STACKADDR, _POSIX_THREAD_ATTR_STACKADDR);
	OPTION(_SC_THREAD_ATTR_STACKSIZE, _POSIX_THREAD_ATTR_STACKSIZE);
	OPTION(_SC_THREAD_PROCESS_SHARED, _POSIX_THREAD_PROCESS_SHARED);
	OPTION(_SC_THREAD_CPUTIME, _POSIX_THREAD_CPUTIME);
	OPTION(_SC_CPUTIME, _POSIX_CPUTIME);
	OPTION(_SC_THREAD_PRIORITY_SCHEDULING, _POSIX_THREAD_PRIORITY_SCHEDULING);
	OPTION(_SC_PRIORITY_SCHEDULING, _POSIX_PRIORITY_SCHEDULING);
	/* Not implemented: no macro, and -1 without touching errno. */
#if defined(_POSIX_SHARED_MEMORY_OBJECTS) || defined(_POSIX_THREAD_PRIO_INHERIT)
	CHECK(!"an option announced that yolk does not implement");
#endif
	errno = 0;
	CHECK(sysconf(_SC_THREAD_PRIO_INHERIT) == -1 && errno == 0);
	CHECK(sysconf(_SC_SHARED_MEMORY_OBJECTS) == -1 && errno == 0);
	CHECK(sysconf(-12345) == -1 && errno == EINVAL);
	/* Limits. */
	CHECK(sysconf(_SC_THREAD_STACK_MIN) == PTHREAD_STACK_MIN);
	CHECK(sysconf(_SC_THREAD_KEYS_MAX) == PTHREAD_KEYS_MAX);
	CHECK(sysconf(_SC_SEM_VALUE_MAX) == SEM_VALUE_MAX && SEM_VALUE_MAX >= _POSIX_SEM_VALUE_MAX);
	CHECK(sysconf(_SC_THREAD_THREADS_MAX) >= 64);
}

/* The thread-safe functions picolibc has: results in caller storage, same answers as POSIX's examples. */
static void check_r_functions(void)
{
	char text[] = "a,b;;c", *save = NULL;
	char *p1 = strtok_r(text, ",;", &save), *p2 = strtok_r(NULL, ",;", &save),
	     *p3 = strtok_r(NULL, ",;", &save);
	CHECK(p1 && p2 && p3 && !strcmp(p1, "a") && !strcmp(p2, "b") && !strcmp(p3, "c"));
	CHECK(strtok_r(NULL, ",;", &save) == NULL);
	time_t t = 86400 * 365 + 3661; /* 1971-01-01 01:01:01 UTC */
	struct tm tm;
	char buf[32];
	CHECK(gmtime_r(&t, &tm) == &tm && tm.tm_year == 71 && tm.tm_hour == 1 && tm.tm_min == 1);
	CHECK(asctime_r(&tm, buf) == buf && !strcmp(buf, "Fri Jan  1 01:01:01 1971\n"));
	CHECK(localtime_r(&t, &tm) == &tm && tm.tm_year == 71); /* TZ unset: UTC */
	CHECK(ctime_r(&t, buf) == buf && !strncmp(buf, "Fri Jan  1", 10));
	unsigned seed1 = 42, seed2 = 42;
	int r1 = rand_r(&seed1), r2 = rand_r(&seed2);
	CHECK(r1 == r2 && seed1 == seed2 && rand_r(&seed1) == rand_r(&seed2));
	flockfile(stdout);
	CHECK(putc_unlocked('\n', stdout) == '\n');
	funlockfile(stdout);
	CHECK(ftrylockfile(stdout) == 0);
	funlockfile(stdout);
}

/* yolk's user database (core/users.c): root only, results in the caller's buffer, ERANGE when short. */
static void check_user_r_functions(void)
{
	struct passwd pw, *pwr = (struct passwd *)1;
	struct group gr, *grr = (struct group *)1;
	char buf[256], tiny[4];
	EXPECT_RC(getpwnam_r("root", &pw, buf, sizeof(buf), &pwr), 0);
	CHECK(pwr == &pw && pw.pw_uid == 0 && !strcmp(pw.pw_name, "root") && pw.pw_dir >= buf &&
	      pw.pw_dir < buf + sizeof(buf));
	EXPECT_RC(getpwuid_r(getuid(), &pw, buf, sizeof(buf), &pwr), 0);
	CHECK(pwr == &pw && !strcmp(pw.pw_name, "root"));
	EXPECT_RC(getpwnam_r("nobody-here", &pw, buf, sizeof(buf), &pwr), 0);
	CHECK(pwr == NULL);
	EXPECT_RC(getpwuid_r(4242, &pw, buf, sizeof(buf), &pwr), 0);
	CHECK(pwr == NULL);
	EXPECT_RC(getpwnam_r("root", &pw, tiny, sizeof(tiny), &pwr), ERANGE);
	CHECK(pwr == NULL);
	EXPECT_RC(getgrgid_r(getgid(), &gr, buf, sizeof(buf), &grr), 0);
	CHECK(grr == &gr && gr.gr_gid == 0 && !strcmp(gr.gr_name, "root") && gr.gr_mem[0] &&
	      !strcmp(gr.gr_mem[0], "root") && gr.gr_mem[1] == NULL);
	EXPECT_RC(getgrnam_r("root", &gr, buf, sizeof(buf), &grr), 0);
	CHECK(grr == &gr);
	EXPECT_RC(getgrnam_r("wheel", &gr, buf, sizeof(buf), &grr), 0);
	CHECK(grr == NULL);
	EXPECT_RC(getgrgid_r(0, &gr, tiny, sizeof(tiny), &grr), ERANGE);
	EXPECT_RC(getlogin_r(buf, sizeof(buf)), 0);
	CHECK(!strcmp(buf, "root"));
	EXPECT_RC(getlogin_r(tiny, 2), ERANGE);
	/* The console is the terminal; a pipe is not one; -1 is no descriptor. */
	EXPECT_RC(ttyname_r(1, buf, sizeof(buf)), 0);
	CHECK(!strcmp(buf, "/dev/console"));
	EXPECT_RC(ttyname_r(1, tiny, sizeof(tiny)), ERANGE);
	EXPECT_RC(ttyname_r(-1, buf, sizeof(buf)), EBADF);
	int p[2];
	if (pipe(p) == 0) {
		EXPECT_RC(ttyname_r(p[0], buf, sizeof(buf)), ENOTTY);
		close(p[0]);
		close(p[1]);
	}
	/* readdir_r: the next entry in the caller's struct, NULL at the end. */
	DIR *d = opendir("/");
	CHECK(d != NULL);
	if (d) {
		struct dirent ent, *res = NULL;
		int entries = 0, rc;
		while ((rc = readdir_r(d, &ent, &res)) == 0 && res) {
			CHECK(res == &ent);
			entries++;
		}
		EXPECT_RC(rc, 0);
		CHECK(entries > 0);
		closedir(d);
	}
}

int ktest_posix_sysconf(int argc, char **argv)
{
	(void)argc, (void)argv;
	check_options();
	check_r_functions();
	check_user_r_functions();
	return posix_report("posix-sysconf");
}
