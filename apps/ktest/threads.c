/* ktest cases for threads, locks and channels. Each prints key=value lines. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yolk/chan.h>
#include <yolk/sched.h>
#include <yolk/sync.h>
#include "ktest.h"

static pthread_attr_t small_stack(void)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 16 * 1024);
	return a;
}

static void *times_two(void *arg) { return (void *)((uintptr_t)arg * 2); }

/* 1000 threads alive at once, then all joined; each returns 2*i. */
int ktest_threads(int argc, char **argv)
{
	enum { N = 1000 };
	static pthread_t t[N];
	pthread_attr_t a = small_stack();
	uint64_t sum = 0, t0 = ktest_ns();
	(void)argc, (void)argv;
	for (uintptr_t i = 0; i < N; i++)
		if (pthread_create(&t[i], &a, times_two, (void *)i) != 0) {
			printf("create failed at %u\n", (unsigned)i);
			return 1;
		}
	for (int i = 0; i < N; i++) {
		void *r;
		if (pthread_join(t[i], &r) != 0)
			return 1;
		sum += (uintptr_t)r;
	}
	printf("threads=%d sum=%llu ms=%llu\n", N, (unsigned long long)sum,
	       (unsigned long long)(ktest_ns() - t0) / 1000000);
	return 0;
}

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;

static void *increment(void *arg)
{
	long n = (long)(intptr_t)arg;
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&counter_lock);
		long v = counter;
		if ((i & 1023) == 0)
			sched_yield(); /* invite a race inside the critical section */
		counter = v + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

/* 8 threads x 100000 locked increments must count exactly. */
int ktest_mutex(int argc, char **argv)
{
	enum { T = 8, N = 100000 };
	pthread_t t[T];
	(void)argc, (void)argv;
	for (int i = 0; i < T; i++)
		pthread_create(&t[i], NULL, increment, (void *)(intptr_t)N);
	for (int i = 0; i < T; i++)
		pthread_join(t[i], NULL);
	printf("counter=%ld expected=%d\n", counter, T * N);
	return counter == T * N ? 0 : 1;
}

struct pingpong {
	struct chan *ping, *pong;
	int n;
};

static void *ponger(void *arg)
{
	struct pingpong *p = arg;
	int v, ok;
	for (int i = 0; i < p->n; i++) {
		chan_recv(p->ping, &v, &ok);
		v++;
		chan_send(p->pong, &v);
	}
	return NULL;
}

/* 100000 round trips over unbuffered channels, each answer checked in order. */
int ktest_pingpong(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 100000, bad = 0;
	struct pingpong p = {chan_new(sizeof(int), 0), chan_new(sizeof(int), 0), n};
	pthread_t t;
	pthread_create(&t, NULL, ponger, &p);
	uint64_t t0 = ktest_ns();
	for (int i = 0; i < n; i++) {
		int v = i, ok;
		chan_send(p.ping, &v);
		chan_recv(p.pong, &v, &ok);
		bad += v != i + 1 || !ok;
	}
	uint64_t ns = ktest_ns() - t0;
	pthread_join(t, NULL);
	printf("pingpong=%d out_of_order=%d round_trip_ns=%llu\n", n, bad, (unsigned long long)(ns / (uint64_t)n));
	return bad != 0;
}

/* select: fairness between two ready channels, default case, timeout, send case. */
int ktest_select(int argc, char **argv)
{
	enum { N = 10000 };
	struct chan *a = chan_new(sizeof(int), N), *b = chan_new(sizeof(int), N), *never = chan_new(sizeof(int), 0);
	int hits[2] = {0, 0}, v = 0;
	(void)argc, (void)argv;
	for (int i = 0; i < N; i++) {
		chan_send(a, &i);
		chan_send(b, &i);
	}
	for (int i = 0; i < N; i++) {
		struct chan_case cs[2] = {{a, CHAN_RECV, &v, 0}, {b, CHAN_RECV, &v, 0}};
		int r = chan_select(cs, 2, -1);
		if (r < 0)
			return 1;
		hits[r]++;
	}
	printf("select_fairness a=%d b=%d\n", hits[0], hits[1]);
	struct chan_case idle[1] = {{never, CHAN_RECV, &v, 0}};
	printf("select_default=%s\n", chan_select(idle, 1, 0) == CHAN_WOULDBLOCK ? "wouldblock" : "wrong");
	uint64_t t0 = ktest_ns();
	int r = chan_select(idle, 1, 50 * 1000000);
	printf("select_timeout=%s waited_ms=%llu\n", r == CHAN_TIMEOUT ? "timeout" : "wrong",
	       (unsigned long long)(ktest_ns() - t0) / 1000000);
	struct chan *buf1 = chan_new(sizeof(int), 1);
	struct chan_case send[2] = {{never, CHAN_RECV, &v, 0}, {buf1, CHAN_SEND, &v, 0}};
	printf("select_send=%d\n", chan_select(send, 2, -1));
	return 0;
}

