/*
 * vnode_ops for FAT: name checks, then the directory, file and node
 * functions of this part. Runs under the mount lock (yolk/vfs.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fat.h"

static struct fat_node *fat_n(struct vnode *vn)
{
	return vn->priv;
}

/* Checks that dir can get a new entry `name` (trimmed in *len). */
int fat_vmay_add(struct vnode *dir, const char *name, size_t *len)
{
	struct fat_node *d = fat_n(dir);
	if (d->fs->readonly)
		return -EROFS;
	if (d->unlinked)
		return -ENOENT;
	return fat_name_check(name, len);
}

/* Finds name in dir; names that cannot exist on FAT are simply not there. */
int fat_vfind(struct vnode *dir, const char *name, size_t len, struct fat_entry *e)
{
	struct fat_node *d = fat_n(dir);
	int r = fat_name_check(name, &len);
	if (d->unlinked || r == -EINVAL)
		return -ENOENT;
	return r ? r : fat_dir_find(d->fs, fat_node_dirclus(d), name, len, e);
}

static int fat_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct fat_entry e;
	int r = fat_vfind(dir, name, len, &e);
	return r ? r : fat_node_get(fat_n(dir)->fs, fat_node_dirclus(fat_n(dir)), &e, out);
}

static void fat_new_dirent(struct fat_dirent *de, uint8_t attr, mode_t mode)
{
	memset(de, 0, sizeof(*de));
	de->attr = (uint8_t)(attr | ((mode & 0222) ? 0 : FAT_ATTR_RO));
	struct fat_stamp s = fat_time_now();
	de->crt_date = s.date;
	de->crt_time = s.time;
	de->crt_tenth = s.tenth;
	de->wrt_date = de->acc_date = de->crt_date;
	de->wrt_time = de->crt_time;
}

static int fat_create(struct vnode *dir, const char *name, size_t len, mode_t mode,
		      struct vnode **out)
{
	struct fat_node *d = fat_n(dir);
	struct fat_entry e;
	int r = fat_vmay_add(dir, name, &len);
	if (!r)
		r = fat_dir_find(d->fs, fat_node_dirclus(d), name, len, &e);
	if (r != -ENOENT)
		return r ? r : -EEXIST;
	fat_new_dirent(&e.de, FAT_ATTR_ARCHIVE, mode);
	if ((r = fat_dir_add(d->fs, fat_node_dirclus(d), name, len, &e.de, &e.slot)) != 0)
		return r;
	return fat_node_get(d->fs, fat_node_dirclus(d), &e, out);
}

static int fat_mkdir(struct vnode *dir, const char *name, size_t len, mode_t mode)
{
	struct fat_node *d = fat_n(dir);
	struct fat_fs *fs = d->fs;
	struct fat_entry e;
	uint32_t c, slot, dclus = fat_node_dirclus(d);
	int r = fat_vmay_add(dir, name, &len);
	if (!r)
		r = fat_dir_find(fs, dclus, name, len, &e);
	if (r != -ENOENT)
		return r ? r : -EEXIST;
	if ((r = fat_alloc_chain(fs, 0, 1, &c)) != 0)
		return r;
	fat_new_dirent(&e.de, FAT_ATTR_DIR, mode);
	fat_set_clus(&e.de, c);
	r = fat_dir_init(fs, c, &e.de, fat_dotdot_clus(fs, dclus));
	if (!r)
		r = fat_dir_add(fs, dclus, name, len, &e.de, &slot);
	if (r)
		fat_cut_chain(fs, c, 0);
	return r;
}

static int fat_unlink(struct vnode *dir, const char *name, size_t len)
{
	struct fat_node *d = fat_n(dir);
	struct fat_entry e;
	if (d->fs->readonly)
		return -EROFS;
	int r = fat_vfind(dir, name, len, &e);
	if (r)
		return r;
	if (e.de.attr & FAT_ATTR_DIR)
		return -EISDIR;
	return fat_node_drop(d->fs, fat_node_dirclus(d), &e);
}

