/*
 * ktest case "net": the socket API over lwIP's loopback interface — a TCP
 * echo of 1 MiB between threads, nonblocking connect/accept with poll()
 * over a socket and a pipe together, UDP round trips, names, SO_REUSEADDR,
 * shutdown and EOF, a socket outliving its connection, a refused
 * connection, getaddrinfo and inet_*.
 * Built only with net/lwip selected.
 */
#include <yolk-config/net-lwip.h>
#ifdef CONFIG_NET_LWIP
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yolk/netdev.h>
#include "ktest.h"

#define ECHO_PORT 7000
#define ECHO_BYTES (1024 * 1024)


static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int tcp_listener(int port, int reuse)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse)) < 0)
		return -1;
	struct sockaddr_in a = loopback(port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}


/* Echo server: one connection, everything back until EOF, then close. */
static void *echo_server(void *arg)
{
	int lfd = *(int *)arg;
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	int c = accept(lfd, (struct sockaddr *)&peer, &plen);
	CHECK(c >= 0 && plen == sizeof(peer) && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	static char buf[8192];
	ssize_t n;
	while ((n = recv(c, buf, sizeof(buf), 0)) > 0)
		CHECK(send(c, buf, (size_t)n, 0) == n);
	CHECK(n == 0);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0); /* EOF stays EOF */
	close(c);
	return NULL;
}


static void net_echo(void)
{
	int lfd = tcp_listener(ECHO_PORT, 1);
	CHECK(lfd >= 0);
	pthread_t srv;
	pthread_create(&srv, NULL, echo_server, &lfd);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(ECHO_PORT), local, peer;
	CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	socklen_t llen = sizeof(local), plen = sizeof(peer);
	CHECK(getsockname(fd, (struct sockaddr *)&local, &llen) == 0 && llen == sizeof(local) &&
	      local.sin_family == AF_INET && local.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	      local.sin_port != 0);
	CHECK(getpeername(fd, (struct sockaddr *)&peer, &plen) == 0 && peer.sin_port == htons(ECHO_PORT));
	int one = 1, v = 0;
	socklen_t vlen = sizeof(v);
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vlen) == 0 && v == 1);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vlen) == 0 && v == SOCK_STREAM);
	size_t bad;
	size_t total = ktest_echo_stream(fd, ECHO_BYTES, &bad);
	CHECK_ERR(send(fd, "x", 1, MSG_NOSIGNAL), EPIPE); /* after shutdown(SHUT_WR) */
	pthread_join(srv, NULL);
	printf("net: echo %zu bytes, %zu wrong\n", total, bad);
	CHECK(total == ECHO_BYTES && bad == 0);
	close(fd);
	/* The port is still held (listener, TIME_WAIT): a second bind fails without SO_REUSEADDR. */
	CHECK_ERR(tcp_listener(ECHO_PORT, 0), EADDRINUSE);
	close(lfd);
	int again = tcp_listener(ECHO_PORT, 1);
	CHECK(again >= 0);
	CHECK(getsockopt(again, SOL_SOCKET, SO_REUSEADDR, &v, &vlen) == 0 && v == 1);
	close(again);
}

static void *pipe_poker(void *arg)
{
	usleep(50000);
	CHECK(write(*(int *)arg, "p", 1) == 1);
	return NULL;
}

