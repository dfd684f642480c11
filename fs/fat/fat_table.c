/*
 * The file allocation table: entries, chain walks, allocation and freeing.
 *
 * Reads come from FAT copy 0 through the FAT cache; every change is made to
 * all copies. Which clusters are taken is also kept in a bitmap built at
 * mount (fs->used), so allocation never scans the FAT on disk.
 *
 * Freed clusters are not free yet: they go to fs->pending, stay marked used,
 * and their FAT entries are only cleared by fat_apply_frees(), which
 * fat_sync() calls after the directory entries that pointed at them are on
 * the device. So a cluster is never handed out again while anything on disk
 * may still point at it (no cross-links after a crash; see bpb.c).
 *
 * Nothing read from the FAT is trusted: links to free, reserved, bad or
 * out-of-range clusters and over-long chains (loops) are -EIO.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/console.h>
#include "fat.h"

#define FAT_LOAD_CHUNK_SECTORS 48 /* a multiple of 3 bytes and of 4: no entry straddles chunks */

static inline int fat_used(const struct fat_fs *fs, uint32_t c)
{
	return fs->used[(c - 2) >> 3] >> ((c - 2) & 7) & 1;
}
static inline void fat_mark(struct fat_fs *fs, uint32_t c, int on)
{
	uint8_t bit = (uint8_t)(1u << ((c - 2) & 7));
	if (on)
		fs->used[(c - 2) >> 3] |= bit;
	else
		fs->used[(c - 2) >> 3] &= (uint8_t)~bit;
}

/* Byte offset of cluster c's entry in a FAT copy, and its size in bytes. */
static uint32_t fat_entry_off(const struct fat_fs *fs, uint32_t c, size_t *n)
{
	*n = fs->type == 32 ? 4 : 2;
	if (fs->type == 12)
		return c + c / 2;
	return c * (fs->type / 8);
}

/* Reads or writes n bytes at byte off of FAT copy `copy` (FAT12 entries may straddle sectors). */
static int fat_bytes(struct fat_fs *fs, uint32_t copy, uint32_t off, uint8_t *p, size_t n,
		     int write)
{
	uint64_t base = fs->fat_start + (uint64_t)copy * fs->fat_sectors;
	while (n) {
		struct buf *b;
		uint32_t in = off % fs->bps;
		size_t k = n < fs->bps - in ? n : fs->bps - in;
		int r = bread(fs->fatc, base + off / fs->bps, &b);
		if (r)
			return r;
		if (write) {
			memcpy(b->data + in, p, k);
			bdirty(b);
		} else {
			memcpy(p, b->data + in, k);
		}
		brelse(fs->fatc, b);
		off += (uint32_t)k;
		p += k;
		n -= k;
	}
	return 0;
}

/* A raw entry as FAT32 numbers: bad and end-of-chain marks widened to 28 bits. */
static uint32_t fat_widen(const struct fat_fs *fs, uint32_t v)
{
	if (fs->type == 12 && v >= 0xff7)
		return v | 0x0ffff000;
	if (fs->type == 16 && v >= 0xfff7)
		return v | 0x0fff0000;
	return v;
}

int fat_get(struct fat_fs *fs, uint32_t c, uint32_t *val)
{
	uint8_t b[4] = {0};
	size_t n;
	uint32_t off = fat_entry_off(fs, c, &n);
	int r = fat_bytes(fs, 0, off, b, n, 0);
	if (r)
		return r;
	uint32_t v = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	if (fs->type == 12)
		v = c & 1 ? v >> 4 : v & 0xfff;
	*val = fat_widen(fs, v & 0x0fffffff);
	return 0;
}

/* Sets cluster c's entry to v in every FAT copy (FAT32 keeps the top 4 bits). */
static int fat_put(struct fat_fs *fs, uint32_t c, uint32_t v)
{
	size_t n;
	uint32_t off = fat_entry_off(fs, c, &n);
	for (uint32_t copy = 0; copy < fs->nfats; copy++) {
		uint8_t b[4];
		int r = fat_bytes(fs, copy, off, b, n, 0);
		if (r)
			return r;
		uint32_t old = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
		uint32_t nv;
		if (fs->type == 12)
			nv = c & 1 ? (old & 0x000f) | (v & 0xfff) << 4 : (old & 0xf000) | (v & 0xfff);
		else if (fs->type == 16)
			nv = v & 0xffff;
		else
			nv = (old & 0xf0000000) | (v & 0x0fffffff);
		for (size_t i = 0; i < n; i++)
			b[i] = (uint8_t)(nv >> (8 * i));
		r = fat_bytes(fs, copy, off, b, n, 1);
		if (r)
			return r;
	}
	return 0;
}

