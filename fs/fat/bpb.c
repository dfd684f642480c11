/*
 * Mounting a FAT volume: the boot sector (BPB) is checked field by field,
 * since everything after it trusts these numbers; a bad one fails the mount
 * with -EINVAL and a log line naming the field. Also sync and unmount.
 *
 * Write ordering (what makes a crash, e.g. QEMU killed mid-write, leave no
 * cross-linked clusters, and keeps fsync()ed data):
 *   1. file data (direct writes are already on the device; the data cache
 *      is written back first in fat_sync);
 *   2. the FAT, all copies: new chains and shortened chain ends;
 *   3. directory entries (sizes, first clusters, new and deleted entries);
 *   4. only then are freed clusters marked free in the FAT, and FSInfo
 *      updated; each step ends with a device flush (bsync).
 * Freed clusters stay out of allocation until step 4 has happened (see
 * fat_table.c), so no cluster is reused while an entry or chain on disk
 * may still point at it. The block caches may write dirty blocks early
 * when they need room; that only puts newer states on disk, which these
 * rules keep cross-link free. New directory clusters are written through
 * at once (dir.c), and rename syncs between removing and adding (rename.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/console.h>
#include "fat.h"

#define FAT_FATC_BYTES (128 * 1024)
#define FAT_DIRC_BYTES (128 * 1024)
#define FAT_DATAC_BYTES (256 * 1024)
#define FAT_DATAC_READAHEAD (64 * 1024) /* bytes per data cache miss */

#define FSINFO_LEAD 0x41615252u
#define FSINFO_STRUCT 0x61417272u
#define FSINFO_TRAIL 0xaa550000u

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static int pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

int fat_dev_io(struct fat_fs *fs, uint64_t sector, void *buf, uint32_t count, int write)
{
	uint32_t k = fs->bps / fs->dev->sector_size;
	if (write)
		return blkdev_write(fs->dev, sector * k, buf, (size_t)count * k);
	return blkdev_read(fs->dev, sector * k, buf, (size_t)count * k);
}

static int fat_bad(struct fat_fs *fs, const char *what, uint32_t v)
{
	klog(KLOG_ERR, "fat: %s: not a valid FAT volume: %s (%u)\n", fs->dev->name, what, v);
	return -EINVAL;
}

/* The fields every FAT type has, checked one by one. */
static int fat_bpb_common(struct fat_fs *fs, const uint8_t *b)
{
	if (!((b[0] == 0xeb && b[2] == 0x90) || b[0] == 0xe9))
		return fat_bad(fs, "no jump instruction at the start", b[0]);
	if (b[510] != 0x55 || b[511] != 0xaa)
		return fat_bad(fs, "no 55 aa boot signature", le16(b + 510));
	fs->bps = le16(b + 11);
	if (!pow2(fs->bps) || fs->bps < 512 || fs->bps > 4096)
		return fat_bad(fs, "bytes per sector is not a power of two in 512..4096", fs->bps);
	if (fs->bps < fs->dev->sector_size)
		return fat_bad(fs, "bytes per sector smaller than the device's sectors", fs->bps);
	fs->spc = b[13];
	if (!pow2(fs->spc))
		return fat_bad(fs, "sectors per cluster is not a power of two", fs->spc);
	fs->csize = fs->bps * fs->spc;
	if (fs->csize > FAT_ZERO_CHUNK)
		return fat_bad(fs, "cluster larger than 64 KiB", fs->csize);
	if (le16(b + 14) == 0)
		return fat_bad(fs, "no reserved sectors", 0);
	fs->nfats = b[16];
	if (fs->nfats < 1 || fs->nfats > 2)
		return fat_bad(fs, "number of FATs is not 1 or 2", fs->nfats);
	if (b[21] != 0xf0 && b[21] < 0xf8)
		return fat_bad(fs, "invalid media byte", b[21]);
	fs->fat_start = le16(b + 14);
	fs->fat_sectors = le16(b + 22) ? le16(b + 22) : le32(b + 36);
	if (fs->fat_sectors == 0)
		return fat_bad(fs, "FAT size is 0", 0);
	return 0;
}

/* FAT bytes the clusters need. */
static uint64_t fat_bytes_needed(const struct fat_fs *fs)
{
	uint64_t n = (uint64_t)fs->nclusters + 2;
	return fs->type == 12 ? (n * 3 + 1) / 2 : n * (uint64_t)(fs->type / 8);
}

/*
 * Where the regions lie: reserved sectors, the FATs, the FAT12/16 root,
 * the data area, in that order and inside the volume, which lies inside
 * the device. Sums of disk fields can pass 2^32 (a FATSz32 of
 * 2^32 - reserved sectors wrapped the root to sector 0 once), so they are
 * made in 64 bits and checked before they are kept in 32.
 */
