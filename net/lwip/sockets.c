/*
 * BSD sockets on lwIP's netconn API, as files in yolk's one fd table.
 * Blocking, O_NONBLOCK and poll() are decided here: a socket's poll op
 * looks at its netconn's queues directly (under the core lock), and every
 * netconn event calls file_notify_key() with the netconn (the socket's
 * poll key), which wakes the poll()/select() sleepers watching it to look
 * again. Addresses and constants are Linux's (include/posix).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"
#include "sock.h"

extern int sys_mbox_pending(sys_mbox_t *mbox);


int sock_errno(err_t err)
{
	switch (err) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
		return ENOMEM;
	case ERR_BUF:
		return ENOBUFS;
	case ERR_TIMEOUT:
		return EAGAIN;
	case ERR_RTE:
		return EHOSTUNREACH;
	case ERR_INPROGRESS:
		return EINPROGRESS;
	case ERR_VAL:
		return EINVAL;
	case ERR_WOULDBLOCK:
		return EWOULDBLOCK;
	case ERR_USE:
		return EADDRINUSE;
	case ERR_ALREADY:
		return EALREADY;
	case ERR_ISCONN:
		return EISCONN;
	case ERR_CONN:
		return ENOTCONN;
	case ERR_IF:
		return EIO;
	case ERR_ABRT:
		return ECONNABORTED;
	case ERR_RST:
		return ECONNRESET;
	case ERR_CLSD:
		return ENOTCONN;
	case ERR_ARG:
		return EINVAL;
	default:
		return EIO;
	}
}

/*
 * -errno for a blocking call's lwIP error: a wait that ended without data is
 * -EAGAIN, or -EINTR if the thread is being killed (Ctrl-C).
 */
static int sock_wait_errno(err_t e)
{
	if (e == ERR_WOULDBLOCK || e == ERR_TIMEOUT)
		return thread_kill_pending() ? -EINTR : -EAGAIN;
	return -sock_errno(e);
}

int sock_from_sockaddr(const struct sockaddr *sa, socklen_t len, ip_addr_t *ip, u16_t *port)
{
	if (sa == NULL)
		return -EFAULT;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		ip_addr_set_ip4_u32(ip, in->sin_addr.s_addr);
		*port = ntohs(in->sin_port);
		return 0;
	}
#if LWIP_IPV6
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		IP_ADDR6(ip, in6->sin6_addr.s6_addr32[0], in6->sin6_addr.s6_addr32[1],
		         in6->sin6_addr.s6_addr32[2], in6->sin6_addr.s6_addr32[3]);
		*port = ntohs(in6->sin6_port);
		return 0;
	}
#endif
	return sa->sa_family == AF_INET ? -EINVAL : -EAFNOSUPPORT;
}

void sock_to_sockaddr(const ip_addr_t *ip, u16_t port, struct sockaddr *sa, socklen_t *len)
{
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} u;
	memset(&u, 0, sizeof(u));
	socklen_t full = sizeof(u.in);
#if LWIP_IPV6
	if (IP_IS_V6(ip)) {
		full = sizeof(u.in6);
		u.in6.sin6_family = AF_INET6;
		u.in6.sin6_port = htons(port);
		memcpy(&u.in6.sin6_addr, ip_2_ip6(ip)->addr, 16);
	} else
#endif
	{
		u.in.sin_family = AF_INET;
		u.in.sin_port = htons(port);
		u.in.sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(ip));
	}
	if (sa)
		memcpy(sa, &u, *len < full ? *len : full);
	*len = full;
}

/* Any netconn event (data, room to send, a connection, an error): pollers look again. */
static void sock_event(struct netconn *conn, enum netconn_evt evt, u16_t len)
{
	(void)evt, (void)len;
	file_notify_key(conn);
}

/* netconn's own blocking follows the file's O_NONBLOCK (accept, connect). */
static void sock_sync_nonblock(struct file *f)
{
	struct sock *s = f->priv;
	netconn_set_nonblocking(s->conn, (f->flags & O_NONBLOCK) != 0);
}

