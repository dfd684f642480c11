/*
 * POSIX spin locks. yolk has one CPU, so spinning only burns the time slice
 * the holder needs: a waiter yields, and sleeps a millisecond now and then
 * so a holder of lower priority (which a yield does not reach) runs too.
 */
#include <errno.h>
#include <pthread.h>
#include <yolk/sched.h>
#include <yolk/time.h>
#include "pthread_internal.h"

#define SPIN_YIELDS_BEFORE_SLEEP 64
#define SPIN_SLEEP_NS 1000000ull

int pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
	if (!pthread_pshared_valid(pshared))
		return EINVAL;
	s->holder = 0;
	return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *s)
{
	return s->holder ? EBUSY : 0;
}

static int take(pthread_spinlock_t *s, pthread_t self)
{
	pthread_t free_word = 0;
	return __atomic_compare_exchange_n(&s->holder, &free_word, self, 0, __ATOMIC_ACQUIRE,
	                                   __ATOMIC_RELAXED);
}

int pthread_spin_lock(pthread_spinlock_t *s)
{
	pthread_t self = pthread_self();
	for (unsigned tries = 1; !take(s, self); tries++) {
		if (s->holder == self)
			return EDEADLK;
		if (tries % SPIN_YIELDS_BEFORE_SLEEP)
			thread_yield();
		else
			thread_sleep_until(time_monotonic_ns() + SPIN_SLEEP_NS);
	}
	return 0;
}

int pthread_spin_trylock(pthread_spinlock_t *s)
{
	return take(s, pthread_self()) ? 0 : EBUSY;
}

int pthread_spin_unlock(pthread_spinlock_t *s)
{
	if (s->holder != pthread_self())
		return EPERM;
	__atomic_store_n(&s->holder, 0, __ATOMIC_RELEASE);
	return 0;
}