static int fat_bpb_regions(struct fat_fs *fs, uint32_t total, uint32_t roots)
{
	uint64_t dev_bytes = fs->dev->sectors * fs->dev->sector_size;
	uint64_t fat_end = fs->fat_start + (uint64_t)fs->nfats * fs->fat_sectors;
	uint64_t root_sectors = ((uint64_t)roots * 32 + fs->bps - 1) / fs->bps;
	uint64_t meta = fat_end + root_sectors;
	if (total == 0)
		return fat_bad(fs, "total sectors is 0", 0);
	if ((uint64_t)total * fs->bps > dev_bytes)
		return fat_bad(fs, "volume larger than its device (truncated image?), sectors", total);
	if (fat_end >= total)
		return fat_bad(fs, "FATs end past the volume, FAT sectors", fs->fat_sectors);
	if (meta >= total)
		return fat_bad(fs, "total sectors leave no room for data", total);
	fs->root_slots = roots;
	fs->root_sectors = (uint32_t)root_sectors;
	fs->root_start = (uint32_t)fat_end;
	fs->data_start = (uint32_t)meta;
	fs->nclusters = (uint32_t)((total - meta) / fs->spc);
	return 0;
}

/* Sizes: the regions, the cluster count and from it the FAT type (as Microsoft's spec). */
static int fat_bpb_layout(struct fat_fs *fs, const uint8_t *b)
{
	uint32_t total = le16(b + 19) ? le16(b + 19) : le32(b + 32), roots = le16(b + 17);
	int r = fat_bpb_regions(fs, total, roots);
	if (r)
		return r;
	fs->type = fs->nclusters < 4085 ? 12 : fs->nclusters < 65525 ? 16 : 32;
	if (fs->nclusters == 0)
		return fat_bad(fs, "no data clusters", 0);
	if (fs->type == 32 && (le16(b + 22) != 0 || roots != 0))
		return fat_bad(fs, "FAT32 by cluster count, but a FAT12/16 boot sector; clusters",
			       fs->nclusters);
	if (fs->type != 32 && (le16(b + 22) == 0 || roots == 0))
		return fat_bad(fs, "FAT12/16 by cluster count, but no root directory or FAT16 size; clusters",
			       fs->nclusters);
	if (fs->type == 32 && fs->nclusters > 0x0ffffff5 - 2)
		return fat_bad(fs, "too many clusters", fs->nclusters);
	if (fat_bytes_needed(fs) > (uint64_t)fs->fat_sectors * fs->bps)
		return fat_bad(fs, "FAT too small for the clusters, FAT sectors", fs->fat_sectors);
	return 0;
}

static int fat_bpb_fat32(struct fat_fs *fs, const uint8_t *b)
{
	if (fs->type != 32)
		return 0;
	if (le16(b + 42) != 0)
		return fat_bad(fs, "unknown FAT32 version", le16(b + 42));
	fs->root_cluster = le32(b + 44);
	if (!fat_valid_clus(fs, fs->root_cluster))
		return fat_bad(fs, "root directory cluster out of range", fs->root_cluster);
	uint32_t fsinfo = le16(b + 48);
	fs->fsinfo = fsinfo && fsinfo < fs->fat_start ? fsinfo : 0;
	return 0;
}

static int fat_bpb_read(struct fat_fs *fs)
{
	uint32_t ss = fs->dev->sector_size;
	if (ss < 512 || ss > 4096 || !pow2(ss))
		return fat_bad(fs, "unsupported device sector size", ss);
	uint8_t *b = malloc(ss);
	if (!b)
		return -ENOMEM;
	int r = blkdev_read(fs->dev, 0, b, 1);
	if (r)
		klog(KLOG_ERR, "fat: %s: cannot read the boot sector: %d\n", fs->dev->name, r);
	if (!r)
		r = fat_bpb_common(fs, b);
	if (!r)
		r = fat_bpb_layout(fs, b);
	if (!r)
		r = fat_bpb_fat32(fs, b);
	free(b);
	return r;
}

/* FSInfo: kept only if its three signatures are right; its counts are hints we recompute. */
static int fat_fsinfo_load(struct fat_fs *fs)
{
	struct buf *b;
	if (!fs->fsinfo)
		return 0;
	int r = bread(fs->fatc, fs->fsinfo, &b);
	if (r)
		return r;
	if (le32(b->data) != FSINFO_LEAD || le32(b->data + 484) != FSINFO_STRUCT ||
	    le32(b->data + 508) != FSINFO_TRAIL) {
		klog(KLOG_WARN, "fat: %s: FSInfo sector has bad signatures, not used\n", fs->dev->name);
		fs->fsinfo = 0;
	} else if (fat_valid_clus(fs, le32(b->data + 492))) {
		fs->next_free = le32(b->data + 492);
	}
	brelse(fs->fatc, b);
	return 0;
}

/* Writes the free count and next-free hint to FSInfo; 1 if that changed it. */
static int fat_fsinfo_store(struct fat_fs *fs)
{
	struct buf *b;
	if (!fs->fsinfo)
		return 0;
	int r = bread(fs->fatc, fs->fsinfo, &b);
	if (r)
		return r;
	int changed = le32(b->data + 488) != fs->free_count || le32(b->data + 492) != fs->next_free;
	if (changed) {
		put32(b->data + 488, fs->free_count);
		put32(b->data + 492, fs->next_free);
		bdirty(b);
	}
	brelse(fs->fatc, b);
	return changed;
}

