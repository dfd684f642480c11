/*
 * ktest posix-cancel: thread cancellation as POSIX.1-2017 describes it
 * (pthread_cancel, pthread_setcancelstate/type, pthread_testcancel,
 * pthread_cleanup_push/pop, 2.9.5 Thread Cancellation), assertion by
 * assertion, and cancellation at every cancellation point yolk has, both
 * while blocked in it and with the request already pending on entry.
 */
#include <yolk-config/net-lwip.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef CONFIG_NET_LWIP
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif
#include "ktest.h"

static void pause_ms(int ms)
{
	usleep((useconds_t)ms * 1000);
}

/* --- the cancellation points, each called so that it would block or do work --- */

static int empty_r, empty_w;  /* a pipe with nothing in it */
static int full_r, full_w;    /* a pipe whose buffer is full */
static int never_r, never_w;  /* what the join target waits on */
static pthread_t join_target; /* runs until the test ends */
static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int mutex_reacquired;
static char buf[256];
#ifdef CONFIG_NET_LWIP
static int udp_fd, listen_fd, tcp_fd;
#endif

static void p_read(void)
{
	read(empty_r, buf, sizeof(buf));
}
static void p_write(void)
{
	write(full_w, buf, sizeof(buf));
}
/* Files opened beforehand: open() is a cancellation point itself. */
static int file_r, file_w;
static void p_pread(void)
{
	pread(file_r, buf, 4, 0);
}
static void p_pwrite(void)
{
	pwrite(file_w, buf, 4, 0);
}
static void p_open(void)
{
	open("/pc/f", O_RDONLY);
}
static void p_creat(void)
{
	creat("/pc/g", 0644);
}
static void p_close(void)
{
	close(dup(file_r));
}
static void p_fsync(void)
{
	fsync(file_w);
}
static void p_fdatasync(void)
{
	fdatasync(file_w);
}
static void p_poll(void)
{
	struct pollfd p = {empty_r, POLLIN, 0};
	poll(&p, 1, -1);
}
static void p_select(void)
{
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(empty_r, &rd);
	select(empty_r + 1, &rd, NULL, NULL, NULL);
}
static void p_nanosleep(void)
{
	struct timespec t = {10, 0};
	nanosleep(&t, NULL);
}
static void p_clock_nanosleep(void)
{
	struct timespec t = {10, 0};
	clock_nanosleep(CLOCK_MONOTONIC, 0, &t, NULL);
}
static void p_sleep(void)
{
	sleep(10);
}
static void p_usleep(void)
{
	usleep(5000000);
}
static void p_testcancel(void)
{
	pthread_testcancel();
}
static void p_join(void)
{
	pthread_join(join_target, NULL);
}

/* The mutex must be the waiter's again when its cleanup handler runs: unlocking it then succeeds. */
static void unlock_checked(void *m)
{
	mutex_reacquired = pthread_mutex_unlock(m) == 0;
}

static void cond_wait_in(int timed)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&cm);
	pthread_cleanup_push(unlock_checked, &cm);
	for (int i = 0; i < 1000; i++)
		timed ? pthread_cond_timedwait(&cv, &cm, &until) : pthread_cond_wait(&cv, &cm);
	pthread_cleanup_pop(1);
}
static void p_cond_wait(void)
{
	cond_wait_in(0);
}
static void p_cond_timedwait(void)
{
	cond_wait_in(1);
}

#ifdef CONFIG_NET_LWIP
static void p_accept(void)
{
	accept(listen_fd, NULL, NULL);
}
static void p_connect(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7301)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(tcp_fd, (struct sockaddr *)&a, sizeof(a));
}
static void p_recv(void)
{
	recv(udp_fd, buf, sizeof(buf), 0);
}
static void p_recvfrom(void)
{
	recvfrom(udp_fd, buf, sizeof(buf), 0, NULL, NULL);
}
static void p_recvmsg(void)
{
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	recvmsg(udp_fd, &m, 0);
}
static struct sockaddr_in udp_self(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7300)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}
static void p_send(void)
{
	send(udp_fd, buf, 1, 0);
}
static void p_sendto(void)
{
	struct sockaddr_in a = udp_self();
	sendto(udp_fd, buf, 1, 0, (struct sockaddr *)&a, sizeof(a));
}
static void p_sendmsg(void)
{
	struct sockaddr_in a = udp_self();
	struct iovec iov = {buf, 1};
	struct msghdr m = {.msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1};
	sendmsg(udp_fd, &m, 0);
}
#endif