static int fat_rmdir(struct vnode *dir, const char *name, size_t len)
{
	struct fat_node *d = fat_n(dir);
	struct fat_entry e;
	if (d->fs->readonly)
		return -EROFS;
	int r = fat_vfind(dir, name, len, &e);
	if (r)
		return r;
	if (!(e.de.attr & FAT_ATTR_DIR))
		return -ENOTDIR;
	if (!fat_valid_clus(d->fs, fat_clus_of(&e.de)))
		return -EIO;
	if ((r = fat_dir_nonempty(d->fs, fat_clus_of(&e.de))) != 0)
		return r < 0 ? r : -ENOTEMPTY;
	return fat_node_drop(d->fs, fat_node_dirclus(d), &e);
}

static int fat_readdir(struct vnode *dir, off_t *pos, struct dirent *de)
{
	struct fat_node *d = fat_n(dir);
	struct fat_entry e;
	if (d->unlinked || *pos < 0 || *pos >= FAT_MAX_SLOTS)
		return 0;
	uint32_t p = (uint32_t)*pos;
	int r;
	do {
		r = fat_dir_next(d->fs, &d->cp, &p, &e);
	} while (r == 1 && (e.de.name[0] == '.' && (e.de.name[1] == ' ' || e.de.name[1] == '.')));
	if (r != 1)
		return r;
	if (e.len >= sizeof(de->d_name))
		e.len = fat_short_display(&e.de, e.name);
	memcpy(de->d_name, e.name, e.len + 1);
	de->d_ino = (ino_t)fat_node_ino(fat_node_dirclus(d), e.slot);
	de->d_type = e.de.attr & FAT_ATTR_DIR ? DT_DIR : DT_REG;
	*pos = p;
	return 1;
}

static ssize_t fat_read(struct vnode *vn, void *buf, size_t len, off_t off)
{
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	return fat_file_read(fat_n(vn), buf, len, off);
}

static ssize_t fat_write(struct vnode *vn, const void *buf, size_t len, off_t off)
{
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	if (fat_n(vn)->fs->readonly)
		return -EROFS;
	return fat_file_write(fat_n(vn), buf, len, off);
}

static int fat_truncate(struct vnode *vn, off_t len)
{
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	if (fat_n(vn)->fs->readonly)
		return -EROFS;
	return fat_file_truncate(fat_n(vn), len);
}

static int fat_fsync(struct vnode *vn)
{
	return fat_sync(fat_n(vn)->fs);
}

static int fat_getattr(struct vnode *vn, struct stat *st)
{
	struct fat_node *n = fat_n(vn);
	struct fat_fs *fs = n->fs;
	uint32_t nclus = 0;
	int r = 0;
	if (n->is_root && fs->type != 32)
		nclus = (fs->root_slots * 32 + fs->csize - 1) / fs->csize;
	else if (S_ISDIR(vn->mode))
		r = fat_chain_length(fs, fat_node_dirclus(n), &nclus);
	else
		nclus = (uint32_t)(((uint64_t)n->de.size + fs->csize - 1) / fs->csize);
	if (r)
		return r;
	st->st_mode = vn->mode;
	st->st_ino = (ino_t)(n->is_root ? 1 : fat_node_ino(n->dir_first, n->slot));
	st->st_nlink = S_ISDIR(vn->mode) ? 2 : 1;
	st->st_uid = st->st_gid = 0;
	st->st_size = S_ISDIR(vn->mode) ? (off_t)nclus * fs->csize : (off_t)n->de.size;
	st->st_blksize = (blksize_t)fs->csize;
	st->st_blocks = (blkcnt_t)((uint64_t)nclus * fs->csize / 512);
	st->st_mtime = (time_t)fat_time_to_unix(n->de.wrt_date, n->de.wrt_time);
	st->st_atime = (time_t)fat_time_to_unix(n->de.acc_date, 0);
	st->st_ctime = st->st_mtime; /* FAT has no change time; Linux shows mtime too */
	return 0;
}

const struct vnode_ops fat_vnode_ops = {
	.lookup = fat_lookup,
	.create = fat_create,
	.mkdir = fat_mkdir,
	.unlink = fat_unlink,
	.rmdir = fat_rmdir,
	.rename = fat_rename,
	.readdir = fat_readdir,
	.read = fat_read,
	.write = fat_write,
	.truncate = fat_truncate,
	.fsync = fat_fsync,
	.getattr = fat_getattr,
	.release = fat_node_release,
};
