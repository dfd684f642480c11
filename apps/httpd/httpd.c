/*
 * httpd: an HTTP/1.1 server, one poll() loop per CPU, written against
 * POSIX sockets and threads only (it builds for Linux too, unchanged).
 *
 *   httpd [-p PORT] [-r ROOT] [-t LOOPS] [-v]
 *
 * The loops share one nonblocking listening socket: each polls it and
 * accepts what it can, then serves its connections itself to the end.
 * That is the portable way; SO_REUSEPORT would not spread the load on
 * lwIP (with SO_REUSE a second bind succeeds, but the first matching
 * listener gets every connection). Each loop is a thread pinned to one
 * CPU; LOOPS defaults to CONFIG_APP_HTTPD_LOOPS, 0 meaning one per online
 * CPU. GET /status answers each loop's CPU, connections and requests.
 *
 * Every connection is nonblocking and moves between three states: reading
 * a request head, writing a response (head, then a file in buffer-sized
 * pieces), and draining after the last response of a closing connection.
 * Keep-alive and pipelining are the normal case; a connection that is idle
 * (or slow to send its request) for CONFIG_APP_HTTPD_IDLE_TIMEOUT seconds
 * is closed, a partial request then gets a 408.
 *
 * Closing is graceful ("lingering close", as nginx does): after the last
 * response (Connection: close, an error, HTTP/1.0) and on the idle timeout,
 * shutdown(SHUT_WR) sends our FIN behind the response, then whatever the
 * client still sends is read and thrown away until its FIN, or DRAIN_MS,
 * and only then is the socket closed. Closing at once would reset the
 * client: a TCP stack answers data that arrives for a closed socket, or
 * closes one with unread data, with RST (lwIP's tcp_close does), and a RST
 * makes the client's kernel drop the response it has not read yet.
 */
#define _GNU_SOURCE /* accept4 on Linux */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <yolk-config/app-httpd.h>

#include "httpd.h"

#define HEAD_MAX CONFIG_APP_HTTPD_HEAD_MAX
#define OUT_CAP (16 * 1024)
#define MAX_CONNS CONFIG_APP_HTTPD_MAX_CONNS
#define IDLE_MS (CONFIG_APP_HTTPD_IDLE_TIMEOUT * 1000ull)
#define DRAIN_MS 2000ull
#define LOOPS_MAX 64

enum conn_state { C_READ, C_WRITE, C_DRAIN, C_DEAD };

struct conn {
	int fd;
	enum conn_state state;
	uint64_t deadline;   /* ms on the monotonic clock */
	char in[HEAD_MAX];   /* received, not yet handled */
	size_t in_len;
	long long discard;   /* request body bytes still to skip */
	char out[OUT_CAP];   /* response bytes out[out_off..out_len) still to send */
	size_t out_len, out_off;
	int file;            /* then this file, file_left bytes from file_off */
	off_t file_off;
	long long file_left;
	int close_after;
	struct loop *loop;   /* the loop serving it */
};

/* One poll loop: its own connections, on its own CPU. */
struct loop {
	int id;
	int cpu;             /* pinned to it, or -1 */
	pthread_t thread;
	struct conn *conns[MAX_CONNS];
	int nconns;          /* written by this loop only; read by the others (may_accept) */
	int listening;       /* this round polls the listener; read by the others (wake_idle_loops) */
	int wake[2];         /* a pipe another loop writes to when this one may have become least busy */
	struct pollfd fds[MAX_CONNS + 2];
	unsigned long accepted, requests; /* read by any loop's /status: __atomic */
};

static struct loop loops[LOOPS_MAX];
static int nloops;
static int listener;
static const char *root = CONFIG_APP_HTTPD_ROOT;
static int verbose;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Closes at once: the client is gone, or it stopped reading (a graceful close needs the peer). */
static void conn_close(struct conn *c)
{
	if (c->file >= 0)
		close(c->file);
	close(c->fd);
	c->file = -1;
	c->state = C_DEAD;
}

