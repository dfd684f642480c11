/*
 * Block devices and the block cache. A disk driver fills a struct blkdev
 * and registers it; core finds the partitions (MBR) and registers them as
 * devices of their own ("vda" -> "vda1"). Filesystems read through a
 * bcache, which keeps recently used blocks and writes dirty ones back on
 * bsync() or when it needs room. All calls return 0 or -errno.
 */
#ifndef YOLK_BLKDEV_H
#define YOLK_BLKDEV_H

#include <stddef.h>
#include <stdint.h>
#include <yolk/sync.h>

struct blkdev;

struct blkdev_ops {
	/* count sectors at lba, for the whole disk; may sleep. Thread-safe. */
	int (*read)(struct blkdev *d, uint64_t lba, void *buf, size_t count);
	int (*write)(struct blkdev *d, uint64_t lba, const void *buf, size_t count);
	/* Data written so far is on stable storage once this returns. */
	int (*flush)(struct blkdev *d);
};

struct blkdev {
	char name[16];            /* "vda", "vda1" */
	const struct blkdev_ops *ops;
	uint32_t sector_size;     /* bytes, a power of two >= 512 */
	uint64_t sectors;         /* size in sectors */
	struct blkdev *disk;      /* a partition's whole disk, NULL for a disk */
	uint64_t start;           /* a partition's first sector on its disk */
	void *priv;               /* the driver's */
	struct blkdev *next;
};

/* Registers a disk and its MBR partitions. d must stay valid. */
int blkdev_register(struct blkdev *d);
/* The device called name ("vda1"), or NULL. */
struct blkdev *blkdev_find(const char *name);
void blkdev_foreach(void (*visit)(struct blkdev *d, void *arg), void *arg);

/* Sector I/O, bounds-checked against the device (-EIO past its end); partitions are offset. */
int blkdev_read(struct blkdev *d, uint64_t lba, void *buf, size_t count);
int blkdev_write(struct blkdev *d, uint64_t lba, const void *buf, size_t count);
int blkdev_flush(struct blkdev *d);

/* --- block cache (core/bcache.c) --- */

struct bcache;

struct buf {
	uint64_t blockno;  /* in cache blocks (block_size bytes), from the device's start */
	uint8_t *data;     /* block_size bytes */
	/* the cache's bookkeeping */
	unsigned refs;
	int dirty;
	struct buf *lru_prev, *lru_next, *hash_next;
};

/*
 * A cache of up to nblocks blocks of block_size bytes (a multiple of the
 * sector size) over d. Several caches may share a device if they cover
 * different blocks (e.g. a filesystem's metadata and its data).
 */
struct bcache *bcache_new(struct blkdev *d, size_t block_size, size_t nblocks);
void bcache_free(struct bcache *c); /* after bsync; no buffer may be held */

/* The block, read from the device unless cached; hold it until brelse. */
int bread(struct bcache *c, uint64_t blockno, struct buf **out);
/* The block without reading it (the caller overwrites all of it). */
int bget(struct bcache *c, uint64_t blockno, struct buf **out);
void bdirty(struct buf *b);
void brelse(struct bcache *c, struct buf *b);
/* Writes every dirty block in ascending block order, then flushes the device. */
int bsync(struct bcache *c);
/* Drops a cached block (clean or dirty) that no longer matters (a freed cluster). */
void bforget(struct bcache *c, uint64_t blockno);

#endif
