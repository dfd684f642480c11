/*
 * posix-timers: timer_create/settime/gettime/getoverrun/delete from their
 * pages: SIGEV_THREAD (periodic, one-shot absolute), SIGEV_SIGNAL (and the
 * NULL evp default, SIGALRM), SIGEV_NONE, disarming, and the errors.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "posix.h"

static volatile int ticks, expirations, last_value, alarms, usr1s;
static volatile uint64_t fired_at;
static timer_t ticking;

/* Counts notifications, and expirations (an overrun is one that had no notification of its own). */
static void on_tick(union sigval v)
{
	last_value = v.sival_int;
	expirations += 1 + timer_getoverrun(ticking);
	fired_at = posix_now_ns(CLOCK_MONOTONIC);
	__atomic_add_fetch(&ticks, 1, __ATOMIC_RELAXED);
}

static void on_alarm(int sig)
{
	alarms += sig == SIGALRM;
}
static void on_usr1(int sig)
{
	usr1s += sig == SIGUSR1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static void check_errors(void)
{
	timer_t t;
	struct sigevent ev = {.sigev_notify = 99};
	EXPECT_ERRNO(timer_create((clockid_t)1234, NULL, &t), EINVAL);
	EXPECT_ERRNO(timer_create(CLOCK_THREAD_CPUTIME_ID, NULL, &t), ENOTSUP);
	EXPECT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), EINVAL);
	ev = (struct sigevent){.sigev_notify = SIGEV_SIGNAL, .sigev_signo = 0};
	EXPECT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), EINVAL);
	ev.sigev_notify = SIGEV_NONE;
	EXPECT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), 0);
	struct itimerspec bad = {{0, 0}, {0, 1000000000}}, now;
	EXPECT_ERRNO(timer_settime(t, 0, &bad, NULL), EINVAL);
	/* SIGEV_NONE: nothing is delivered, but the time left runs down. */
	struct itimerspec in_1s = {{0, 0}, {1, 0}};
	EXPECT_ERRNO(timer_settime(t, 0, &in_1s, NULL), 0);
	sleep_ms(20);
	EXPECT_ERRNO(timer_gettime(t, &now), 0);
	CHECK(now.it_value.tv_sec == 0 && now.it_value.tv_nsec > 0 && now.it_value.tv_nsec <= 990000000);
	CHECK(now.it_interval.tv_sec == 0 && now.it_interval.tv_nsec == 0);
	/* Disarmed by a zero it_value; the old setting comes back. */
	struct itimerspec zero = {{0, 0}, {0, 0}}, old;
	EXPECT_ERRNO(timer_settime(t, 0, &zero, &old), 0);
	CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_nsec > 0);
	EXPECT_ERRNO(timer_gettime(t, &now), 0);
	CHECK(now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0);
	EXPECT_ERRNO(timer_delete(t), 0);
	/* A deleted id is no timer. */
	EXPECT_ERRNO(timer_delete(t), EINVAL);
	EXPECT_ERRNO(timer_gettime(t, &now), EINVAL);
	EXPECT_ERRNO(timer_settime(t, 0, &in_1s, NULL), EINVAL);
	EXPECT_ERRNO(timer_getoverrun(t), EINVAL);
}

