/*
 * ktest case "nic": a real network card (any driver) through QEMU's user
 * network, driven by tests/nic_test.py, which runs echo servers on the
 * host's 127.0.0.1 and forwards host ports to the guest's port 7:
 *
 *   ktest nic TCPPORT UDPPORT [link]
 *
 * For every network device: wait for its address (DHCP or ip=) and print
 * it; push 1 MiB through the host's TCP echo server at the device's
 * gateway (QEMU's 10.0.2.2 is the host) checking every byte; UDP round
 * trips of several sizes. Meanwhile a thread echoes TCP and UDP on port 7
 * for the host's inbound connections (one TCP connection per device) until
 * the host says "done".
 * With "link": wait for the host to take device 0's link down and up
 * again (QEMU monitor set_link) and check traffic flows afterwards. With
 * "spread": also one echo connection per online CPU at once, each from a
 * thread pinned to its CPU (a multiqueue card sends each on its own queue).
 * Every wait has a deadline. Built only with net/lwip selected.
 */
#define _GNU_SOURCE
#include <yolk-config/net-lwip.h>
#ifdef CONFIG_NET_LWIP
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <yolk/cpu.h>
#include <yolk/irq.h>
#include <yolk/netdev.h>
#include <yolk/pci.h>
#include "ktest.h"

#define NIC_MAX 4
#define GUEST_PORT 7
#define ECHO_BYTES (1024 * 1024)
#define ADDR_WAIT_MS 30000
#define SERVE_MS 120000
#define LINK_WAIT_MS 30000
#define IO_TIMEOUT_S 30
#define PCI_CLASS_NETWORK 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_INTX_DISABLE 0x400
#define MSIX_CTRL_ENABLE 0x8000
#define MSI_CTRL_ENABLE 0x1


static struct sockaddr_in sockaddr(uint32_t ip_net, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = ip_net;
	return a;
}