static void *close_later(void *arg)
{
	usleep(20000);
	chan_close(arg);
	return NULL;
}

/* Closing: buffered values drain first, then ok=0; send on closed is EPIPE; a blocked receiver wakes. */
int ktest_chan_close(int argc, char **argv)
{
	struct chan *c = chan_new(sizeof(int), 2);
	int v = 7, ok = -1;
	(void)argc, (void)argv;
	chan_send(c, &v);
	chan_close(c);
	chan_recv(c, &v, &ok);
	printf("drain value=%d ok=%d\n", v, ok);
	chan_recv(c, &v, &ok);
	printf("closed value=%d ok=%d\n", v, ok);
	printf("send_on_closed=%s close_twice=%s\n", chan_send(c, &v) == -EPIPE ? "EPIPE" : "wrong",
	       chan_close(c) == -EPIPE ? "EPIPE" : "wrong");
	struct chan *u = chan_new(sizeof(int), 0);
	pthread_t t;
	pthread_create(&t, NULL, close_later, u);
	v = 5;
	chan_recv(u, &v, &ok);
	pthread_join(t, NULL);
	printf("blocked_recv_woken value=%d ok=%d\n", v, ok);
	return 0;
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
__attribute__((noinline)) static int thread_recurse(int depth)
{
	volatile char frame[512];
	frame[0] = (char)depth;
	return thread_recurse(depth + 1) + frame[0];
}

static void *overflowing_thread(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)thread_recurse(0);
}

/* A thread that overflows its own stack hits its guard page: a clean panic. */
int ktest_thread_overflow(int argc, char **argv)
{
	pthread_t t;
	pthread_attr_t a = small_stack();
	(void)argc, (void)argv;
	pthread_create(&t, &a, overflowing_thread, NULL);
	pthread_join(t, NULL);
	return 0;
}

static __thread int tls_value = 42;

static void *tls_thread(void *arg)
{
	(void)arg;
	errno = 0;
	strtol("99999999999999999999999", NULL, 10); /* ERANGE in this thread only */
	tls_value += 1;
	double x = 0;
	for (int i = 1; i <= 1000; i++) {
		x += 1.0 / i;
		if (i % 100 == 0)
			sched_yield();
	}
	return (void *)(intptr_t)(errno == ERANGE && tls_value == 43 && x > 7.48 && x < 7.49);
}

/* errno and __thread variables are per thread; FPU state survives switches. */
int ktest_tls(int argc, char **argv)
{
	pthread_t t[4];
	(void)argc, (void)argv;
	errno = 0;
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, tls_thread, NULL);
	double y = 0;
	for (int i = 1; i <= 1000; i++) {
		y += 2.0 / i;
		if (i % 100 == 0)
			sched_yield();
	}
	int good = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		good += (int)(intptr_t)r;
	}
	printf("tls_threads_ok=%d main_errno=%d main_tls=%d main_fpu_ok=%d\n", good, errno, tls_value,
	       y > 14.97 && y < 14.98);
	return 0;
}

static volatile int spin_stop;

static void *spinner(void *arg)
{
	(void)arg;
	while (!spin_stop)
		;
	return NULL;
}

static void *sleeper(void *arg)
{
	uint64_t *late = arg, want = ktest_ns() + 30000000;
	usleep(30000);
	*late = ktest_ns() - want;
	return NULL;
}

/*
 * Preemption: two busy threads at normal priority share the CPU (main still
 * gets to run), and a high-priority sleeper wakes on time despite them.
 */
int ktest_preempt(int argc, char **argv)
{
	pthread_t s1, s2, hi;
	uint64_t late = 0;
	pthread_attr_t a;
	struct sched_param p = {.sched_priority = THREAD_PRIO_HIGH};
	(void)argc, (void)argv;
	pthread_create(&s1, NULL, spinner, NULL);
	pthread_create(&s2, NULL, spinner, NULL);
	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED); /* the default inherits main's */
	pthread_attr_setschedparam(&a, &p);
	pthread_create(&hi, &a, sleeper, &late);
	pthread_join(hi, NULL);
	spin_stop = 1;
	pthread_join(s1, NULL);
	pthread_join(s2, NULL);
	printf("preempt_ok=1 high_prio_wakeup_late_us=%llu\n", (unsigned long long)late / 1000);
	return 0;
}

/*
 * sched_idle_count() (virtio-net's early notify reads it): the CPU of a
 * thread that sleeps with nothing else to run goes idle; kept busy by this
 * thread and a spinner beside it, it never does. Both run on CPU 0 only.
 */