/* A nonblocking connect() finished? Moves its outcome into so_error. Core lock held. */
static void sock_check_connect(struct sock *s)
{
	if (!s->connecting || s->conn->state == NETCONN_CONNECT)
		return;
	s->connecting = 0;
	if (s->conn->pcb.tcp == NULL || s->conn->pending_err != ERR_OK) {
		/* A reset answers the SYN; an abort is lwIP giving up after its retries. */
		s->so_error = s->conn->pending_err == ERR_ABRT ? ETIMEDOUT : ECONNREFUSED;
		s->conn->pending_err = ERR_OK;
	}
}

static short sock_poll_locked(struct sock *s)
{
	struct netconn *c = s->conn;
	short r = 0;
	if (c->state == NETCONN_LISTEN)
		return (short)(sys_mbox_valid(&c->acceptmbox) && sys_mbox_pending(&c->acceptmbox) ? POLLIN
		                                                                                  : 0);
	sock_check_connect(s);
	int queued = sys_mbox_valid(&c->recvmbox) && sys_mbox_pending(&c->recvmbox);
	if (s->rx_pbuf || s->rx_netbuf || s->rx_eof || queued)
		r |= POLLIN;
	if (s->type == SOCK_DGRAM) {
		r |= POLLOUT;
	} else if (c->pcb.tcp && !s->connecting && c->state != NETCONN_CONNECT) {
		if (c->pcb.tcp->state >= ESTABLISHED && tcp_sndbuf(c->pcb.tcp) > TCP_SNDLOWAT &&
		    tcp_sndqueuelen(c->pcb.tcp) < TCP_SNDQUEUELOWAT)
			r |= POLLOUT;
	}
	if (s->so_error || c->pending_err != ERR_OK)
		r |= POLLERR;
	if (s->type == SOCK_STREAM && !s->connecting && c->pcb.tcp == NULL && c->state != NETCONN_LISTEN &&
	    (s->rx_eof || c->pending_err != ERR_OK))
		r |= POLLHUP | POLLIN;
	if (s->rx_eof && s->tx_shut)
		r |= POLLHUP;
	return r;
}

static short sock_poll(struct file *f)
{
	LOCK_TCPIP_CORE();
	short r = sock_poll_locked(f->priv);
	UNLOCK_TCPIP_CORE();
	return r;
}

/* Copies up to len bytes of TCP data; waits for the first byte unless nonblocking. */
static ssize_t sock_tcp_recv(struct sock *s, void *buf, size_t len, int flags, int nonblock)
{
	size_t done = 0;
	while (done < len) {
		if (s->rx_pbuf == NULL) {
			if (s->rx_eof)
				break;
			int wait = !nonblock && (done == 0 || (flags & MSG_WAITALL));
			struct pbuf *p;
			err_t e = netconn_recv_tcp_pbuf_flags(s->conn, &p, wait ? 0 : NETCONN_DONTBLOCK);
			if (e == ERR_CLSD) {
				s->rx_eof = 1;
				file_notify_key(s->conn);
				break;
			}
			if (e != ERR_OK) {
				if (done)
					break;
				return sock_wait_errno(e);
			}
			s->rx_pbuf = p;
			s->rx_off = 0;
		}
		struct pbuf *p = s->rx_pbuf;
		size_t n = p->tot_len - s->rx_off;
		n = n < len - done ? n : len - done;
		pbuf_copy_partial(p, (char *)buf + done, (u16_t)n, (u16_t)s->rx_off);
		done += n;
		if (flags & MSG_PEEK)
			break;
		s->rx_off += (unsigned)n;
		if (s->rx_off == p->tot_len) {
			pbuf_free(p);
			s->rx_pbuf = NULL;
		}
	}
	return (ssize_t)done;
}

/* One datagram: copied (truncated to len), its sender in *from. */
static ssize_t sock_udp_recv(struct sock *s, void *buf, size_t len, int flags, int nonblock,
                             struct sockaddr *from, socklen_t *fromlen, int *msg_flags)
{
	struct netbuf *nb = s->rx_netbuf;
	if (nb == NULL) {
		err_t e = netconn_recv_udp_raw_netbuf_flags(s->conn, &nb, nonblock ? NETCONN_DONTBLOCK : 0);
		if (e != ERR_OK)
			return sock_wait_errno(e);
	}
	size_t total = netbuf_len(nb), n = total < len ? total : len;
	netbuf_copy(nb, buf, (u16_t)n);
	if (from && fromlen)
		sock_to_sockaddr(netbuf_fromaddr(nb), netbuf_fromport(nb), from, fromlen);
	if (msg_flags && n < total)
		*msg_flags |= MSG_TRUNC;
	if (flags & MSG_PEEK) {
		s->rx_netbuf = nb;
	} else {
		s->rx_netbuf = NULL;
		netbuf_delete(nb);
	}
	return (ssize_t)((flags & MSG_TRUNC) ? total : n);
}