static void check_thread_notify(void)
{
	timer_t t;
	struct sigevent ev = {.sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_tick};
	ev.sigev_value.sival_int = 77;
	EXPECT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), 0);
	ticking = t;
	/* Every 10 ms after the first 20 ms, for about 105 ms: 9 ticks, give or take TCG's jitter. */
	struct itimerspec periodic = {{0, 10000000}, {0, 20000000}}, now;
	EXPECT_ERRNO(timer_settime(t, 0, &periodic, NULL), 0);
	EXPECT_ERRNO(timer_gettime(t, &now), 0);
	CHECK(now.it_interval.tv_nsec == 10000000 && now.it_value.tv_nsec <= 20000000);
	sleep_ms(105);
	struct itimerspec zero = {{0, 0}, {0, 0}};
	EXPECT_ERRNO(timer_settime(t, 0, &zero, NULL), 0);
	int n = ticks, overrun = timer_getoverrun(t);
	sleep_ms(40);
	printf("posix-timers: periodic 10 ms for 105 ms: %d ticks, %d expirations, last overrun %d\n", n,
	       expirations, overrun);
	/* 9 expirations due (20, 30 ... 100 ms); a loaded host may stretch the sleep by a few. */
	CHECK(n >= 1 && expirations >= 8 && expirations <= 13);
	CHECK(ticks == n); /* disarmed: no more */
	CHECK(last_value == 77 && overrun >= 0);
	/* One-shot at an absolute time: not before it, once. */
	ticks = 0;
	struct itimerspec at = {{0, 0}, posix_abs_in(CLOCK_MONOTONIC, 30)};
	uint64_t due = (uint64_t)at.it_value.tv_sec * 1000000000u + (uint64_t)at.it_value.tv_nsec;
	EXPECT_ERRNO(timer_settime(t, TIMER_ABSTIME, &at, NULL), 0);
	sleep_ms(80);
	CHECK(ticks == 1 && fired_at >= due);
	EXPECT_ERRNO(timer_delete(t), 0);
}

static void check_signal_notify(void)
{
	timer_t t;
	signal(SIGALRM, on_alarm);
	signal(SIGUSR1, on_usr1);
	/* evp NULL: SIGALRM. */
	EXPECT_ERRNO(timer_create(CLOCK_REALTIME, NULL, &t), 0);
	struct itimerspec in_10ms = {{0, 0}, {0, 10000000}};
	EXPECT_ERRNO(timer_settime(t, 0, &in_10ms, NULL), 0);
	sleep_ms(50);
	CHECK(alarms == 1);
	EXPECT_ERRNO(timer_delete(t), 0);
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	EXPECT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), 0);
	EXPECT_ERRNO(timer_settime(t, 0, &in_10ms, NULL), 0);
	sleep_ms(50);
	CHECK(usr1s == 1 && alarms == 1);
	EXPECT_ERRNO(timer_delete(t), 0);
	signal(SIGALRM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
}

/* An absolute CLOCK_REALTIME timer expires when the clock is set past its time (clock_settime's page). */
static void check_realtime_set(void)
{
	timer_t t;
	struct sigevent ev = {.sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_tick};
	struct timespec saved;
	clock_gettime(CLOCK_REALTIME, &saved);
	EXPECT_ERRNO(timer_create(CLOCK_REALTIME, &ev, &t), 0);
	ticking = t;
	ticks = 0;
	struct itimerspec in_10s = {{0, 0}, posix_abs_in(CLOCK_REALTIME, 10000)};
	EXPECT_ERRNO(timer_settime(t, TIMER_ABSTIME, &in_10s, NULL), 0);
	sleep_ms(20);
	struct timespec later = posix_abs_in(CLOCK_REALTIME, 20000);
	EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &later), 0);
	sleep_ms(50);
	CHECK(ticks == 1);
	/* A relative one is not moved by setting the clock: 100 ms stay 100 ms. */
	ticks = 0;
	struct itimerspec in_100ms = {{0, 0}, {0, 100000000}};
	EXPECT_ERRNO(timer_settime(t, 0, &in_100ms, NULL), 0);
	later = posix_abs_in(CLOCK_REALTIME, 20000);
	EXPECT_ERRNO(clock_settime(CLOCK_REALTIME, &later), 0);
	sleep_ms(30);
	CHECK(ticks == 0);
	sleep_ms(150);
	CHECK(ticks == 1);
	EXPECT_ERRNO(timer_delete(t), 0);
	clock_settime(CLOCK_REALTIME, &saved); /* back, less the 250 ms that passed */
}

int ktest_posix_timers(int argc, char **argv)
{
	(void)argc, (void)argv;
	check_errors();
	check_thread_notify();
	check_signal_notify();
	check_realtime_set();
	return posix_report("posix-timers");
}
