/*
 * rename: within a directory or across, replacing an existing file (or
 * empty directory), keeping an open vnode valid (its node moves to the new
 * key), and pointing a moved directory's ".." at its new parent.
 *
 * The old entry is removed and synced before the new one is written: a
 * crash in between loses the name (fsck finds the chain as lost clusters)
 * but never leaves two entries sharing one chain, which fsck would call
 * cross-linked and which could later free clusters still in use.
 */
#include <errno.h>
#include <string.h>
#include <yolk/console.h>
#include "fat.h"

static const uint8_t fat_dotdot_name[11] = {'.', '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};

/* 1 if directory dir is anc or lies below it (following ".." entries up to the root). */
static int fat_is_below(struct fat_fs *fs, uint32_t dir, uint32_t anc)
{
	uint32_t root = fat_root_clus(fs);
	for (uint32_t steps = 0; steps < fs->nclusters; steps++) {
		struct fat_dirent dd;
		if (dir == anc)
			return 1;
		if (dir == root)
			return 0;
		int r = fat_dir_read_slot(fs, dir, 1, &dd);
		if (r)
			return r;
		if (memcmp(dd.name, fat_dotdot_name, 11)) {
			klog(KLOG_ERR, "fat: %s: directory at cluster %#x has no .. entry\n",
			     fs->dev->name, dir);
			return -EIO;
		}
		dir = fat_clus_of(&dd) ? fat_clus_of(&dd) : root;
	}
	return -EIO;
}

/* May a file (or directory, isdir) replace the existing entry t? */
static int fat_replace_ok(struct fat_fs *fs, int isdir, const struct fat_entry *t)
{
	int tdir = t->de.attr & FAT_ATTR_DIR;
	if (isdir && !tdir)
		return -ENOTDIR;
	if (!isdir && tdir)
		return -EISDIR;
	if (!tdir)
		return 0;
	if (!fat_valid_clus(fs, fat_clus_of(&t->de)))
		return -EIO;
	int r = fat_dir_nonempty(fs, fat_clus_of(&t->de));
	return r < 0 ? r : r ? -ENOTEMPTY : 0;
}

static int fat_fix_dotdot(struct fat_fs *fs, uint32_t dir, uint32_t parent)
{
	struct fat_dirent dd;
	int r = fat_dir_read_slot(fs, dir, 1, &dd);
	if (r || memcmp(dd.name, fat_dotdot_name, 11))
		return r;
	fat_set_clus(&dd, fat_dotdot_clus(fs, parent));
	return fat_dir_write_slot(fs, dir, 1, &dd);
}

/* Checks the target: 1 nothing to do, 0 go on (*replace set if t must go), or -errno. */
static int fat_rename_check(struct fat_fs *fs, const struct fat_entry *o, uint32_t oc,
			    uint32_t nc, const char *nname, size_t nlen, struct fat_entry *t,
			    int *replace)
{
	int isdir = o->de.attr & FAT_ATTR_DIR, r;
	*replace = 0;
	r = fat_dir_find(fs, nc, nname, nlen, t);
	if (r == 0 && nc == oc && t->slot == o->slot) {
		if (o->len == nlen && !memcmp(o->name, nname, nlen))
			return 1; /* the same name: nothing to do; else a change of case */
	} else if (r == 0) {
		if ((r = fat_replace_ok(fs, isdir, t)) != 0)
			return r;
		*replace = 1;
	} else if (r != -ENOENT) {
		return r;
	}
	if (isdir && nc != oc) { /* not into itself or below */
		r = fat_is_below(fs, nc, fat_clus_of(&o->de));
		if (r)
			return r < 0 ? r : -EINVAL;
	}
	return 0;
}

int fat_rename(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
	       const char *nname, size_t nlen)
{
	struct fat_node *od = odir->priv, *nd = ndir->priv;
	struct fat_fs *fs = od->fs;
	struct fat_entry o, t;
	uint32_t oc = fat_node_dirclus(od), nc = fat_node_dirclus(nd), slot;
	int replace, r = fat_vfind(odir, oname, olen, &o);
	if (!r)
		r = fat_vmay_add(ndir, nname, &nlen);
	if (!r)
		r = fat_rename_check(fs, &o, oc, nc, nname, nlen, &t, &replace);
	if (r)
		return r < 0 ? r : 0;
	if (replace && (r = fat_node_drop(fs, nc, &t)) != 0)
		return r;
	struct fat_node *n = fat_node_find(fs, oc, o.slot);
	struct fat_dirent de = n ? n->de : o.de;
	if ((r = fat_dir_remove(fs, oc, o.first_slot, o.slot)) != 0 || (r = fat_sync(fs)) != 0)
		return r;
	int err = fat_dir_add(fs, nc, nname, nlen, &de, &slot);
	if (err) { /* put it back where it was (its slots are free again) */
		nc = oc;
		if ((r = fat_dir_add(fs, oc, o.name, o.len, &de, &slot)) != 0) {
			klog(KLOG_ERR, "fat: %s: rename lost %s: %d\n", fs->dev->name, o.name, r);
			return err;
		}
	}
	if (n) {
		fat_node_rehash(n, nc, slot);
		n->de = de;
	}
	if ((de.attr & FAT_ATTR_DIR) && nc != oc)
		r = fat_fix_dotdot(fs, fat_clus_of(&de), nc);
	return err ? err : r;
}
