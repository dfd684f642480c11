/*
 * fs/fat private interface: on-disk layout, the mounted volume, in-memory
 * nodes, and the functions the files of this part share.
 *
 *   bpb.c        boot sector checks, mount, sync (the write ordering), unmount
 *   fat_table.c  FAT entries, chain walks, cluster allocation and freeing
 *   name.c       names: validation, UTF-8 <-> UTF-16, 8.3 short names, LFN checksum
 *   dir.c        directory slots: scanning, decoding LFN groups, adding, removing
 *   dostime.c    DOS date/time <-> Unix time
 *   file.c       file data: read, write, truncate (direct runs and the data cache)
 *   node.c       the node table (one vnode per file), release of unlinked files
 *   vnode.c      vnode_ops: the glue the VFS calls
 *
 * Everything runs under the mount's lock (see yolk/vfs.h), so nothing here
 * locks. All on-disk integers are little-endian, as is x86_64.
 */
#ifndef FS_FAT_H
#define FS_FAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <yolk/blkdev.h>
#include <yolk/vfs.h>

/* Directory entry attributes. */
#define FAT_ATTR_RO 0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR 0x10
#define FAT_ATTR_ARCHIVE 0x20
#define FAT_ATTR_LFN 0x0f /* RO|HIDDEN|SYSTEM|VOLUME: a long-name slot */

/* NT reserved byte: the 8.3 base / extension is shown in lower case. */
#define FAT_NT_LOWER_BASE 0x08
#define FAT_NT_LOWER_EXT 0x10

#define FAT_SLOT_FREE 0x00    /* name[0]: this and every later slot is unused */
#define FAT_SLOT_DELETED 0xe5 /* name[0]: a deleted entry */
#define FAT_SLOT_E5 0x05      /* name[0]: a real 0xe5 first byte */
#define FAT_LFN_LAST 0x40     /* ord bit of the first (highest) LFN slot */
#define FAT_LFN_CHARS 13      /* UTF-16 units per LFN slot */
#define FAT_LFN_MAX_SLOTS 20  /* LFN slots a name may have (ord 1..20) */
#define FAT_MAX_SLOTS 65536   /* slots a directory may have (FAT spec) */
#define FAT_NAME_UNITS 255    /* longest long name in UTF-16 units */
#define FAT_FILE_MAX 0xffffffffu

/* A short (8.3) directory entry, 32 bytes. */
struct fat_dirent {
	uint8_t name[11];
	uint8_t attr;
	uint8_t ntres;
	uint8_t crt_tenth;
	uint16_t crt_time, crt_date, acc_date;
	uint16_t clus_hi;
	uint16_t wrt_time, wrt_date;
	uint16_t clus_lo;
	uint32_t size;
} __attribute__((packed));

/* A long-name slot, 32 bytes; ord counts from 1, the last one has FAT_LFN_LAST. */
struct fat_lfn {
	uint8_t ord;
	uint16_t name1[5];
	uint8_t attr, type, csum;
	uint16_t name2[6];
	uint16_t clus_lo;
	uint16_t name3[2];
} __attribute__((packed));

/* A cursor on a cluster chain: cluster number clus is the idx-th of the chain. */
struct fat_chainpos {
	uint32_t first;
	uint32_t idx;
	uint32_t clus; /* 0: no position cached */
};

/* The in-memory node of a file or directory (vnode->priv). */
struct fat_node {
	struct vnode *vn;
	struct fat_fs *fs;
	/* Where its short entry is: parent's first cluster (0 for the FAT12/16 root) and slot. */
	uint32_t dir_first, slot;
	int is_root, unlinked;
	struct fat_dirent de;   /* its short entry as it is (to be) on disk */
	struct fat_chainpos cp; /* last cluster position used, for sequential access */
	struct fat_node *hash_next;
};

#define FAT_NODE_BUCKETS 64

/* A mounted volume (mount->priv). */
struct fat_fs {
	struct blkdev *dev;
	struct mount *mnt;
	struct bcache *fatc;  /* reserved sectors (FSInfo) and both FAT copies */
	struct bcache *dirc;  /* the fixed root directory and directory clusters */
	struct bcache *datac; /* file data sectors touched by partial-cluster I/O */
	int type;             /* 12, 16 or 32 */
	int readonly;
	uint32_t bps;          /* bytes per sector (the caches' block size) */
	uint32_t spc;          /* sectors per cluster */
	uint32_t csize;        /* bytes per cluster */
	uint32_t nfats, fat_start, fat_sectors;
	uint32_t root_start, root_sectors, root_slots; /* FAT12/16 fixed root */
	uint32_t root_cluster;                         /* FAT32 */
	uint32_t data_start;   /* sector of cluster 2 */
	uint32_t nclusters;    /* data clusters: valid numbers are 2 .. nclusters + 1 */
	uint32_t fsinfo;       /* FSInfo sector, 0 if none or invalid */
	uint32_t free_count;   /* FAT entries that are 0 (pending frees not counted) */
	uint32_t next_free;    /* where allocation looks first */
	uint8_t *used;         /* bit per cluster: allocated, or freed but not yet synced */
	uint32_t *pending;     /* freed clusters whose FAT entries are cleared at sync */
	uint32_t npending, pending_cap;
	int data_dirty;        /* datac may hold dirty blocks */
	uint8_t *zeros;        /* FAT_ZERO_CHUNK zero bytes, made on first use */
	struct fat_node *root;
	struct fat_node *nodes[FAT_NODE_BUCKETS];
};

