/*
 * The POSIX calls that take a path: open, stat, mkdir, rmdir, unlink,
 * rename, truncate, access, chdir, getcwd, sync, realpath, readlink, utimes,
 * chown, statvfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>
#include <yolk/sched.h>
#include <yolk/vfs.h>
#include "vfs_internal.h"

int vfs_getattr(struct vnode *vn, struct stat *st);
int vfs_truncate(struct vnode *vn, off_t len);

/*
 * Path calls take and drop vnode references (and create files and fds) with
 * no lock held in between: each runs holding the thread (thread_hold_begin)
 * so a kill never ends it halfway and leaves a mount busy for good. This
 * ends the hold and is the kill point on the way back, then sets errno.
 */
static int sysret(int r)
{
	thread_hold_end();
	thread_kill_point();
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return r;
}

/* Finds or (O_CREAT) creates the file; O_EXCL wants it new. */
static int open_create(const char *path, int flags, mode_t mode, struct vnode **out)
{
	char name[NAME_MAX + 1];
	size_t len;
	struct vnode *dir;
	int r = vfs_lookup_parent(path, &dir, name, &len);
	if (r)
		return r;
	r = vfs_step(dir, name, len, out);
	if (r == 0 && (flags & O_EXCL)) {
		vnode_put(*out);
		r = -EEXIST;
	} else if (r == -ENOENT) {
		struct mount *m = dir->mnt;
		kmutex_lock(&m->lock, WAIT_FOREVER);
		r = dir->ops->create ? dir->ops->create(dir, name, len, S_IFREG | (mode & 07777), out) : -EROFS;
		kmutex_unlock(&m->lock);
	}
	vnode_put(dir);
	return r;
}

/* A cancellation point (POSIX.1-2017 2.9.5.2): a request acts at entry or if the call was cut short. */
int open(const char *path, int flags, ...)
{
	int point = thread_cancel_point_begin();
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	struct vnode *vn;
	thread_hold_begin();
	int r = (flags & O_CREAT) ? open_create(path, flags, mode, &vn) : vfs_lookup(path, &vn);
	if (r == 0)
		r = vfs_open_vnode(vn, flags);
	r = sysret(r);
	thread_cancel_point_end(point, r < 0 && errno == EINTR);
	return r;
}

