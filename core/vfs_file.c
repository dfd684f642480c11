/*
 * Files opened by path: their file_ops call the filesystem's vnode ops
 * under the mount lock. Directories list "." and ".." themselves, then the
 * filesystem's entries (the file position counts both).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <yolk/vfs.h>
#include "vfs_internal.h"

#define DOTS 2 /* "." and ".." come first in every directory */

static ssize_t vn_pread(struct file *f, void *buf, size_t len, off_t off)
{
	struct vnode *vn = f->vn;
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	if (vn->ops->read == NULL)
		return -EINVAL;
	kmutex_lock(&vn->mnt->lock, WAIT_FOREVER);
	ssize_t r = vn->ops->read(vn, buf, len, off);
	kmutex_unlock(&vn->mnt->lock);
	return r;
}

static ssize_t vn_pwrite(struct file *f, const void *buf, size_t len, off_t off)
{
	struct vnode *vn = f->vn;
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	if (vn->ops->write == NULL)
		return -EROFS;
	if (len > (size_t)(INT64_MAX - off))
		return -EFBIG;
	kmutex_lock(&vn->mnt->lock, WAIT_FOREVER);
	ssize_t r = vn->ops->write(vn, buf, len, off);
	kmutex_unlock(&vn->mnt->lock);
	return r;
}

int vfs_getattr(struct vnode *vn, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	kmutex_lock(&vn->mnt->lock, WAIT_FOREVER);
	int r = vn->ops->getattr ? vn->ops->getattr(vn, st) : 0;
	kmutex_unlock(&vn->mnt->lock);
	if (!vn->ops->getattr)
		st->st_mode = vn->mode;
	st->st_dev = vn->mnt->dev;
	if (st->st_nlink == 0)
		st->st_nlink = 1;
	if (st->st_blksize == 0)
		st->st_blksize = 4096;
	return r;
}

static int vn_fstat(struct file *f, struct stat *st) { return vfs_getattr(f->vn, st); }

static int vn_fsync(struct file *f)
{
	struct vnode *vn = f->vn;
	struct mount *m = vn->mnt;
	kmutex_lock(&m->lock, WAIT_FOREVER);
	int r = vn->ops->fsync ? vn->ops->fsync(vn) : m->type->sync ? m->type->sync(m) : 0;
	kmutex_unlock(&m->lock);
	return r;
}

int vfs_truncate(struct vnode *vn, off_t len)
{
	if (S_ISDIR(vn->mode))
		return -EISDIR;
	if (!S_ISREG(vn->mode))
		return -EINVAL;
	if (vn->ops->truncate == NULL)
		return -EROFS;
	kmutex_lock(&vn->mnt->lock, WAIT_FOREVER);
	int r = vn->ops->truncate(vn, len);
	kmutex_unlock(&vn->mnt->lock);
	return r;
}

static int vn_ftruncate(struct file *f, off_t len) { return vfs_truncate(f->vn, len); }

static int vn_readdir(struct file *f, off_t *pos, struct dirent *de)
{
	struct vnode *vn = f->vn;
	if (!S_ISDIR(vn->mode))
		return -ENOTDIR;
	memset(de, 0, sizeof(*de));
	if (*pos < DOTS) {
		strcpy(de->d_name, *pos == 0 ? "." : "..");
		de->d_type = DT_DIR;
		de->d_ino = 1;
		de->d_off = ++*pos;
		return 1;
	}
	off_t fspos = *pos - DOTS;
	kmutex_lock(&vn->mnt->lock, WAIT_FOREVER);
	int r = vn->ops->readdir ? vn->ops->readdir(vn, &fspos, de) : 0;
	kmutex_unlock(&vn->mnt->lock);
	if (r > 0) {
		*pos = fspos + DOTS;
		de->d_off = *pos;
		de->d_reclen = sizeof(*de);
	}
	return r;
}

static const struct file_ops vnode_file_ops = {
	.pread = vn_pread,
	.pwrite = vn_pwrite,
	.fstat = vn_fstat,
	.fsync = vn_fsync,
	.ftruncate = vn_ftruncate,
	.readdir = vn_readdir,
};

int vfs_open_vnode(struct vnode *vn, int flags)
{
	int acc = flags & O_ACCMODE;
	if (S_ISDIR(vn->mode) && (acc != O_RDONLY || (flags & O_TRUNC))) {
		vnode_put(vn);
		return -EISDIR;
	}
	if ((flags & O_DIRECTORY) && !S_ISDIR(vn->mode)) {
		vnode_put(vn);
		return -ENOTDIR;
	}
	int r = 0;
	if ((flags & O_TRUNC) && S_ISREG(vn->mode) && acc != O_RDONLY)
		r = vfs_truncate(vn, 0);
	struct file *f = r ? NULL : file_new(&vnode_file_ops, NULL, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	if (f == NULL) {
		vnode_put(vn);
		return r ? r : -ENOMEM;
	}
	f->vn = vn; /* file_put drops it */
	/* A device node hands the file over to its driver. */
	if (vn->ops->open && (r = vn->ops->open(vn, f)) != 0) {
		file_put(f);
		return r;
	}
	r = fd_install(f, 0);
	if (r < 0)
		file_put(f);
	return r;
}
