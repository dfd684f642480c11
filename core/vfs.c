/*
 * The mount table, vnode references and path resolution.
 *
 * Paths are made absolute and normalized lexically first ("." and ".."
 * dropped against the text, against the current directory for relative
 * ones): yolk has no symbolic links, so the text alone says where ".."
 * leads, and filesystems never see "." or "..". The walk then goes from the
 * root down, one mount lock at a time, stepping onto a mounted filesystem's
 * root wherever a directory is covered.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/console.h>
#include <yolk/panic.h>
#include <yolk/vfs.h>
#include "vfs_internal.h"

extern const struct fs_type *const __start_yolk_fs_type[], *const __stop_yolk_fs_type[];

static struct mount *mounts;     /* in mount order; the first is / */
struct kmutex vfs_mount_lock = KMUTEX_INIT;
static char cwd[PATH_MAX] = "/";
static struct kmutex cwd_lock = KMUTEX_INIT;

/* --- vnodes --- */

struct vnode *vnode_new(struct mount *m, const struct vnode_ops *ops, mode_t mode, void *priv)
{
	struct vnode *vn = calloc(1, sizeof(*vn));
	if (vn == NULL)
		return NULL;
	*vn = (struct vnode){.ops = ops, .mnt = m, .mode = mode, .refs = 1, .priv = priv};
	m->refs++;
	return vn;
}

void vnode_ref(struct vnode *vn)
{
	KASSERT(vn->refs > 0 && kmutex_held(&vn->mnt->lock));
	vn->refs++;
	vn->mnt->refs++;
}

void vnode_unref(struct vnode *vn)
{
	KASSERT(vn->refs > 0 && kmutex_held(&vn->mnt->lock));
	vn->mnt->refs--;
	if (--vn->refs > 0)
		return;
	if (vn->ops->release)
		vn->ops->release(vn);
	free(vn);
}

void vnode_put(struct vnode *vn)
{
	struct mount *m = vn->mnt;
	kmutex_lock(&m->lock, WAIT_FOREVER);
	vnode_unref(vn);
	kmutex_unlock(&m->lock);
}

void vnode_get(struct vnode *vn)
{
	struct mount *m = vn->mnt;
	kmutex_lock(&m->lock, WAIT_FOREVER);
	vnode_ref(vn);
	kmutex_unlock(&m->lock);
}

/* --- paths --- */

