/*
 * getaddrinfo and friends: numeric addresses, "localhost", and DNS through
 * lwIP's resolver (netconn_gethostbyname). IPv4 results only unless IPv6
 * is configured and the address is numeric IPv6, or AF_INET6 is asked for
 * the wildcard or loopback address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netdb.h>
#include "lwip/api.h"

int h_errno;

static const struct {
	const char *name;
	int port;
} services[] = {
    {"echo", 7},    {"ftp", 21},  {"ssh", 22},  {"telnet", 23}, {"smtp", 25},
    {"domain", 53}, {"http", 80}, {"ntp", 123}, {"https", 443}, {"http-alt", 8080},
};

/* The service's port (host order), or -1. */
static int service_port(const char *service, int numeric_only)
{
	if (service == NULL)
		return 0;
	char *end;
	long p = strtol(service, &end, 10);
	if (*service && *end == '\0')
		return p >= 0 && p <= 65535 ? (int)p : -1;
	for (size_t i = 0; !numeric_only && i < sizeof(services) / sizeof(services[0]); i++)
		if (strcmp(services[i].name, service) == 0)
			return services[i].port;
	return -1;
}

/* The IPv4 address (network order) of node: 0, or an EAI_ code. */
static int resolve4(const char *node, int flags, uint32_t *addr)
{
	if (node == NULL) {
		*addr = htonl(flags & AI_PASSIVE ? INADDR_ANY : INADDR_LOOPBACK);
		return 0;
	}
	if (inet_pton(AF_INET, node, addr) == 1)
		return 0;
	if (flags & AI_NUMERICHOST)
		return EAI_NONAME;
	if (strcmp(node, "localhost") == 0) {
		*addr = htonl(INADDR_LOOPBACK);
		return 0;
	}
#if LWIP_DNS
	ip_addr_t ip;
	err_t e = netconn_gethostbyname(node, &ip);
	if (e == ERR_OK && IP_IS_V4(&ip)) {
		*addr = ip4_addr_get_u32(ip_2_ip4(&ip));
		return 0;
	}
	return e == ERR_VAL || e == ERR_ARG || e == ERR_OK ? EAI_NONAME : EAI_FAIL;
#else
	return EAI_NONAME;
#endif
}

/* One result; sa of salen bytes is copied after it. NULL if out of memory. */
static struct addrinfo *ai_new(int socktype, const void *sa, socklen_t salen, const char *canon)
{
	size_t clen = canon ? strlen(canon) + 1 : 0;
	struct addrinfo *ai = calloc(1, sizeof(*ai) + salen + clen);
	if (ai == NULL)
		return NULL;
	ai->ai_family = ((const struct sockaddr *)sa)->sa_family;
	ai->ai_socktype = socktype;
	ai->ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	ai->ai_addrlen = salen;
	ai->ai_addr = (struct sockaddr *)(ai + 1);
	memcpy(ai->ai_addr, sa, salen);
	if (canon)
		ai->ai_canonname = memcpy((char *)ai->ai_addr + salen, canon, clen);
	return ai;
}

/* The address as results for each wanted socket type (0: stream and datagram). */
static int ai_list(const struct addrinfo *hints, const void *sa, socklen_t salen, const char *canon,
                   struct addrinfo **res)
{
	int types[2] = {SOCK_STREAM, SOCK_DGRAM}, n = 2;
	if (hints && hints->ai_socktype) {
		types[0] = hints->ai_socktype;
		n = 1;
	}
	struct addrinfo *head = NULL, **tail = &head;
	for (int i = 0; i < n; i++) {
		*tail = ai_new(types[i], sa, salen, i == 0 ? canon : NULL);
		if (*tail == NULL) {
			freeaddrinfo(head);
			return EAI_MEMORY;
		}
		tail = &(*tail)->ai_next;
	}
	*res = head;
	return 0;
}

#if LWIP_IPV6
static int numeric6(const char *node, const struct addrinfo *hints, int port, struct addrinfo **res)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET6, node, &sin6.sin6_addr) != 1)
		return EAI_NONAME;
	return ai_list(hints, &sin6, sizeof(sin6), NULL, res);
}
#endif

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	int flags = hints ? hints->ai_flags : 0, family = hints ? hints->ai_family : AF_UNSPEC;
	int socktype = hints ? hints->ai_socktype : 0;
	if (node == NULL && service == NULL)
		return EAI_NONAME;
	if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	int port = service_port(service, flags & AI_NUMERICSERV);
	if (port < 0)
		return EAI_SERVICE;
#if LWIP_IPV6
	/* AF_INET6 asked by name: the wildcard :: for a passive socket (a
	 * dual-stack listener, as iperf3 -s opens), else the loopback ::1. */
	if (family == AF_INET6 && (node == NULL || strcmp(node, "localhost") == 0))
		return numeric6(node == NULL && (flags & AI_PASSIVE) ? "::" : "::1", hints, port, res);
	if (node && family != AF_INET && strchr(node, ':'))
		return numeric6(node, hints, port, res);
#endif
	if (family != AF_UNSPEC && family != AF_INET)
		return EAI_FAMILY;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int r = resolve4(node, flags, &sin.sin_addr.s_addr);
	if (r)
		return r;
	return ai_list(hints, &sin, sizeof(sin), (flags & AI_CANONNAME) && node ? node : NULL, res);
}

void freeaddrinfo(struct addrinfo *res)
{
	while (res) {
		struct addrinfo *next = res->ai_next;
		free(res);
		res = next;
	}
}

const char *gai_strerror(int err)
{
	switch (err) {
	case 0:
		return "Success";
	case EAI_BADFLAGS:
		return "Bad value for ai_flags";
	case EAI_NONAME:
		return "Name or service not known";
	case EAI_AGAIN:
		return "Temporary failure in name resolution";
	case EAI_FAIL:
		return "Non-recoverable failure in name resolution";
	case EAI_FAMILY:
		return "ai_family not supported";
	case EAI_SOCKTYPE:
		return "ai_socktype not supported";
	case EAI_SERVICE:
		return "Servname not supported for ai_socktype";
	case EAI_MEMORY:
		return "Memory allocation failure";
	case EAI_SYSTEM:
		return "System error";
	case EAI_OVERFLOW:
		return "Argument buffer overflow";
	default:
		return "Unknown error";
	}
}

int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen, char *serv,
                socklen_t servlen, int flags)
{
	(void)flags; /* numeric answers only: there is no reverse DNS */
	const void *addr;
	unsigned port;
	if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
		addr = &((const struct sockaddr_in *)sa)->sin_addr;
		port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
	} else if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
		addr = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	} else {
		return EAI_FAMILY;
	}
	if (host && hostlen && inet_ntop(sa->sa_family, addr, host, hostlen) == NULL)
		return errno == ENOSPC ? EAI_OVERFLOW : EAI_FAMILY;
	if (serv && servlen && snprintf(serv, servlen, "%u", port) >= (int)servlen)
		return EAI_OVERFLOW;
	return 0;
}

struct hostent *gethostbyname(const char *name)
{
	static struct in_addr addr;
	static char *addrs[2] = {(char *)&addr, NULL}, *aliases[1] = {NULL};
	static char hname[256];
	static struct hostent he = {hname, aliases, AF_INET, 4, addrs};
	int r = resolve4(name, 0, &addr.s_addr);
	if (r) {
		h_errno = r == EAI_NONAME ? HOST_NOT_FOUND : NO_RECOVERY;
		return NULL;
	}
	strncpy(hname, name, sizeof(hname) - 1);
	return &he;
}
