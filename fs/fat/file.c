/*
 * File data. Whole clusters of an I/O of at least FAT_DIRECT_MIN bytes go
 * straight between the caller's buffer and the device, one request per run
 * of contiguous clusters (up to FAT_IO_MAX), which is what sequential reads
 * and writes of large buffers do. Smaller I/O and pieces of clusters go
 * through the data cache (sector blocks), which reads ahead, so small
 * writes are gathered until the next sync and small sequential reads cost
 * one device request per read-ahead window, not one per call. The two paths stay
 * coherent: a direct write first drops cached copies of its sectors, and a
 * direct read first writes the cache back if it may hold dirty data.
 *
 * The node remembers the last cluster position it used (fat_node.cp), so
 * sequential access never walks the chain from its start again.
 *
 * Bytes past the file size in its last cluster are undefined (a shrink
 * leaves them), so every growth of the size zero-fills from the old size.
 */
#include <errno.h>
#include <string.h>
#include <yolk/console.h>
#include "fat.h"

static uint32_t fat_nclus(const struct fat_fs *fs, uint64_t size)
{
	return (uint32_t)((size + fs->csize - 1) / fs->csize);
}

static int fat_chain_short(struct fat_node *n)
{
	klog(KLOG_ERR, "fat: %s: chain of the file at cluster %#x is shorter than its size %u\n",
	     n->fs->dev->name, fat_clus_of(&n->de), n->de.size);
	return -EIO;
}

/* k clusters from c, straight to or from the device. */
static int fat_direct(struct fat_fs *fs, uint32_t c, uint32_t k, uint8_t *buf, int write)
{
	uint64_t s = fat_clus_sector(fs, c);
	uint32_t count = k * fs->spc;
	if (write) {
		for (uint32_t i = 0; i < count; i++)
			bforget(fs->datac, s + i);
	} else if (fs->data_dirty) {
		int r = bsync(fs->datac);
		if (r)
			return r;
		fs->data_dirty = 0;
	}
	return fat_dev_io(fs, s, buf, count, write);
}

/* len bytes at offset co of cluster c, through the data cache. */
static int fat_cached(struct fat_fs *fs, uint32_t c, uint32_t co, uint8_t *buf, size_t len,
		      int write)
{
	while (len) {
		struct buf *b;
		uint64_t s = fat_clus_sector(fs, c) + co / fs->bps;
		uint32_t in = co % fs->bps;
		size_t k = len < fs->bps - in ? len : fs->bps - in;
		int r = write && k == fs->bps ? bget(fs->datac, s, &b) : bread(fs->datac, s, &b);
		if (r)
			return r;
		if (write) {
			memcpy(b->data + in, buf, k);
			bdirty(b);
			fs->data_dirty = 1;
		} else {
			memcpy(buf, b->data + in, k);
		}
		brelse(fs->datac, b);
		buf += k;
		co += (uint32_t)k;
		len -= k;
	}
	return 0;
}

/* How many clusters from c (the ci-th) on are contiguous, up to max; moves the cursor there. */
static int fat_run(struct fat_node *n, uint32_t c, uint32_t ci, uint32_t max, uint32_t *k)
{
	struct fat_fs *fs = n->fs;
	uint32_t lim = FAT_IO_MAX / fs->csize, i = 1;
	max = max < lim ? max : lim;
	while (i < max) {
		uint32_t nx;
		int r = fat_next(fs, c + i - 1, &nx);
		if (r)
			return r;
		if (nx != c + i)
			break;
		i++;
	}
	n->cp.idx = ci + i - 1;
	n->cp.clus = c + i - 1;
	*k = i;
	return 0;
}

/* Reads or writes len bytes at off; the chain must cover them. Bytes done, or -errno. */
static ssize_t fat_file_io(struct fat_node *n, uint8_t *buf, size_t len, uint64_t off, int write)
{
	struct fat_fs *fs = n->fs;
	size_t done = 0;
	while (done < len) {
		uint32_t ci = (uint32_t)(off / fs->csize), co = (uint32_t)(off % fs->csize), c = 0, k = 1;
		size_t left = len - done, step = 0;
		int r = fat_bmap(fs, &n->cp, ci, &c);
		if (r == 0)
			r = fat_chain_short(n);
		if (r >= 0 && co == 0 && left >= fs->csize && left >= FAT_DIRECT_MIN) {
			r = fat_run(n, c, ci, (uint32_t)(left / fs->csize), &k);
			step = (size_t)k * fs->csize;
			if (!r)
				r = fat_direct(fs, c, k, buf + done, write);
		} else if (r >= 0) {
			step = left < fs->csize - co ? left : fs->csize - co;
			r = fat_cached(fs, c, co, buf + done, step, write);
		}
		if (r < 0)
			return done ? (ssize_t)done : r;
		done += step;
		off += step;
	}
	return (ssize_t)done;
}

