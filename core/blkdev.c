/*
 * The block device registry and bounds-checked sector I/O. Partitions are
 * devices of their own whose requests land on their disk's driver, offset
 * by their start. The list only grows, so readers walk it without the lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/blkdev.h>
#include <yolk/console.h>
#include "partition.h"

#define MAX_PARTS 32

static struct kmutex registry_lock = KMUTEX_INIT;
static struct blkdev *head, *tail;

static void log_device(const struct blkdev *d)
{
	uint64_t bytes = d->sectors * d->sector_size;
	const char *unit = bytes >= (10ull << 30) ? "GiB" : bytes >= (10ull << 20) ? "MiB" : "KiB";
	uint64_t shown = bytes >> (bytes >= (10ull << 30) ? 30 : bytes >= (10ull << 20) ? 20 : 10);
	if (d->disk)
		klog(KLOG_NOTICE, "blk %s: %llu %s, sectors %llu-%llu of %s\n", d->name,
		     (unsigned long long)shown, unit, (unsigned long long)d->start,
		     (unsigned long long)(d->start + d->sectors - 1), d->disk->name);
	else
		klog(KLOG_NOTICE, "blk %s: %llu %s (%llu sectors of %u bytes)\n", d->name,
		     (unsigned long long)shown, unit, (unsigned long long)d->sectors, d->sector_size);
}

static struct blkdev *find_locked(const char *name)
{
	for (struct blkdev *d = __atomic_load_n(&head, __ATOMIC_ACQUIRE); d; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static int add_device(struct blkdev *d)
{
	size_t ss = d->sector_size;
	if (d->name[0] == '\0' || memchr(d->name, '\0', sizeof(d->name)) == NULL || ss < 512 ||
	    (ss & (ss - 1)))
		return -EINVAL;
	kmutex_lock(&registry_lock, WAIT_FOREVER);
	if (find_locked(d->name)) {
		kmutex_unlock(&registry_lock);
		return -EEXIST;
	}
	d->next = NULL;
	if (tail)
		__atomic_store_n(&tail->next, d, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&head, d, __ATOMIC_RELEASE);
	tail = d;
	kmutex_unlock(&registry_lock);
	log_device(d);
	return 0;
}

static int read_sector(void *ctx, uint64_t lba, void *buf)
{
	return blkdev_read(ctx, lba, buf, 1);
}

/* "vda" + 1 -> "vda1"; "nvme0n1" + 1 -> "nvme0n1p1", as Linux names them. */
static int register_partition(struct blkdev *disk, const struct part *p)
{
	struct blkdev *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	char name[48];
	size_t len = strlen(disk->name);
	int digit = len && disk->name[len - 1] >= '0' && disk->name[len - 1] <= '9';
	snprintf(name, sizeof(name), "%s%s%u", disk->name, digit ? "p" : "", p->number);
	if (strlen(name) >= sizeof(d->name)) {
		free(d);
		return -ENAMETOOLONG;
	}
	strcpy(d->name, name);
	d->ops = disk->ops;
	d->sector_size = disk->sector_size;
	d->sectors = p->sectors;
	d->disk = disk;
	d->start = p->start;
	d->priv = disk->priv;
	int r = add_device(d);
	if (r)
		free(d);
	return r;
}

int blkdev_register(struct blkdev *d)
{
	struct part parts[MAX_PARTS];
	int r = add_device(d);
	if (r || d->disk)
		return r;
	int n = part_scan(read_sector, d, d->sector_size, d->sectors, parts, MAX_PARTS);
	if (n < 0)
		klog(KLOG_WARN, "blk %s: cannot read the partition table (error %d)\n", d->name, n);
	for (int i = 0; i < n; i++)
		register_partition(d, &parts[i]);
	return 0;
}

struct blkdev *blkdev_find(const char *name)
{
	return find_locked(name);
}

void blkdev_foreach(void (*visit)(struct blkdev *d, void *arg), void *arg)
{
	for (struct blkdev *d = __atomic_load_n(&head, __ATOMIC_ACQUIRE); d;
	     d = __atomic_load_n(&d->next, __ATOMIC_ACQUIRE))
		visit(d, arg);
}

/* The disk under d with lba moved onto it; -EIO if [lba, lba+count) leaves d. */
static struct blkdev *resolve(struct blkdev *d, uint64_t *lba, uint64_t count)
{
	if (*lba > d->sectors || count > d->sectors - *lba)
		return NULL;
	*lba += d->start;
	return d->disk ? d->disk : d;
}

int blkdev_read(struct blkdev *d, uint64_t lba, void *buf, size_t count)
{
	struct blkdev *disk = resolve(d, &lba, count);
	if (buf == NULL)
		return -EINVAL;
	if (disk == NULL)
		return -EIO;
	if (count == 0)
		return 0;
	return disk->ops->read ? disk->ops->read(disk, lba, buf, count) : -ENOSYS;
}

int blkdev_write(struct blkdev *d, uint64_t lba, const void *buf, size_t count)
{
	struct blkdev *disk = resolve(d, &lba, count);
	if (buf == NULL)
		return -EINVAL;
	if (disk == NULL)
		return -EIO;
	if (count == 0)
		return 0;
	return disk->ops->write ? disk->ops->write(disk, lba, buf, count) : -ENOSYS;
}

/* Total sectors of an iov, or 0 with -EINVAL in *err for a piece that is not whole sectors. */
static uint64_t iov_sectors(const struct blkdev *d, const struct blkdev_iov *iov, size_t n, int *err)
{
	uint64_t total = 0;
	*err = 0;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].len % d->sector_size || (iov[i].len && iov[i].base == NULL))
			*err = -EINVAL;
		total += iov[i].len / d->sector_size;
	}
	return *err ? 0 : total;
}

/* Without a vectored op, one request per piece. */
static int rw_vec(struct blkdev *d, int write, uint64_t lba, const struct blkdev_iov *iov, size_t n)
{
	int err;
	uint64_t count = iov_sectors(d, iov, n, &err);
	struct blkdev *disk = err ? NULL : resolve(d, &lba, count);
	if (err || disk == NULL)
		return err ? err : -EIO;
	if (count == 0)
		return 0;
	const struct blkdev_ops *ops = disk->ops;
	if (write ? ops->writev != NULL : ops->readv != NULL)
		return write ? ops->writev(disk, lba, iov, n) : ops->readv(disk, lba, iov, n);
	if (write ? ops->write == NULL : ops->read == NULL)
		return -ENOSYS;
	for (size_t i = 0; i < n; i++) {
		size_t c = iov[i].len / d->sector_size;
		int r = c == 0  ? 0
		        : write ? ops->write(disk, lba, iov[i].base, c)
		                : ops->read(disk, lba, iov[i].base, c);
		if (r)
			return r;
		lba += c;
	}
	return 0;
}

int blkdev_readv(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n)
{
	return rw_vec(d, 0, lba, iov, n);
}

int blkdev_writev(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n)
{
	return rw_vec(d, 1, lba, iov, n);
}

int blkdev_flush(struct blkdev *d)
{
	struct blkdev *disk = d->disk ? d->disk : d;
	return disk->ops->flush ? disk->ops->flush(disk) : 0;
}