int creat(const char *path, mode_t mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

int stat(const char *path, struct stat *st)
{
	struct vnode *vn;
	thread_hold_begin();
	int r = vfs_lookup(path, &vn);
	if (r == 0) {
		r = vfs_getattr(vn, st);
		vnode_put(vn);
	}
	return sysret(r);
}

/* No symbolic links: lstat is stat. */
int lstat(const char *path, struct stat *st) { return stat(path, st); }

int access(const char *path, int amode)
{
	struct stat st;
	if (stat(path, &st))
		return -1;
	/* One user who may do anything the file allows anyone at all. */
	if (((amode & W_OK) && !(st.st_mode & 0222)) || ((amode & X_OK) && !(st.st_mode & 0111))) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int truncate(const char *path, off_t len)
{
	struct vnode *vn;
	thread_hold_begin();
	int r = len < 0 ? -EINVAL : vfs_lookup(path, &vn);
	if (r == 0) {
		r = vfs_truncate(vn, len);
		vnode_put(vn);
	}
	return sysret(r);
}

/* Runs one directory op (mkdir, unlink, rmdir) on path's parent. */
static int dir_op(const char *path, int which, mode_t mode)
{
	char name[NAME_MAX + 1];
	size_t len;
	struct vnode *dir;
	int r = vfs_lookup_parent(path, &dir, name, &len);
	if (r)
		return r;
	struct mount *m = dir->mnt;
	const struct vnode_ops *ops = dir->ops;
	kmutex_lock(&m->lock, WAIT_FOREVER);
	if (which == 0)
		r = ops->mkdir ? ops->mkdir(dir, name, len, S_IFDIR | (mode & 07777)) : -EROFS;
	else if (which == 1)
		r = ops->unlink ? ops->unlink(dir, name, len) : -EROFS;
	else
		r = ops->rmdir ? ops->rmdir(dir, name, len) : -EROFS;
	kmutex_unlock(&m->lock);
	vnode_put(dir);
	return r;
}

/* A directory something is mounted on cannot go away, nor a mount's root. */
static int is_mountpoint(const char *path)
{
	struct vnode *vn;
	if (vfs_lookup(path, &vn))
		return 0;
	int busy = vn->mnt->root == vn;
	vnode_put(vn);
	return busy;
}

int mkdir(const char *path, mode_t mode)
{
	thread_hold_begin();
	return sysret(dir_op(path, 0, mode));
}

int unlink(const char *path)
{
	size_t n = strlen(path);
	thread_hold_begin();
	return sysret(n && path[n - 1] == '/' ? -EISDIR : dir_op(path, 1, 0));
}

int rmdir(const char *path)
{
	char abs[PATH_MAX];
	thread_hold_begin();
	int r = vfs_abspath(path, abs);
	if (r == 0 && is_mountpoint(abs))
		r = -EBUSY;
	if (r == 0) {
		const char *last = strrchr(path, '/');
		last = last ? last + 1 : path;
		r = strcmp(last, ".") == 0 ? -EINVAL : dir_op(path, 2, 0);
	}
	return sysret(r);
}

int remove(const char *path)
{
	struct stat st;
	if (stat(path, &st))
		return -1;
	return S_ISDIR(st.st_mode) ? rmdir(path) : unlink(path);
}

static int rename_check(const char *oabs, const char *nabs)
{
	size_t n = strlen(oabs);
	/* A directory cannot move into itself. */
	if (strncmp(oabs, nabs, n) == 0 && nabs[n] == '/')
		return -EINVAL;
	if (is_mountpoint(oabs) || is_mountpoint(nabs))
		return -EBUSY;
	return 0;
}

static int rename_paths(const char *from, const char *to)
{
	char oabs[PATH_MAX], nabs[PATH_MAX], oname[NAME_MAX + 1], nname[NAME_MAX + 1];
	size_t olen, nlen;
	struct vnode *odir, *ndir;
	int r = vfs_abspath(from, oabs);
	if (r == 0)
		r = vfs_abspath(to, nabs);
	if (r == 0 && strcmp(oabs, nabs) == 0)
		return 0; /* same file: nothing to do */
	if (r == 0)
		r = rename_check(oabs, nabs);
	if (r == 0)
		r = vfs_lookup_parent(oabs, &odir, oname, &olen);
	if (r)
		return r;
	r = vfs_lookup_parent(nabs, &ndir, nname, &nlen);
	if (r == 0) {
		struct mount *m = odir->mnt;
		if (ndir->mnt != m) {
			r = -EXDEV;
		} else {
			kmutex_lock(&m->lock, WAIT_FOREVER);
			r = odir->ops->rename ? odir->ops->rename(odir, oname, olen, ndir, nname, nlen) : -EROFS;
			kmutex_unlock(&m->lock);
		}
		vnode_put(ndir);
	}
	vnode_put(odir);
	return r;
}

int rename(const char *from, const char *to)
{
	thread_hold_begin();
	return sysret(rename_paths(from, to));
}

int chdir(const char *path)
{
	thread_hold_begin();
	return sysret(vfs_chdir(path));
}

char *getcwd(char *buf, size_t size)
{
	int r = buf == NULL || size == 0 ? -EINVAL : vfs_getcwd(buf, size);
	if (r) {
		errno = -r;
		return NULL;
	}
	return buf;
}

void sync(void) { vfs_sync(); }

mode_t umask(mode_t mask)
{
	(void)mask;
	return 022;
}

int chmod(const char *path, mode_t mode)
{
	(void)mode;
	struct stat st;
	return stat(path, &st); /* permissions are not kept: there is one user */
}

/* Paths are resolved lexically and there are no symbolic links: the canonical path is the absolute one. */
char *realpath(const char *path, char *resolved)
{
	char abs[PATH_MAX];
	struct stat st;
	int r = vfs_abspath(path, abs);
	/* The path as given: abs has lost a trailing "/" that must name a directory. */
	if (r == 0 && stat(path, &st))
		r = -errno;
	if (r) {
		errno = -r;
		return NULL;
	}
	if (resolved == NULL && (resolved = malloc(strlen(abs) + 1)) == NULL)
		return NULL;
	return strcpy(resolved, abs);
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
	struct stat st;
	(void)buf, (void)size;
	if (stat(path, &st) == 0)
		errno = EINVAL; /* it exists, and is not a link */
	return -1;
}

int symlink(const char *target, const char *path)
{
	(void)target, (void)path;
	errno = EPERM; /* as Linux says for filesystems without links */
	return -1;
}

/* Like chmod: the file must exist; its times stay those of its last write (filesystems keep no others). */
int utimes(const char *path, const struct timeval times[2])
{
	(void)times;
	struct stat st;
	return stat(path, &st);
}

int utime(const char *path, const struct utimbuf *times)
{
	(void)times;
	return utimes(path, NULL);
}

/* Like chmod: one user (root, 0:0) owns everything; giving a file to root is no change, to anyone else EPERM. */
int chown(const char *path, uid_t owner, gid_t group)
{
	struct stat st;
	if (stat(path, &st))
		return -1;
	if ((owner != 0 && owner != (uid_t)-1) || (group != 0 && group != (gid_t)-1)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* Filesystems report no free-space figures to the VFS yet: the path is checked, then ENOSYS. */
int statvfs(const char *path, struct statvfs *st)
{
	struct stat s;
	(void)st;
	if (stat(path, &s))
		return -1;
	errno = ENOSYS;
	return -1;
}

int fstatvfs(int fd, struct statvfs *st)
{
	struct stat s;
	(void)st;
	if (fstat(fd, &s))
		return -1;
	errno = ENOSYS;
	return -1;
}
