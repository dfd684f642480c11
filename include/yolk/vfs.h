/*
 * The virtual filesystem: a tree of mounted filesystems, each a table of
 * vnode operations. Core resolves paths and keeps the fd table; a
 * filesystem only answers questions about one directory or one file.
 *
 * Locking: every vnode op runs with its mount's lock held (one filesystem
 * instance is single-threaded inside), so filesystems need no locks of
 * their own; they must not call back into the VFS. Blocking device files
 * (console, pipes) do their waiting in file ops, outside any mount lock.
 * All ops return 0 (or a count) or -errno.
 */
#ifndef YOLK_VFS_H
#define YOLK_VFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <yolk/file.h>
#include <yolk/sync.h>

struct mount;
struct vnode;

#define VFS_NAME_MAX 255

struct vnode_ops {
	/*
	 * Directories. name is not NUL-terminated: len bytes, never "." or "..".
	 * lookup and create hand back the child with a reference for the caller
	 * (vnode_ref an existing node, or a fresh one from vnode_new): one file
	 * is one vnode however often it is looked up.
	 */
	int (*lookup)(struct vnode *dir, const char *name, size_t len, struct vnode **out);
	int (*create)(struct vnode *dir, const char *name, size_t len, mode_t mode, struct vnode **out);
	int (*mkdir)(struct vnode *dir, const char *name, size_t len, mode_t mode);
	int (*unlink)(struct vnode *dir, const char *name, size_t len);
	int (*rmdir)(struct vnode *dir, const char *name, size_t len);
	/* Both directories are on the same mount; replaces an existing target file. */
	int (*rename)(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
		      const char *nname, size_t nlen);
	/* Entry at *pos ("." and ".." are the VFS's): 1 and advances *pos, 0 at the end. */
	int (*readdir)(struct vnode *dir, off_t *pos, struct dirent *de);
	/* Regular files. */
	ssize_t (*read)(struct vnode *vn, void *buf, size_t len, off_t off);
	ssize_t (*write)(struct vnode *vn, const void *buf, size_t len, off_t off);
	int (*truncate)(struct vnode *vn, off_t len);
	int (*fsync)(struct vnode *vn);
	/* Fills st_mode, st_size, st_ino, times...; st_dev is the VFS's. */
	int (*getattr)(struct vnode *vn, struct stat *st);
	/* Device nodes: point f->ops/f->priv at the device (called without the mount lock). */
	int (*open)(struct vnode *vn, struct file *f);
	/* The last reference is gone: forget the in-memory node (and free an unlinked file). */
	void (*release)(struct vnode *vn);
};

struct vnode {
	const struct vnode_ops *ops;
	struct mount *mnt;
	mode_t mode;           /* S_IFDIR, S_IFREG, S_IFCHR ... and permissions */
	unsigned refs;         /* under mnt->lock */
	struct mount *covered; /* a filesystem mounted on this directory, or NULL */
	void *priv;            /* the filesystem's node */
};

struct fs_type {
	const char *name; /* "ramfs", "fat" ... as in mount=/data:vda1:fat */
	/* Fills m->root (refs 1) and m->priv; source is a block device name or "". */
	int (*mount)(struct mount *m, const char *source, const char *options);
	/* Writes everything dirty to the device. */
	int (*sync)(struct mount *m);
	/* Called once no file of m is open; frees what mount made. */
	int (*unmount)(struct mount *m);
};

/* The explicit alignment stops GCC padding entries, which would leave holes in the table. */
#define YOLK_FS_TYPE(var)                                                                     \
	static const struct fs_type *const fs_type_entry_##var                               \
		__attribute__((used, aligned(sizeof(void *)), section(".yolk_fs_type"))) = &(var)

struct mount {
	const struct fs_type *type;
	struct vnode *root;
	struct vnode *mountpoint; /* the directory it hides, NULL for / */
	struct kmutex lock;
	unsigned dev;             /* st_dev of its files */
	unsigned refs;            /* references to all its vnodes (vnode_new/ref/unref keep it) */
	char path[128];
	char source[32];
	void *priv;
	struct mount *next;
};

/* A vnode of m with one reference. Call with m->lock held (or before m is visible). */
struct vnode *vnode_new(struct mount *m, const struct vnode_ops *ops, mode_t mode, void *priv);
/* Reference counting; both with vn->mnt->lock held. The last unref calls ops->release and frees vn. */
void vnode_ref(struct vnode *vn);
void vnode_unref(struct vnode *vn);
/* vnode_unref taking the mount lock itself (for holders outside the filesystem). */
void vnode_put(struct vnode *vn);

/*
 * Mounts filesystem `type` from `source` on the directory `path` ("/" first).
 * 0, or -ENODEV (no such filesystem type), -ENAMETOOLONG, the path walk's
 * error (-ENOENT, -ENOTDIR, ...), -EBUSY (something is mounted there
 * already) or the filesystem's own (-EINVAL or -EIO for a damaged volume,
 * -ENOMEM, ...).
 */
int vfs_mount(const char *path, const char *type, const char *source, const char *options);
/* Writes the mount's data back and detaches it. 0, -EINVAL (nothing mounted at path), -EBUSY (in use), or the sync's error. */
int vfs_unmount(const char *path);
/* Writes every mount's data back. 0, or the first error a filesystem's sync returned (all are still tried). */
int vfs_sync(void);
/* Calls visit for each mount, in mount order. */
void vfs_foreach_mount(void (*visit)(const struct mount *m, void *arg), void *arg);

#endif
