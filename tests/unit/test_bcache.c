/*
 * The block cache (core/bcache.c) and block layer (core/blkdev.c) on the
 * host, over a fake disk in memory that records every request: hits and
 * misses, LRU eviction, write-back under pressure, coalesced bsync in block
 * order, growing when every block is held, read-ahead, I/O errors, and
 * partitions offset onto their disk. Locks and logging are faked (one thread).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yolk/blkdev.h>
#include <yolk/console.h>
#include "check.h"

#define SECTORS 8192
static uint8_t media[SECTORS][512];
static int reads, writes, flushes, fail_from = -1, fail_to = -1;
static uint64_t last_write_lba, last_write_count, write_lbas[64];

int kmutex_lock(struct kmutex *m, uint64_t deadline)
{
	(void)m, (void)deadline;
	return 0;
}
int kmutex_unlock(struct kmutex *m)
{
	(void)m;
	return 0;
}
void klog(int level, const char *fmt, ...)
{
	(void)level, (void)fmt;
}

static int failing(uint64_t lba, size_t count)
{
	return (int64_t)lba <= fail_to && (int64_t)(lba + count) > fail_from;
}

static int io(int write, uint64_t lba, const struct blkdev_iov *iov, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += iov[i].len / 512;
	if (lba + count > SECTORS)
		return -EIO; /* blkdev.c must never let this happen */
	if (write) {
		if (writes < 64)
			write_lbas[writes] = lba;
		writes++, last_write_lba = lba, last_write_count = count;
	} else {
		reads++;
	}
	if (failing(lba, count))
		return -EIO;
	for (size_t i = 0, s = lba; i < n; s += iov[i].len / 512, i++)
		write ? memcpy(media[s], iov[i].base, iov[i].len) : memcpy(iov[i].base, media[s], iov[i].len);
	return 0;
}

static int fake_readv(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n)
{
	(void)d;
	return io(0, lba, iov, n);
}
static int fake_writev(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n)
{
	(void)d;
	return io(1, lba, iov, n);
}
static int fake_read(struct blkdev *d, uint64_t lba, void *buf, size_t count)
{
	struct blkdev_iov v = {buf, count * 512};
	return fake_readv(d, lba, &v, 1);
}
static int fake_write(struct blkdev *d, uint64_t lba, const void *buf, size_t count)
{
	struct blkdev_iov v = {(void *)buf, count * 512};
	return fake_writev(d, lba, &v, 1);
}
static int fake_flush(struct blkdev *d)
{
	(void)d;
	flushes++;
	return 0;
}

static const struct blkdev_ops ops = {fake_read, fake_write, fake_flush, fake_readv, fake_writev};
static const struct blkdev_ops plain_ops = {fake_read, fake_write, fake_flush, NULL, NULL};
static struct blkdev disk = {.name = "fake", .ops = &ops, .sector_size = 512, .sectors = SECTORS};

static void reset_counts(void)
{
	reads = writes = flushes = 0;
}

static void test_hits_and_lru(struct blkdev *d)
{
	struct bcache *c = bcache_new(d, 1024, 4);
	struct buf *b;
	memset(media[20], 0xab, 512);
	reset_counts();
	CHECK(bread(c, 10, &b) == 0 && b->data[0] == 0xab && b->blockno == 10);
	brelse(c, b);
	CHECK(bread(c, 10, &b) == 0 && reads == 1); /* a hit */
	brelse(c, b);
	for (uint64_t n = 11; n <= 13; n++) {
		CHECK(bread(c, n, &b) == 0);
		brelse(c, b);
	}
	CHECK(reads == 4);
	CHECK(bread(c, 14, &b) == 0 && reads == 5); /* full: evicts block 10, the least recently used */
	brelse(c, b);
	CHECK(bread(c, 13, &b) == 0 && reads == 5);
	brelse(c, b);
	CHECK(bread(c, 10, &b) == 0 && reads == 6);
	brelse(c, b);
	bcache_free(c);
	CHECK(bcache_new(d, 1000, 4) == NULL); /* not a whole number of sectors */
}

