/*
 * POSIX per-process timers (timer_create & co.) on CLOCK_REALTIME and
 * CLOCK_MONOTONIC. Each timer has a thread of its own (in the creator's app
 * run) that sleeps until the expiry and then notifies: SIGEV_THREAD calls
 * the function there (a thread made with sigev_notify_attributes, as the
 * page asks), SIGEV_SIGNAL raises the signal there (yolk has one process,
 * so a signal to the process may run in any of its threads), SIGEV_NONE
 * does nothing. Expirations missed while the thread was late count as
 * overruns. A timer id is a slot plus a generation, so a deleted timer's id
 * fails with EINVAL.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <yolk/sync.h>
#include <yolk/time.h>
#include "pthread_internal.h"

struct ptimer {
	struct kmutex m;
	struct kcond changed; /* armed, disarmed or deleted */
	clockid_t clock;
	struct sigevent ev;
	/*
	 * expiry_ns is on expiry_clock: the timer's clock for an absolute time,
	 * else CLOCK_MONOTONIC, so setting CLOCK_REALTIME moves absolute
	 * expirations only, as clock_settime's page says. 0 while disarmed.
	 */
	clockid_t expiry_clock;
	uint64_t expiry_ns;
	uint64_t interval_ns;
	int overrun; /* of the last notification */
	int deleted;
};

static struct {
	struct ptimer *timer;
	unsigned generation;
} slots[TIMER_MAX];
static struct kmutex slots_lock = KMUTEX_INIT;

static uint64_t ns_of(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static struct timespec ts_of(uint64_t ns)
{
	return (struct timespec){(time_t)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC)};
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec now;
	clock_gettime(clock, &now);
	return ns_of(&now);
}

/*
 * The live timer id names, or NULL. slots_lock held, and kept while t is
 * used: timer_delete cannot free it meanwhile.
 */
static struct ptimer *lookup(timer_t id)
{
	unsigned index = (unsigned)(id & 0xffff) - 1, generation = (unsigned)(id >> 16);
	if (index < TIMER_MAX && slots[index].generation == generation)
		return slots[index].timer;
	return NULL;
}

static void notify(const struct sigevent *ev)
{
	if (ev->sigev_notify == SIGEV_THREAD && ev->sigev_notify_function)
		ev->sigev_notify_function(ev->sigev_value);
	else if (ev->sigev_notify == SIGEV_SIGNAL)
		raise(ev->sigev_signo);
}

/* Takes the expiry that is due (m held): counts missed periods, re-arms or disarms. */
static void expire(struct ptimer *t, uint64_t now)
{
	uint64_t missed = 0;
	if (t->interval_ns) {
		/* Periods are relative: the next expiry is on the monotonic clock. */
		missed = (now - t->expiry_ns) / t->interval_ns;
		uint64_t next_in = t->expiry_ns + (missed + 1) * t->interval_ns - now;
		t->expiry_clock = CLOCK_MONOTONIC;
		t->expiry_ns = clock_ns(CLOCK_MONOTONIC) + next_in;
	} else {
		t->expiry_ns = 0;
	}
	t->overrun = missed > DELAYTIMER_MAX ? DELAYTIMER_MAX : (int)missed;
}

static void *timer_thread(void *arg)
{
	struct ptimer *t = arg;
	kmutex_lock(&t->m, WAIT_FOREVER);
	while (!t->deleted) {
		if (t->expiry_ns == 0) {
			kcond_wait(&t->changed, &t->m, WAIT_FOREVER);
			continue;
		}
		uint64_t now = clock_ns(t->expiry_clock);
		if (now < t->expiry_ns) {
			kcond_wait(&t->changed, &t->m, time_monotonic_ns() + (t->expiry_ns - now));
			continue;
		}
		expire(t, now);
		struct sigevent ev = t->ev;
		kmutex_unlock(&t->m);
		notify(&ev);
		kmutex_lock(&t->m, WAIT_FOREVER);
	}
	kmutex_unlock(&t->m);
	free(t);
	return NULL;
}

