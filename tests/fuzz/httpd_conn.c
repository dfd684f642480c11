/*
 * libFuzzer harness: apps/httpd's connection state machine (httpd.c:
 * reading heads, pipelining, skipping bodies, writing responses and files
 * in pieces, draining, timeouts) with the request answered by the real
 * serve.c from a small document root made in a temporary directory.
 *
 * httpd.c is included as it is; only its socket calls (accept4, recv,
 * send, shutdown, setsockopt, close of the socket) are replaced by a fake
 * peer that the input scripts. poll() and the listening socket (main) are
 * not run: the harness calls the event handlers main() would call, in the
 * order the input says. Files are real (open/pread/close on the host).
 *
 * Input: a list of events, each one control byte then its data:
 *   op 0: the peer sends the next 1..64 bytes (control >> 2 + 1)
 *   op 1: the peer reads: send takes up to (control >> 2) * 97 bytes
 *   op 2: the clock jumps past the connection's deadline
 *   op 3: the peer hangs up (recv returns 0), or a reset (-1) if control & 4
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PEER_FD 1000000 /* never a real descriptor */

static struct {
	const uint8_t *data;
	size_t len;
	size_t chunk;     /* bytes recv may return now */
	int hangup;       /* recv: 0 = EAGAIN when chunk is 0, 1 = EOF, 2 = reset */
	size_t send_room; /* bytes send may take before EAGAIN */
	size_t sent;      /* bytes of responses the peer got */
	char first[9];    /* their first bytes */
	int accepted, shut, closed;
} peer;

static int fz_accept4(int fd, struct sockaddr *a, socklen_t *l, int flags)
{
	(void)fd, (void)a, (void)l, (void)flags;
	if (peer.accepted) {
		errno = EAGAIN;
		return -1;
	}
	peer.accepted = 1;
	return PEER_FD;
}

static ssize_t fz_recv(int fd, void *buf, size_t n, int flags)
{
	(void)flags;
	if (fd != PEER_FD || peer.closed)
		abort();
	if (peer.hangup) {
		errno = ECONNRESET;
		return peer.hangup == 1 ? 0 : -1;
	}
	size_t k = n < peer.chunk ? n : peer.chunk;
	if (k == 0) {
		errno = EAGAIN;
		return -1;
	}
	memcpy(buf, peer.data, k);
	peer.data += k;
	peer.chunk -= k;
	return (ssize_t)k;
}

static ssize_t fz_send(int fd, const void *buf, size_t n, int flags)
{
	(void)flags;
	if (fd != PEER_FD || peer.closed || peer.shut)
		abort();
	size_t k = n < peer.send_room ? n : peer.send_room;
	if (k == 0) {
		errno = EAGAIN;
		return -1;
	}
	for (size_t i = 0; i < k && peer.sent + i < 8; i++)
		peer.first[peer.sent + i] = ((const char *)buf)[i];
	peer.send_room -= k;
	peer.sent += k;
	return (ssize_t)k;
}

static int fz_shutdown(int fd, int how)
{
	if (fd != PEER_FD || how != SHUT_WR || peer.closed)
		abort();
	peer.shut = 1;
	return 0;
}

static int fz_close(int fd)
{
	if (fd != PEER_FD)
		return close(fd);
	if (peer.closed)
		abort(); /* closed twice */
	peer.closed = 1;
	return 0;
}

static int fz_setsockopt(int fd, int level, int name, const void *v, socklen_t l)
{
	(void)fd, (void)level, (void)name, (void)v, (void)l;
	return 0;
}

#define accept4 fz_accept4
#define recv fz_recv
#define send fz_send
#define shutdown fz_shutdown
#define close fz_close
#define setsockopt fz_setsockopt
#define main httpd_main
#include "../../apps/httpd/httpd.c"
#undef close

static char docroot[] = "/tmp/yolk-fuzz-httpd-XXXXXX";

static void put(const char *rel, size_t size)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", docroot, rel);
	FILE *f = fopen(path, "w");
	for (size_t i = 0; f && i < size; i++)
		fputc('a' + (int)(i % 26), f);
	if (f)
		fclose(f);
}

static void remove_docroot(void)
{
	const char *files[] = {"d/index.html", "big.bin", "a.txt", "empty.html", "noindex/x", ""};
	char path[256];
	for (int i = 0; files[i][0]; i++) {
		snprintf(path, sizeof(path), "%s/%s", docroot, files[i]);
		unlink(path);
	}
	const char *dirs[] = {"d", "noindex", ""};
	for (int i = 0; dirs[i][0]; i++) {
		snprintf(path, sizeof(path), "%s/%s", docroot, dirs[i]);
		rmdir(path);
	}
	rmdir(docroot);
}

/* A document root with a small file, a file larger than the output buffer, and directories. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (mkdtemp(docroot) == NULL)
		abort();
	char path[256];
	snprintf(path, sizeof(path), "%s/d", docroot);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/noindex", docroot);
	mkdir(path, 0755);
	put("d/index.html", 100);
	put("big.bin", 40000);
	put("a.txt", 5);
	put("empty.html", 0);
	put("noindex/x", 1);
	atexit(remove_docroot);
	root = docroot;
	return 0;
}

/* What must hold between events, whatever the peer did. */
static void check(const struct conn *c)
{
	if (c->in_len > sizeof(c->in) || c->out_off > c->out_len || c->out_len > sizeof(c->out) ||
	    c->discard < 0 || c->file_left < 0 || (c->state == C_DEAD) != peer.closed)
		abort();
	if (c->state == C_READ && (c->file >= 0 || c->out_off != c->out_len))
		abort(); /* reading with a response half sent */
	if (peer.sent >= 8 && memcmp(peer.first, "HTTP/1.1", 8) != 0)
		abort();
}

static void event(struct conn *c, uint8_t op, const uint8_t **p, const uint8_t *end, uint64_t *now)
{
	switch (op & 3) {
	case 0:
		peer.chunk = (size_t)(op >> 2) + 1;
		if (peer.chunk > (size_t)(end - *p))
			peer.chunk = (size_t)(end - *p);
		peer.data = *p;
		*p += peer.chunk;
		conn_readable(c, *now);
		peer.chunk = 0;
		break;
	case 1:
		peer.send_room = (size_t)(op >> 2) * 97;
		if (c->state == C_WRITE)
			conn_run(c, *now); /* main() polls for POLLOUT only while writing */
		break;
	case 2:
		*now = c->deadline;
		conn_timeout(c, *now);
		break;
	default:
		peer.hangup = op & 4 ? 2 : 1;
		conn_readable(c, *now);
		peer.hangup = 0;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	uint64_t now = 1000;
	memset(&peer, 0, sizeof(peer));
	struct loop *l = &loops[0];
	l->nconns = 0;
	accept_all(l, now);
	if (l->nconns != 1)
		abort();
	struct conn *c = l->conns[0];
	while (p < end && c->state != C_DEAD) {
		uint8_t op = *p++;
		event(c, op, &p, end, &now);
		check(c);
	}
	if (c->state != C_DEAD)
		conn_close(c);
	if (c->file >= 0)
		abort();
	free(c);
	l->nconns = 0;
	return 0;
}
