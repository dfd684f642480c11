/* The host test's stand-ins for the kernel (host.c, bcache_fake.c). */
#ifndef FAT_TEST_HOST_H
#define FAT_TEST_HOST_H

#include <fcntl.h>
#include <stdint.h>

struct host_stats {
	unsigned long reads, writes, flushes;
	unsigned long long read_bytes, write_bytes;
	int crashed; /* FAT_CRASH_AFTER: writes are being dropped */
};
extern struct host_stats host_stats;
extern int host_live_vnodes;

/* Registers the image at path as block device `name`. */
int host_blkdev_open(const char *path, const char *name, uint32_t sector_size);

#endif
