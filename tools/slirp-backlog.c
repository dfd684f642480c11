/*
 * Preloaded into QEMU by `ninja qemu` when it forwards host ports
 * (tools/yolkqemu.py --preload): QEMU's user networking, libslirp, listens on
 * every hostfwd port with a backlog of 1 (tcp_listen in libslirp 4.7), so the
 * host kernel queues at most two connections for it and drops the SYNs of
 * the rest. A browser's six connects, or a load generator's sixteen, then
 * wait out SYN retransmissions (1 s, 3 s, 7 s ...) before slirp sees them,
 * whatever the guest does. This raises each backlog QEMU asks for to
 * SOMAXCONN (the kernel caps it at net.core.somaxconn); nothing else changes.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

static int (*next_listen)(int, int);

/* At load, before QEMU has threads: nothing races for next_listen. */
__attribute__((constructor)) static void find_listen(void)
{
	void *next = dlsym(RTLD_NEXT, "listen");
	memcpy(&next_listen, &next, sizeof(next)); /* ISO C has no cast from an object pointer */
}

int listen(int fd, int backlog)
{
	if (next_listen == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return next_listen(fd, backlog < SOMAXCONN ? SOMAXCONN : backlog);
}