static ssize_t sock_recvfrom(struct file *f, void *buf, size_t len, int flags, struct sockaddr *from,
                             socklen_t *fromlen, int *msg_flags)
{
	struct sock *s = f->priv;
	int nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
	sock_sync_nonblock(f);
	if (!nonblock)
		yolk_lwip_flush_tx(); /* a reply may be waiting for what this thread sent */
	kmutex_lock(&s->rx_lock, WAIT_FOREVER);
	ssize_t r;
	/* A window update this read sends waits for the next poll() too (sock_sendto). */
	yolk_lwip_defer_tx(nonblock);
	if (s->type == SOCK_DGRAM) {
		r = sock_udp_recv(s, buf, len, flags, nonblock, from, fromlen, msg_flags);
	} else {
		r = sock_tcp_recv(s, buf, len, flags, nonblock);
		if (r >= 0 && from && fromlen) {
			ip_addr_t ip;
			u16_t port;
			if (netconn_peer(s->conn, &ip, &port) == ERR_OK)
				sock_to_sockaddr(&ip, port, from, fromlen);
		}
	}
	yolk_lwip_defer_tx(0);
	kmutex_unlock(&s->rx_lock);
	return r;
}

static ssize_t sock_sendto(struct file *f, const void *buf, size_t len, int flags, const struct sockaddr *to,
                           socklen_t tolen)
{
	struct sock *s = f->priv;
	int nonblock = (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
	sock_sync_nonblock(f);
	if (s->type == SOCK_STREAM) {
		if (s->tx_shut)
			return -EPIPE;
		size_t written = 0;
		u8_t api = NETCONN_COPY | (nonblock ? NETCONN_DONTBLOCK : 0) |
		           ((flags & MSG_MORE) ? NETCONN_MORE : 0);
		/*
		 * A nonblocking sender is event-driven: it goes back to poll() once
		 * its pass over ready sockets is done, and the frames of the whole
		 * pass go to the NIC there with one doorbell (yolk_lwip_flush_tx).
		 * One that could not send everything flushes now: it is about to wait.
		 */
		yolk_lwip_defer_tx(nonblock);
		err_t e = netconn_write_partly(s->conn, buf, len, api, &written);
		yolk_lwip_defer_tx(0);
		if (nonblock && (e != ERR_OK || written < len))
			yolk_lwip_flush_tx();
		if (e != ERR_OK && written == 0)
			return e == ERR_CONN || e == ERR_CLSD || e == ERR_RST ? -EPIPE : sock_wait_errno(e);
		return (ssize_t)written;
	}
	if (len > 0xffff - 8 - 20)
		return -EMSGSIZE;
	struct netbuf *nb = netbuf_new();
	if (nb == NULL || netbuf_ref(nb, buf, (u16_t)len) != ERR_OK) {
		netbuf_delete(nb);
		return -ENOMEM;
	}
	err_t e;
	if (to) {
		ip_addr_t ip;
		u16_t port;
		int r = sock_from_sockaddr(to, tolen, &ip, &port);
		if (r < 0) {
			netbuf_delete(nb);
			return r;
		}
		e = netconn_sendto(s->conn, nb, &ip, port);
	} else {
		e = netconn_send(s->conn, nb);
	}
	netbuf_delete(nb);
	return e == ERR_OK ? (ssize_t)len : e == ERR_CONN || e == ERR_VAL ? -EDESTADDRREQ : -sock_errno(e);
}

static ssize_t sock_read(struct file *f, void *buf, size_t len)
{
	return sock_recvfrom(f, buf, len, 0, NULL, NULL, NULL);
}

static ssize_t sock_write(struct file *f, const void *buf, size_t len)
{
	return sock_sendto(f, buf, len, 0, NULL, 0);
}

static int sock_fstat(struct file *f, struct stat *st)
{
	(void)f;
	st->st_mode = S_IFSOCK | 0777;
	return 0;
}

static int sock_ioctl(struct file *f, unsigned long req, void *arg)
{
	struct sock *s = f->priv;
	if (req == FIONBIO) {
		f->flags = *(int *)arg ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		return 0;
	}
	if (req != FIONREAD)
		return -ENOTTY;
	kmutex_lock(&s->rx_lock, WAIT_FOREVER);
	int n = s->rx_pbuf     ? (int)(s->rx_pbuf->tot_len - s->rx_off)
	        : s->rx_netbuf ? (int)netbuf_len(s->rx_netbuf)
	                       : 0;
	kmutex_unlock(&s->rx_lock);
	*(int *)arg = n;
	return 0;
}

static void sock_release(struct file *f)
{
	struct sock *s = f->priv;
	if (s->rx_pbuf)
		pbuf_free(s->rx_pbuf);
	if (s->rx_netbuf)
		netbuf_delete(s->rx_netbuf);
	/* A poller still watching the closed fd looks again (and finds POLLNVAL). */
	file_notify_key(s->conn);
	yolk_lwip_defer_tx((f->flags & O_NONBLOCK) != 0); /* the FIN or RST waits for the next poll() (sock_sendto) */
	netconn_delete(s->conn);
	yolk_lwip_defer_tx(0);
	free(s);
}

static const void *sock_poll_key(struct file *f) { return ((struct sock *)f->priv)->conn; }

static const struct file_ops sock_ops = {
    .read = sock_read,
    .write = sock_write,
    .fstat = sock_fstat,
    .ioctl = sock_ioctl,
    .poll = sock_poll,
    .poll_key = sock_poll_key,
    .release = sock_release,
};

/* The socket behind fd with a file reference, or NULL with *err (-EBADF, -ENOTSOCK). */
static struct file *sock_file(int fd, int *err)
{
	struct file *f = fd_file(fd);
	*err = -EBADF;
	if (f && f->ops != &sock_ops) {
		fd_put(f);
		f = NULL;
		*err = -ENOTSOCK;
	}
	return f;
}

/* Wraps conn in a socket file at the lowest free fd: the fd, or -errno (conn is deleted). */
static int sock_install(struct netconn *conn, int type, int flags)
{
	struct sock *s = calloc(1, sizeof(*s));
	struct file *f = s ? file_new(&sock_ops, s, O_RDWR | flags) : NULL;
	if (f == NULL) {
		free(s);
		netconn_delete(conn);
		return -ENOMEM;
	}
	s->conn = conn;
	s->type = type;
	s->rx_lock = (struct kmutex)KMUTEX_INIT;
	int fd = fd_install(f, 0);
	if (fd < 0)
		file_put(f);
	return fd;
}

int socket(int domain, int type, int protocol)
{
	int flags = type & SOCK_NONBLOCK ? O_NONBLOCK : 0;
	type &= ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (domain != AF_INET && !(LWIP_IPV6 && domain == AF_INET6))
		return sock_ret(-EAFNOSUPPORT);
	enum netconn_type t;
	if (type == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP))
		t = NETCONN_TCP;
	else if (type == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP))
		t = NETCONN_UDP;
	else
		return sock_ret(type == SOCK_STREAM || type == SOCK_DGRAM ? -EPROTONOSUPPORT
		                                                          : -ESOCKTNOSUPPORT);
