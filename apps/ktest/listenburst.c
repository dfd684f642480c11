/*
 * ktest listen-burst N: N connections opened at once over loopback to a
 * listener with a backlog of N that accepts none of them until every one has
 * connected. All N must complete their handshake within a second: a SYN past
 * the backlog is dropped and sent again only after lwIP's first retransmission
 * timeout (3 s), so one too many in the backlog shows as a connection left in
 * SYN_SENT. lwIP kept the backlog in a u8_t (lwip-backlog-u16.patch): with
 * N = 300 the 256th SYN and every later one were dropped.
 */
#include <yolk-config/net-lwip.h>
#ifdef CONFIG_NET_LWIP
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ktest.h"

#define BURST_PORT 7011
#define BURST_MAX 400

int ktest_listen_burst(int argc, char **argv)
{
	static int client[BURST_MAX];
	static struct pollfd pending[BURST_MAX];
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 300, opened = 0, connected = 0, accepted = 0;
	if (n < 1 || n > BURST_MAX) {
		printf("listen-burst: N must be 1..%d, not %lu\n", BURST_MAX, n);
		return 1;
	}
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(BURST_PORT)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	CHECK(lfd >= 0 && bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(lfd, (int)n) == 0);
	for (; opened < n; opened++) {
		client[opened] = socket(AF_INET, SOCK_STREAM, 0);
		if (client[opened] < 0)
			break;
		fcntl(client[opened], F_SETFL, O_NONBLOCK);
		int r = connect(client[opened], (struct sockaddr *)&a, sizeof(a));
		CHECK(r == 0 || errno == EINPROGRESS);
	}
	CHECK(opened == n); /* else too few sockets (CONFIG_NET_LWIP_SOCKETS) */
	n = opened;
	/* Connected = writable with no pending error; one second is hundreds of times what loopback needs. */
	uint64_t t0 = ktest_ms();
	unsigned long left = n;
	for (unsigned long i = 0; i < n; i++)
		pending[i] = (struct pollfd){.fd = client[i], .events = POLLOUT};
	while (left > 0 && ktest_ms() - t0 < 1000) {
		if (poll(pending, n, 50) < 0)
			break;
		for (unsigned long i = 0; i < n; i++) {
			if (pending[i].fd < 0 || !(pending[i].revents & (POLLOUT | POLLERR | POLLHUP)))
				continue;
			int err = -1;
			socklen_t len = sizeof(err);
			getsockopt(pending[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
			connected += err == 0;
			pending[i].fd = -1; /* poll() skips it from now on */
			left--;
		}
	}
	uint64_t ms = ktest_ms() - t0;
	CHECK(fcntl(lfd, F_SETFL, O_NONBLOCK) == 0);
	for (int c; (c = accept(lfd, NULL, NULL)) >= 0; accepted++)
		close(c);
	printf("listen-burst: %lu of %lu connected in %llu ms with none accepted yet, then %lu accepted\n",
	       connected, n, (unsigned long long)ms, accepted);
	CHECK(connected == n);
	CHECK(accepted == n);
	for (unsigned long i = 0; i < n; i++)
		close(client[i]);
	close(lfd);
	return ktest_result("listen-burst");
}
#else
typedef int ktest_listen_burst_not_configured; /* ISO C wants something in a file */
#endif