struct point {
	const char *name;
	void (*call)(void);
	int blocks; /* it waits until cancelled: tried while blocked too */
};

static const struct point points[] = {
    {"read", p_read, 1},
    {"write", p_write, 1},
    {"pread", p_pread, 0},
    {"pwrite", p_pwrite, 0},
    {"open", p_open, 0},
    {"creat", p_creat, 0},
    {"close", p_close, 0},
    {"fsync", p_fsync, 0},
    {"fdatasync", p_fdatasync, 0},
    {"poll", p_poll, 1},
    {"select", p_select, 1},
    {"nanosleep", p_nanosleep, 1},
    {"clock_nanosleep", p_clock_nanosleep, 1},
    {"sleep", p_sleep, 1},
    {"usleep", p_usleep, 1},
    {"pthread_testcancel", p_testcancel, 0},
    {"pthread_join", p_join, 1},
    {"pthread_cond_wait", p_cond_wait, 1},
    {"pthread_cond_timedwait", p_cond_timedwait, 1},
#ifdef CONFIG_NET_LWIP
    {"accept", p_accept, 1},
    {"connect", p_connect, 0},
    {"recv", p_recv, 1},
    {"recvfrom", p_recvfrom, 1},
    {"recvmsg", p_recvmsg, 1},
    {"send", p_send, 0},
    {"sendto", p_sendto, 0},
    {"sendmsg", p_sendmsg, 0},
#endif
};

/* --- one cancellation of a thread in one point --- */

struct run {
	const struct point *point;
	int pending; /* cancel while disabled, then enable and call the point */
	volatile int started, requested, cleaned, returned;
};

static void mark_cleaned(void *arg)
{
	((struct run *)arg)->cleaned = 1;
}

static void *point_thread(void *arg)
{
	struct run *r = arg;
	if (r->pending)
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	pthread_cleanup_push(mark_cleaned, r);
	r->started = 1;
	while (r->pending && !r->requested)
		sched_yield();
	if (r->pending) {
		int old = -1;
		/* Re-enabling a deferred cancellation is no cancellation point: it returns. */
		CHECK(pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old) == 0 &&
		      old == PTHREAD_CANCEL_DISABLE);
	}
	r->point->call();
	r->returned = 1;
	pthread_cleanup_pop(0);
	return NULL;
}

/* 1 if a thread cancelled in the point ended as POSIX says, within 2 s. */
static uint64_t worst_ms; /* the longest a blocked thread took from pthread_cancel() to joined */

/* pending: cancel while disabled; else cancel after delay_us (-1: long enough to be blocked in it). */
static int cancel_in(const struct point *p, int pending, int delay_us)
{
	struct run r = {.point = p, .pending = pending};
	pthread_t t;
	void *ret = NULL;
	mutex_reacquired = 0;
	if (pthread_create(&t, NULL, point_thread, &r) != 0)
		return 0;
	while (!r.started)
		sched_yield();
	if (!pending && delay_us != 0)
		usleep(delay_us < 0 ? 30000 : (useconds_t)delay_us);
	uint64_t t0 = ktest_ms();
	int err = pthread_cancel(t);
	r.requested = 1;
	int joined = pthread_join(t, &ret);
	uint64_t ms = ktest_ms() - t0;
	if (!pending && delay_us < 0 && ms > worst_ms)
		worst_ms = ms;
	int cond = strncmp(p->name, "pthread_cond", 12) == 0;
	int ok = err == 0 && joined == 0 && ret == PTHREAD_CANCELED && r.cleaned && !r.returned &&
	         ms < 2000 &&
	         (!cond ||
	          (mutex_reacquired && pthread_mutex_trylock(&cm) == 0 && pthread_mutex_unlock(&cm) == 0));
	if (!ok)
		printf(
		    "FAIL %s (%s): cancel=%d join=%d ret=%p cleaned=%d returned=%d ms=%llu mutex_back=%d\n",
		    p->name, pending ? "pending on entry" : "blocked", err, joined, ret, r.cleaned,
		    r.returned, (unsigned long long)ms, mutex_reacquired);
	return ok;
}