/* Send and receive give up after IO_TIMEOUT_S instead of hanging the test. */
static void set_timeouts(int fd)
{
	struct timeval tv = {IO_TIMEOUT_S, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Waits for dev's address; 0 with *na filled, -1 at the deadline. */
static int wait_addr(struct netdev *dev, struct netdev_addr *na)
{
	for (uint64_t end = ktest_ms() + ADDR_WAIT_MS; ktest_ms() < end; usleep(50000))
		if (netdev_addr(dev, na) == 0 && na->up && na->ip != 0)
			return 0;
	return -1;
}

/* How each PCI network card interrupts, from its configuration space (what its driver set up). */
static void show_irq(const struct pci_dev *d, void *arg)
{
	(void)arg;
	if (d->class_code != PCI_CLASS_NETWORK)
		return;
	uint8_t msix = pci_find_cap(d, PCI_CAP_MSIX, 0), msi = pci_find_cap(d, PCI_CAP_MSI, 0);
	const char *kind = msix && (pci_read16(d, msix + 2) & MSIX_CTRL_ENABLE)       ? "MSI-X"
	                   : msi && (pci_read16(d, msi + 2) & MSI_CTRL_ENABLE)        ? "MSI"
	                   : !(pci_read16(d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE) ? "INTx"
	                                                                              : "none";
	printf("nic: pci %02x:%02x.%x %04x:%04x irq=%s\n", d->bus, d->dev, d->fn, d->vendor, d->device, kind);
}

/* Which CPUs took each card's interrupts (its vectors' counts; yolk/irq.h), for nic_test.py --irq-cpu. */
static void show_irq_cpus(const struct pci_dev *d, void *arg)
{
	unsigned vec[8];
	(void)arg;
	if (d->class_code != PCI_CLASS_NETWORK)
		return;
	int nvec = pci_irq_vectors(d, vec, 8);
	printf("nic: pci %02x:%02x.%x interrupts taken:", d->bus, d->dev, d->fn);
	for (unsigned c = 0; c < cpu_count_found(); c++) {
		uint64_t n = 0;
		for (int i = 0; i < nvec; i++)
			n += irq_count(c, vec[i]);
		printf(" cpu%u %llu", c, (unsigned long long)n);
	}
	printf("\n");
}

/* --- the inbound side: a thread echoing on port 7 --- */

/*
 * Runs until the host sends the datagram "done" (after it has checked every
 * echo: closing earlier could lose echoed data still in flight when the
 * guest exits).
 */
struct server {
	int tcp, udp;
	volatile int done;
	unsigned conns, datagrams;
	size_t bytes;
};

static void serve_conn(struct server *s)
{
	int c = accept(s->tcp, NULL, NULL);
	CHECK(c >= 0);
	if (c < 0)
		return;
	set_timeouts(c);
	static char buf[8192];
	ssize_t n;
	while ((n = recv(c, buf, sizeof(buf), 0)) > 0) {
		CHECK(send(c, buf, (size_t)n, 0) == n);
		s->bytes += (size_t)n;
	}
	CHECK(n == 0);
	close(c);
	s->conns++;
}

static void serve_datagram(struct server *s)
{
	char buf[2048];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(s->udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n >= 0 && sendto(s->udp, buf, (size_t)n, 0, (struct sockaddr *)&from, flen) == n)
		s->datagrams++;
	if (n == 4 && memcmp(buf, "done", 4) == 0)
		s->done = 1;
}

static void *server_thread(void *arg)
{
	struct server *s = arg;
	for (uint64_t end = ktest_ms() + SERVE_MS; !s->done && ktest_ms() < end;) {
		struct pollfd pf[2] = {{s->tcp, POLLIN, 0}, {s->udp, POLLIN, 0}};
		if (poll(pf, 2, 200) <= 0)
			continue;
		if (pf[1].revents & POLLIN)
			serve_datagram(s);
		if (pf[0].revents & POLLIN)
			serve_conn(s);
	}
	return NULL;
}

static int server_open(struct server *s)
{
	struct sockaddr_in any = sockaddr(htonl(INADDR_ANY), GUEST_PORT);
	int one = 1;
	s->tcp = socket(AF_INET, SOCK_STREAM, 0);
	s->udp = socket(AF_INET, SOCK_DGRAM, 0);
	if (s->tcp < 0 || s->udp < 0 || setsockopt(s->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s->tcp, (struct sockaddr *)&any, sizeof(any)) || listen(s->tcp, NIC_MAX) ||
	    bind(s->udp, (struct sockaddr *)&any, sizeof(any)))
		return -1;
	return 0;
}

/* --- the outbound side: the host's echo servers --- */


/* 1 MiB to the host's TCP echo server and back, every byte checked, timed. */
static void tcp_echo(struct netdev *dev, uint32_t host, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = sockaddr(host, port);
	set_timeouts(fd);
	uint64_t t0 = ktest_ms();
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		printf("FAIL: %s: connect to %s:%d: %s\n", dev->name, inet_ntoa(a.sin_addr), port,
		       strerror(errno));
		ktest_failures++;
		close(fd);
		return;
	}
	size_t bad;
	size_t total = ktest_echo_stream(fd, ECHO_BYTES, &bad);
	uint64_t ms = ktest_ms() - t0;
	close(fd);
	printf("nic: %s tcp echo %zu bytes, %zu wrong, %llu ms, %llu KiB/s\n", dev->name, total, bad,
	       (unsigned long long)ms, (unsigned long long)(total / 1024 * 1000 / (ms ? ms : 1)));
	CHECK(total == ECHO_BYTES && bad == 0);
}

/* One datagram of len bytes to the host's UDP echo server and back; a few tries (UDP may drop). */
static int udp_round_trip(int fd, const struct sockaddr_in *to, size_t len, int tries)
{
	static unsigned char out[1472], in[2048];
	for (size_t i = 0; i < len; i++)
		out[i] = ktest_pattern(i + len);
	for (int t = 0; t < tries; t++) {
		if (sendto(fd, out, len, 0, (const struct sockaddr *)to, sizeof(*to)) != (ssize_t)len)
			continue;
		struct pollfd pf = {fd, POLLIN, 0};
		while (poll(&pf, 1, 1000) == 1) {
			struct sockaddr_in from;
			socklen_t flen = sizeof(from);
			ssize_t n = recvfrom(fd, in, sizeof(in), 0, (struct sockaddr *)&from, &flen);
			if (n == (ssize_t)len && from.sin_port == to->sin_port && !memcmp(in, out, len))
				return 0;
		}
	}
	return -1;
}

static void udp_echo(struct netdev *dev, uint32_t host, int port)
{
	static const size_t sizes[] = {1, 64, 512, 1000, 1472};
	struct sockaddr_in to = sockaddr(host, port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ok = 0;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ok += udp_round_trip(fd, &to, sizes[i], 5) == 0;
	close(fd);
	printf("nic: %s udp %d of %zu round trips\n", dev->name, ok, sizeof(sizes) / sizeof(sizes[0]));
	CHECK(ok == (int)(sizeof(sizes) / sizeof(sizes[0])));
}

/* --- TCP echo from every CPU at once (a multiqueue card: each CPU sends on its own queue) --- */

#define SPREAD_CHUNK 4096
#define SPREAD_ROUNDS 64

struct spread {
	uint32_t host;
	int port, cpu;
	size_t bytes, wrong;
	int err;
};

/* Chunks to the echo server and back in lock step, from a thread pinned to its CPU. */
static void *spread_thread(void *arg)
{
	struct spread *sp = arg;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(sp->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = sockaddr(sp->host, sp->port);
	set_timeouts(fd);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		sp->err = errno;
		close(fd);
		return NULL;
	}
	unsigned char out[SPREAD_CHUNK], in[SPREAD_CHUNK];
	for (int r = 0; r < SPREAD_ROUNDS && !sp->err; r++) {
		for (size_t i = 0; i < sizeof(out); i++)
			out[i] = ktest_pattern(sp->bytes + i + (size_t)sp->cpu);
		if (send(fd, out, sizeof(out), 0) != (ssize_t)sizeof(out)) {
			sp->err = errno;
			break;
		}
		for (size_t got = 0; got < sizeof(in);) {
			ssize_t n = recv(fd, in + got, sizeof(in) - got, 0);
			if (n <= 0) {
				sp->err = n < 0 ? errno : EPIPE;
				break;
			}
			got += (size_t)n;
		}
		for (size_t i = 0; i < sizeof(in) && !sp->err; i++)
			sp->wrong += in[i] != out[i];
		sp->bytes += sizeof(out);
	}
	close(fd);
	return NULL;
}

/* One connection per online CPU, all at once, through dev to the host's echo server. */
static void spread_echo(struct netdev *dev, uint32_t host, int port)
{
	struct spread sp[8];
	pthread_t t[8];
	unsigned n = 0;
	for (unsigned c = 0; c < cpu_count_found() && n < 8; c++)
		if (cpu_is_online(c)) {
			sp[n] = (struct spread){host, port, (int)c, 0, 0, 0};
			pthread_create(&t[n], NULL, spread_thread, &sp[n]);
			n++;
		}
	size_t bytes = 0, wrong = 0;
	int errs = 0;
	for (unsigned i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		bytes += sp[i].bytes;
		wrong += sp[i].wrong;
		if (sp[i].err) {
			printf("FAIL: %s: echo from cpu %d: %s\n", dev->name, sp[i].cpu, strerror(sp[i].err));
			errs++;
		}
	}
	printf("nic: %s tcp echo from %u cpus at once: %zu bytes, %zu wrong\n", dev->name, n, bytes, wrong);
	CHECK(errs == 0 && wrong == 0 && bytes == (size_t)n * SPREAD_CHUNK * SPREAD_ROUNDS);
}

/* --- link down and up, from the QEMU monitor --- */

static int wait_link(struct netdev *dev, int up)
{
	printf("nic: waiting for link %s\n", up ? "up" : "down");
	fflush(stdout);
	for (uint64_t end = ktest_ms() + LINK_WAIT_MS; ktest_ms() < end; usleep(20000)) {
		struct netdev_addr na;
		if (dev->link_up == up && netdev_addr(dev, &na) == 0 && na.up == up) {
			printf("nic: %s link %s\n", dev->name, up ? "up" : "down");
			fflush(stdout);
			return 0;
		}
	}
	return -1;
}

static void link_cycle(struct netdev *dev, uint32_t host, int udp_port)
{
	CHECK(wait_link(dev, 0) == 0);
	CHECK(wait_link(dev, 1) == 0);
	struct sockaddr_in to = sockaddr(host, udp_port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(udp_round_trip(fd, &to, 100, 20) == 0);
	close(fd);
	printf("nic: %s traffic after link up done\n", dev->name);
}

int ktest_nic(int argc, char **argv)
{
	if (argc < 4) {
		printf("usage: ktest nic TCPPORT UDPPORT [link] [spread]\n");
		return 2;
	}
	int tcp_port = atoi(argv[2]), udp_port = atoi(argv[3]), link = 0, spread = 0;
	for (int i = 4; i < argc; i++) {
		link |= strcmp(argv[i], "link") == 0;
		spread |= strcmp(argv[i], "spread") == 0;
	}
	struct netdev *devs[NIC_MAX];
	struct netdev_addr na[NIC_MAX];
	unsigned n = 0;
	while (n < NIC_MAX && (devs[n] = netdev_at(n)) != NULL)
		n++;
	printf("nic: %u devices\n", n);
	pci_foreach(show_irq, NULL);
	CHECK(n > 0);
	for (unsigned i = 0; i < n; i++) {
		if (wait_addr(devs[i], &na[i])) {
			printf("FAIL: %s: no address after %d ms\n", devs[i]->name, ADDR_WAIT_MS);
			return 1;
		}
		struct in_addr ip = {na[i].ip}, gw = {na[i].gateway};
		char ips[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &ip, ips, sizeof(ips));
		printf("nic: %s ip %s/%d gw %s dhcp=%d\n", devs[i]->name, ips,
		       __builtin_popcount(na[i].netmask), inet_ntoa(gw), na[i].dhcp);
	}
	struct server s = {0};
	CHECK(server_open(&s) == 0);
	pthread_t srv;
	pthread_create(&srv, NULL, server_thread, &s);
	printf("nic: listening on %d\n", GUEST_PORT);
	fflush(stdout);
	for (unsigned i = 0; i < n; i++) {
		tcp_echo(devs[i], na[i].gateway, tcp_port);
		udp_echo(devs[i], na[i].gateway, udp_port);
		if (spread)
			spread_echo(devs[i], na[i].gateway, tcp_port);
	}
	pthread_join(srv, NULL);
	printf("nic: inbound %u tcp connections (%zu bytes), %u udp datagrams\n", s.conns, s.bytes,
	       s.datagrams);
	CHECK(s.conns == n && s.datagrams >= n);
	close(s.tcp);
	close(s.udp);
	if (link)
		link_cycle(devs[0], na[0].gateway, udp_port);
	for (unsigned i = 0; i < n; i++)
		printf("nic: %s rx %lu frames (%lu dropped), tx %lu frames (%lu errors)\n", devs[i]->name,
		       devs[i]->rx_frames, devs[i]->rx_dropped, devs[i]->tx_frames, devs[i]->tx_errors);
	pci_foreach(show_irq_cpus, NULL);
	return ktest_result("nic");
}
#else
typedef int ktest_nic_not_configured; /* ISO C wants something in a file */
#endif