int fat_next(struct fat_fs *fs, uint32_t c, uint32_t *next)
{
	uint32_t v;
	int r = fat_get(fs, c, &v);
	if (r)
		return r;
	if (v >= FAT_EOC) {
		*next = 0;
		return 0;
	}
	if (!fat_valid_clus(fs, v)) {
		if (v == 0)
			klog(KLOG_ERR, "fat: %s: cluster %#x is in a chain but marked free\n", fs->dev->name, c);
		else
			klog(KLOG_ERR, "fat: %s: cluster %#x links to %s cluster %#x\n", fs->dev->name, c,
			     v == FAT_BAD ? "bad" : "invalid", v);
		return -EIO;
	}
	*next = v;
	return 0;
}

int fat_bmap(struct fat_fs *fs, struct fat_chainpos *pos, uint32_t idx, uint32_t *clus)
{
	if (pos->first == 0)
		return 0; /* an empty file has no chain */
	if (!fat_valid_clus(fs, pos->first) || idx >= fs->nclusters) {
		klog(KLOG_ERR, "fat: %s: chain at cluster %#x, index %u: out of range\n",
		     fs->dev->name, pos->first, idx);
		return -EIO;
	}
	uint32_t i = 0, c = pos->first;
	if (pos->clus && pos->idx <= idx) {
		i = pos->idx;
		c = pos->clus;
	}
	while (i < idx) {
		uint32_t nx;
		int r = fat_next(fs, c, &nx);
		if (r)
			return r;
		if (!nx)
			break;
		c = nx;
		i++;
	}
	pos->idx = i;
	pos->clus = c;
	if (i < idx)
		return 0;
	*clus = c;
	return 1;
}

int fat_chain_length(struct fat_fs *fs, uint32_t first, uint32_t *n)
{
	uint32_t len = 0;
	for (uint32_t c = first; c; len++) {
		if (len >= fs->nclusters || !fat_valid_clus(fs, c)) {
			klog(KLOG_ERR, "fat: %s: chain at cluster %#x loops or leaves the volume\n",
			     fs->dev->name, first);
			return -EIO;
		}
		int r = fat_next(fs, c, &c);
		if (r)
			return r;
	}
	*n = len;
	return 0;
}

