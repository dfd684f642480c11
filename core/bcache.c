/*
 * The block cache: blocks of a device in a hash table, every buffer on one
 * LRU list (most recently released first). A miss takes a never-used
 * buffer while fewer than nblocks exist, else the least recently used
 * clean one nobody holds; when only dirty ones are left, every dirty block
 * is written back first (in block order, runs of neighbours as one request)
 * and then one is evicted. When every buffer is held the cache grows past
 * nblocks rather than deadlock. One mutex covers the cache and is held
 * across device I/O, so requests through one cache are serialized (caches
 * are per filesystem, and the device queue is the bottleneck anyway).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/blkdev.h>
#include <yolk/console.h>

#define NO_BLOCK UINT64_MAX
#define MAX_RUN 256 /* blocks per coalesced request */

struct bcache {
	struct blkdev *dev;
	size_t block_size, nblocks, nbufs, nhash;
	uint32_t spb; /* sectors per block */
	unsigned readahead;
	struct kmutex lock;
	struct buf lru; /* sentinel: lru.lru_next is the most recently used */
	struct buf **hash;
	struct buf **dirty; /* scratch for write-back, nbufs entries */
	struct blkdev_iov *iov;
};

static struct buf **slot(struct bcache *c, uint64_t blockno)
{
	return &c->hash[(blockno * 0x9e3779b97f4a7c15ull >> 32) & (c->nhash - 1)];
}

static struct buf *lookup(struct bcache *c, uint64_t blockno)
{
	struct buf *b = *slot(c, blockno);
	while (b && b->blockno != blockno)
		b = b->hash_next;
	return b;
}

static void unhash(struct bcache *c, struct buf *b)
{
	struct buf **p = slot(c, b->blockno);
	while (*p != b)
		p = &(*p)->hash_next;
	*p = b->hash_next;
	b->blockno = NO_BLOCK;
	b->valid = b->dirty = 0;
}

static void rehash(struct bcache *c, struct buf *b, uint64_t blockno)
{
	if (b->blockno != NO_BLOCK)
		unhash(c, b);
	b->blockno = blockno;
	b->hash_next = *slot(c, blockno);
	*slot(c, blockno) = b;
}

static void lru_remove(struct buf *b)
{
	b->lru_prev->lru_next = b->lru_next;
	b->lru_next->lru_prev = b->lru_prev;
}

/* To the front (most recent), or with at_tail to the back (first to go). */
static void lru_insert(struct bcache *c, struct buf *b, int at_tail)
{
	struct buf *after = at_tail ? c->lru.lru_prev : &c->lru;
	b->lru_prev = after;
	b->lru_next = after->lru_next;
	after->lru_next->lru_prev = b;
	after->lru_next = b;
}

