#define _GNU_SOURCE
/*
 * POSIX clocks and sleeping. The LAPIC timer runs one-shot: it is armed for
 * the earlier of the next periodic tick and the nearest sleeper's deadline,
 * so sleeps end on time without a fast tick rate.
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <yolk-config/core.h>
#include <yolk/sched.h>
#include <yolk/spinlock.h>
#include <yolk/time.h>
#include <yolk/tty.h>
#include <yolk/waitq.h>
#include "cpuclock.h"
#include "pthread_internal.h"
#include "sched_internal.h"
#define TICK_NS (NSEC_PER_SEC / CONFIG_TICK_HZ)

/* Protects realtime_offset_ns's changes and realtime_sleepers. */
static struct spinlock realtime_lock = SPINLOCK_INIT("realtime clock", LOCK_RANK_REALTIME);
/* CLOCK_REALTIME minus the monotonic clock, in ns: the RTC at boot, then clock_settime. */
static int64_t realtime_offset_ns;
/* Threads sleeping until a CLOCK_REALTIME time: clock_settime wakes them to look again. */
static struct waitq realtime_sleepers = WAITQ_INIT;
/* Protects next_tick_ns, wake_ns and the timer's programming (taken under sched_lock). */
static struct spinlock wakeup_lock = SPINLOCK_INIT("time wakeup", LOCK_RANK_TIME_WAKEUP);
static volatile uint64_t ticks;
static uint64_t next_tick_ns;
static uint64_t wake_ns = UINT64_MAX; /* the earliest deadline anyone asked for */

uint64_t time_monotonic_ns(void) { return arch_monotonic_ns(); }

uint64_t time_ticks(void) { return ticks; }

static void rearm(uint64_t now)
{
	KASSERT(spin_held(&wakeup_lock));
	uint64_t next = wake_ns < next_tick_ns ? wake_ns : next_tick_ns;
	lapic_timer_oneshot(next > now ? next - now : 1);
}

/* The tick's bookkeeping: 1 if a new tick began. */
static int tick_account(uint64_t now)
{
	int new_tick = 0;
	spin_lock(&wakeup_lock);
	while (next_tick_ns <= now) {
		next_tick_ns += TICK_NS;
		ticks++;
		new_tick = 1;
	}
	if (wake_ns <= now)
		wake_ns = UINT64_MAX;
	spin_unlock(&wakeup_lock);
	return new_tick;
}

/* Interrupts are off (an interrupt handler): the locks here are taken with spin_lock. */
void timer_interrupt(void)
{
	uint64_t now = time_monotonic_ns();
	int new_tick = tick_account(now);
	if (new_tick)
		tty_poll_input();
	sched_tick(now, new_tick);
	uint64_t next_sleeper = sched_next_wakeup();
	spin_lock(&wakeup_lock);
	if (next_sleeper < wake_ns)
		wake_ns = next_sleeper;
	rearm(now);
	spin_unlock(&wakeup_lock);
}

void time_request_wakeup(uint64_t deadline)
{
	int kick = 0;
	int irq = spin_lock_irqsave(&wakeup_lock);
	if (deadline < wake_ns) {
		wake_ns = deadline;
		/* The one-shot timer is the boot CPU's (the others tick periodically): it re-arms it. */
		if (arch_cpu_id() == 0)
			rearm(time_monotonic_ns());
		else
			kick = 1;
	}
	spin_unlock_irqrestore(&wakeup_lock, irq);
#ifdef CONFIG_SMP
	if (kick)
		timer_kick_boot_cpu();
#else
	(void)kick;
#endif
}

void time_init(void)
{
	lapic_init();
	int64_t epoch_s = rtc_read_epoch();
	uint64_t now = time_monotonic_ns();
	realtime_offset_ns = epoch_s * (int64_t)NSEC_PER_SEC - (int64_t)now;
	int irq = spin_lock_irqsave(&wakeup_lock);
	next_tick_ns = now + TICK_NS;
	rearm(now);
	spin_unlock_irqrestore(&wakeup_lock, irq);
}

void time_sleep_until(uint64_t deadline)
{
	if (sched_running()) {
		thread_sleep_until(deadline);
		return;
	}
	/* Before the scheduler: boot code on the boot CPU waits in hlt. */
	for (;;) {
		int irq = spin_lock_irqsave(&wakeup_lock);
		uint64_t now = time_monotonic_ns();
		if (now >= deadline) {
			spin_unlock_irqrestore(&wakeup_lock, irq);
			return;
		}
		if (deadline < wake_ns) {
			wake_ns = deadline;
			rearm(now);
		}
		spin_unlock(&wakeup_lock);
		cpu_idle(); /* sti; hlt: the wakeup cannot slip in between */
		if (!irq)
			irq_disable();
	}
}

/* The clocks yolk can sleep on. */
static int clock_is_wall(clockid_t id)
{
	return id == CLOCK_REALTIME || id == CLOCK_MONOTONIC || id == CLOCK_MONOTONIC_RAW ||
	       id == CLOCK_MONOTONIC_COARSE || id == CLOCK_BOOTTIME;
}

