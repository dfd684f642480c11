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

/* One piece of a vectored request: len bytes, a multiple of the sector size. */
struct blkdev_iov {
	void *base;
	size_t len;
};

struct blkdev_ops {
	/* count sectors at lba, for the whole disk; may sleep. Thread-safe. */
	int (*read)(struct blkdev *d, uint64_t lba, void *buf, size_t count);
	int (*write)(struct blkdev *d, uint64_t lba, const void *buf, size_t count);
	/* Data written so far is on stable storage once this returns. */
	int (*flush)(struct blkdev *d);
	/*
	 * Optional: consecutive sectors from lba into (out of) n buffers, as
	 * few device requests as the hardware allows (the cache's coalesced
	 * write-back and read-ahead). Without them core loops over read/write.
	 */
	int (*readv)(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n);
	int (*writev)(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n);
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

/*
 * Registers a disk and its partitions: an MBR's primaries as <disk>1..4,
 * logical ones in an extended partition as <disk>5.., or a GPT's entries as
 * <disk>N for entry N (a "p" goes between when the disk's name ends in a
 * digit). A sector 0 that is a FAT/exFAT/NTFS boot sector (a disk formatted
 * whole, no partition table) or whose table is invalid yields no partitions.
 * Each device is logged with its size. d must stay valid. 0, -EINVAL (bad
 * sector size or name), -EEXIST (name taken).
 */
int blkdev_register(struct blkdev *d);
/* The device called name ("vda1"), or NULL. */
struct blkdev *blkdev_find(const char *name);
/* In registration order; devices are never removed. */
void blkdev_foreach(void (*visit)(struct blkdev *d, void *arg), void *arg);

/*
 * Sector I/O, bounds-checked against the device (-EIO past its end);
 * partitions are offset onto their disk. -EINVAL for a NULL buffer or an
 * iov length that is not a multiple of the sector size. count 0 does nothing.
 */
int blkdev_read(struct blkdev *d, uint64_t lba, void *buf, size_t count);
int blkdev_write(struct blkdev *d, uint64_t lba, const void *buf, size_t count);
int blkdev_readv(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n);
int blkdev_writev(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n);
int blkdev_flush(struct blkdev *d); /* 0 if the driver has no flush (it writes through) */

/* --- block cache (core/bcache.c) --- */

struct bcache;

struct buf {
	uint64_t blockno;  /* in cache blocks (block_size bytes), from the device's start */
	uint8_t *data;     /* block_size bytes */
	/* the cache's bookkeeping */
	unsigned refs;
	int dirty;
	int valid; /* data holds the block (read, or bget then bdirty) */
	struct buf *lru_prev, *lru_next, *hash_next;
};

/*
 * A cache of up to nblocks blocks of block_size bytes (a multiple of the
 * sector size) over d. Several caches may share a device if they cover
 * different blocks (e.g. a filesystem's metadata and its data).
 */
struct bcache *bcache_new(struct blkdev *d, size_t block_size, size_t nblocks);
void bcache_free(struct bcache *c); /* after bsync; no buffer may be held */
/*
 * Read-ahead: a bread that misses also reads up to `blocks` following
 * blocks not yet cached, in the same device request (default 0; sequential
 * readers such as a file's data want 8-32).
 */
void bcache_set_readahead(struct bcache *c, unsigned blocks);

/*
 * The block, read from the device unless cached; hold it until brelse.
 * Errors: the device's (-EIO, also past its end; nothing stays cached), or
 * -ENOMEM. When the cache is full it reuses the least recently used clean
 * block nobody holds; if only dirty ones are left it first writes back all
 * dirty blocks (as bsync does, without the flush); if every block is held
 * it grows past nblocks rather than wait.
 */
int bread(struct bcache *c, uint64_t blockno, struct buf **out);
/*
 * The block without reading it, for a block the caller owns and overwrites
 * whole (call bdirty); released without bdirty, it is dropped from the cache.
 */
int bget(struct bcache *c, uint64_t blockno, struct buf **out);
void bdirty(struct buf *b);
void brelse(struct bcache *c, struct buf *b);
/*
 * Writes every dirty block in ascending block order, runs of adjacent
 * blocks as one device request, then flushes the device. -EIO if a write
 * failed (those blocks stay dirty).
 */
int bsync(struct bcache *c);
/* Drops a cached block (clean or dirty) that no longer matters (a freed cluster). */
void bforget(struct bcache *c, uint64_t blockno);

#endif