/* Starts sending reply r (already in c->out). */
static void conn_reply(struct conn *c, const struct reply *r)
{
	c->out_len = r->len;
	c->out_off = 0;
	c->file = r->file;
	c->file_off = 0;
	c->file_left = r->file_len;
	c->close_after = r->close;
	c->state = C_WRITE;
}

/*
 * GET /status: every loop's CPU and counts, one line each, the free memory
 * and the connections open now (this one included: a soak waits for the
 * ones it closed to be gone before it reads the memory). Free memory is two
 * lines because malloc gives pages back only from the top of its heap:
 * which block happens to lie there moves sysconf's free pages by a few
 * pages either way, while pages plus malloc's free bytes do not move unless
 * something leaked.
 */
static void status_page(const struct http_request *req, char *out, size_t cap, struct reply *r)
{
	char body[80 * LOOPS_MAX + 128];
	int open = 0;
	for (int i = 0; i < nloops; i++)
		open += __atomic_load_n(&loops[i].nconns, __ATOMIC_RELAXED);
	struct mallinfo heap = mallinfo();
	size_t n = (size_t)snprintf(body, sizeof(body),
				    "httpd: %d loops\nmemory: %ld pages free of %ld\n"
				    "heap: %zu bytes in use, %zu free\nopen: %d connections\n",
				    nloops, sysconf(_SC_AVPHYS_PAGES), sysconf(_SC_PHYS_PAGES), (size_t)heap.uordblks,
				    (size_t)heap.fordblks, open);
	for (int i = 0; i < nloops && n < sizeof(body); i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "loop %d cpu %d connections %lu requests %lu\n", i,
				      loops[i].cpu, __atomic_load_n(&loops[i].accepted, __ATOMIC_RELAXED),
				      __atomic_load_n(&loops[i].requests, __ATOMIC_RELAXED));
	serve_text(req, body, out, cap, r);
}

/*
 * Handles the next complete request in c->in, if there is one: 1 if a
 * response is now being written, 0 if more bytes are needed.
 */
static int conn_next_request(struct conn *c)
{
	struct http_request req;
	struct reply r;

	if (c->discard > 0) {
		size_t n = (long long)c->in_len < c->discard ? c->in_len : (size_t)c->discard;
		memmove(c->in, c->in + n, c->in_len - n);
		c->in_len -= n;
		c->discard -= (long long)n;
		if (c->discard > 0)
			return 0;
	}
	if (c->in_len == 0)
		return 0;
	int status = http_parse_request(c->in, c->in_len, sizeof(c->in), &req);
	if (status == HTTP_PARSE_MORE)
		return 0;
	__atomic_add_fetch(&c->loop->requests, 1, __ATOMIC_RELAXED);
	if (status == HTTP_PARSE_DONE && req.target_len == 7 && memcmp(req.target, "/status", 7) == 0) {
		status_page(&req, c->out, sizeof(c->out), &r);
		c->discard = req.content_length > 0 ? req.content_length : 0;
		memmove(c->in, c->in + req.head_len, c->in_len - req.head_len);
		c->in_len -= req.head_len;
	} else if (status != HTTP_PARSE_DONE) {
		serve_error(status, 0, c->out, sizeof(c->out), &r);
		c->in_len = 0;
	} else {
		serve_request(&req, root, c->out, sizeof(c->out), &r);
		c->discard = req.content_length > 0 ? req.content_length : 0;
		memmove(c->in, c->in + req.head_len, c->in_len - req.head_len);
		c->in_len -= req.head_len;
	}
	if (verbose) {
		int tlen = status == HTTP_PARSE_DONE ? (int)req.target_len : 1;
		printf("httpd: %.*s %d\n", tlen, status == HTTP_PARSE_DONE ? req.target : "-", r.status);
	}
	conn_reply(c, &r);
	return 1;
}

/*
 * Sends what it can of the response: 1 when it is all sent, 0 when the
 * socket is full (wait for POLLOUT), -1 when the connection is gone.
 */