int vfs_abspath(const char *path, char *out)
{
	if (path == NULL)
		return -EFAULT;
	if (path[0] == '\0')
		return -ENOENT;
	char buf[PATH_MAX * 2];
	size_t n = 0;
	if (path[0] != '/') {
		kmutex_lock(&cwd_lock, WAIT_FOREVER);
		n = strlen(cwd);
		memcpy(buf, cwd, n);
		kmutex_unlock(&cwd_lock);
		buf[n++] = '/';
	}
	size_t plen = strlen(path);
	if (plen >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(buf + n, path, plen + 1);
	/* Rebuild component by component; ".." takes back the last one. */
	size_t o = 0;
	for (char *p = buf; *p;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[--o] != '/')
				;
		} else if (!(len == 1 && p[0] == '.')) {
			if (o + 1 + len >= PATH_MAX)
				return -ENAMETOOLONG;
			out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

/* The vnode of the root of everything, with a reference; NULL if nothing is mounted. */
static struct vnode *root_get(void)
{
	kmutex_lock(&vfs_mount_lock, WAIT_FOREVER);
	struct vnode *vn = mounts ? mounts->root : NULL;
	if (vn)
		vnode_get(vn);
	kmutex_unlock(&vfs_mount_lock);
	return vn;
}

/* vn, or the root of what is mounted on it (repeatedly); the reference moves along. */
static struct vnode *cross_mounts(struct vnode *vn)
{
	kmutex_lock(&vfs_mount_lock, WAIT_FOREVER);
	while (vn->covered) {
		struct vnode *top = vn->covered->root;
		vnode_get(top);
		vnode_put(vn);
		vn = top;
	}
	kmutex_unlock(&vfs_mount_lock);
	return vn;
}

int vfs_step(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct mount *m = dir->mnt;
	int r;
	kmutex_lock(&m->lock, WAIT_FOREVER);
	if (!S_ISDIR(dir->mode))
		r = -ENOTDIR;
	else if (dir->ops->lookup == NULL)
		r = -ENOENT;
	else
		r = dir->ops->lookup(dir, name, len, out);
	kmutex_unlock(&m->lock);
	if (r == 0)
		*out = cross_mounts(*out);
	return r;
}

/* Walks the first `upto` bytes of the absolute path abs. */
static int walk(const char *abs, size_t upto, struct vnode **out)
{
	struct vnode *vn = root_get();
	if (vn == NULL)
		return -ENOENT;
	for (size_t i = 0; i < upto;) {
		while (i < upto && abs[i] == '/')
			i++;
		size_t len = 0;
		while (i + len < upto && abs[i + len] != '/')
			len++;
		if (len == 0)
			break;
		struct vnode *next;
		int r = vfs_step(vn, abs + i, len, &next);
		vnode_put(vn);
		if (r)
			return r;
		vn = next;
		i += len;
	}
	*out = vn;
	return 0;
}

int vfs_lookup(const char *path, struct vnode **out)
{
	char abs[PATH_MAX];
	int r = vfs_abspath(path, abs);
	if (r)
		return r;
	r = walk(abs, strlen(abs), out);
	/* "file/" names a directory: a trailing slash on anything else is ENOTDIR. */
	size_t plen = strlen(path);
	if (r == 0 && plen && path[plen - 1] == '/' && !S_ISDIR((*out)->mode)) {
		vnode_put(*out);
		r = -ENOTDIR;
	}
	return r;
}

int vfs_lookup_parent(const char *path, struct vnode **dir, char *name, size_t *len)
{
	char abs[PATH_MAX];
	int r = vfs_abspath(path, abs);
	if (r)
		return r;
	size_t n = strlen(abs);
	if (n == 1)
		return -EBUSY; /* "/" itself: nothing can be created or removed there */
	const char *last = strrchr(abs, '/') + 1;
	*len = n - (size_t)(last - abs);
	memcpy(name, last, *len);
	name[*len] = '\0';
	r = walk(abs, (size_t)(last - abs), dir);
	if (r == 0 && !S_ISDIR((*dir)->mode)) {
		vnode_put(*dir);
		r = -ENOTDIR;
	}
	return r;
}

/* --- current directory --- */

int vfs_chdir(const char *path)
{
	char abs[PATH_MAX];
	struct vnode *vn;
	int r = vfs_abspath(path, abs);
	if (r == 0)
		r = walk(abs, strlen(abs), &vn);
	if (r)
		return r;
	r = S_ISDIR(vn->mode) ? 0 : -ENOTDIR;
	vnode_put(vn);
	if (r == 0) {
		kmutex_lock(&cwd_lock, WAIT_FOREVER);
		strcpy(cwd, abs);
		kmutex_unlock(&cwd_lock);
	}
	return r;
}

int vfs_getcwd(char *buf, size_t size)
{
	kmutex_lock(&cwd_lock, WAIT_FOREVER);
	size_t n = strlen(cwd);
	int r = n + 1 > size ? -ERANGE : 0;
	if (r == 0)
		memcpy(buf, cwd, n + 1);
	kmutex_unlock(&cwd_lock);
	return r;
}

/* --- mounts --- */

const struct fs_type *vfs_find_type(const char *name)
{
	for (const struct fs_type *const *t = __start_yolk_fs_type; t < __stop_yolk_fs_type; t++)
		if (strcmp((*t)->name, name) == 0)
			return *t;
	return NULL;
}

/* Makes the mount structure and asks the filesystem to fill it. */
static int mount_new(const char *abs, const struct fs_type *type, const char *source, const char *options,
		     struct mount **out)
{
	static unsigned next_dev = 1;
	struct mount *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->type = type;
	m->lock = (struct kmutex)KMUTEX_INIT;
	m->dev = next_dev++;
	strncpy(m->path, abs, sizeof(m->path) - 1);
	strncpy(m->source, source, sizeof(m->source) - 1);
	int r = type->mount(m, source, options ? options : "");
	if (r == 0 && (m->root == NULL || !S_ISDIR(m->root->mode)))
		r = -EIO;
	if (r) {
		free(m);
		return r;
	}
	*out = m;
	return 0;
}

/* Hangs m on the directory mountpoint (NULL: m becomes /). Mount table locked. */
static int mount_attach(struct mount *m, struct vnode *mountpoint)
{
	if (mountpoint == NULL ? mounts != NULL : (!S_ISDIR(mountpoint->mode) || mountpoint->covered))
		return mountpoint == NULL ? -EBUSY : S_ISDIR(mountpoint->mode) ? -EBUSY : -ENOTDIR;
	m->mountpoint = mountpoint;
	if (mountpoint)
		mountpoint->covered = m;
	struct mount **p = &mounts;
	while (*p)
		p = &(*p)->next;
	*p = m;
	return 0;
}

int vfs_mount(const char *path, const char *type_name, const char *source, const char *options)
{
	char abs[PATH_MAX];
	int r = vfs_abspath(path, abs);
	if (r)
		return r;
	if (strlen(abs) >= sizeof(((struct mount *)0)->path))
		return -ENAMETOOLONG;
	const struct fs_type *type = vfs_find_type(type_name);
	if (type == NULL)
		return -ENODEV;
	struct vnode *mp = NULL;
	if (strcmp(abs, "/") != 0 && (r = walk(abs, strlen(abs), &mp)) != 0)
		return r;
	struct mount *m;
	r = mount_new(abs, type, source ? source : "", options, &m);
	if (r == 0) {
		kmutex_lock(&vfs_mount_lock, WAIT_FOREVER);
		r = mount_attach(m, mp);
		kmutex_unlock(&vfs_mount_lock);
		if (r) {
			if (type->unmount)
				type->unmount(m);
			free(m);
		}
	}
	/* The mount keeps its mountpoint's reference for as long as it is there. */
	if (r && mp)
		vnode_put(mp);
	return r;
}

/* Whether anything still uses m: open files, a current walk, or mounts on top of it. */
static int mount_busy(const struct mount *m)
{
	for (const struct mount *o = mounts; o; o = o->next)
		if (o->mountpoint && o->mountpoint->mnt == m)
			return 1;
	return m->refs != 1 || m == mounts;
}

int vfs_unmount(const char *path)
{
	char abs[PATH_MAX];
	int r = vfs_abspath(path, abs);
	if (r)
		return r;
	kmutex_lock(&vfs_mount_lock, WAIT_FOREVER);
	struct mount **p = &mounts;
	while (*p && strcmp((*p)->path, abs) != 0)
		p = &(*p)->next;
	struct mount *m = *p;
	if (m == NULL) {
		kmutex_unlock(&vfs_mount_lock);
		return -EINVAL;
	}
	kmutex_lock(&m->lock, WAIT_FOREVER);
	r = mount_busy(m) ? -EBUSY : m->type->sync ? m->type->sync(m) : 0;
	if (r == 0) {
		*p = m->next;
		m->mountpoint->covered = NULL;
		if (m->type->unmount)
			m->type->unmount(m);
		vnode_unref(m->root);
	}
	kmutex_unlock(&m->lock);
	kmutex_unlock(&vfs_mount_lock);
	if (r == 0) {
		vnode_put(m->mountpoint);
		free(m);
	}
	return r;
}

int vfs_sync(void)
{
	int err = 0;
	kmutex_lock(&vfs_mount_lock, WAIT_FOREVER);
	for (struct mount *m = mounts; m; m = m->next) {
		if (m->type->sync == NULL)
			continue;
		kmutex_lock(&m->lock, WAIT_FOREVER);
		int r = m->type->sync(m);
		kmutex_unlock(&m->lock);
		if (r && !err)
			err = r;
	}
	kmutex_unlock(&vfs_mount_lock);
	return err;
}

void vfs_foreach_mount(void (*visit)(const struct mount *m, void *arg), void *arg)
{
	kmutex_lock(&vfs_mount_lock, WAIT_FOREVER);
	for (struct mount *m = mounts; m; m = m->next)
		visit(m, arg);
	kmutex_unlock(&vfs_mount_lock);
}
