/* What the VFS's files share among themselves (core/vfs*.c). */
#ifndef CORE_VFS_INTERNAL_H
#define CORE_VFS_INTERNAL_H

#include <stddef.h>
#include <yolk/vfs.h>

extern struct kmutex vfs_mount_lock;

/* path made absolute against the current directory, "." and ".." resolved; out holds PATH_MAX. */
int vfs_abspath(const char *path, char *out);
/* The vnode path names, with a reference. */
int vfs_lookup(const char *path, struct vnode **out);
/* The directory holding path's last component (with a reference), and that component. */
int vfs_lookup_parent(const char *path, struct vnode **dir, char *name, size_t *len);
/* One component down from dir (onto a mounted root if covered); dir keeps its reference. */
int vfs_step(struct vnode *dir, const char *name, size_t len, struct vnode **out);
void vnode_get(struct vnode *vn);
int vfs_chdir(const char *path);
int vfs_getcwd(char *buf, size_t size);
const struct fs_type *vfs_find_type(const char *name);
/* Opens vn (the caller's reference moves into the file) as an fd. */
int vfs_open_vnode(struct vnode *vn, int flags);

#endif