/* Nonblocking connect and accept, with poll() over sockets and a pipe at once. */
static void net_nonblocking(void)
{
	int lfd = tcp_listener(7001, 1), p[2];
	CHECK(lfd >= 0 && pipe(p) == 0);
	CHECK(fcntl(lfd, F_SETFL, O_NONBLOCK) == 0);
	CHECK_ERR(accept(lfd, NULL, NULL), EAGAIN);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = loopback(7001);
	int r = connect(c, (struct sockaddr *)&a, sizeof(a));
	CHECK(r == 0 || errno == EINPROGRESS);
	struct pollfd w = {c, POLLOUT, 0};
	CHECK(poll(&w, 1, 2000) == 1 && (w.revents & POLLOUT));
	int err = -1;
	socklen_t elen = sizeof(err);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0);
	struct pollfd pf[2] = {{lfd, POLLIN, 0}, {p[0], POLLIN, 0}};
	CHECK(poll(pf, 2, 2000) == 1 && (pf[0].revents & POLLIN) && pf[1].revents == 0);
	int s = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	CHECK(s >= 0);
	char buf[16];
	CHECK_ERR(recv(s, buf, sizeof(buf), 0), EAGAIN);
	/* Nothing on the socket; the pipe becomes readable from another thread. */
	pthread_t t;
	pthread_create(&t, NULL, pipe_poker, &p[1]);
	struct pollfd q[2] = {{s, POLLIN, 0}, {p[0], POLLIN, 0}};
	CHECK(poll(q, 2, 2000) == 1 && q[0].revents == 0 && (q[1].revents & POLLIN));
	pthread_join(t, NULL);
	CHECK(read(p[0], buf, 1) == 1);
	CHECK(send(c, "ping", 4, 0) == 4);
	CHECK(poll(q, 2, 2000) == 1 && (q[0].revents & POLLIN) && q[1].revents == 0);
	CHECK(recv(s, buf, sizeof(buf), MSG_PEEK) == 4 && recv(s, buf, sizeof(buf), 0) == 4 &&
	      !memcmp(buf, "ping", 4));
	/* select() sees the same: the socket readable after data, with the pipe in the set. */
	CHECK(send(s, "pong", 4, 0) == 4);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(c, &rd);
	FD_SET(p[0], &rd);
	struct timeval tv = {2, 0};
	CHECK(select((c > p[0] ? c : p[0]) + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(c, &rd) &&
	      !FD_ISSET(p[0], &rd));
	CHECK(recv(c, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "pong", 4));
	/* Peer closes: POLLIN and then EOF on the other side. */
	close(s);
	struct pollfd e = {c, POLLIN, 0};
	CHECK(poll(&e, 1, 2000) == 1 && (e.revents & POLLIN));
	CHECK(recv(c, buf, sizeof(buf), 0) == 0);
	printf("net: nonblocking connect/accept and poll over sockets and a pipe done\n");
	close(c);
	close(lfd);
	close(p[0]);
	close(p[1]);
}

/* More connections than lwIP has netconns: closing must give every one back. */
static void net_churn(void)
{
	int lfd = tcp_listener(7002, 1), ok = 0;
	CHECK(lfd >= 0);
	for (int i = 0; i < 100; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = loopback(7002);
		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
			close(c);
			break;
		}
		int s = accept(lfd, NULL, NULL);
		char b = 0;
		ok += s >= 0 && send(c, "z", 1, 0) == 1 && recv(s, &b, 1, 0) == 1 && b == 'z';
		close(s);
		close(c);
	}
	printf("net: %d of 100 connections opened and closed\n", ok);
	CHECK(ok == 100);
	close(lfd);
}

