/*
 * ktest blk STEP...: block devices, for tests/storage_test.py, which made
 * the disk images and checks every number printed here against them.
 *   list                         every device: name, size, partition placement
 *   sum DEV LBA COUNT            FNV-1a 64 of the sectors (read into an unaligned heap buffer)
 *   write DEV LBA COUNT SEED     a pseudo-random pattern, then flush
 *   bounds DEV                   past-the-end and misaligned requests fail as documented
 *   threads DEV N ROUNDS         N threads reading 1 MiB regions at once, from stack buffers
 *   cache DEV BLOCK              the block cache: write-back under pressure, bsync, read-ahead
 *   bench DEV MIB                MB/s: sequential reads (64 KiB requests; 4 KiB cache blocks
 *                                with read-ahead), and bsync of the disk's last 2 MiB (overwritten)
 *   irq                          how each virtio PCI function interrupts
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/blkdev.h>
#include <yolk/pci.h>
#include "ktest.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

/* The host's tests/storage_test.py makes the same bytes. */
static void pattern(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static void show(struct blkdev *d, void *arg)
{
	(void)arg;
	printf("blkdev %s sectors=%llu sector_size=%u", d->name, (unsigned long long)d->sectors,
	       d->sector_size);
	if (d->disk)
		printf(" disk=%s start=%llu", d->disk->name, (unsigned long long)d->start);
	printf("\n");
}

static struct blkdev *dev(const char *name)
{
	struct blkdev *d = blkdev_find(name);
	if (d == NULL)
		printf("blk: no device %s\n", name);
	return d;
}

static int step_sum(struct blkdev *d, uint64_t lba, size_t count)
{
	uint8_t *mem = malloc(count * d->sector_size + 100);
	int r = mem ? blkdev_read(d, lba, mem + 100, count) : -ENOMEM;
	if (r == 0)
		printf("sum %s %llu %zu %016llx\n", d->name, (unsigned long long)lba, count,
		       (unsigned long long)fnv(FNV_OFFSET, mem + 100, count * d->sector_size));
	else
		printf("sum %s %llu %zu error %d\n", d->name, (unsigned long long)lba, count, r);
	free(mem);
	return r;
}

static int step_write(struct blkdev *d, uint64_t lba, size_t count, uint32_t seed)
{
	uint8_t *mem = malloc(count * d->sector_size);
	if (mem == NULL)
		return -ENOMEM;
	pattern(mem, count * d->sector_size, seed);
	int r = blkdev_write(d, lba, mem, count);
	int f = r ? 0 : blkdev_flush(d);
	printf("write %s %llu %zu seed=%u r=%d flush=%d\n", d->name, (unsigned long long)lba, count, seed, r,
	       f);
	free(mem);
	return r ? r : f;
}

static int step_bounds(struct blkdev *d)
{
	uint8_t sec[8192];
	struct blkdev_iov odd = {sec, 100};
	int end = blkdev_read(d, d->sectors - 1, sec, 1), past = blkdev_read(d, d->sectors, sec, 1);
	int over = blkdev_read(d, d->sectors - 1, sec, 2), wrap = blkdev_read(d, UINT64_MAX, sec, 2);
	int misaligned = blkdev_readv(d, 0, &odd, 1), null = blkdev_read(d, 0, NULL, 1);
	printf("bounds %s last=%d past=%d straddle=%d wrap=%d misaligned=%d null=%d\n", d->name, end, past,
	       over, wrap, misaligned, null);
	return 0;
}

struct reader {
	struct blkdev *d;
	int index, rounds, consistent, err;
	uint64_t lba, count, sum;
	pthread_t thread;
};

/* Reads its 1 MiB region `rounds` times into a stack buffer; every round must agree. */
static void *reader(void *arg)
{
	struct reader *r = arg;
	uint8_t buf[16384];
	size_t per = sizeof(buf) / r->d->sector_size;
	r->consistent = 1;
	for (int round = 0; round < r->rounds && !r->err; round++) {
		uint64_t h = FNV_OFFSET;
		for (uint64_t s = 0; s < r->count && !r->err; s += per) {
			r->err = blkdev_read(r->d, r->lba + s, buf, per);
			h = fnv(h, buf, sizeof(buf));
		}
		if (round == 0)
			r->sum = h;
		else if (h != r->sum)
			r->consistent = 0;
	}
	return NULL;
}

static int step_threads(struct blkdev *d, int n, int rounds)
{
	struct reader rs[8];
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	n = n > 8 ? 8 : n;
	uint64_t t0 = ktest_ns();
	for (int i = 0; i < n; i++) {
		rs[i] = (struct reader){.d = d, .index = i, .rounds = rounds};
		rs[i].count = (1u << 20) / d->sector_size;
		rs[i].lba = (uint64_t)i * rs[i].count;
		pthread_create(&rs[i].thread, &a, reader, &rs[i]);
	}
	for (int i = 0; i < n; i++)
		pthread_join(rs[i].thread, NULL);
	uint64_t ms = (ktest_ns() - t0) / 1000000;
	for (int i = 0; i < n; i++)
		printf("thread %d %s %llu %llu %016llx consistent=%d err=%d\n", i, d->name,
		       (unsigned long long)rs[i].lba, (unsigned long long)rs[i].count,
		       (unsigned long long)rs[i].sum, rs[i].consistent, rs[i].err);
	printf("threads %d rounds=%d ms=%llu\n", n, rounds, (unsigned long long)ms);
	return 0;
}

/* Writes 64 blocks through an 8-block cache (eviction writes back), holds more than 8, syncs. */
static int cache_write(struct blkdev *d, uint64_t first, int *grown)
{
	struct bcache *c = bcache_new(d, 4096, 8);
	struct buf *held[12];
	int r = c ? 0 : -ENOMEM;
	for (int i = 0; i < 64 && r == 0; i++) {
		struct buf *b;
		if ((r = bget(c, first + (uint64_t)i, &b)) == 0) {
			pattern(b->data, 4096, 1000u + (uint32_t)i);
			bdirty(b);
			brelse(c, b);
		}
	}
	int nheld = 0;
	for (int i = 0; i < 12 && r == 0; i++) /* all held at once: the cache must grow, not block */
		if ((r = bread(c, first + (uint64_t)i, &held[i])) == 0)
			nheld++;
	*grown = nheld == 12;
	for (int i = 0; i < nheld; i++)
		brelse(c, held[i]);
	if (r == 0)
		r = bsync(c);
	bcache_free(c);
	return r;
}

/* Reads the 64 blocks back through a fresh cache with read-ahead; counts wrong ones. */
static int cache_read(struct blkdev *d, uint64_t first, int *bad, int *past_end)
{
	struct bcache *c = bcache_new(d, 4096, 16);
	uint8_t want[4096];
	int r = c ? 0 : -ENOMEM;
	bcache_set_readahead(c, 8);
	*bad = 0;
	for (int i = 0; i < 64 && r == 0; i++) {
		struct buf *b;
		if ((r = bread(c, first + (uint64_t)i, &b)) == 0) {
			pattern(want, sizeof(want), 1000u + (uint32_t)i);
			*bad += memcmp(b->data, want, sizeof(want)) != 0;
			brelse(c, b);
		}
	}
	struct buf *b;
	*past_end = bread(c, d->sectors / 8, &b);
	if (r == 0 && (r = bread(c, first, &b)) == 0) /* still usable after the error */
		brelse(c, b);
	bcache_free(c);
	return r;
}

static int step_cache(struct blkdev *d, uint64_t first)
{
	int grown = 0, bad = -1, past_end = 0;
	int w = cache_write(d, first, &grown);
	int r = w ? w : cache_read(d, first, &bad, &past_end);
	printf("cache %s %llu r=%d grown=%d bad=%d past_end=%d\n", d->name, (unsigned long long)first, r,
	       grown, bad, past_end);
	return r;
}

static uint64_t mbps(uint64_t bytes, uint64_t ns) { return bytes * 1000 / (ns + 1); }

/* Sequential reads of mib MiB from the start (wrapping round a smaller disk), 64 KiB per request. */
static int bench_read(struct blkdev *d, unsigned mib)
{
	size_t chunk = 65536 / d->sector_size, total = (size_t)mib * (1u << 20) / d->sector_size;
	uint8_t *buf = malloc(65536);
	int r = buf ? 0 : -ENOMEM;
	uint64_t t0 = ktest_ns();
	for (size_t s = 0; s < total && r == 0; s += chunk)
		r = blkdev_read(d, s % (d->sectors - d->sectors % chunk), buf, chunk);
	uint64_t ns = ktest_ns() - t0;
	free(buf);
	printf("bench %s read_64k MiB=%u ms=%llu MBps=%llu r=%d\n", d->name, mib,
	       (unsigned long long)(ns / 1000000), (unsigned long long)mbps((uint64_t)mib << 20, ns), r);
	return r;
}

/* The same through the block cache: 4 KiB blocks, 16 read ahead. */
static int bench_cache_read(struct blkdev *d, unsigned mib)
{
	struct bcache *c = bcache_new(d, 4096, 256);
	uint64_t blocks = (uint64_t)mib << 8, dev_blocks = d->sectors * d->sector_size / 4096, t0 = ktest_ns();
	int r = c ? 0 : -ENOMEM;
	bcache_set_readahead(c, 16);
	for (uint64_t i = 0; i < blocks && r == 0; i++) {
		struct buf *b;
		if ((r = bread(c, i % dev_blocks, &b)) == 0)
			brelse(c, b);
	}
	uint64_t ns = ktest_ns() - t0;
	bcache_free(c);
	printf("bench %s cache_read_4k_ra16 MiB=%u MBps=%llu r=%d\n", d->name, mib,
	       (unsigned long long)mbps((uint64_t)mib << 20, ns), r);
	return r;
}

/* Dirties the last 2 MiB of the disk in 4 KiB blocks, then bsync writes them coalesced. */
static int bench_cache_write(struct blkdev *d)
{
	uint64_t nblocks = 512, first = d->sectors * d->sector_size / 4096 - nblocks, t0 = ktest_ns();
	struct bcache *c = bcache_new(d, 4096, nblocks);
	int r = c ? 0 : -ENOMEM;
	for (uint64_t i = 0; i < nblocks && r == 0; i++) {
		struct buf *b;
		if ((r = bget(c, first + i, &b)) == 0) {
			memset(b->data, (int)i, 4096);
			bdirty(b);
			brelse(c, b);
		}
	}
	if (r == 0)
		r = bsync(c);
	uint64_t ns = ktest_ns() - t0;
	bcache_free(c);
	printf("bench %s cache_write_4k_bsync MiB=2 MBps=%llu r=%d\n", d->name,
	       (unsigned long long)mbps(nblocks * 4096, ns), r);
	return r;
}

static int step_bench(struct blkdev *d, unsigned mib)
{
	int r = bench_read(d, mib);
	if (r == 0)
		r = bench_cache_read(d, mib);
	return r ? r : bench_cache_write(d);
}

static void show_irq(const struct pci_dev *d, void *arg)
{
	(void)arg;
	if (d->vendor != 0x1af4)
		return;
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	int msix = cap ? pci_read16(d, cap + 2) >> 15 : 0, intx_off = (pci_read16(d, 0x04) >> 10) & 1;
	printf("irq %02x:%02x.%x %04x:%04x msix=%d intx_disabled=%d\n", d->bus, d->dev, d->fn, d->vendor,
	       d->device, msix, intx_off);
}

/* Runs one step at argv[0]; returns how many words it used, or -1 on a bad step. */
static int step(int argc, char **argv)
{
	struct blkdev *d = argc > 1 ? blkdev_find(argv[1]) : NULL;
	if (strcmp(argv[0], "list") == 0) {
		blkdev_foreach(show, NULL);
		return 1;
	}
	if (strcmp(argv[0], "irq") == 0) {
		pci_foreach(show_irq, NULL);
		return 1;
	}
	if (argc > 1 && d == NULL)
		return dev(argv[1]) ? -1 : -1;
	if (strcmp(argv[0], "sum") == 0 && argc > 3)
		return step_sum(d, strtoull(argv[2], NULL, 0), strtoul(argv[3], NULL, 0)), 4;
	if (strcmp(argv[0], "write") == 0 && argc > 4)
		return step_write(d, strtoull(argv[2], NULL, 0), strtoul(argv[3], NULL, 0),
		                  (uint32_t)strtoul(argv[4], NULL, 0)),
		       5;
	if (strcmp(argv[0], "bounds") == 0 && argc > 1)
		return step_bounds(d), 2;
	if (strcmp(argv[0], "threads") == 0 && argc > 3)
		return step_threads(d, atoi(argv[2]), atoi(argv[3])), 4;
	if (strcmp(argv[0], "cache") == 0 && argc > 2)
		return step_cache(d, strtoull(argv[2], NULL, 0)), 3;
	if (strcmp(argv[0], "bench") == 0 && argc > 2)
		return step_bench(d, (unsigned)atoi(argv[2])), 3;
	printf("blk: bad step %s\n", argv[0]);
	return -1;
}

int ktest_blk(int argc, char **argv)
{
	for (int i = 2; i < argc;) {
		int used = step(argc - i, argv + i);
		if (used < 0)
			return 1;
		i += used;
	}
	printf("blk done\n");
	return 0;
}
