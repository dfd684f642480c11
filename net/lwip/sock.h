/* Shared by the socket glue's files (sockets.c, sockopt.c, netdb.c). */
#ifndef NET_LWIP_SOCK_H
#define NET_LWIP_SOCK_H

#include <sys/socket.h>
#include <yolk/file.h>
#include <yolk/sched.h>
#include "lwip/api.h"

/* One socket: a netconn plus what recv() has taken from it but not yet returned. */
struct sock {
	struct netconn *conn;
	struct kmutex rx_lock;    /* one reader at a time: rx_pbuf/rx_netbuf/rx_off */
	struct pbuf *rx_pbuf;     /* TCP: the rest of the last segment, from rx_off */
	struct netbuf *rx_netbuf; /* UDP: a datagram kept by MSG_PEEK */
	unsigned rx_off;
	int type;       /* SOCK_STREAM or SOCK_DGRAM */
	int rx_eof;     /* the peer's FIN (or our SHUT_RD) was seen */
	int tx_shut;    /* shutdown(SHUT_WR) */
	int connecting; /* a nonblocking connect() is under way */
	int so_error;   /* pending error for SO_ERROR (positive errno) */
};

/* lwIP's error as a positive errno. */
int sock_errno(err_t err);

/* Deferred doorbells (netif.c): sends of this thread leave frames queued while on; flush_tx rings. */
void yolk_lwip_defer_tx(int on);
void yolk_lwip_flush_tx(void);

/* sockaddr (Linux layout) to lwIP's address and port: 0 or -errno. */
int sock_from_sockaddr(const struct sockaddr *sa, socklen_t len, ip_addr_t *ip, u16_t *port);
/* lwIP's address and port into *sa (truncated to *len); *len becomes the full size. */
void sock_to_sockaddr(const ip_addr_t *ip, u16_t port, struct sockaddr *sa, socklen_t *len);

int sock_setsockopt(struct sock *s, int level, int name, const void *val, socklen_t len);
int sock_getsockopt(struct sock *s, int level, int name, void *val, socklen_t *len);

/*
 * Sets errno from -r and returns -1, or returns r. The way back to the app:
 * a pending kill (Ctrl-C) ends the thread here once it holds nothing.
 */
static inline int sock_ret(int r)
{
	thread_kill_point();
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

#endif