static int clock_now(clockid_t id, struct timespec *ts)
{
	uint64_t ns = time_monotonic_ns();
	if (id == CLOCK_REALTIME) {
		/* Never before the epoch: clock_settime refuses negative times. */
		int64_t real = (int64_t)ns + __atomic_load_n(&realtime_offset_ns, __ATOMIC_RELAXED);
		ns = real > 0 ? (uint64_t)real : 0;
	} else if (!clock_is_wall(id) && cpuclock_ns(id, &ns)) {
		errno = EINVAL;
		return -1;
	}
	ts->tv_sec = (time_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
	return 0;
}

/* Only CLOCK_REALTIME can be set; CPU-time clocks may not be (EPERM), the monotonic ones never. */
int clock_settime(clockid_t id, const struct timespec *ts)
{
	int err = 0;
	if (id != CLOCK_REALTIME)
		err = cpuclock_is_cpu(id) ? EPERM : EINVAL;
	else if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NSEC_PER_SEC)
		err = EINVAL;
	if (err) {
		errno = err;
		return -1;
	}
	int64_t real = (int64_t)ts->tv_sec * (int64_t)NSEC_PER_SEC + ts->tv_nsec;
	int irq = spin_lock_irqsave(&realtime_lock);
	__atomic_store_n(&realtime_offset_ns, real - (int64_t)time_monotonic_ns(), __ATOMIC_RELAXED);
	waitq_wake_all(&realtime_sleepers);
	spin_unlock_irqrestore(&realtime_lock, irq);
	timer_realtime_was_set();
	return 0;
}

int clock_gettime(clockid_t id, struct timespec *ts) { return clock_now(id, ts); }

int clock_getres(clockid_t id, struct timespec *res)
{
	struct timespec ignored;
	if (clock_now(id, &ignored))
		return -1;
	if (res)
		*res = (struct timespec){0, 1};
	return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;
	(void)tz;
	clock_now(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

/*
 * Sleeps until CLOCK_REALTIME reads real_ns, following clock_settime: POSIX
 * ends an absolute sleep when the clock, as set, reaches the time.
 */
static void realtime_sleep_until(uint64_t real_ns)
{
	int irq = spin_lock_irqsave(&realtime_lock);
	for (;;) {
		int64_t left = (int64_t)real_ns - ((int64_t)time_monotonic_ns() + realtime_offset_ns);
		if (left <= 0 ||
		    waitq_wait(&realtime_sleepers, &realtime_lock, time_monotonic_ns() + (uint64_t)left) == -EINTR)
			break;
	}
	spin_unlock_irqrestore(&realtime_lock, irq);
}

int clock_nanosleep(clockid_t id, int flags, const struct timespec *req, struct timespec *rem)
{
	struct timespec now = {0, 0};
	/* POSIX: no sleeping on the caller's own CPU clock (EINVAL) or another's (ENOTSUP). */
	if (!clock_is_wall(id))
		return cpuclock_is_own(id) || !cpuclock_is_cpu(id) ? EINVAL : ENOTSUP;
	if (req->tv_nsec < 0 || req->tv_nsec >= (long)NSEC_PER_SEC || req->tv_sec < 0)
		return EINVAL;
	clock_now(id, &now);
	uint64_t req_ns = (uint64_t)req->tv_sec * NSEC_PER_SEC + (uint64_t)req->tv_nsec;
	uint64_t mono = time_monotonic_ns();
	if (flags & TIMER_ABSTIME) {
		uint64_t now_ns = (uint64_t)now.tv_sec * NSEC_PER_SEC + (uint64_t)now.tv_nsec;
		req_ns = req_ns > now_ns ? req_ns - now_ns : 0;
	}
	/* A cancellation point (POSIX.1-2017 2.9.5.2): a sleep cut short has no side effect to lose. */
	int point = thread_cancel_point_begin();
	if ((flags & TIMER_ABSTIME) && id == CLOCK_REALTIME && sched_running())
		realtime_sleep_until((uint64_t)req->tv_sec * NSEC_PER_SEC + (uint64_t)req->tv_nsec);
	else
		time_sleep_until(mono + req_ns);
	thread_cancel_point_end(point, 1);
	thread_kill_point(); /* a no-op unless the sleep was cut short by a kill */
	if (rem)
		*rem = (struct timespec){0, 0};
	return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	int err = clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/* usleep() and sleep() are cancellation points too (POSIX.1-2017 2.9.5.2). */
static void sleep_point(uint64_t deadline)
{
	int point = thread_cancel_point_begin();
	time_sleep_until(deadline);
	thread_cancel_point_end(point, 1);
}

int usleep(useconds_t us)
{
	sleep_point(time_monotonic_ns() + (uint64_t)us * 1000);
	return 0;
}

unsigned sleep(unsigned s)
{
	sleep_point(time_monotonic_ns() + (uint64_t)s * NSEC_PER_SEC);
	return 0;
}