static int conn_flush(struct conn *c)
{
	for (;;) {
		if (c->out_off < c->out_len) {
			ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, 0);
			if (n < 0)
				return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
			c->out_off += (size_t)n;
			continue;
		}
		if (c->file_left == 0)
			break;
		size_t want = c->file_left < OUT_CAP ? (size_t)c->file_left : OUT_CAP;
		ssize_t n = pread(c->file, c->out, want, c->file_off);
		if (n <= 0)
			return -1; /* the file shrank or failed: the Content-Length can no longer be kept */
		c->out_off = 0;
		c->out_len = (size_t)n;
		c->file_off += n;
		c->file_left -= n;
	}
	if (c->file >= 0) {
		close(c->file);
		c->file = -1;
	}
	return 1;
}

/* The graceful close: our FIN now, the socket closed once the client's FIN came (conn_readable) or DRAIN_MS passed. */
static void conn_linger(struct conn *c, uint64_t now)
{
	if (shutdown(c->fd, SHUT_WR) != 0) {
		conn_close(c);
		return;
	}
	c->in_len = 0;
	c->discard = 0;
	c->state = C_DRAIN;
	c->deadline = now + DRAIN_MS;
}

/* Advances c as far as it goes without waiting. */
static void conn_run(struct conn *c, uint64_t now)
{
	for (;;) {
		if (c->state == C_WRITE) {
			/* A writer gets IDLE_MS after every step it makes. */
			c->deadline = now + IDLE_MS;
			int r = conn_flush(c);
			if (r < 0) {
				conn_close(c);
				return;
			}
			if (r == 0)
				return;
			if (c->close_after) {
				conn_linger(c, now);
				return;
			}
			c->state = C_READ; /* the idle timeout runs from the end of the response, set above */
		}
		if (c->state != C_READ || !conn_next_request(c))
			return;
	}
}

