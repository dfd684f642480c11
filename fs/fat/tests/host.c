/*
 * What fs/fat needs from the kernel, for running it on the host: a block
 * device backed by an image file, a block cache with the semantics of
 * include/yolk/blkdev.h (fixed number of buffers, LRU eviction that writes
 * dirty blocks back, bsync in ascending order then flush), vnodes with
 * reference counts that call release, and klog.
 *
 * For crash tests, FAT_CRASH_AFTER=N makes every device write after the
 * N-th vanish, as if the power went then. FAT_CACHE_BLOCKS=N caps every
 * cache at N blocks to force early write-backs.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yolk/blkdev.h>
#include <yolk/console.h>
#include <yolk/vfs.h>
#include "host.h"

struct host_stats host_stats;
static struct blkdev host_dev;
static int host_fd = -1;

void klog(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "yolk[%d]: ", level);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* --- the block device --- */

static int host_io(struct blkdev *d, uint64_t lba, void *buf, size_t count, int write)
{
	off_t off = (off_t)(lba * d->sector_size);
	size_t len = count * d->sector_size;
	if (write) {
		host_stats.writes++;
		host_stats.write_bytes += len;
		long limit = getenv("FAT_CRASH_AFTER") ? atol(getenv("FAT_CRASH_AFTER")) : -1;
		if (limit >= 0 && host_stats.writes > (unsigned long)limit) {
			host_stats.crashed = 1;
			return 0; /* lost with the power */
		}
		return pwrite(host_fd, buf, len, off) == (ssize_t)len ? 0 : -EIO;
	}
	host_stats.reads++;
	host_stats.read_bytes += len;
	return pread(host_fd, buf, len, off) == (ssize_t)len ? 0 : -EIO;
}

static int host_read(struct blkdev *d, uint64_t lba, void *buf, size_t count)
{
	return host_io(d, lba, buf, count, 0);
}
static int host_write(struct blkdev *d, uint64_t lba, const void *buf, size_t count)
{
	return host_io(d, lba, (void *)buf, count, 1);
}
static int host_flush(struct blkdev *d)
{
	(void)d;
	host_stats.flushes++;
	return 0;
}
static const struct blkdev_ops host_ops = {.read = host_read, .write = host_write, .flush = host_flush};

int host_blkdev_open(const char *path, const char *name, uint32_t sector_size)
{
	host_fd = open(path, O_RDWR);
	if (host_fd < 0)
		return -errno;
	off_t size = lseek(host_fd, 0, SEEK_END);
	snprintf(host_dev.name, sizeof(host_dev.name), "%s", name);
	host_dev.ops = &host_ops;
	host_dev.sector_size = sector_size;
	host_dev.sectors = (uint64_t)size / sector_size;
	return 0;
}

struct blkdev *blkdev_find(const char *name)
{
	return host_fd >= 0 && !strcmp(name, host_dev.name) ? &host_dev : NULL;
}

/* Bounds-checked like core's: nothing past the device's end. */
int blkdev_read(struct blkdev *d, uint64_t lba, void *buf, size_t count)
{
	if (lba + count > d->sectors || lba + count < lba)
		return -EIO;
	return d->ops->read(d, lba, buf, count);
}
int blkdev_write(struct blkdev *d, uint64_t lba, const void *buf, size_t count)
{
	if (lba + count > d->sectors || lba + count < lba)
		return -EIO;
	return d->ops->write(d, lba, buf, count);
}
int blkdev_flush(struct blkdev *d)
{
	return d->ops->flush(d);
}

/* --- vnodes --- */

int host_live_vnodes;

struct vnode *vnode_new(struct mount *m, const struct vnode_ops *ops, mode_t mode, void *priv)
{
	struct vnode *vn = calloc(1, sizeof(*vn));
	if (!vn)
		return NULL;
	*vn = (struct vnode){.ops = ops, .mnt = m, .mode = mode, .refs = 1, .priv = priv};
	host_live_vnodes++;
	return vn;
}

void vnode_ref(struct vnode *vn)
{
	assert(vn->refs > 0);
	vn->refs++;
}

void vnode_unref(struct vnode *vn)
{
	assert(vn->refs > 0);
	if (--vn->refs)
		return;
	if (vn->ops->release)
		vn->ops->release(vn);
	host_live_vnodes--;
	free(vn);
}