/* A cluster not in use, looking from hint onwards and wrapping around. */
static int fat_find_free(struct fat_fs *fs, uint32_t hint, uint32_t *out)
{
	uint32_t n = fs->nclusters;
	uint32_t i = fat_valid_clus(fs, hint) ? hint - 2 : 0;
	for (uint32_t k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
		if ((i & 7) == 0 && i + 8 <= n && fs->used[i >> 3] == 0xff) {
			k += 7; /* eight taken clusters at once */
			i += 7;
			continue;
		}
		if (!fat_used(fs, i + 2)) {
			*out = i + 2;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Gives back clusters of a chain nothing on disk refers to yet (a failed allocation). */
static void fat_undo_chain(struct fat_fs *fs, uint32_t c)
{
	while (c) {
		uint32_t nx = 0;
		if (fat_next(fs, c, &nx))
			nx = 0;
		fat_put(fs, c, 0);
		fat_mark(fs, c, 0);
		fs->free_count++;
		c = nx;
	}
}

/* One free cluster, marked end of chain; syncs to reclaim pending frees when full. */
static int fat_alloc_one(struct fat_fs *fs, uint32_t hint, uint32_t *out)
{
	int r = fat_find_free(fs, hint, out);
	if (r == -ENOSPC && fs->npending) {
		r = fat_sync(fs);
		if (!r)
			r = fat_find_free(fs, hint, out);
	}
	if (r)
		return r;
	fat_mark(fs, *out, 1);
	fs->free_count--;
	return fat_put(fs, *out, 0x0fffffff);
}

int fat_alloc_chain(struct fat_fs *fs, uint32_t last, uint32_t n, uint32_t *first)
{
	uint32_t head = 0, prev = 0, hint = last ? last + 1 : fs->next_free;
	int r = 0;
	for (uint32_t i = 0; i < n && !r; i++) {
		uint32_t c;
		r = fat_alloc_one(fs, hint, &c);
		if (r)
			break;
		if (prev)
			r = fat_put(fs, prev, c);
		else
			head = c;
		prev = c;
		hint = c + 1;
	}
	/* Linked to the file only once complete, so undoing needs no ordering care. */
	if (!r && last)
		r = fat_put(fs, last, head);
	if (r) {
		fat_undo_chain(fs, head);
		return r;
	}
	fs->next_free = fat_valid_clus(fs, prev + 1) ? prev + 1 : 2; /* FSInfo gets a real cluster */
	*first = head;
	return 0;
}

static int fat_pending_add(struct fat_fs *fs, uint32_t c)
{
	if (fs->npending == fs->pending_cap) {
		uint32_t cap = fs->pending_cap ? fs->pending_cap * 2 : 256;
		uint32_t *p = realloc(fs->pending, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		fs->pending = p;
		fs->pending_cap = cap;
	}
	fs->pending[fs->npending++] = c;
	fat_forget_cluster(fs, c);
	return 0;
}

int fat_cut_chain(struct fat_fs *fs, uint32_t first, uint32_t last)
{
	uint32_t c = first, len;
	int r;
	if (last && (r = fat_next(fs, last, &c)) != 0)
		return r;
	if (!c)
		return 0;
	/* Walk the tail first: a loop (it could lead back into the part kept) changes nothing. */
	if ((r = fat_chain_length(fs, c, &len)) != 0)
		return r;
	if (last && (r = fat_put(fs, last, 0x0fffffff)) != 0)
		return r;
	for (uint32_t i = 0; i < len; i++) {
		uint32_t nx;
		if ((r = fat_next(fs, c, &nx)) != 0 || (r = fat_pending_add(fs, c)) != 0)
			return r;
		c = nx;
	}
	return 0;
}

int fat_apply_frees(struct fat_fs *fs)
{
	for (uint32_t i = 0; i < fs->npending; i++) {
		uint32_t c = fs->pending[i], v;
		int r = fat_get(fs, c, &v);
		if (r)
			return r;
		if (v == 0)
			continue;
		if ((r = fat_put(fs, c, 0)) != 0)
			return r;
		fat_mark(fs, c, 0);
		fs->free_count++;
	}
	fs->npending = 0;
	return 0;
}

void fat_forget_cluster(struct fat_fs *fs, uint32_t c)
{
	uint64_t s = fat_clus_sector(fs, c);
	for (uint32_t i = 0; i < fs->spc; i++) {
		bforget(fs->dirc, s + i);
		bforget(fs->datac, s + i);
	}
}

/* Entry i of a chunk of raw FAT bytes (FAT12 chunks start at an even cluster). */
static uint32_t fat_decode(const struct fat_fs *fs, const uint8_t *p, uint32_t i)
{
	if (fs->type == 32)
		return (p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
			(uint32_t)p[4 * i + 3] << 24) & 0x0fffffff;
	if (fs->type == 16)
		return p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
	uint32_t off = i + i / 2, v = p[off] | (uint32_t)p[off + 1] << 8;
	return i & 1 ? v >> 4 : v & 0xfff;
}

/*
 * Builds the used-cluster bitmap and the free count from FAT copy 0, read
 * straight from the device in large pieces (the cache would read it a
 * sector at a time).
 */
int fat_table_load(struct fat_fs *fs)
{
	uint32_t chunk = FAT_LOAD_CHUNK_SECTORS * fs->bps;
	uint8_t *p = malloc(chunk);
	fs->used = calloc(fs->nclusters / 8 + 1, 1);
	if (!p || !fs->used) {
		free(p);
		return -ENOMEM;
	}
	uint32_t per = fs->type == 12 ? chunk * 2 / 3 : chunk / (fs->type / 8), end = fs->nclusters + 2;
	fs->free_count = 0;
	int r = 0;
	uint32_t c0 = 0;
	for (uint64_t s = 0; s < fs->fat_sectors && c0 < end && !r; s += FAT_LOAD_CHUNK_SECTORS) {
		uint32_t n = fs->fat_sectors - s < FAT_LOAD_CHUNK_SECTORS ? (uint32_t)(fs->fat_sectors - s)
									  : FAT_LOAD_CHUNK_SECTORS;
		r = fat_dev_io(fs, fs->fat_start + s, p, n, 0);
		for (uint32_t i = 0; !r && i < per && c0 + i < end; i++) {
			uint32_t c = c0 + i;
			if (c < 2)
				continue;
			if (fat_decode(fs, p, i))
				fat_mark(fs, c, 1);
			else
				fs->free_count++;
		}
		c0 += per;
	}
	free(p);
	return r;
}