static void conn_readable(struct conn *c, uint64_t now)
{
	/* Draining reads into the head buffer, which has no use any more, and throws it away. */
	char *buf = c->state == C_DRAIN ? c->in : c->in + c->in_len;
	size_t room = c->state == C_DRAIN ? sizeof(c->in) : sizeof(c->in) - c->in_len;

	if (room == 0)
		return; /* a full head: the parser has answered 431 already */
	ssize_t n = recv(c->fd, buf, room, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	if (c->state == C_DRAIN)
		return;
	c->in_len += (size_t)n;
	conn_run(c, now);
}

static void conn_timeout(struct conn *c, uint64_t now)
{
	struct reply r;
	/*
	 * A partial request hears why; an idle connection is closed gracefully
	 * (a request may be on its way); a client that stopped reading, or one
	 * whose drain ran out of time, is closed at once.
	 */
	if (c->state == C_READ && c->in_len == 0 && c->discard == 0) {
		conn_linger(c, now);
		return;
	}
	if (c->state == C_READ) {
		serve_error(408, 0, c->out, sizeof(c->out), &r);
		c->in_len = 0;
		c->discard = 0;
		conn_reply(c, &r);
		conn_run(c, now);
		if (c->state == C_WRITE)
			conn_close(c); /* the client does not even read */
		return;
	}
	conn_close(c);
}

/*
 * A fair share: a loop takes a new connection only while it serves no more
 * than the least busy loop. Without it, the loop on the CPU that heard of
 * the listener first (the one taking the NIC's interrupts) accepted every
 * connection and the other loops idled. Some loop always has the fewest, and
 * it polls the listener, so a waiting connection is never left unserved.
 */
static int may_accept(const struct loop *l)
{
	int mine = l->nconns;
	if (mine >= MAX_CONNS)
		return 0;
	for (int i = 0; i < nloops; i++)
		if (__atomic_load_n(&loops[i].nconns, __ATOMIC_SEQ_CST) < mine)
			return 0;
	return 1;
}

/*
 * A loop decides whether to poll the listener before it sleeps, from the
 * counts it sees then. When another loop then accepts, the sleeper may have
 * become the least busy while no loop polls the listener any more: a new
 * connection would wait for the sleeper's next timeout (10 s of stalled
 * requests, seen at -smp 2). So a loop that accepted wakes every loop not
 * polling the listener, through its pipe, to decide again. The flag and
 * the counts are sequentially consistent (each side stores, then loads the
 * other's): either the sleeper saw the new count or the accepter sees the
 * sleeper's flag down.
 */
static void wake_idle_loops(const struct loop *me)
{
	for (int i = 0; i < nloops; i++) {
		struct loop *o = &loops[i];
		if (o != me && !__atomic_load_n(&o->listening, __ATOMIC_SEQ_CST) && o->wake[1] >= 0) {
			ssize_t n = write(o->wake[1], "w", 1); /* full pipe (EAGAIN): a wake is pending anyway */
			(void)n;
		}
	}
}

static int make_wake_pipe(struct loop *l)
{
	l->wake[0] = l->wake[1] = -1;
	if (nloops == 1)
		return 0;
	if (pipe(l->wake) != 0 || fcntl(l->wake[0], F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(l->wake[1], F_SETFL, O_NONBLOCK) != 0) {
		perror("httpd: pipe");
		return -1;
	}
	return 0;
}

static void accept_all(struct loop *l, uint64_t now)
{
	unsigned long before = l->accepted;
	while (may_accept(l)) {
		int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
				perror("httpd: accept");
			return;
		}
		struct conn *c = malloc(sizeof(*c));
		if (c == NULL) {
			close(fd);
			return;
		}
		int one = 1;
		/* Responses go out whole: never hold a last small segment back for an ACK. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->state = C_READ;
		c->deadline = now + IDLE_MS;
		c->in_len = 0;
		c->discard = 0;
		c->file = -1;
		c->out_len = c->out_off = 0;
		c->loop = l;
		l->conns[l->nconns] = c;
		__atomic_store_n(&l->nconns, l->nconns + 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&l->accepted, 1, __ATOMIC_RELAXED);
	}
	if (l->accepted != before)
		wake_idle_loops(l);
}

static int listen_on(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		perror("httpd: socket");
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	/* Room for a whole new wave of clients while the last one's connections
	 * close (net-lwip caps it at CONFIG_NET_LWIP_ACCEPT_BACKLOG): with only
	 * MAX_CONNS, 256 clients reconnecting at once overflowed it. */
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 2 * MAX_CONNS) != 0) {
		perror("httpd: bind/listen");
		close(fd);
		return -1;
	}
	return fd;
}

static int usage(void)
{
	fprintf(stderr, "usage: httpd [-p PORT] [-r ROOT] [-t LOOPS] [-v]\n");
	return 2;
}

