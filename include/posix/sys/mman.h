/*
 * Memory mappings (core/mman.c). One address space, no page faults to
 * load a file through: mmap() gives anonymous memory, and a file only
 * MAP_PRIVATE, as a copy of its bytes read at mmap() time (iperf3 maps its
 * buffer file so). MAP_SHARED of a file fails with ENODEV, which programs
 * with a read()/write() fallback (SQLite without memory-mapped I/O) handle.
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON MAP_ANONYMOUS

#define MAP_FAILED ((void *)-1)

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int msync(void *addr, size_t len, int flags);

#endif
