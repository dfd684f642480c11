/* setsockopt/getsockopt: Linux's levels and names onto netconn and pcb settings. */
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "sock.h"

/* The SOF_* flag a SOL_SOCKET boolean option maps to, or 0. */
static u8_t sof_flag(int name)
{
	switch (name) {
	case SO_REUSEADDR:
		return SOF_REUSEADDR;
	case SO_KEEPALIVE:
		return SOF_KEEPALIVE;
	case SO_BROADCAST:
		return SOF_BROADCAST;
	default:
		return 0;
	}
}

static int timeval_ms(const struct timeval *tv)
{
	long long ms = (long long)tv->tv_sec * 1000 + tv->tv_usec / 1000;
	return ms < 0 ? -1 : ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

/* A TCP option on the pcb: 0 or -errno. Core lock held. */
static int tcp_set(struct sock *s, int name, int v)
{
	struct tcp_pcb *pcb = s->conn->pcb.tcp;
	if (s->type != SOCK_STREAM)
		return -ENOPROTOOPT;
	if (pcb == NULL)
		return -ECONNRESET;
	switch (name) {
	case TCP_NODELAY:
		if (v)
			tcp_nagle_disable(pcb);
		else
			tcp_nagle_enable(pcb);
		return 0;
	case TCP_KEEPIDLE:
		pcb->keep_idle = 1000u * (u32_t)v;
		return 0;
	case TCP_KEEPINTVL:
		pcb->keep_intvl = 1000u * (u32_t)v;
		return 0;
	case TCP_KEEPCNT:
		pcb->keep_cnt = (u32_t)v;
		return 0;
	case TCP_MAXSEG:
		return 0; /* accepted, lwIP's MSS is fixed */
	default:
		return -ENOPROTOOPT;
	}
}

static int sol_socket_set(struct sock *s, int name, const void *val, socklen_t len, int v)
{
	u8_t flag = sof_flag(name);
	if (flag) {
		if (s->conn->pcb.ip == NULL)
			return -EINVAL;
		if (v)
			ip_set_option(s->conn->pcb.ip, flag);
		else
			ip_reset_option(s->conn->pcb.ip, flag);
		return 0;
	}
	switch (name) {
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		if (len < sizeof(struct timeval))
			return -EINVAL;
		int ms = timeval_ms(val);
		if (ms < 0)
			return -EDOM;
		if (name == SO_RCVTIMEO)
			netconn_set_recvtimeout(s->conn, ms);
		else
			netconn_set_sendtimeout(s->conn, ms);
		return 0;
	case SO_RCVBUF:
	case SO_SNDBUF:
	case SO_LINGER:
	case SO_REUSEPORT:
	case SO_OOBINLINE:
		return 0; /* accepted; lwIP's buffers are configured at build time */
	default:
		return -ENOPROTOOPT;
	}
}

static int ip_set(struct sock *s, int name, int v)
{
	struct ip_pcb *pcb = s->conn->pcb.ip;
	if (pcb == NULL || (name != IP_TTL && name != IP_TOS))
		return pcb ? -ENOPROTOOPT : -EINVAL;
	if (name == IP_TTL)
		pcb->ttl = (u8_t)v;
	else
		pcb->tos = (u8_t)v;
	return 0;
}

/*
 * IPV6_V6ONLY: whether an AF_INET6 socket bound to :: takes IPv4 peers too
 * (lwIP's dual stack; off by default, as on Linux). Only AF_INET6 sockets
 * have it (ENOPROTOOPT otherwise, as Linux says).
 */
static int ipv6_set(struct sock *s, int name, int v)
{
#if LWIP_IPV6
	if (name == IPV6_V6ONLY && NETCONNTYPE_ISIPV6(netconn_type(s->conn))) {
		netconn_set_ipv6only(s->conn, v);
		return 0;
	}
#endif
	(void)s, (void)name, (void)v;
	return -ENOPROTOOPT;
}

int sock_setsockopt(struct sock *s, int level, int name, const void *val, socklen_t len)
{
	if (val == NULL)
		return -EFAULT;
	int v = len >= sizeof(int) ? *(const int *)val : len >= 1 ? *(const unsigned char *)val : 0;
	int r;
	LOCK_TCPIP_CORE();
	if (level == SOL_SOCKET)
		r = sol_socket_set(s, name, val, len, v);
	else if (level == IPPROTO_TCP)
		r = tcp_set(s, name, v);
	else if (level == IPPROTO_IP)
		r = ip_set(s, name, v);
	else if (level == IPPROTO_IPV6)
		r = ipv6_set(s, name, v);
	else
		r = -ENOPROTOOPT;
	UNLOCK_TCPIP_CORE();
	return r;
}

/* The value of an int-valued option into *v: 0 or -errno. Core lock held. */
static int get_int(struct sock *s, int level, int name, int *v)
{
	struct netconn *c = s->conn;
	if (level == SOL_SOCKET && sof_flag(name)) {
		if (c->pcb.ip == NULL)
			return -EINVAL;
		*v = ip_get_option(c->pcb.ip, sof_flag(name)) != 0;
		return 0;
	}
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE:
			*v = s->type;
			return 0;
		case SO_ERROR:
			*v = s->so_error ? s->so_error : sock_errno(c->pending_err);
			s->so_error = 0;
			return 0;
		case SO_ACCEPTCONN:
			*v = c->state == NETCONN_LISTEN;
			return 0;
		case SO_RCVBUF:
			*v = TCP_WND;
			return 0;
		case SO_SNDBUF:
			*v = TCP_SND_BUF;
			return 0;
		}
	}
	if (level == IPPROTO_TCP && s->type == SOCK_STREAM && c->pcb.tcp) {
		switch (name) {
		case TCP_NODELAY:
			*v = tcp_nagle_disabled(c->pcb.tcp) != 0;
			return 0;
		case TCP_MAXSEG:
			*v = tcp_mss(c->pcb.tcp);
			return 0;
		case TCP_KEEPIDLE:
			*v = (int)(c->pcb.tcp->keep_idle / 1000);
			return 0;
		case TCP_KEEPINTVL:
			*v = (int)(c->pcb.tcp->keep_intvl / 1000);
			return 0;
		case TCP_KEEPCNT:
			*v = (int)c->pcb.tcp->keep_cnt;
			return 0;
		}
	}