/* Binds fd to loopback port, waiting (up to 2 s) for an earlier connection's pcb on it to go. */
static int bind_port_retry(int fd, int port)
{
	struct sockaddr_in me = loopback(port);
	for (int i = 0; i < 200; i++) {
		if (bind(fd, (struct sockaddr *)&me, sizeof(me)) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -1;
		usleep(10000);
	}
	return -1;
}

/*
 * A socket whose connection lwIP has freed under it must not act on the
 * next connection given the same memory. Here the server closes first and
 * reads nothing more: its half-closed socket still holds the connection,
 * in TIME_WAIT; a SYN from the same client port ends the TIME_WAIT early,
 * and the new connection's protocol block is the one just freed. Closing
 * the old socket then closed (and reset) the new connection, as wrk saw at
 * thousands of connections a second (issue 18).
 */
static void net_stale_pcb(void)
{
	int lfd = tcp_listener(7003, 1), one = 1;
	struct sockaddr_in to = loopback(7003);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(lfd >= 0 && c >= 0 && setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	CHECK(bind_port_retry(c, 7004) == 0 && connect(c, (struct sockaddr *)&to, sizeof(to)) == 0);
	int s = accept(lfd, NULL, NULL);
	char b[8];
	CHECK(s >= 0 && shutdown(s, SHUT_WR) == 0);
	CHECK(recv(c, b, sizeof(b), 0) == 0);
	close(c); /* the client's FIN: the server's side goes to TIME_WAIT */
	struct pollfd pf = {s, POLLIN, 0};
	CHECK(poll(&pf, 1, 2000) == 1); /* the FIN is there; s does not read it */

	int c2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c2 >= 0 && setsockopt(c2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	CHECK(bind_port_retry(c2, 7004) == 0 && connect(c2, (struct sockaddr *)&to, sizeof(to)) == 0);
	int s2 = accept(lfd, NULL, NULL);
	struct timeval limit = {2, 0}; /* a broken connection fails the check instead of hanging */
	CHECK(s2 >= 0 && setsockopt(s2, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)) == 0 &&
	      setsockopt(c2, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)) == 0);
	CHECK(close(s) == 0);
	int ok = send(c2, "ping", 4, 0) == 4 && recv(s2, b, sizeof(b), 0) == 4 && !memcmp(b, "ping", 4) &&
		 send(s2, "pong", 4, 0) == 4 && recv(c2, b, sizeof(b), 0) == 4 && !memcmp(b, "pong", 4);
	CHECK(ok);
	if (ok)
		printf("net: closing a socket whose connection ended leaves the next connection alone\n");
	close(s2);
	close(c2);
	close(lfd);
}

static void net_udp(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in aa = loopback(0), ba = loopback(0), from;
	CHECK(bind(a, (struct sockaddr *)&aa, sizeof(aa)) == 0 &&
	      bind(b, (struct sockaddr *)&ba, sizeof(ba)) == 0);
	socklen_t len = sizeof(aa);
	CHECK(getsockname(a, (struct sockaddr *)&aa, &len) == 0 && aa.sin_port != 0);
	len = sizeof(ba);
	CHECK(getsockname(b, (struct sockaddr *)&ba, &len) == 0 && ba.sin_port != 0 &&
	      ba.sin_port != aa.sin_port);
	CHECK(sendto(a, "hello udp", 9, 0, (struct sockaddr *)&ba, sizeof(ba)) == 9);
	char buf[32] = {0};
	socklen_t flen = sizeof(from);
	CHECK(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 9 &&
	      !memcmp(buf, "hello udp", 9) && from.sin_port == aa.sin_port &&
	      from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	/* Connected datagram socket: send() and recv(); a short buffer truncates. */
	CHECK(connect(b, (struct sockaddr *)&aa, sizeof(aa)) == 0);
	CHECK(send(b, "reply!", 6, 0) == 6);
	struct pollfd pf = {a, POLLIN, 0};
	CHECK(poll(&pf, 1, 2000) == 1 && (pf.revents & POLLIN));
	CHECK(recv(a, buf, 3, 0) == 3 && !memcmp(buf, "rep", 3));
	CHECK_ERR(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	printf("net: udp round trip done\n");
	close(a);
	close(b);
}

static void net_refused(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(7999);
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	close(fd);
	/* The same, nonblocking: poll reports it, SO_ERROR says why. */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	CHECK(r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED));
	if (r == -1 && errno == EINPROGRESS) {
		struct pollfd pf = {fd, POLLOUT, 0};
		CHECK(poll(&pf, 1, 2000) == 1 && (pf.revents & (POLLERR | POLLHUP)));
		int err = 0;
		socklen_t len = sizeof(err);
		CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == ECONNREFUSED);
	}
	close(fd);
	printf("net: connection refused done\n");
}

static void net_names(void)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
	CHECK(getaddrinfo("localhost", "80", &hints, &res) == 0 && res && res->ai_family == AF_INET &&
	      res->ai_socktype == SOCK_STREAM && res->ai_protocol == IPPROTO_TCP &&
	      ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	      ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(80) && res->ai_next == NULL);
	freeaddrinfo(res);
	res = NULL;
	hints = (struct addrinfo){.ai_flags = AI_NUMERICHOST};
	CHECK(getaddrinfo("10.0.2.15", "http", &hints, &res) == 0 && res && res->ai_next &&
	      ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == inet_addr("10.0.2.15") &&
	      ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(80));
	freeaddrinfo(res);
	CHECK(getaddrinfo("not.numeric", NULL, &hints, &res) == EAI_NONAME);
	CHECK(getaddrinfo("localhost", "no-such-service", NULL, &res) == EAI_SERVICE);
	CHECK(strcmp(gai_strerror(EAI_NONAME), "Name or service not known") == 0);
	struct in_addr in;
	char s[INET_ADDRSTRLEN];
	CHECK(inet_pton(AF_INET, "192.168.1.254", &in) == 1 && in.s_addr == htonl(0xc0a801fe));
	CHECK(inet_pton(AF_INET, "192.168.1", &in) == 0 && inet_pton(AF_INET, "1.2.3.256", &in) == 0);
	CHECK(inet_ntop(AF_INET, &in, s, sizeof(s)) && strcmp(s, "1.2.3.256") != 0);
	in.s_addr = htonl(0x7f000001);
	CHECK(strcmp(inet_ntoa(in), "127.0.0.1") == 0 && inet_addr("bogus") == INADDR_NONE);
	CHECK(inet_ntop(AF_INET, &in, s, 5) == NULL && errno == ENOSPC);
	printf("net: names done\n");
}