/* One loop's life: poll the listener and its connections, forever. */
static void *loop_run(void *arg)
{
	struct loop *l = arg;
	if (l->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(l->cpu, &set);
		int e = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (e != 0)
			fprintf(stderr, "httpd: loop %d: cannot pin to cpu %d: %s\n", l->id, l->cpu, strerror(e));
	}
	for (;;) {
		uint64_t now = now_ms(), next = UINT64_MAX;
		int nfds = 0, wake_at = -1, listen_at = -1;
		if (l->wake[0] >= 0) {
			wake_at = nfds;
			l->fds[nfds++] = (struct pollfd){.fd = l->wake[0], .events = POLLIN};
		}
		__atomic_store_n(&l->listening, 0, __ATOMIC_SEQ_CST); /* before reading the counts */
		if (may_accept(l)) {
			__atomic_store_n(&l->listening, 1, __ATOMIC_SEQ_CST);
			listen_at = nfds;
			l->fds[nfds++] = (struct pollfd){.fd = listener, .events = POLLIN};
		}
		int first_conn = nfds;
		for (int i = 0; i < l->nconns; i++) {
			struct conn *c = l->conns[i];
			l->fds[nfds++] = (struct pollfd){.fd = c->fd, .events = c->state == C_WRITE ? POLLOUT : POLLIN};
			if (c->deadline < next)
				next = c->deadline;
		}
		int timeout = next == UINT64_MAX ? -1 : next <= now ? 0 : (int)(next - now);
		if (poll(l->fds, (nfds_t)nfds, timeout) < 0 && errno != EINTR) {
			perror("httpd: poll");
			exit(1);
		}
		now = now_ms();
		int polled = l->nconns; /* connections accepted below were not polled */
		if (wake_at >= 0 && l->fds[wake_at].revents != 0) {
			char drain[16];
			while (read(l->wake[0], drain, sizeof(drain)) > 0)
				;
		}
		if (listen_at >= 0 && l->fds[listen_at].revents != 0)
			accept_all(l, now);
		for (int i = 0; i < polled; i++) {
			struct conn *c = l->conns[i];
			short ev = l->fds[first_conn + i].revents;
			if (ev & (POLLIN | POLLHUP | POLLERR)) {
				if (c->state == C_WRITE)
					conn_run(c, now);
				else
					conn_readable(c, now);
			} else if (ev & POLLOUT) {
				conn_run(c, now);
			}
			if (c->state != C_DEAD && now >= c->deadline)
				conn_timeout(c, now);
		}
		/* Drop closed connections, keeping the others in order. */
		int kept = 0;
		for (int i = 0; i < l->nconns; i++) {
			if (l->conns[i]->state == C_DEAD)
				free(l->conns[i]);
			else
				l->conns[kept++] = l->conns[i];
		}
		__atomic_store_n(&l->nconns, kept, __ATOMIC_RELAXED);
	}
}

int main(int argc, char **argv)
{
	int port = CONFIG_APP_HTTPD_PORT;
	long want = CONFIG_APP_HTTPD_LOOPS;
	for (int i = 1; i < argc; i++) {
		char *end;
		if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			long p = strtol(argv[++i], &end, 10);
			if (*end != '\0' || p < 1 || p > 65535) {
				fprintf(stderr, "httpd: bad port '%s' (1..65535)\n", argv[i]);
				return 2;
			}
			port = (int)p;
		} else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			root = argv[++i];
		} else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			want = strtol(argv[++i], &end, 10);
			if (*end != '\0' || want < 0 || want > LOOPS_MAX) {
				fprintf(stderr, "httpd: bad loop count '%s' (0..%d, 0: one per CPU)\n", argv[i], LOOPS_MAX);
				return 2;
			}
		} else if (strcmp(argv[i], "-v") == 0) {
			verbose = 1;
		} else {
			return usage();
		}
	}
	if (strcmp(root, "/") == 0)
		root = ""; /* paths start with '/' already */

	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus < 1)
		ncpus = 1;
	nloops = want == 0 ? (int)(ncpus < LOOPS_MAX ? ncpus : LOOPS_MAX) : (int)want;

	listener = listen_on(port);
	if (listener < 0)
		return 1;
	printf("httpd: listening on port %d, files from %s, %d loop%s on %ld CPU%s\n", port, root[0] ? root : "/",
	       nloops, nloops == 1 ? "" : "s", ncpus, ncpus == 1 ? "" : "s");
	fflush(stdout);

	/* Loop i on CPU i (wrapping when there are more loops than CPUs); loop 0 is this thread. */
	for (int i = 0; i < nloops; i++) {
		loops[i].id = i;
		loops[i].cpu = ncpus > 1 ? (int)(i % ncpus) : -1;
		if (make_wake_pipe(&loops[i]) != 0)
			return 1;
	}
	for (int i = 1; i < nloops; i++) {
		int e = pthread_create(&loops[i].thread, NULL, loop_run, &loops[i]);
		if (e != 0) {
			fprintf(stderr, "httpd: loop %d: %s\n", i, strerror(e));
			return 1;
		}
	}
	loop_run(&loops[0]);
	return 0;
}