int fat_sync(struct fat_fs *fs)
{
	int r = 0;
	if (fs->readonly)
		return 0;
	if (!r)
		r = bsync(fs->datac); /* 1 */
	if (!r)
		fs->data_dirty = 0;
	if (!r)
		r = bsync(fs->fatc); /* 2 */
	if (!r)
		r = bsync(fs->dirc); /* 3 */
	int more = fs->npending > 0;
	if (!r)
		r = fat_apply_frees(fs); /* 4 */
	if (!r && (r = fat_fsinfo_store(fs)) > 0)
		more = 1, r = 0;
	if (!r && more)
		r = bsync(fs->fatc);
	if (r)
		klog(KLOG_ERR, "fat: %s: sync failed: %d\n", fs->dev->name, r);
	return r;
}

static void fat_fs_free(struct fat_fs *fs)
{
	if (fs->fatc)
		bcache_free(fs->fatc);
	if (fs->dirc)
		bcache_free(fs->dirc);
	if (fs->datac)
		bcache_free(fs->datac);
	free(fs->used);
	free(fs->pending);
	free(fs->zeros);
	free(fs);
}

static int fat_caches(struct fat_fs *fs)
{
	fs->fatc = bcache_new(fs->dev, fs->bps, FAT_FATC_BYTES / fs->bps);
	fs->dirc = bcache_new(fs->dev, fs->bps, FAT_DIRC_BYTES / fs->bps);
	fs->datac = bcache_new(fs->dev, fs->bps, FAT_DATAC_BYTES / fs->bps);
	fs->zeros = calloc(1, FAT_ZERO_CHUNK);
	if (fs->datac)
		bcache_set_readahead(fs->datac, FAT_DATAC_READAHEAD / fs->bps - 1);
	return fs->fatc && fs->dirc && fs->datac && fs->zeros ? 0 : -ENOMEM;
}

/* The root directory's chain must start at a cluster in use. */
static int fat_check_root(struct fat_fs *fs)
{
	uint32_t v;
	if (fs->type != 32)
		return 0;
	int r = fat_get(fs, fs->root_cluster, &v);
	if (!r && (v == 0 || v == FAT_BAD))
		return fat_bad(fs, "root directory starts at a free or bad cluster", fs->root_cluster);
	return r;
}

/* Mount options: comma-separated; "ro" mounts read-only. */
static int fat_opt_ro(const char *o)
{
	for (size_t n; o && *o; o += n + (o[n] == ',')) {
		n = strcspn(o, ",");
		if (n == 2 && !memcmp(o, "ro", 2))
			return 1;
	}
	return 0;
}

static int fat_mount(struct mount *m, const char *source, const char *options)
{
	struct blkdev *d = blkdev_find(source);
	if (!d) {
		klog(KLOG_ERR, "fat: no block device %s\n", source);
		return -ENODEV;
	}
	struct fat_fs *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->dev = d;
	fs->mnt = m;
	fs->readonly = fat_opt_ro(options);
	fs->next_free = 2;
	int r = fat_bpb_read(fs);
	if (!r)
		r = fat_caches(fs);
	if (!r)
		r = fat_table_load(fs);
	if (!r)
		r = fat_fsinfo_load(fs);
	if (!r)
		r = fat_check_root(fs);
	if (!r)
		r = fat_node_root(fs, m);
	if (r) {
		fat_fs_free(fs);
		return r;
	}
	m->priv = fs;
	klog(KLOG_INFO, "fat: %s: FAT%d, %u clusters of %u bytes, %u free%s\n", d->name, fs->type,
	     fs->nclusters, fs->csize, fs->free_count, fs->readonly ? ", read-only" : "");
	return 0;
}

static int fat_vfs_sync(struct mount *m)
{
	return fat_sync(m->priv);
}

/*
 * Called with no file open; the VFS drops the root vnode afterwards, so its
 * node (like any other still referenced) is detached: release finds no priv.
 */
static int fat_unmount(struct mount *m)
{
	struct fat_fs *fs = m->priv;
	int r = fat_sync(fs);
	if (fs->root) {
		fs->root->vn->priv = NULL;
		free(fs->root);
		fs->root = NULL;
	}
	for (int i = 0; i < FAT_NODE_BUCKETS; i++) /* nodes the VFS still holds: detach */
		for (struct fat_node *n = fs->nodes[i], *nx; n; n = nx) {
			nx = n->hash_next;
			n->vn->priv = NULL;
			free(n);
		}
	fat_fs_free(fs);
	m->priv = NULL;
	return r;
}

const struct fs_type fat_fs_type = {
	.name = "fat",
	.mount = fat_mount,
	.sync = fat_vfs_sync,
	.unmount = fat_unmount,
};
YOLK_FS_TYPE(fat_fs_type);