#define FAT_ZERO_CHUNK (64 * 1024)
#define FAT_IO_MAX (1024 * 1024) /* largest single device request for file data */
#define FAT_DIRECT_MIN (32 * 1024) /* smaller file I/O goes through the data cache */

/* FAT entry values, normalized to FAT32's. */
#define FAT_EOC 0x0ffffff8u /* this and above: end of chain */
#define FAT_BAD 0x0ffffff7u

static inline uint32_t fat_clus_of(const struct fat_dirent *de)
{
	return (uint32_t)de->clus_hi << 16 | de->clus_lo;
}
static inline void fat_set_clus(struct fat_dirent *de, uint32_t c)
{
	de->clus_hi = (uint16_t)(c >> 16);
	de->clus_lo = (uint16_t)c;
}
static inline int fat_valid_clus(const struct fat_fs *fs, uint32_t c)
{
	return c >= 2 && c - 2 < fs->nclusters;
}
/* The root directory as a chain start: 0 for the fixed FAT12/16 root. */
static inline uint32_t fat_root_clus(const struct fat_fs *fs)
{
	return fs->type == 32 ? fs->root_cluster : 0;
}
static inline uint64_t fat_clus_sector(const struct fat_fs *fs, uint32_t c)
{
	return fs->data_start + (uint64_t)(c - 2) * fs->spc;
}

/* bpb.c */
extern const struct fs_type fat_fs_type; /* registered with YOLK_FS_TYPE; host tests call it */
int fat_sync(struct fat_fs *fs);
/* count fs sectors at sector, straight to or from the device (bypassing the caches). */
int fat_dev_io(struct fat_fs *fs, uint64_t sector, void *buf, uint32_t count, int write);

/* fat_table.c */
int fat_table_load(struct fat_fs *fs);
/* The FAT entry of valid cluster c (normalized: >= FAT_EOC is end of chain). */
int fat_get(struct fat_fs *fs, uint32_t c, uint32_t *val);
/* The cluster after c in its chain; 0 at the end. -EIO for free/bad/out-of-range links. */
int fat_next(struct fat_fs *fs, uint32_t c, uint32_t *next);
/* The idx-th cluster of the chain at pos->first: 1 found, 0 past the end (pos at the last). */
int fat_bmap(struct fat_fs *fs, struct fat_chainpos *pos, uint32_t idx, uint32_t *clus);
/* A new chain of n clusters linked after `last` (0: none): its first in *first. */
int fat_alloc_chain(struct fat_fs *fs, uint32_t last, uint32_t n, uint32_t *first);
/* Ends the chain at `last` (0: frees all from first) and frees the rest at the next sync. */
int fat_cut_chain(struct fat_fs *fs, uint32_t first, uint32_t last);
/* Clusters in the chain at first (checked for loops). */
int fat_chain_length(struct fat_fs *fs, uint32_t first, uint32_t *n);
/* Clears the FAT entries of the clusters freed since the last sync (called by fat_sync). */
int fat_apply_frees(struct fat_fs *fs);
/* Drops cached blocks of cluster c from the directory and data caches. */
void fat_forget_cluster(struct fat_fs *fs, uint32_t c);

/* name.c */
#define FAT_NAME_BUF 256 /* a UTF-8 name and its NUL */
/* Checks a new name; strips trailing dots and spaces (as Windows does) in *len. */
int fat_name_check(const char *name, size_t *len);
/* UTF-8 -> UTF-16: the number of units, -EINVAL, -ENAMETOOLONG. */
int fat_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t max);
/* UTF-16 -> UTF-8 (NUL-terminated): the byte count, or -ENAMETOOLONG if it does not fit. */
int fat_utf16_to_utf8(const uint16_t *u, size_t n, char *out, size_t max);
/* If name is a valid upper-case 8.3 name, its 11-byte form and 1; else 0. */
int fat_name_is_short(const char *name, size_t len, uint8_t sn[11]);
/* The basis 8.3 name for a long name, and the ~N form of it for n >= 1. */
void fat_short_basis(const char *name, size_t len, uint8_t sn[11]);
void fat_short_tail(const uint8_t basis[11], const char *name, size_t len, unsigned n,
		    uint8_t sn[11]);
/* The displayed form of an 8.3 entry ("README.TXT", honoring NT lower-case bits). */
size_t fat_short_display(const struct fat_dirent *de, char *out);
uint8_t fat_lfn_csum(const uint8_t sn[11]);
/* Case-insensitive (ASCII) comparison of UTF-8 names. */
int fat_name_eq(const char *a, size_t alen, const char *b, size_t blen);

