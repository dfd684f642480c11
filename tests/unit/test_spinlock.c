/*
 * The SMP ticket lock (yolk/spinlock.h with CONFIG_SMP) and the lock checks
 * (core/spinlock.c), with host threads as CPUs (unit/smp/arch/cpu.h): four
 * threads add to a counter under one lock and none of the adds is lost; a
 * lock another CPU holds is neither held by this one nor free to trylock;
 * an order inversion panics with both names (in a child process, since
 * panic never returns).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yolk/spinlock.h>
#include "check.h"

#define CPUS 4
#define ADDS 200000

__thread unsigned test_cpu_id;
static char panic_message[200];

int panic_in_progress(void) { return 0; }

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(panic_message, sizeof(panic_message), fmt, ap);
	va_end(ap);
	fprintf(stderr, "panic: %s\n", panic_message);
	_exit(strcmp(panic_message, "lock order: taking outer while holding inner") == 0 ? 42 : 1);
}

static struct spinlock counter_lock = SPINLOCK_INIT("counter", 1);
static unsigned long counter; /* a plain read-modify-write: only the lock keeps adds from being lost */

static void *adder(void *arg)
{
	test_cpu_id = (unsigned)(uintptr_t)arg;
	for (int i = 0; i < ADDS; i++) {
		int irq = spin_lock_irqsave(&counter_lock);
		unsigned long v = counter;
		__asm__ volatile("" ::: "memory");
		counter = v + 1;
		spin_unlock_irqrestore(&counter_lock, irq);
	}
	return NULL;
}

static struct spinlock held_elsewhere = SPINLOCK_INIT("held elsewhere", 1);

static void *try_from_cpu1(void *arg)
{
	int *results = arg;
	test_cpu_id = 1;
	results[0] = spin_held(&held_elsewhere);
	results[1] = spin_trylock(&held_elsewhere);
	return NULL;
}

static void order_inversion(void)
{
	static struct spinlock outer = SPINLOCK_INIT("outer", 1), inner = SPINLOCK_INIT("inner", 2);
	spin_lock(&inner);
	spin_lock(&outer);
}

int main(void)
{
	pthread_t t[CPUS];
	for (unsigned i = 0; i < CPUS; i++)
		pthread_create(&t[i], NULL, adder, (void *)(uintptr_t)i);
	for (unsigned i = 0; i < CPUS; i++)
		pthread_join(t[i], NULL);
	CHECK(counter == (unsigned long)CPUS * ADDS);
	CHECK(!spin_held(&counter_lock));

	test_cpu_id = 0;
	CHECK(spin_trylock(&held_elsewhere) == 1);
	CHECK(spin_held(&held_elsewhere));
	int results[2] = {-1, -1};
	pthread_t other;
	pthread_create(&other, NULL, try_from_cpu1, results);
	pthread_join(other, NULL);
	CHECK(results[0] == 0 && results[1] == 0);
	spin_unlock(&held_elsewhere);
	CHECK(spin_trylock(&held_elsewhere) == 1);
	spin_unlock(&held_elsewhere);

	pid_t child = fork();
	if (child == 0) {
		order_inversion();
		_exit(0);
	}
	int status = 0;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
	return check_report();
}