#if LWIP_IPV6
	if (domain == AF_INET6)
		t = (enum netconn_type)(t | NETCONN_TYPE_IPV6);
#endif
	thread_hold_begin(); /* a kill before sock_install would lose the connection */
	struct netconn *conn = netconn_new_with_callback(t, sock_event);
	int r = conn == NULL ? -ENOBUFS : sock_install(conn, type, flags);
	thread_hold_end();
	return sock_ret(r);
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
	(void)domain, (void)type, (void)protocol, (void)sv;
	return sock_ret(-EAFNOSUPPORT);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	struct sock *s = f->priv;
	ip_addr_t ip;
	u16_t port;
	r = sock_from_sockaddr(addr, len, &ip, &port);
	if (r == 0)
		r = -sock_errno(netconn_bind(s->conn, &ip, port));
	fd_put(f);
	return sock_ret(r);
}

int listen(int fd, int backlog)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	struct sock *s = f->priv;
	/* Never past the accept queue: lwIP would reset what completes beyond it (lwipopts.h). */
	backlog = backlog < 1 ? 1 : backlog > DEFAULT_ACCEPTMBOX_SIZE ? DEFAULT_ACCEPTMBOX_SIZE : backlog;
	r = s->type != SOCK_STREAM ? -EOPNOTSUPP
	                           : -sock_errno(netconn_listen_with_backlog(s->conn, (u16_t)backlog));
	fd_put(f);
	return sock_ret(r);
}