/* dir.c */
/* A cursor over a directory's slots that keeps the current sector's buffer. */
struct fat_slots {
	struct fat_fs *fs;
	struct fat_chainpos pos;
	struct buf *b;
};
void fat_slots_init(struct fat_slots *s, struct fat_fs *fs, uint32_t dir_first);
void fat_slots_done(struct fat_slots *s);
/* Slot i (32 bytes in s->b) in *p: 1, 0 past the directory's end, or -errno. */
int fat_slot(struct fat_slots *s, uint32_t i, uint8_t **p);
/* Zeroes a new directory cluster in the cache and on the device. */
int fat_dir_zero(struct fat_fs *fs, uint32_t c);
/* One decoded directory entry. */
struct fat_entry {
	uint32_t slot;       /* its short entry */
	uint32_t first_slot; /* its first LFN slot (== slot without a long name) */
	struct fat_dirent de;
	char name[FAT_NAME_BUF];
	size_t len;
};
/* The next entry at or after slot *pos (skips free, deleted, volume labels). 1, 0 at the end. */
int fat_dir_next(struct fat_fs *fs, struct fat_chainpos *dir, uint32_t *pos, struct fat_entry *e);
/* Finds name in the directory: 0, -ENOENT, -EIO. */
int fat_dir_find(struct fat_fs *fs, uint32_t dir_first, const char *name, size_t len,
		 struct fat_entry *e);
/* Adds an entry named name with short entry *de (its name is filled in); *slot gets its slot. */
int fat_dir_add(struct fat_fs *fs, uint32_t dir_first, const char *name, size_t len,
		struct fat_dirent *de, uint32_t *slot);
/* Marks slots first..last deleted. */
int fat_dir_remove(struct fat_fs *fs, uint32_t dir_first, uint32_t first, uint32_t last);
/* Reads or writes the short entry at slot. */
int fat_dir_read_slot(struct fat_fs *fs, uint32_t dir_first, uint32_t slot, struct fat_dirent *de);
int fat_dir_write_slot(struct fat_fs *fs, uint32_t dir_first, uint32_t slot,
		       const struct fat_dirent *de);
/* 1 if the directory has entries besides . and .., 0 if not. */
int fat_dir_nonempty(struct fat_fs *fs, uint32_t dir_first);
/* Fills a new directory cluster with . and .. and writes it through to the device. */
int fat_dir_init(struct fat_fs *fs, uint32_t clus, const struct fat_dirent *self, uint32_t parent);
/* The first cluster a ".." entry names for a directory whose parent starts at dir_first. */
uint32_t fat_dotdot_clus(const struct fat_fs *fs, uint32_t dir_first);

/* dostime.c */
/* The current time as DOS date and time (and hundredths of a second, for creation). */
struct fat_stamp {
	uint16_t date, time;
	uint8_t tenth;
};
struct fat_stamp fat_time_now(void);
int64_t fat_time_to_unix(uint16_t date, uint16_t time);

/* file.c */
ssize_t fat_file_read(struct fat_node *n, void *buf, size_t len, off_t off);
ssize_t fat_file_write(struct fat_node *n, const void *buf, size_t len, off_t off);
int fat_file_truncate(struct fat_node *n, off_t len);

/* node.c */
/* The vnode of the entry e of directory dir_first: the cached one with a new reference, or new. */
int fat_node_get(struct fat_fs *fs, uint32_t dir_first, const struct fat_entry *e,
		 struct vnode **out);
struct fat_node *fat_node_find(struct fat_fs *fs, uint32_t dir_first, uint32_t slot);
void fat_node_unhash(struct fat_node *n);
void fat_node_rehash(struct fat_node *n, uint32_t dir_first, uint32_t slot);
/* Writes n's short entry back to its directory (nothing for root or unlinked nodes). */
int fat_node_store(struct fat_node *n);
/* The directory's first cluster as used for chains and node keys (root: 0 or root_cluster). */
uint32_t fat_node_dirclus(const struct fat_node *n);
uint64_t fat_node_ino(uint32_t dir_first, uint32_t slot);
void fat_node_release(struct vnode *vn);
int fat_node_root(struct fat_fs *fs, struct mount *m);
/* Removes entry e of directory dclus; an open node lives on unlinked, else its clusters are freed. */
int fat_node_drop(struct fat_fs *fs, uint32_t dclus, const struct fat_entry *e);

/* vnode.c */
extern const struct vnode_ops fat_vnode_ops;
/* Checks that dir can get an entry `name` (trimmed in *len): 0, -EROFS, -ENOENT, -EINVAL... */
int fat_vmay_add(struct vnode *dir, const char *name, size_t *len);
/* Finds name in dir (names FAT cannot hold are -ENOENT). */
int fat_vfind(struct vnode *dir, const char *name, size_t len, struct fat_entry *e);

/* rename.c */
int fat_rename(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
	       const char *nname, size_t nlen);

#endif