#if LWIP_IPV6
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && NETCONNTYPE_ISIPV6(netconn_type(c))) {
		*v = netconn_get_ipv6only(c);
		return 0;
	}
#endif
	if (level == IPPROTO_IP && c->pcb.ip && (name == IP_TTL || name == IP_TOS)) {
		*v = name == IP_TTL ? c->pcb.ip->ttl : c->pcb.ip->tos;
		return 0;
	}
	return -ENOPROTOOPT;
}

int sock_getsockopt(struct sock *s, int level, int name, void *val, socklen_t *len)
{
	if (val == NULL || len == NULL)
		return -EFAULT;
	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		int ms = name == SO_RCVTIMEO ? (int)netconn_get_recvtimeout(s->conn)
		                             : (int)netconn_get_sendtimeout(s->conn);
		struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
		memcpy(val, &tv, *len < sizeof(tv) ? *len : sizeof(tv));
		*len = *len < sizeof(tv) ? *len : sizeof(tv);
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l = {0, 0};
		memcpy(val, &l, *len < sizeof(l) ? *len : sizeof(l));
		*len = *len < sizeof(l) ? *len : sizeof(l);
		return 0;
	}
	int v = 0;
	LOCK_TCPIP_CORE();
	int r = get_int(s, level, name, &v);
	UNLOCK_TCPIP_CORE();
	if (r == 0) {
		memcpy(val, &v, *len < sizeof(v) ? *len : sizeof(v));
		*len = *len < sizeof(v) ? *len : sizeof(v);
	}
	return r;
}