static void dirty_block(struct bcache *c, uint64_t n, uint8_t v)
{
	struct buf *b;
	CHECK(bget(c, n, &b) == 0);
	if (b) {
		memset(b->data, v, 1024);
		bdirty(b);
		brelse(c, b);
	}
}

static void test_bsync_coalesces(struct blkdev *d)
{
	struct bcache *c = bcache_new(d, 1024, 16);
	reset_counts();
	uint64_t order[] = {11, 6, 5, 10, 7, 20};
	for (int i = 0; i < 6; i++)
		dirty_block(c, order[i], (uint8_t)order[i]);
	CHECK(writes == 0 && reads == 0); /* bget reads nothing; nothing written yet */
	CHECK(bsync(c) == 0);
	/* runs 5-7, 10-11, 20: three requests, ascending, each in 2-sector blocks */
	CHECK(writes == 3 && flushes == 1);
	CHECK(write_lbas[0] == 10 && write_lbas[1] == 20 && write_lbas[2] == 40);
	CHECK(media[10][0] == 5 && media[15][511] == 7 && media[21][0] == 10 && media[41][0] == 20);
	CHECK(bsync(c) == 0 && writes == 3); /* all clean now */
	bcache_free(c);
}

static void test_pressure(struct blkdev *d)
{
	struct bcache *c = bcache_new(d, 1024, 4);
	struct buf *b, *held[6];
	reset_counts();
	for (uint64_t n = 100; n < 104; n++)
		dirty_block(c, n, 0x5a);
	CHECK(bread(c, 200, &b) == 0); /* only dirty blocks to evict: all written back first, as one run */
	CHECK(writes == 1 && last_write_lba == 200 && last_write_count == 8 && media[207][511] == 0x5a);
	CHECK(flushes == 0);
	brelse(c, b);
	for (int i = 0; i < 6; i++) /* more held than nblocks: grows rather than deadlocks */
		CHECK(bread(c, 300 + (uint64_t)i, &held[i]) == 0 && held[i] != NULL);
	for (int i = 0; i < 6; i++)
		if (held[i])
			brelse(c, held[i]);
	bcache_free(c);
}

static void test_errors(struct blkdev *d)
{
	struct bcache *c = bcache_new(d, 1024, 8);
	struct buf *b = (struct buf *)1;
	memset(media[14], 0x77, 512);
	fail_from = 14, fail_to = 15;
	CHECK(bread(c, 7, &b) == -EIO && b == NULL);
	fail_from = fail_to = -1;
	CHECK(bread(c, 7, &b) == 0 && b->data[0] == 0x77); /* nothing half-read was kept */
	brelse(c, b);
	CHECK(bread(c, SECTORS / 2, &b) == -EIO); /* past the device's end */
	dirty_block(c, 30, 0x31);
	fail_from = 60, fail_to = 61;
	reset_counts();
	CHECK(bsync(c) == -EIO);
	fail_from = fail_to = -1;
	CHECK(bsync(c) == 0 && writes == 2 && media[60][0] == 0x31); /* it stayed dirty */
	dirty_block(c, 31, 0x32);
	bforget(c, 31); /* freed: never written */
	CHECK(bsync(c) == 0 && writes == 2);
	CHECK(bget(c, 32, &b) == 0);
	memset(b->data, 0xee, 1024); /* released without bdirty: must not stay cached */
	brelse(c, b);
	memset(media[64], 0x12, 512);
	CHECK(bread(c, 32, &b) == 0 && b->data[0] == 0x12);
	brelse(c, b);
	bcache_free(c);
}