/* Makes the chain `want` clusters long (it has as many as the size needs). */
static int fat_file_reserve(struct fat_node *n, uint32_t want)
{
	struct fat_fs *fs = n->fs;
	uint32_t have = fat_nclus(fs, n->de.size), first = fat_clus_of(&n->de), last = 0, nf;
	int r;
	if (want <= have)
		return 0;
	if (have) {
		if ((r = fat_bmap(fs, &n->cp, have - 1, &last)) <= 0)
			return r < 0 ? r : fat_chain_short(n);
	}
	/* Clusters past what the size needs (another system's leftovers) are freed, not leaked. */
	if (first && (r = fat_cut_chain(fs, first, last)) != 0)
		return r;
	if ((r = fat_alloc_chain(fs, last, want - have, &nf)) != 0)
		return r;
	if (!have) {
		fat_set_clus(&n->de, nf);
		n->cp = (struct fat_chainpos){nf, 0, nf};
	}
	return 0;
}

/* Writes zeros over [from, to); the chain covers them. */
static int fat_file_zero(struct fat_node *n, uint64_t from, uint64_t to)
{
	while (from < to) {
		size_t k = to - from < FAT_ZERO_CHUNK ? (size_t)(to - from) : FAT_ZERO_CHUNK;
		ssize_t r = fat_file_io(n, n->fs->zeros, k, from, 1);
		if (r < 0)
			return (int)r;
		from += (size_t)r;
	}
	return 0;
}

static void fat_file_touch(struct fat_node *n)
{
	struct fat_stamp s = fat_time_now();
	n->de.wrt_date = n->de.acc_date = s.date;
	n->de.wrt_time = s.time;
	n->de.attr |= FAT_ATTR_ARCHIVE;
}

ssize_t fat_file_read(struct fat_node *n, void *buf, size_t len, off_t off)
{
	if (off < 0)
		return -EINVAL;
	if ((uint64_t)off >= n->de.size)
		return 0;
	if (len > n->de.size - (uint64_t)off)
		len = (size_t)(n->de.size - (uint64_t)off);
	return fat_file_io(n, buf, len, (uint64_t)off, 0);
}

ssize_t fat_file_write(struct fat_node *n, const void *buf, size_t len, off_t off)
{
	if (off < 0)
		return -EINVAL;
	if (len == 0)
		return 0;
	if ((uint64_t)off >= FAT_FILE_MAX)
		return -EFBIG;
	if (len > FAT_FILE_MAX - (uint64_t)off)
		len = (size_t)(FAT_FILE_MAX - (uint64_t)off);
	int r = fat_file_reserve(n, fat_nclus(n->fs, (uint64_t)off + len));
	if (!r && (uint64_t)off > n->de.size)
		r = fat_file_zero(n, n->de.size, (uint64_t)off);
	if (r)
		return r;
	ssize_t w = fat_file_io(n, (uint8_t *)(uintptr_t)buf, len, (uint64_t)off, 1);
	if (w > 0 && (uint64_t)off + (uint64_t)w > n->de.size)
		n->de.size = (uint32_t)((uint64_t)off + (uint64_t)w);
	fat_file_touch(n);
	r = fat_node_store(n);
	return r ? r : w;
}

/* Frees the clusters past the first `keep` ones (at the next sync, see fat_table.c). */
static int fat_file_shrink(struct fat_node *n, uint32_t keep)
{
	struct fat_fs *fs = n->fs;
	uint32_t first = fat_clus_of(&n->de), last = 0;
	int r;
	if (!first)
		return 0;
	if (keep && (r = fat_bmap(fs, &n->cp, keep - 1, &last)) <= 0)
		return r < 0 ? r : fat_chain_short(n);
	if ((r = fat_cut_chain(fs, first, last)) != 0)
		return r;
	if (!keep) {
		fat_set_clus(&n->de, 0);
		n->cp = (struct fat_chainpos){0, 0, 0};
	}
	return 0;
}

int fat_file_truncate(struct fat_node *n, off_t len)
{
	int r;
	if (len < 0)
		return -EINVAL;
	if ((uint64_t)len > FAT_FILE_MAX)
		return -EFBIG;
	if ((uint64_t)len == n->de.size)
		return 0;
	if ((uint64_t)len > n->de.size) {
		r = fat_file_reserve(n, fat_nclus(n->fs, (uint64_t)len));
		if (!r)
			r = fat_file_zero(n, n->de.size, (uint64_t)len);
	} else {
		r = fat_file_shrink(n, fat_nclus(n->fs, (uint64_t)len));
	}
	if (r)
		return r;
	n->de.size = (uint32_t)len;
	fat_file_touch(n);
	return fat_node_store(n);
}
