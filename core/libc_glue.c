/*
 * What picolibc needs from the system beyond files and time: process exit,
 * entropy, locks, signals and process times.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/lock.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include <arch/cpu.h>
#include <yolk/exit.h>
#include <yolk/panic.h>
#include <yolk/sched.h>
#include <yolk/sync.h>
#include <yolk/time.h>
#include <yolk/tty.h>
#include "libc_lock.h"

void _exit(int status)
{
	/* An app a shell started ends its own thread; the shell gets the status. */
	if (sched_running() && thread_is_app(thread_self())) {
		tty_forget(thread_self());
		thread_exit((void *)(intptr_t)status);
	}
	if (status < 0 || status > YOLK_EXIT_MAX)
		status = YOLK_EXIT_MAX;
	machine_exit(status);
}

int cpu_rdrand(uint64_t *out)
{
	static int have = -1;
	if (have < 0) {
		uint32_t r[4];
		cpuid(1, 0, r);
		have = (r[2] >> 30) & 1;
	}
	for (int tries = 0; have && tries < 10; tries++) {
		unsigned char ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
		if (ok)
			return 1;
	}
	return 0;
}

/* RDRAND when the CPU has it, else the TSC run through a 64-bit mixer. */
int getentropy(void *buf, size_t len)
{
	static uint64_t state;
	unsigned char *p = buf;
	if (len > 256) {
		errno = EIO;
		return -1;
	}
	while (len) {
		uint64_t v;
		if (!cpu_rdrand(&v)) {
			state += rdtsc() + 0x9e3779b97f4a7c15ull;
			v = state;
			v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ull;
			v = (v ^ (v >> 27)) * 0x94d049bb133111ebull;
			v ^= v >> 31;
		}
		size_t n = len < sizeof(v) ? len : sizeof(v);
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * picolibc's locks (malloc, stdio streams, atexit ...) are recursive sleeping
 * mutexes (core/libc_lock.h). Stream locks are created on first use, under
 * the global lock.
 */
struct __lock __lock___libc_recursive_mutex = {.m = KMUTEX_RECURSIVE_INIT};

void __retarget_lock_init(_LOCK_T *lock)
{
	*lock = calloc(1, sizeof(struct __lock));
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
	*lock = calloc(1, sizeof(struct __lock));
	if (*lock)
		(*lock)->m.recursive = 1;
}

void __retarget_lock_close(_LOCK_T lock)
{
	if (lock != &__lock___libc_recursive_mutex)
		free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock) { __retarget_lock_close(lock); }

static struct kmutex *lock_mutex(_LOCK_T lock) { return lock->which ? lock->which(lock) : &lock->m; }

/* Before the scheduler runs there is one context and nothing to wait for. */
void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
	if (lock && sched_running())
		kmutex_lock(lock_mutex(lock), WAIT_FOREVER);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
	if (lock == NULL || !sched_running())
		return;
	struct kmutex *m = lock_mutex(lock);
	if (lock->unlocking && m->depth == 1)
		lock->unlocking(lock);
	kmutex_unlock(m);
}

void __retarget_lock_acquire(_LOCK_T lock) { __retarget_lock_acquire_recursive(lock); }
void __retarget_lock_release(_LOCK_T lock) { __retarget_lock_release_recursive(lock); }

clock_t times(struct tms *t)
{
	clock_t now = (clock_t)(time_monotonic_ns() / (NSEC_PER_SEC / CLOCKS_PER_SEC));
	if (t)
		*t = (struct tms){.tms_utime = now, .tms_stime = 0};
	return now;
}

void __stack_chk_fail(void)
{
	panic("stack smashing detected (stack protector canary overwritten)");
}

/* In a unikernel abort() ends the whole machine: make it a panic, with a backtrace. */
void abort(void)
{
	panic("abort() called");
}