struct bcache *bcache_new(struct blkdev *d, size_t block_size, size_t nblocks)
{
	if (d == NULL || block_size == 0 || block_size % d->sector_size || nblocks == 0)
		return NULL;
	struct bcache *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->dev = d;
	c->block_size = block_size;
	c->nblocks = nblocks;
	c->spb = (uint32_t)(block_size / d->sector_size);
	c->lock = (struct kmutex)KMUTEX_INIT;
	c->lru.lru_next = c->lru.lru_prev = &c->lru;
	for (c->nhash = 16; c->nhash < nblocks; c->nhash *= 2)
		;
	c->hash = calloc(c->nhash, sizeof(*c->hash));
	if (c->hash == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void bcache_set_readahead(struct bcache *c, unsigned blocks)
{
	c->readahead = blocks;
}

void bcache_free(struct bcache *c)
{
	if (c == NULL)
		return;
	for (struct buf *b = c->lru.lru_next, *next; b != &c->lru; b = next) {
		next = b->lru_next;
		if (b->refs || b->dirty)
			klog(KLOG_WARN, "bcache %s: freed with block %llu %s\n", c->dev->name,
			     (unsigned long long)b->blockno, b->refs ? "still held" : "dirty (not synced)");
		free(b->data);
		free(b);
	}
	free(c->hash);
	free(c->dirty);
	free(c->iov);
	free(c);
}

/* A new buffer; the scratch arrays grow along so write-back never allocates. */
static struct buf *grow(struct bcache *c)
{
	struct buf **dirty = realloc(c->dirty, (c->nbufs + 1) * sizeof(*dirty));
	if (dirty)
		c->dirty = dirty;
	struct blkdev_iov *iov = realloc(c->iov, (c->nbufs + 1) * sizeof(*iov));
	if (iov)
		c->iov = iov;
	struct buf *b = calloc(1, sizeof(*b));
	uint8_t *data = malloc(c->block_size);
	if (!dirty || !iov || !b || !data) {
		free(b);
		free(data);
		return NULL;
	}
	b->data = data;
	b->blockno = NO_BLOCK;
	c->nbufs++;
	lru_insert(c, b, 1);
	return b;
}

static int by_blockno(const void *a, const void *b)
{
	uint64_t x = (*(struct buf *const *)a)->blockno, y = (*(struct buf *const *)b)->blockno;
	return x < y ? -1 : x > y;
}

/* Writes bufs[0..n) (consecutive blocks) as one request; on failure they stay dirty. */
static int write_run(struct bcache *c, struct buf **bufs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		c->iov[i] = (struct blkdev_iov){bufs[i]->data, c->block_size};
		__atomic_store_n(&bufs[i]->dirty, 0,
		                 __ATOMIC_RELAXED); /* a bdirty() meanwhile marks it again */
	}
	int r = blkdev_writev(c->dev, bufs[0]->blockno * c->spb, c->iov, n);
	for (size_t i = 0; r && i < n; i++)
		bufs[i]->dirty = 1;
	return r;
}

/* Every dirty block, in ascending order, neighbours coalesced. Lock held. -EIO if any write failed. */
static int writeback(struct bcache *c)
{
	size_t n = 0;
	int err = 0;
	for (struct buf *b = c->lru.lru_next; b != &c->lru; b = b->lru_next)
		if (b->dirty)
			c->dirty[n++] = b;
	if (n == 0)
		return 0; /* c->dirty is NULL until a buffer exists, and qsort's base must not be */
	qsort(c->dirty, n, sizeof(*c->dirty), by_blockno);
	for (size_t i = 0, run; i < n; i += run) {
		for (run = 1;
		     i + run < n && run < MAX_RUN && c->dirty[i + run]->blockno == c->dirty[i]->blockno + run;
		     run++)
			;
		if (write_run(c, c->dirty + i, run))
			err = -EIO;
	}
	return err;
}

/* The least recently used buffer nobody holds and nothing needs written: never-used ones first. */
static struct buf *find_clean(struct bcache *c)
{
	for (struct buf *b = c->lru.lru_prev; b != &c->lru; b = b->lru_prev)
		if (b->refs == 0 && !b->dirty)
			return b;
	return NULL;
}

/* A buffer to reuse for another block (still hashed under its old one); NULL with *err on failure. */
static struct buf *take_buf(struct bcache *c, int may_write, int *err)
{
	struct buf *b = NULL;
	*err = 0;
	if (c->nbufs < c->nblocks && (b = grow(c)) != NULL)
		return b;
	if ((b = find_clean(c)) != NULL || !may_write)
		return b;
	for (struct buf *d = c->lru.lru_next; d != &c->lru; d = d->lru_next)
		if (d->refs == 0 && d->dirty) {
			if ((*err = writeback(c)) != 0)
				return NULL;
			break;
		}
	if ((b = find_clean(c)) == NULL && (b = grow(c)) == NULL)
		*err = -ENOMEM; /* all held: past nblocks */
	return b;
}

/* Pins up to readahead uncached blocks after b's for the same request; returns how many, with b first. */
static size_t gather_readahead(struct bcache *c, struct buf *b, struct buf **ra, size_t max)
{
	uint64_t dev_blocks = c->dev->sectors / c->spb;
	size_t n = 1;
	int err;
	ra[0] = b;
	for (; n <= c->readahead && n < max; n++) {
		uint64_t next = b->blockno + n;
		struct buf *x;
		if (next >= dev_blocks || lookup(c, next) || (x = take_buf(c, 0, &err)) == NULL)
			break;
		rehash(c, x, next);
		x->refs = 1; /* so the next take_buf passes it by */
		ra[n] = x;
	}
	return n;
}

/*
 * Reads b's block, with the blocks after it that read-ahead asks for in
 * the same request (they end up cached, unheld, recently used). If that
 * request fails, b alone is tried again.
 */
static int fill(struct bcache *c, struct buf *b)
{
	struct buf *ra[MAX_RUN];
	size_t n = gather_readahead(c, b, ra, MAX_RUN);
	for (size_t i = 0; i < n; i++)
		c->iov[i] = (struct blkdev_iov){ra[i]->data, c->block_size};
	int r = blkdev_readv(c->dev, b->blockno * c->spb, c->iov, n);
	for (size_t i = 1; i < n; i++) {
		ra[i]->refs = 0;
		lru_remove(ra[i]);
		if (r) {
			unhash(c, ra[i]);
			lru_insert(c, ra[i], 1);
		} else {
			ra[i]->valid = 1;
			lru_insert(c, ra[i], 0);
		}
	}
	if (r && n > 1)
		r = blkdev_read(c->dev, b->blockno * c->spb, b->data, c->spb);
	b->valid = r == 0;
	return r;
}

int bread(struct bcache *c, uint64_t blockno, struct buf **out)
{
	int r = 0;
	*out = NULL;
	kmutex_lock(&c->lock, WAIT_FOREVER);
	struct buf *b = lookup(c, blockno);
	if (b == NULL && (b = take_buf(c, 1, &r)) != NULL)
		rehash(c, b, blockno);
	if (b) {
		b->refs++;
		if (!b->valid && !b->dirty && (r = fill(c, b)) != 0 && --b->refs == 0) {
			unhash(c, b); /* nothing half-read stays cached */
			lru_remove(b);
			lru_insert(c, b, 1);
		}
	}
	kmutex_unlock(&c->lock);
	if (r == 0)
		*out = b;
	return r;
}

int bget(struct bcache *c, uint64_t blockno, struct buf **out)
{
	int r = 0;
	*out = NULL;
	kmutex_lock(&c->lock, WAIT_FOREVER);
	struct buf *b = lookup(c, blockno);
	if (b == NULL && (b = take_buf(c, 1, &r)) != NULL)
		rehash(c, b, blockno);
	if (b)
		b->refs++;
	kmutex_unlock(&c->lock);
	*out = b;
	return r;
}

void bdirty(struct buf *b)
{
	b->valid = 1;
	__atomic_store_n(&b->dirty, 1, __ATOMIC_RELAXED);
}

void brelse(struct bcache *c, struct buf *b)
{
	kmutex_lock(&c->lock, WAIT_FOREVER);
	if (b->refs && --b->refs == 0) {
		lru_remove(b);
		if (!b->valid && !b->dirty && b->blockno != NO_BLOCK)
			unhash(c, b); /* from bget, never filled: its data means nothing */
		lru_insert(c, b, b->blockno == NO_BLOCK);
	}
	kmutex_unlock(&c->lock);
}

int bsync(struct bcache *c)
{
	kmutex_lock(&c->lock, WAIT_FOREVER);
	int r = writeback(c);
	kmutex_unlock(&c->lock);
	int f = blkdev_flush(c->dev);
	return r ? r : f;
}

void bforget(struct bcache *c, uint64_t blockno)
{
	kmutex_lock(&c->lock, WAIT_FOREVER);
	struct buf *b = lookup(c, blockno);
	if (b && b->refs == 0) {
		unhash(c, b);
		lru_remove(b);
		lru_insert(c, b, 1);
	} else if (b) {
		b->dirty = b->valid = 0; /* held: dropped at its brelse unless dirtied again */
	}
	kmutex_unlock(&c->lock);
}