int ktest_idle_count(int argc, char **argv)
{
	(void)argc, (void)argv;
	pthread_t s;
	cpu_set_t cpu0;
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	pthread_setaffinity_np(pthread_self(), sizeof(cpu0), &cpu0);
	uint64_t before_sleep = sched_idle_count();
	usleep(20 * 1000);
	uint64_t after_sleep = sched_idle_count();
	spin_stop = 0;
	pthread_create(&s, NULL, spinner, NULL);
	pthread_setaffinity_np(s, sizeof(cpu0), &cpu0);
	uint64_t before_busy = sched_idle_count(), until = ktest_ns() + 50 * 1000 * 1000;
	while (ktest_ns() < until)
		;
	uint64_t after_busy = sched_idle_count();
	spin_stop = 1;
	pthread_join(s, NULL);
	printf("idle-count: a sleep %s, 50 ms busy beside a spinner %s\n",
	       after_sleep > before_sleep ? "idled" : "did not idle", after_busy == before_busy ? "did not idle" : "idled");
	return after_sleep > before_sleep && after_busy == before_busy ? 0 : 1;
}

static void print_thread(const struct thread_info *i, void *arg)
{
	(void)arg;
	printf("ps id=%d name=%s state=%s prio=%d\n", i->id, i->name, i->state, i->prio);
}

static void *blocked_forever(void *arg)
{
	int v, ok;
	chan_recv(arg, &v, &ok);
	return NULL;
}

static void find_blocked_waiter(const struct thread_info *i, void *arg)
{
	if (strcmp(i->name, "waiter") == 0 && strcmp(i->state, "blocked") == 0)
		*(int *)arg = 1;
}

/* thread_list(), as the shell's ps will show it. */
int ktest_ps(int argc, char **argv)
{
	pthread_t t;
	struct chan *c = chan_new(sizeof(int), 0);
	(void)argc, (void)argv;
	pthread_create(&t, NULL, blocked_forever, c);
	pthread_setname_np(t, "waiter");
	/* One yield is not always enough for it to reach chan_recv (a tick may reorder who runs). */
	int blocked = 0;
	for (int i = 0; i < 1000 && !blocked; i++) {
		sched_yield();
		thread_list(find_blocked_waiter, &blocked);
	}
	thread_list(print_thread, NULL);
	return 0;
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t cond_lock = PTHREAD_MUTEX_INITIALIZER;
static int ready;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_key_t key;
static int destructor_runs;

static void once_fn(void) { once_runs++; }
static void key_destructor(void *v) { destructor_runs += v != NULL; }

static void *signaller(void *arg)
{
	(void)arg;
	pthread_once(&once, once_fn);
	pthread_setspecific(key, (void *)1);
	usleep(10000);
	pthread_mutex_lock(&cond_lock);
	ready = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&cond_lock);
	return NULL;
}

/* Condition variables (signal and timeout), once, keys with destructors, rwlock, recursive mutex. */
int ktest_sync(int argc, char **argv)
{
	pthread_t t[3];
	(void)argc, (void)argv;
	pthread_key_create(&key, key_destructor);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, signaller, NULL);
	pthread_mutex_lock(&cond_lock);
	while (!ready)
		pthread_cond_wait(&cond, &cond_lock);
	pthread_mutex_unlock(&cond_lock);
	/* The other signallers are done before the timed wait: no signal can end it early. */
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_lock(&cond_lock);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	int timed = pthread_cond_timedwait(&cond, &cond_lock, &ts);
	pthread_mutex_unlock(&cond_lock);
	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	pthread_rwlock_rdlock(&rw);
	int second_reader = pthread_rwlock_tryrdlock(&rw);
	int writer_blocked = pthread_rwlock_trywrlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_unlock(&rw);
	int writer_ok = pthread_rwlock_trywrlock(&rw);
	pthread_mutex_t rec;
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rec, &ma);
	int rec_ok = pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0 &&
		     pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == 0;
	pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&plain);
	int relock = pthread_mutex_lock(&plain);
	struct ksem sem = KSEM_INIT(0);
	uint64_t t0 = ktest_ns();
	int sem_timeout = ksem_wait(&sem, t0 + 10000000);
	ksem_post(&sem);
	int sem_ok = ksem_wait(&sem, WAIT_FOREVER) == 0 && ksem_trywait(&sem) == -EAGAIN;
	printf("semaphore timeout=%s waited_ge_10ms=%d then_ok=%d\n", sem_timeout == -ETIMEDOUT ? "ETIMEDOUT" : "wrong",
	       ktest_ns() - t0 >= 10000000, sem_ok);
	printf("cond_signal_ok=%d cond_timeout=%s once_runs=%d destructor_runs=%d\n", ready,
	       timed == ETIMEDOUT ? "ETIMEDOUT" : "wrong", once_runs, destructor_runs);
	printf("rwlock second_reader=%d writer_blocked=%s writer_after=%d recursive_ok=%d relock=%s\n",
	       second_reader, writer_blocked == EBUSY ? "EBUSY" : "wrong", writer_ok, rec_ok,
	       relock == EDEADLK ? "EDEADLK" : "wrong");
	return 0;
}