#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX /* picolibc has ssize_t (long) but no SSIZE_MAX */
#endif

/*
 * ktest sendmsg: iovec lengths whose sum exceeds SSIZE_MAX (or wraps size_t)
 * fail with EINVAL, as POSIX and Linux say, and a small gather still works.
 */
int ktest_sendmsg(int argc, char **argv)
{
	(void)argc, (void)argv;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	char a[8] = "abcd", b[8] = "efgh";
	/* 2^64 - 4 + 8 wraps to 4: a 4-byte buffer would take 8 bytes of copies and more. */
	struct iovec wrap[2] = {{a, SIZE_MAX - 3}, {b, 8}};
	struct iovec big[2] = {{a, (size_t)SSIZE_MAX}, {b, 1}};
	struct iovec fine[2] = {{a, 4}, {b, 4}};
	struct msghdr m = {.msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = wrap, .msg_iovlen = 2};
	CHECK(fd >= 0);
	CHECK_ERR(sendmsg(fd, &m, 0), EINVAL);
	m.msg_iov = big;
	CHECK_ERR(sendmsg(fd, &m, 0), EINVAL);
	CHECK_ERR(recvmsg(fd, &m, MSG_DONTWAIT), EINVAL);
	m.msg_iovlen = 1025;
	CHECK_ERR(sendmsg(fd, &m, 0), EMSGSIZE);
	m.msg_iov = fine;
	m.msg_iovlen = 2;
	CHECK(sendmsg(fd, &m, 0) == 8);
	CHECK(close(fd) == 0);
	return ktest_result("sendmsg");
}

int ktest_net(int argc, char **argv)
{
	(void)argc, (void)argv;
	net_echo();
	net_nonblocking();
	net_churn();
	net_stale_pcb();
	net_udp();
	net_refused();
	net_names();
	return ktest_result("net");
}

