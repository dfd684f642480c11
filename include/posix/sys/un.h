/*
 * AF_UNIX socket addresses. yolk's sockets are lwIP's (AF_INET): a socket
 * of this family cannot be made (socket() fails with EAFNOSUPPORT), but
 * programs that can also talk to a local agent (libssh) name the type.
 */
#ifndef _SYS_UN_H
#define _SYS_UN_H

#include <sys/socket.h>

struct sockaddr_un {
	sa_family_t sun_family;
	char sun_path[108];
};

#endif