static int accept4__uncancelled(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	struct sock *s = f->priv;
	struct netconn *nc = NULL, *listener = s->conn;
	sock_sync_nonblock(f);
	err_t e = s->conn->state != NETCONN_LISTEN ? ERR_ARG : netconn_accept(s->conn, &nc);
	thread_hold_begin(); /* until sock_install, the accepted connection is only in nc: no kill */
	fd_put(f);
	if (e != ERR_OK) {
		thread_hold_end();
		return sock_ret(e == ERR_ARG ? -EINVAL : sock_wait_errno(e));
	}
	if (addr && len) {
		ip_addr_t ip;
		u16_t port;
		if (netconn_peer(nc, &ip, &port) == ERR_OK)
			sock_to_sockaddr(&ip, port, addr, len);
	}
	file_notify_key(listener); /* its queue shrank */
	r = sock_install(nc, SOCK_STREAM, flags & SOCK_NONBLOCK ? O_NONBLOCK : 0);
	thread_hold_end();
	return sock_ret(r);
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	int point = thread_cancel_point_begin();
	int r = accept4__uncancelled(fd, addr, len, flags);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return accept4(fd, addr, len, 0);
}

static int sock_connect(struct file *f, const struct sockaddr *addr, socklen_t len)
{
	struct sock *s = f->priv;
	ip_addr_t ip;
	u16_t port;
	int r = sock_from_sockaddr(addr, len, &ip, &port);
	if (r < 0)
		return s->type == SOCK_DGRAM && addr && addr->sa_family == AF_UNSPEC
		           ? -sock_errno(netconn_disconnect(s->conn))
		           : r;
	if (s->type == SOCK_STREAM) {
		LOCK_TCPIP_CORE();
		sock_check_connect(s);
		int busy = s->connecting, err = s->so_error;
		UNLOCK_TCPIP_CORE();
		if (busy)
			return -EALREADY;
		if (err)
			return -err;
	}
	sock_sync_nonblock(f);
	err_t e = netconn_connect(s->conn, &ip, port);
	if (e == ERR_INPROGRESS) {
		s->connecting = 1;
		return -EINPROGRESS;
	}
	if (s->type == SOCK_STREAM && (e == ERR_RST || e == ERR_ABRT || e == ERR_CLSD))
		return e == ERR_ABRT ? -ETIMEDOUT : -ECONNREFUSED;
	return -sock_errno(e);
}

static int connect_uncancelled(int fd, const struct sockaddr *addr, socklen_t len)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	r = sock_connect(f, addr, len);
	fd_put(f);
	return sock_ret(r);
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	int point = thread_cancel_point_begin();
	int r = connect_uncancelled(fd, addr, len);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

static ssize_t sendto_uncancelled(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
                                  socklen_t tolen)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	ssize_t n = sock_sendto(f, buf, len, flags, to, tolen);
	fd_put(f);
	return n < 0 ? sock_ret((int)n) : n;
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	int point = thread_cancel_point_begin();
	ssize_t r = sendto_uncancelled(fd, buf, len, flags, to, tolen);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

static ssize_t recvfrom_uncancelled(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                                    socklen_t *fromlen)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	ssize_t n = sock_recvfrom(f, buf, len, flags, from, fromlen, NULL);
	fd_put(f);
	return n < 0 ? sock_ret((int)n) : n;
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	int point = thread_cancel_point_begin();
	ssize_t r = recvfrom_uncancelled(fd, buf, len, flags, from, fromlen);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

/*
 * sendmsg/recvmsg: one iovec at a time for streams; datagrams go through a
 * bounce buffer. The lengths' sum, or -EINVAL if it exceeds SSIZE_MAX (as
 * POSIX and Linux say), -EMSGSIZE for more than IOV_MAX entries: a sum that
 * wrapped would size the buffer smaller than the copies into it.
 */