static void test_readahead(struct blkdev *d)
{
	struct bcache *c = bcache_new(d, 1024, 16);
	struct buf *b;
	CHECK(bread(c, 503, &b) == 0);
	brelse(c, b);
	bcache_set_readahead(c, 4);
	reset_counts();
	CHECK(bread(c, 500, &b) == 0 && reads == 1); /* 500-502: read-ahead stops at the cached 503 */
	brelse(c, b);
	for (uint64_t n = 501; n <= 503; n++) {
		CHECK(bread(c, n, &b) == 0);
		brelse(c, b);
	}
	CHECK(reads == 1);
	CHECK(bread(c, 504, &b) == 0 && reads == 2);
	brelse(c, b);
	for (uint64_t n = 505; n <= 508; n++) {
		CHECK(bread(c, n, &b) == 0 && b->blockno == n);
		brelse(c, b);
	}
	CHECK(reads == 2);
	CHECK(bread(c, SECTORS / 2 - 1, &b) == 0); /* the last block: read-ahead stops at the end */
	brelse(c, b);
	bcache_free(c);
}

static void test_blkdev(void)
{
	uint8_t sec[1024];
	memset(media, 0, sizeof(media));
	media[0][446 + 4] = 0x83; /* one partition: sectors 1000-1999 */
	media[0][446 + 8] = 1000 & 0xff, media[0][446 + 9] = 1000 >> 8;
	media[0][446 + 12] = 1000 & 0xff, media[0][446 + 13] = 1000 >> 8;
	media[0][510] = 0x55, media[0][511] = 0xaa;
	CHECK(blkdev_register(&disk) == 0);
	CHECK(blkdev_register(&disk) == -EEXIST);
	struct blkdev *p = blkdev_find("fake1");
	CHECK(p && p->disk == &disk && p->start == 1000 && p->sectors == 1000 &&
	      blkdev_find("fake2") == NULL);
	if (p == NULL)
		return;
	memset(sec, 0x44, 512);
	CHECK(blkdev_write(p, 5, sec, 1) == 0 && media[1005][0] == 0x44);
	CHECK(blkdev_read(p, 999, sec, 1) == 0 && blkdev_read(p, 999, sec, 2) == -EIO);
	CHECK(blkdev_read(p, 1000, sec, 1) == -EIO && blkdev_read(&disk, SECTORS, sec, 1) == -EIO);
	CHECK(blkdev_read(p, 0, NULL, 1) == -EINVAL);
	struct blkdev_iov odd = {sec, 100};
	CHECK(blkdev_readv(p, 0, &odd, 1) == -EINVAL);
	/* A cache on the partition: its blocks count from the partition's start. */
	struct bcache *c = bcache_new(p, 1024, 4);
	dirty_block(c, 3, 0x66);
	CHECK(bsync(c) == 0 && media[1006][0] == 0x66 && media[1007][511] == 0x66);
	bcache_free(c);
	/* A driver without vectored ops: core splits the run into one request per block. */
	static struct blkdev plain = {
	    .name = "plain", .ops = &plain_ops, .sector_size = 512, .sectors = SECTORS};
	CHECK(blkdev_register(&plain) == 0);
	c = bcache_new(&plain, 1024, 4);
	reset_counts();
	dirty_block(c, 1, 1);
	dirty_block(c, 2, 2);
	CHECK(bsync(c) == 0 && writes == 2 && media[2][0] == 1 && media[4][0] == 2);
	bcache_free(c);
}

/* bsync on a cache that never held a block: nothing to sort, nothing written (was qsort(NULL, 0)). */
static void test_bsync_empty(struct blkdev *d)
{
	struct bcache *c = bcache_new(d, 1024, 4);
	reset_counts();
	CHECK(bsync(c) == 0 && writes == 0 && flushes == 1);
	bcache_free(c);
}

int main(void)
{
	test_blkdev();
	test_bsync_empty(&disk);
	test_hits_and_lru(&disk);
	test_bsync_coalesces(&disk);
	test_pressure(&disk);
	test_errors(&disk);
	test_readahead(&disk);
	return check_report();
}