static void *wait_never(void *arg)
{
	(void)arg;
	read(never_r, buf, 1);
	return NULL;
}

static void fill_pipe(int fd)
{
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (write(fd, buf, sizeof(buf)) > 0)
		;
	fcntl(fd, F_SETFL, 0);
}

static void setup(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	empty_r = p[0], empty_w = p[1];
	CHECK(pipe(p) == 0);
	full_r = p[0], full_w = p[1];
	fill_pipe(full_w);
	CHECK(pipe(p) == 0);
	never_r = p[0], never_w = p[1];
	CHECK(pthread_create(&join_target, NULL, wait_never, NULL) == 0);
	CHECK(mkdir("/pc", 0755) == 0);
	int fd = open("/pc/f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "data", 4) == 4 && close(fd) == 0);
	file_r = open("/pc/f", O_RDONLY);
	file_w = open("/pc/f", O_WRONLY);
	CHECK(file_r >= 0 && file_w >= 0);
#ifdef CONFIG_NET_LWIP
	struct sockaddr_in a = udp_self();
	udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(udp_fd >= 0 && bind(udp_fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(connect(udp_fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	a.sin_port = htons(7301);
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(listen_fd >= 0 && bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	      listen(listen_fd, 4) == 0);
	tcp_fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(tcp_fd >= 0);
#endif
}

static void every_point(void)
{
	int n = (int)(sizeof(points) / sizeof(points[0])), blocking = 0, blocked_ok = 0, pending_ok = 0;
	int blocking_index[sizeof(points) / sizeof(points[0])];
	for (int i = 0; i < n; i++) {
		pending_ok += cancel_in(&points[i], 1, 0);
		if (points[i].blocks) {
			blocking_index[blocking++] = i;
			blocked_ok += cancel_in(&points[i], 0, -1);
		}
	}
	printf("posix-cancel: pending on entry: %d of %d points acted\n", pending_ok, n);
	printf("posix-cancel: blocked: %d of %d blocking points woke and acted (slowest %llu ms)\n",
	       blocked_ok, blocking, (unsigned long long)worst_ms);
	CHECK(pending_ok == n && blocked_ok == blocking);
	/* Requests racing the thread into its point: before, while entering, while blocked. */
	enum { ROUNDS = 600 };
	int raced_ok = 0;
	unsigned seed = 12345;
	for (int round = 0; round < ROUNDS; round++) {
		seed = seed * 1103515245u + 12345u;
		/* Only the blocking ones: one that returns may well finish before the request. */
		const struct point *p = &points[blocking_index[(seed >> 8) % (unsigned)blocking]];
		raced_ok += cancel_in(p, 0, (int)((seed >> 20) % 3000u));
	}
	printf("posix-cancel: raced: %d of %d cancellations at random moments acted\n", raced_ok, ROUNDS);
	CHECK(raced_ok == ROUNDS);
	/* Threads cancelled inside read(), write(), accept() ... gave back the file references they took. */
	int fds[] = {empty_r, empty_w,   full_r, full_w, file_r, file_w,
#ifdef CONFIG_NET_LWIP
	             udp_fd,  listen_fd, tcp_fd
#endif
	};
	int refs_ok = 1;
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (ktest_fd_refs(fds[i]) != 1) {
			printf("FAIL fd %d: %u references, 1 expected\n", fds[i], ktest_fd_refs(fds[i]));
			refs_ok = 0;
		}
	printf("posix-cancel: file references after cancellations: %s\n", refs_ok ? "ok" : "WRONG");
	CHECK(refs_ok);
	/* The buffer still works for what the cancelled calls left: the pipes were not broken. */
	CHECK(write(never_w, "x", 1) == 1 && pthread_join(join_target, NULL) == 0);
}

/* --- cleanup handlers, key destructors, exit value --- */

static char order[16];
static volatile int order_n;
static pthread_key_t key;

static void note(void *c)
{
	order[order_n++] = (char)(uintptr_t)c;
}

static void *handlers_thread(void *arg)
{
	(void)arg;
	pthread_setspecific(key, (void *)(uintptr_t)'D');
	pthread_cleanup_push(note, (void *)(uintptr_t)'1');
	pthread_cleanup_push(note, (void *)(uintptr_t)'2');
	pthread_cleanup_push(note, (void *)(uintptr_t)'x');
	pthread_cleanup_pop(0); /* popped without running */
	pthread_cleanup_push(note, (void *)(uintptr_t)'p');
	pthread_cleanup_pop(1); /* popped and run now */
	pthread_cleanup_push(note, (void *)(uintptr_t)'3');
	for (;;)
		pause_ms(10);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *exit_thread(void *arg)
{
	(void)arg;
	pthread_cleanup_push(note, (void *)(uintptr_t)'e');
	pthread_exit((void *)7); /* pthread_exit runs the handlers too */
	pthread_cleanup_pop(0);
	return NULL;
}

static void handler_order(void)
{
	pthread_t t;
	void *ret = NULL;
	CHECK(pthread_key_create(&key, note) == 0);
	order_n = 0;
	CHECK(pthread_create(&t, NULL, handlers_thread, NULL) == 0);
	pause_ms(30);
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &ret) == 0 && ret == PTHREAD_CANCELED);
	order[order_n] = '\0';
	printf("posix-cancel: handlers and destructors ran as %s\n", order);
	CHECK(strcmp(order, "p321D") == 0);
	order_n = 0;
	CHECK(pthread_create(&t, NULL, exit_thread, NULL) == 0);
	CHECK(pthread_join(t, &ret) == 0 && ret == (void *)7 && order_n == 1 && order[0] == 'e');
	/* A joined thread is no thread: ESRCH (POSIX: where detectable). */
	CHECK(pthread_cancel(t) == ESRCH);
	pthread_key_delete(key);
}

/* --- states and types --- */

static volatile unsigned long spins;
static volatile int late_cleanup, lock_taken, usleep_done;

static void mark(void *flag)
{
	*(volatile int *)flag = 1;
}

static void *async_spinner(void *arg)
{
	(void)arg;
	int old = -1;
	CHECK(pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old) == 0 &&
	      old == PTHREAD_CANCEL_DEFERRED);
	pthread_cleanup_push(mark, (void *)&late_cleanup);
	for (;;)
		spins++; /* no cancellation point anywhere */
	pthread_cleanup_pop(0);
	return NULL;
}

static void *disabled_sleeper(void *arg)
{
	(void)arg;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	uint64_t t0 = ktest_ms();
	usleep(60000); /* a cancellation point, but disabled: sleeps the whole time */
	usleep_done = ktest_ms() - t0 >= 55;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	pthread_testcancel();
	usleep_done = 0; /* not reached */
	return NULL;
}

static void *mutex_locker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cm); /* not a cancellation point: it takes the lock first */
	lock_taken = 1;
	pthread_mutex_unlock(&cm);
	pthread_testcancel();
	lock_taken = 2; /* not reached */
	return NULL;
}

static void *self_async(void *arg)
{
	(void)arg;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	pthread_cancel(pthread_self()); /* acts before it returns */
	return (void *)1;
}

static void *self_deferred(void *arg)
{
	(void)arg;
	CHECK(pthread_cancel(pthread_self()) == 0); /* returns: deferred */
	spins = 0;
	pthread_testcancel();
	return (void *)1;
}

static void states(void)
{
	int old = -1;
	CHECK(pthread_setcancelstate(42, &old) == EINVAL && old == -1);
	CHECK(pthread_setcanceltype(42, &old) == EINVAL && old == -1);
	CHECK(pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old) == 0 && old == PTHREAD_CANCEL_ENABLE);
	CHECK(pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &old) == 0 && old == PTHREAD_CANCEL_DEFERRED);

	pthread_t t;
	void *ret = NULL;
	CHECK(pthread_create(&t, NULL, async_spinner, NULL) == 0);
	pause_ms(30);
	uint64_t t0 = ktest_ms();
	int spun = spins > 0; /* it runs no cancellation point: only an asynchronous cancellation ends it */
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &ret) == 0 && ret == PTHREAD_CANCELED && late_cleanup);
	printf("posix-cancel: asynchronous: a thread spinning (%d) with no cancellation point ended in %llu "
	       "ms\n",
	       spun, (unsigned long long)(ktest_ms() - t0));
	CHECK(spun && ktest_ms() - t0 < 2000);

	CHECK(pthread_create(&t, NULL, disabled_sleeper, NULL) == 0);
	pause_ms(10);
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &ret) == 0 && ret == PTHREAD_CANCELED && usleep_done);

	pthread_mutex_lock(&cm);
	CHECK(pthread_create(&t, NULL, mutex_locker, NULL) == 0);
	pause_ms(20);
	CHECK(pthread_cancel(t) == 0);
	pause_ms(20);
	pthread_mutex_unlock(&cm);
	CHECK(pthread_join(t, &ret) == 0 && ret == PTHREAD_CANCELED && lock_taken == 1);

	CHECK(pthread_create(&t, NULL, self_async, NULL) == 0);
	CHECK(pthread_join(t, &ret) == 0 && ret == PTHREAD_CANCELED);
	CHECK(pthread_create(&t, NULL, self_deferred, NULL) == 0);
	CHECK(pthread_join(t, &ret) == 0 && ret == PTHREAD_CANCELED);
	printf("posix-cancel: states and types done\n");
}