/*
 * ktest case "netdev": a fake network device whose "wire" answers ARP for
 * 10.0.2.99 and echoes UDP datagrams back, so the driver interface
 * (include/yolk/netdev.h), the stack's attachment to it and the static
 * address from the command line (ip=10.0.2.15/24 gw=10.0.2.2) are tested
 * without a NIC. Replies are handed to netdev_rx() from transmit, i.e. from
 * the stack's own thread.
 */
#define PEER_IP 0x0a000263u /* 10.0.2.99 */
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x63};
static unsigned arp_replies, udp_echoes, dhcp_discovers;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An ARP request for PEER_IP: the reply, as the peer would send it. */
static void fake_arp(struct netdev *dev, const uint8_t *f, size_t len)
{
	if (len < 42 || f[21] != 1 || get32(f + 38) != PEER_IP)
		return;
	uint8_t r[60] = {0};
	memcpy(r, f + 6, 6);
	memcpy(r + 6, peer_mac, 6);
	memcpy(r + 12, f + 12, 8); /* EtherType, hardware/protocol types and sizes */
	r[21] = 2;                 /* reply */
	memcpy(r + 22, peer_mac, 6);
	put32(r + 28, PEER_IP);
	memcpy(r + 32, f + 22, 10); /* the asker's MAC and IP */
	arp_replies++;
	netdev_rx(dev, r, sizeof(r));
	netdev_rx_done(dev);
}

/* A UDP datagram to PEER_IP: back with addresses and ports swapped (the checksums stay valid). */
static void fake_udp(struct netdev *dev, const uint8_t *f, size_t len)
{
	size_t ihl = (size_t)(f[14] & 15) * 4;
	if (len < 14 + ihl + 8 || f[23] != 17)
		return;
	if (get32(f + 30) == 0xffffffffu && f[14 + ihl + 2] == 0 && f[14 + ihl + 3] == 67)
		dhcp_discovers++;
	if (get32(f + 30) != PEER_IP)
		return;
	uint8_t r[1514];
	memcpy(r, f, len);
	memcpy(r, f + 6, 6);
	memcpy(r + 6, f, 6);
	memcpy(r + 26, f + 30, 4);
	memcpy(r + 30, f + 26, 4);
	memcpy(r + 14 + ihl, f + 14 + ihl + 2, 2);
	memcpy(r + 14 + ihl + 2, f + 14 + ihl, 2);
	udp_echoes++;
	netdev_rx(dev, r, len);
	netdev_rx_done(dev);
}

/*
 * TCP to PEER_IP: the peer answers a SYN and then only watches. With
 * tcp_refuse set, the next data segment is refused as a full transmit queue
 * refuses it (-ENOBUFS); tcp_resent counts data segments that came after.
 */
static int tcp_refuse;
static unsigned tcp_refused, tcp_resent;
#define SYN_PORT 8081
#define SYN_COUNT 300
static unsigned syn_acks_sent;
#define PEER_SEGMENT_LEN 54 /* Ethernet, IPv4 and TCP headers */
static uint8_t syn_ack[PEER_SEGMENT_LEN]; /* delivered by the test, not from inside lwIP's connect */
static int syn_ack_ready;

