/*
 * A small block cache for host tests with the API and semantics of
 * include/yolk/blkdev.h: at most nblocks buffers, least recently used
 * clean-or-dirty unheld buffer reused (dirty ones written first), bsync
 * writes dirty blocks in ascending order then flushes. Misuse (releasing
 * an unheld buffer, forgetting a held one, freeing with buffers held or
 * dirty) aborts, so the tests catch it.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/blkdev.h>

struct bcache {
	struct blkdev *dev;
	size_t bsize, nblocks, nbufs;
	struct buf **bufs; /* every buffer made; lru order is by `stamp` */
	unsigned long clock;
};

/* A buffer and when it was last used (bigger is more recent). */
struct fbuf {
	struct buf b;
	unsigned long stamp;
};
#define STAMP(bp) (((struct fbuf *)(bp))->stamp)

static int bc_dev_io(struct bcache *c, uint64_t blockno, uint8_t *data, int write)
{
	size_t k = c->bsize / c->dev->sector_size;
	return write ? blkdev_write(c->dev, blockno * k, data, k) : blkdev_read(c->dev, blockno * k, data, k);
}

struct bcache *bcache_new(struct blkdev *d, size_t block_size, size_t nblocks)
{
	struct bcache *c = calloc(1, sizeof(*c));
	const char *cap = getenv("FAT_CACHE_BLOCKS");
	if (!c || block_size % d->sector_size)
		return free(c), NULL;
	if (cap && (size_t)atol(cap) < nblocks)
		nblocks = (size_t)atol(cap);
	c->dev = d;
	c->bsize = block_size;
	c->nblocks = nblocks;
	c->bufs = calloc(nblocks, sizeof(*c->bufs));
	return c->bufs ? c : (free(c), NULL);
}

static struct buf *bc_find(struct bcache *c, uint64_t blockno)
{
	for (size_t i = 0; i < c->nbufs; i++)
		if (c->bufs[i]->blockno == blockno)
			return c->bufs[i];
	return NULL;
}

/* A buffer for a block not cached: a new one, or the least recently used unheld one. */
static int bc_slot(struct bcache *c, uint64_t blockno, struct buf **out)
{
	struct buf *b = NULL;
	if (c->nbufs < c->nblocks) {
		b = calloc(1, sizeof(struct fbuf));
		if (!b || !(b->data = malloc(c->bsize)))
			return free(b), -ENOMEM;
		c->bufs[c->nbufs++] = b;
	} else {
		for (size_t i = 0; i < c->nbufs; i++)
			if (!c->bufs[i]->refs && (!b || STAMP(c->bufs[i]) < STAMP(b)))
				b = c->bufs[i];
		if (!b)
			return -ENOMEM; /* every buffer is held */
		if (b->dirty) {
			int r = bc_dev_io(c, b->blockno, b->data, 1);
			if (r)
				return r;
			b->dirty = 0;
		}
	}
	b->blockno = blockno;
	b->refs = 0;
	b->dirty = 0;
	*out = b;
	return 0;
}

static int bc_get(struct bcache *c, uint64_t blockno, struct buf **out, int read)
{
	struct buf *b = bc_find(c, blockno);
	if (!b) {
		int r = bc_slot(c, blockno, &b);
		if (r)
			return r;
		if (read && (r = bc_dev_io(c, blockno, b->data, 0)) != 0) {
			b->blockno = UINT64_MAX; /* nothing valid in it */
			return r;
		}
	}
	b->refs++;
	STAMP(b) = ++c->clock;
	*out = b;
	return 0;
}

int bread(struct bcache *c, uint64_t blockno, struct buf **out)
{
	return bc_get(c, blockno, out, 1);
}

int bget(struct bcache *c, uint64_t blockno, struct buf **out)
{
	return bc_get(c, blockno, out, 0);
}

void bdirty(struct buf *b)
{
	assert(b->refs > 0);
	b->dirty = 1;
}

void brelse(struct bcache *c, struct buf *b)
{
	(void)c;
	assert(b->refs > 0);
	b->refs--;
}

static int bc_cmp(const void *a, const void *b)
{
	uint64_t x = (*(struct buf *const *)a)->blockno, y = (*(struct buf *const *)b)->blockno;
	return x < y ? -1 : x > y;
}

int bsync(struct bcache *c)
{
	qsort(c->bufs, c->nbufs, sizeof(*c->bufs), bc_cmp);
	for (size_t i = 0; i < c->nbufs; i++) {
		struct buf *b = c->bufs[i];
		if (b->dirty) {
			int r = bc_dev_io(c, b->blockno, b->data, 1);
			if (r)
				return r;
			b->dirty = 0;
		}
	}
	return blkdev_flush(c->dev);
}

void bforget(struct bcache *c, uint64_t blockno)
{
	struct buf *b = bc_find(c, blockno);
	if (!b)
		return;
	assert(b->refs == 0);
	b->dirty = 0;
	b->blockno = UINT64_MAX;
	STAMP(b) = 0;
}

void bcache_free(struct bcache *c)
{
	for (size_t i = 0; i < c->nbufs; i++) {
		assert(c->bufs[i]->refs == 0);
		free(c->bufs[i]->data);
		free(c->bufs[i]);
	}
	free(c->bufs);
	free(c);
}

void bcache_set_readahead(struct bcache *c, unsigned blocks)
{
	(void)c;
	(void)blocks;
}
