/*
 * ktest tcp-churn N: N TCP echo sessions over loopback against a server
 * that, like apps/tcp-echo, starts a detached thread per connection. Every
 * session echoes 64 bytes; afterwards free pages and the heap in use must be
 * back where they were after a warm-up (thread stacks, page tables and
 * sockets all given back).
 */
#include <yolk-config/net-lwip.h>
#ifdef CONFIG_NET_LWIP
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <yolk/mm.h>
#include "ktest.h"

#define CHURN_PORT 7010
#define SESSION_BYTES 64

static unsigned long sessions_ended; /* server threads that have finished */

/* One connection: echo until the client closes. */
static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[SESSION_BYTES];
	ssize_t n;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (send(fd, buf, (size_t)n, 0) != n)
			break;
	close(fd);
	__atomic_add_fetch(&sessions_ended, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Accepts until the listening socket is shut down, a detached thread per connection. */
static void *acceptor(void *arg)
{
	int lfd = (int)(intptr_t)arg;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		if (c < 0)
			break;
		pthread_t t;
		if (pthread_create(&t, &attr, serve, (void *)(intptr_t)c) != 0)
			close(c);
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

/* One client session: connect, 64 bytes there and back, close. 1 if the echo was right. */
static int session(unsigned long i)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(CHURN_PORT)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char out[SESSION_BYTES], in[SESSION_BYTES];
	size_t got = 0;
	memset(out, (int)(i & 0xff), sizeof(out));
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    send(fd, out, sizeof(out), 0) != SESSION_BYTES) {
		close(fd);
		return 0;
	}
	for (ssize_t n; got < sizeof(in) && (n = recv(fd, in + got, sizeof(in) - got, 0)) > 0;)
		got += (size_t)n;
	close(fd);
	return got == sizeof(in) && memcmp(in, out, sizeof(in)) == 0;
}

static void *nothing(void *arg)
{
	return arg;
}

/* Waits (bounded) until `count` server threads have ended, then frees them: a creation reaps detached
 * threads. */
static void settle(unsigned long count)
{
	for (int i = 0; i < 500 && __atomic_load_n(&sessions_ended, __ATOMIC_ACQUIRE) < count; i++) {
		struct timespec ms10 = {0, 10 * 1000 * 1000};
		nanosleep(&ms10, NULL);
	}
	pthread_t t;
	if (pthread_create(&t, NULL, nothing, NULL) == 0)
		pthread_join(t, NULL);
}

int ktest_tcp_churn(int argc, char **argv)
{
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000, warm = 200, ok = 0, done = 0;
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(CHURN_PORT)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	CHECK(lfd >= 0 && bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(lfd, 16) == 0);
	pthread_t acc;
	CHECK(pthread_create(&acc, NULL, acceptor, (void *)(intptr_t)lfd) == 0);
	for (unsigned long i = 0; i < warm; i++)
		session(i);
	settle(warm);
	size_t pages0 = pmm_free_pages(), heap0 = (size_t)mallinfo().uordblks;
	uint64_t t0 = ktest_ms();
	for (; done < n && ktest_ms() - t0 < 400000; done++)
		ok += session(done);
	uint64_t ms = ktest_ms() - t0;
	settle(warm + done);
	size_t pages1 = pmm_free_pages(), heap1 = (size_t)mallinfo().uordblks;
	long lost_pages = (long)pages0 - (long)pages1, lost_heap = (long)heap1 - (long)heap0;
	printf("tcp-churn: %lu of %lu sessions echoed in %llu ms, %lu server threads ended\n", ok, n,
	       (unsigned long long)ms, __atomic_load_n(&sessions_ended, __ATOMIC_ACQUIRE) - warm);
	printf("tcp-churn: free pages %zu -> %zu, heap in use %zu -> %zu bytes\n", pages0, pages1, heap0,
	       heap1);
	printf("tcp-churn: lost_pages=%ld lost_heap=%ld\n", lost_pages, lost_heap);
	CHECK(ok == n);
	CHECK(lost_pages <= 2);
	CHECK(lost_heap <= 8192);
	shutdown(lfd, SHUT_RDWR);
	close(lfd);
	return ktest_result("tcp-churn");
}
#else
typedef int ktest_tcp_churn_not_configured; /* ISO C wants something in a file */
#endif