static uint16_t csum(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * A TCP segment from the peer, without options or data, as a whole frame in
 * r: to MAC `mac` and address `ip_to` (4 bytes, network order), from port
 * `from` to port `to`.
 */
static void peer_segment(uint8_t r[PEER_SEGMENT_LEN], const uint8_t *mac, const uint8_t *ip_to, uint16_t from,
			 uint16_t to, uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t *ip = r + 14, *th = r + 34, pseudo[12];
	memset(r, 0, PEER_SEGMENT_LEN);
	memcpy(r, mac, 6);
	memcpy(r + 6, peer_mac, 6);
	r[12] = 0x08;
	ip[0] = 0x45, ip[3] = 40, ip[6] = 0x40, ip[8] = 64, ip[9] = 6;
	put32(ip + 12, PEER_IP);
	memcpy(ip + 16, ip_to, 4);
	uint16_t c = csum(0, ip, 20);
	ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
	th[0] = (uint8_t)(from >> 8), th[1] = (uint8_t)from, th[2] = (uint8_t)(to >> 8), th[3] = (uint8_t)to;
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4, th[13] = flags, th[14] = 0xff, th[15] = 0xff;
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0, pseudo[9] = 6, pseudo[10] = 0, pseudo[11] = 20;
	c = csum((uint16_t)~csum(0, pseudo, 12), th, 20);
	th[16] = (uint8_t)(c >> 8), th[17] = (uint8_t)c;
}

/* A SYN from the peer's port `from` to SYN_PORT at the device's address `to` (network order). */
static void peer_syn(struct netdev *dev, uint32_t to, uint16_t from)
{
	uint8_t r[PEER_SEGMENT_LEN];
	peer_segment(r, dev->mac, (const uint8_t *)&to, from, SYN_PORT, (uint32_t)from * 100000u, 0, 0x02);
	netdev_rx(dev, r, sizeof(r));
}

static int fake_tcp(const uint8_t *f, size_t len)
{
	size_t ihl = (size_t)(f[14] & 15) * 4, total = (size_t)f[16] << 8 | f[17];
	const uint8_t *t = f + 14 + ihl;
	if (len < 14 + ihl + 20 || get32(f + 30) != PEER_IP || total > len - 14)
		return 0;
	size_t data = total - ihl - (size_t)(t[12] >> 4) * 4;
	if ((t[13] & 0x12) == 0x12 && (t[0] << 8 | t[1]) == SYN_PORT) {
		syn_acks_sent++; /* a listener's answer to peer_syn(): the peer never acknowledges it */
		return 0;
	}
	if ((t[13] & 0x12) == 0x02) { /* SYN: SYN-ACK, no options */
		peer_segment(syn_ack, f + 6, f + 26, (uint16_t)(t[2] << 8 | t[3]), (uint16_t)(t[0] << 8 | t[1]), 1000,
			     get32(t + 4) + 1, 0x12);
		syn_ack_ready = 1;
	} else if (data > 0) {
		if (tcp_refuse) {
			tcp_refuse = 0;
			tcp_refused++;
			return -ENOBUFS;
		}
		if (tcp_refused)
			tcp_resent++;
	}
	return 0;
}

static int fake_transmit(struct netdev *dev, const void *frame, size_t len)
{
	const uint8_t *f = frame;
	if (len >= 14 && f[12] == 0x08 && f[13] == 0x06)
		fake_arp(dev, f, len);
	else if (len >= 34 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 6)
		return fake_tcp(f, len);
	else if (len >= 34 && f[12] == 0x08 && f[13] == 0x00)
		fake_udp(dev, f, len);
	return 0;
}

static int fake_opened;
static int fake_open(struct netdev *dev)
{
	(void)dev;
	fake_opened++;
	return 0;
}

static const struct netdev_ops fake_ops = {.transmit = fake_transmit, .open = fake_open};
static struct netdev fake = {
    .mac = {0x52, 0x54, 0, 0x12, 0x34, 0x56}, .mtu = 1500, .link_up = 1, .ops = &fake_ops};

/* Without ip=: the device asks DHCP (nobody answers here). */
static int netdev_dhcp(void)
{
	for (int i = 0; i < 100 && dhcp_discovers == 0; i++)
		usleep(20000);
	struct netdev_addr na;
	CHECK(netdev_addr(&fake, &na) == 0 && na.ip == 0 && na.dhcp == 1);
	printf("netdev: dhcp=%d discovers_sent=%d\n", na.dhcp, dhcp_discovers > 0);
	return ktest_result("netdev");
}

int ktest_netdev(int argc, char **argv)
{
	CHECK(netdev_register(&fake) == 0 && strcmp(fake.name, "eth0") == 0 && fake_opened == 1);
	CHECK(netdev_register(&fake) == -EEXIST);
	if (argc > 2 && strcmp(argv[2], "dhcp") == 0)
		return netdev_dhcp();
	struct netdev_addr na;
	CHECK(netdev_addr(&fake, &na) == 0);
	printf("netdev: %s ip=%08x mask=%08x gw=%08x up=%d dhcp=%d\n", fake.name, ntohl(na.ip),
	       ntohl(na.netmask), ntohl(na.gateway), na.up, na.dhcp);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(7)}, from;
	peer.sin_addr.s_addr = htonl(PEER_IP);
	CHECK(sendto(u, "over the wire", 13, 0, (struct sockaddr *)&peer, sizeof(peer)) == 13);
	struct pollfd pf = {u, POLLIN, 0};
	char buf[32] = {0};
	socklen_t flen = sizeof(from);
	CHECK(poll(&pf, 1, 3000) == 1);
	CHECK(recvfrom(u, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen) == 13 &&
	      !memcmp(buf, "over the wire", 13) && from.sin_addr.s_addr == htonl(PEER_IP) &&
	      from.sin_port == htons(7));
	close(u);

	/*
	 * A segment the device refuses (its queue full) goes out at the
	 * sender's next poll(), not at lwIP's next timer for the connection
	 * (up to a second): at 256 connections whole bursts of responses
	 * waited half a second that way.
	 */
	int t = socket(AF_INET, SOCK_STREAM, 0);
	peer.sin_port = htons(80);
	CHECK(fcntl(t, F_SETFL, O_NONBLOCK) == 0);
	CHECK(connect(t, (struct sockaddr *)&peer, sizeof(peer)) < 0 && errno == EINPROGRESS && syn_ack_ready);
	netdev_rx(&fake, syn_ack, sizeof(syn_ack));
	netdev_rx_done(&fake);
	struct pollfd tp = {t, POLLOUT, 0};
	CHECK(poll(&tp, 1, 3000) == 1 && tp.revents == POLLOUT);
	tcp_refuse = 1;
	CHECK(send(t, "refused once", 12, 0) == 12);
	CHECK(tcp_refused == 1 && tcp_resent == 0);
	tp.events = POLLIN;
	CHECK(poll(&tp, 1, 100) == 0);
	CHECK(tcp_resent == 1);
	printf("netdev: a refused segment went out at the next poll(): %s\n", tcp_resent == 1 ? "yes" : "no");
	close(t);

	/*
	 * SYN_COUNT connection requests that the peer never completes: each
	 * answer (SYN-ACK) waits in its own TCP segment until acknowledged, as
	 * a response and a FIN do for a client slow to acknowledge them. A
	 * segment pool sized for the send buffers (256) instead of the sockets
	 * left the 257th SYN unanswered, and slirp resends a SYN only after
	 * 3 s (wrk timeouts at close c = 256 over user networking).
	 */
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(SYN_PORT)};
	CHECK(l >= 0 && bind(l, (struct sockaddr *)&any, sizeof(any)) == 0 && listen(l, SYN_COUNT) == 0);
	for (unsigned i = 0; i < SYN_COUNT; i++) {
		peer_syn(&fake, na.ip, (uint16_t)(20000 + i));
		netdev_rx_done(&fake);
	}
	for (int i = 0; i < 100 && syn_acks_sent < SYN_COUNT; i++)
		usleep(10000);
	printf("netdev: %u of %d SYNs answered\n", syn_acks_sent, SYN_COUNT);
	CHECK(syn_acks_sent == SYN_COUNT);
	close(l);
	printf("netdev: arp_replies=%u udp_echoes=%u tx=%lu rx=%lu dropped=%lu\n", arp_replies, udp_echoes,
	       fake.tx_frames, fake.rx_frames, fake.rx_dropped);
	return ktest_result("netdev");
}
#else
typedef int ktest_net_not_configured; /* ISO C wants something in a file */
#endif