/* --- a point reached under a kernel lock is none --- */

static volatile int stream_ok = -1, stream_done;

static void *stream_writer(void *arg)
{
	static char big[4096];
	memset(big, 'x', sizeof(big));
	/* write() under the stream's lock: the request must neither act nor cut it short. */
	int ok = fwrite(big, 1, sizeof(big), arg) == sizeof(big);
	stream_ok = ok && fflush(arg) == 0;
	stream_done = 1;
	pthread_testcancel();
	stream_done = 2; /* not reached */
	return NULL;
}

static void under_stream_lock(void)
{
	int p[2];
	void *ret = NULL;
	pthread_t t;
	CHECK(pipe(p) == 0);
	fill_pipe(p[1]);
	FILE *f = fdopen(p[1], "w");
	CHECK(f != NULL && pthread_create(&t, NULL, stream_writer, f) == 0);
	pause_ms(30); /* blocked writing into the full pipe */
	CHECK(pthread_cancel(t) == 0);
	pause_ms(30);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	uint64_t end = ktest_ms() + 2000;
	while (!stream_done && ktest_ms() < end)
		if (read(p[0], buf, sizeof(buf)) <= 0)
			pause_ms(1);
	CHECK(pthread_join(t, &ret) == 0 && ret == PTHREAD_CANCELED);
	printf("posix-cancel: a cancelled thread's fwrite+fflush under the stream lock: %s, then cancelled "
	       "at the "
	       "next point: %d\n",
	       stream_ok == 1 ? "complete" : "cut short", stream_done == 1);
	CHECK(stream_ok == 1 && stream_done == 1);
	fclose(f);
	close(p[0]);
}

int ktest_posix_cancel(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t t0 = ktest_ms();
	setup();
	states();
	handler_order();
	under_stream_lock();
	every_point();
	printf("posix-cancel: %d failures in %llu ms\n", ktest_failures,
	       (unsigned long long)(ktest_ms() - t0));
	return ktest_failures ? 1 : 0;
}