/* A free slot for t: its id, or 0 if TIMER_MAX timers exist. */
static timer_t take_slot(struct ptimer *t)
{
	timer_t id = 0;
	kmutex_lock(&slots_lock, WAIT_FOREVER);
	for (unsigned i = 0; i < TIMER_MAX && !id; i++) {
		if (slots[i].timer == NULL) {
			slots[i].timer = t;
			slots[i].generation = (slots[i].generation + 1) & 0xffffff;
			id = ((timer_t)slots[i].generation << 16) | (i + 1);
		}
	}
	kmutex_unlock(&slots_lock);
	return id;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static int start_thread(struct ptimer *t)
{
	pthread_attr_t attr;
	pthread_t thread;
	if (t->ev.sigev_notify == SIGEV_THREAD && t->ev.sigev_notify_attributes)
		attr = *(pthread_attr_t *)t->ev.sigev_notify_attributes;
	else
		pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	return pthread_create(&thread, &attr, timer_thread, t);
}

int timer_create(clockid_t clock, struct sigevent *ev, timer_t *id)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) {
		struct timespec ignored;
		return fail(clock_gettime(clock, &ignored) ? EINVAL : ENOTSUP); /* CPU-time clocks */
	}
	struct sigevent dflt = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM};
	if (ev && ev->sigev_notify != SIGEV_NONE && ev->sigev_notify != SIGEV_SIGNAL &&
	    ev->sigev_notify != SIGEV_THREAD)
		return fail(EINVAL);
	if (ev && ev->sigev_notify == SIGEV_SIGNAL && (ev->sigev_signo <= 0 || ev->sigev_signo >= _NSIG))
		return fail(EINVAL);
	struct ptimer *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return fail(EAGAIN);
	*t = (struct ptimer){.m = KMUTEX_INIT, .changed = KCOND_INIT, .clock = clock, .ev = ev ? *ev : dflt};
	timer_t new_id = take_slot(t);
	if (new_id == 0) {
		free(t);
		return fail(EAGAIN);
	}
	if (ev == NULL)
		t->ev.sigev_value.sival_int = (int)new_id; /* as the page says for a NULL evp */
	if (start_thread(t)) {
		timer_delete(new_id);
		return fail(EAGAIN);
	}
	*id = new_id;
	return 0;
}

int timer_delete(timer_t id)
{
	kmutex_lock(&slots_lock, WAIT_FOREVER);
	struct ptimer *t = lookup(id);
	if (t)
		slots[(id & 0xffff) - 1].timer = NULL;
	kmutex_unlock(&slots_lock);
	if (t == NULL)
		return fail(EINVAL);
	/* Its thread frees it on the way out. */
	kmutex_lock(&t->m, WAIT_FOREVER);
	t->deleted = 1;
	kcond_broadcast(&t->changed);
	kmutex_unlock(&t->m);
	return 0;
}

void timer_realtime_was_set(void)
{
	kmutex_lock(&slots_lock, WAIT_FOREVER);
	for (unsigned i = 0; i < TIMER_MAX; i++) {
		struct ptimer *t = slots[i].timer;
		if (t && t->expiry_clock == CLOCK_REALTIME) {
			kmutex_lock(&t->m, WAIT_FOREVER);
			kcond_broadcast(&t->changed);
			kmutex_unlock(&t->m);
		}
	}
	kmutex_unlock(&slots_lock);
}

static void remaining(const struct ptimer *t, struct itimerspec *out)
{
	uint64_t now = clock_ns(t->expiry_clock);
	uint64_t left = t->expiry_ns == 0 ? 0 : t->expiry_ns > now ? t->expiry_ns - now : 1;
	out->it_value = ts_of(left);
	out->it_interval = ts_of(t->interval_ns);
}

int timer_gettime(timer_t id, struct itimerspec *value)
{
	kmutex_lock(&slots_lock, WAIT_FOREVER);
	struct ptimer *t = lookup(id);
	if (t) {
		kmutex_lock(&t->m, WAIT_FOREVER);
		remaining(t, value);
		kmutex_unlock(&t->m);
	}
	kmutex_unlock(&slots_lock);
	return t ? 0 : fail(EINVAL);
}

int timer_settime(timer_t id, int flags, const struct itimerspec *value, struct itimerspec *old)
{
	if (pthread_bad_time(&value->it_value) || pthread_bad_time(&value->it_interval) ||
	    value->it_value.tv_sec < 0 || value->it_interval.tv_sec < 0)
		return fail(EINVAL);
	kmutex_lock(&slots_lock, WAIT_FOREVER);
	struct ptimer *t = lookup(id);
	if (t == NULL) {
		kmutex_unlock(&slots_lock);
		return fail(EINVAL);
	}
	kmutex_lock(&t->m, WAIT_FOREVER);
	if (old)
		remaining(t, old);
	t->expiry_clock = flags & TIMER_ABSTIME ? t->clock : CLOCK_MONOTONIC;
	uint64_t when = ns_of(&value->it_value), now = clock_ns(t->expiry_clock);
	if (when == 0)
		t->expiry_ns = 0; /* disarm */
	else if (flags & TIMER_ABSTIME)
		t->expiry_ns = when > now ? when : now; /* already past: expires at once */
	else
		t->expiry_ns = now + when;
	t->interval_ns = ns_of(&value->it_interval);
	kcond_broadcast(&t->changed);
	kmutex_unlock(&t->m);
	kmutex_unlock(&slots_lock);
	return 0;
}

int timer_getoverrun(timer_t id)
{
	kmutex_lock(&slots_lock, WAIT_FOREVER);
	struct ptimer *t = lookup(id);
	int overrun = t ? t->overrun : -1;
	kmutex_unlock(&slots_lock);
	return t ? overrun : fail(EINVAL);
}