static ssize_t iov_total(const struct msghdr *m)
{
	if (m->msg_iovlen > IOV_MAX)
		return -EMSGSIZE;
	size_t t = 0;
	for (size_t i = 0; i < m->msg_iovlen; i++) {
		if (m->msg_iov[i].iov_len > (size_t)SSIZE_MAX - t)
			return -EINVAL;
		t += m->msg_iov[i].iov_len;
	}
	return (ssize_t)t;
}

static ssize_t sendmsg_uncancelled(int fd, const struct msghdr *msg, int flags)
{
	ssize_t total = iov_total(msg);
	if (total < 0)
		return sock_ret((int)total);
	char *buf = malloc(total ? (size_t)total : 1);
	if (buf == NULL)
		return sock_ret(-ENOMEM);
	for (size_t i = 0, off = 0; i < msg->msg_iovlen; off += msg->msg_iov[i++].iov_len)
		memcpy(buf + off, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
	ssize_t r = sendto(fd, buf, total, flags, msg->msg_name, msg->msg_namelen);
	free(buf);
	return r;
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	int point = thread_cancel_point_begin();
	ssize_t r = sendmsg_uncancelled(fd, msg, flags);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

static ssize_t recvmsg_uncancelled(int fd, struct msghdr *msg, int flags)
{
	ssize_t total = iov_total(msg);
	if (total < 0)
		return sock_ret((int)total);
	char *buf = malloc(total ? (size_t)total : 1);
	if (buf == NULL)
		return sock_ret(-ENOMEM);
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL) {
		free(buf);
		return sock_ret(r);
	}
	msg->msg_flags = 0;
	ssize_t n = sock_recvfrom(f, buf, total, flags, msg->msg_name, &msg->msg_namelen, &msg->msg_flags);
	fd_put(f);
	size_t left = n > 0 ? (size_t)n : 0;
	for (size_t i = 0, off = 0; i < msg->msg_iovlen && left; i++) {
		size_t c = msg->msg_iov[i].iov_len < left ? msg->msg_iov[i].iov_len : left;
		memcpy(msg->msg_iov[i].iov_base, buf + off, c);
		off += c;
		left -= c;
	}
	free(buf);
	msg->msg_controllen = 0;
	return n < 0 ? sock_ret((int)n) : n;
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	int point = thread_cancel_point_begin();
	ssize_t r = recvmsg_uncancelled(fd, msg, flags);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

int shutdown(int fd, int how)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	struct sock *s = f->priv;
	if (how < SHUT_RD || how > SHUT_RDWR) {
		r = -EINVAL;
	} else if (s->type != SOCK_STREAM) {
		r = -EOPNOTSUPP;
	} else {
		int rx = how != SHUT_WR, tx = how != SHUT_RD;
		yolk_lwip_defer_tx((f->flags & O_NONBLOCK) != 0); /* the FIN waits for the next poll() (sock_sendto) */
		r = -sock_errno(netconn_shutdown(s->conn, (u8_t)rx, (u8_t)tx));
		yolk_lwip_defer_tx(0);
		if (r == 0) {
			s->rx_eof |= rx;
			s->tx_shut |= tx;
			file_notify_key(s->conn);
		}
	}
	fd_put(f);
	return sock_ret(r);
}

static int sock_name(int fd, struct sockaddr *addr, socklen_t *len, int local)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	struct sock *s = f->priv;
	ip_addr_t ip;
	u16_t port;
	err_t e = netconn_getaddr(s->conn, &ip, &port, (u8_t)local);
	fd_put(f);
	if (e != ERR_OK)
		return sock_ret(local ? -sock_errno(e) : -ENOTCONN);
	if (len == NULL)
		return sock_ret(-EFAULT);
	sock_to_sockaddr(&ip, port, addr, len);
	return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sock_name(fd, addr, len, 1);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sock_name(fd, addr, len, 0);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	r = sock_setsockopt(f->priv, level, name, val, len);
	fd_put(f);
	return sock_ret(r);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	int r;
	struct file *f = sock_file(fd, &r);
	if (f == NULL)
		return sock_ret(r);
	r = sock_getsockopt(f->priv, level, name, val, len);
	fd_put(f);
	return sock_ret(r);
}
