/*
 * devfs: one flat directory showing core's character device list
 * (include/yolk/chardev.h). Opening a node hands the file to the device's
 * own file_ops; devfs only names things.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/chardev.h>
#include <yolk/vfs.h>

/* The live vnode of each device, so one device is one vnode while in use. */
struct devfs_node {
	struct chardev *dev;
	struct vnode *vn;
	struct devfs_node *next;
};

static const struct vnode_ops devfs_dir_ops, devfs_dev_ops;

static int devfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct chardev *d = chardev_find(name, len);
	if (d == NULL)
		return -ENOENT;
	struct devfs_node **list = dir->priv, *n = *list;
	while (n && n->dev != d)
		n = n->next;
	if (n) {
		vnode_ref(n->vn);
		*out = n->vn;
		return 0;
	}
	n = calloc(1, sizeof(*n));
	struct vnode *vn = n ? vnode_new(dir->mnt, &devfs_dev_ops, S_IFCHR | (d->mode & 07777), n) : NULL;
	if (vn == NULL) {
		free(n);
		return -ENOMEM;
	}
	*n = (struct devfs_node){.dev = d, .vn = vn, .next = *list};
	*list = n;
	*out = vn;
	return 0;
}

static int devfs_readdir(struct vnode *dir, off_t *pos, struct dirent *de)
{
	(void)dir;
	struct chardev *d = chardev_at((unsigned)*pos);
	if (d == NULL)
		return 0;
	strncpy(de->d_name, d->name, sizeof(de->d_name) - 1);
	de->d_type = DT_CHR;
	de->d_ino = (ino_t)*pos + 2;
	++*pos;
	return 1;
}

static int devfs_dir_getattr(struct vnode *vn, struct stat *st)
{
	st->st_mode = vn->mode;
	st->st_ino = 1;
	st->st_nlink = 2;
	return 0;
}

static int devfs_dev_getattr(struct vnode *vn, struct stat *st)
{
	struct devfs_node *n = vn->priv;
	st->st_mode = vn->mode;
	st->st_rdev = n->dev->rdev;
	st->st_ino = n->dev->rdev + 1000;
	return 0;
}

static int devfs_open(struct vnode *vn, struct file *f)
{
	struct devfs_node *n = vn->priv;
	f->ops = n->dev->ops;
	f->priv = n->dev->priv;
	return 0;
}

static void devfs_dev_release(struct vnode *vn)
{
	struct devfs_node *n = vn->priv, **list = vn->mnt->root->priv;
	while (*list != n)
		list = &(*list)->next;
	*list = n->next;
	free(n);
}

static const struct vnode_ops devfs_dir_ops = {
	.lookup = devfs_lookup,
	.readdir = devfs_readdir,
	.getattr = devfs_dir_getattr,
};

static const struct vnode_ops devfs_dev_ops = {
	.getattr = devfs_dev_getattr,
	.open = devfs_open,
	.release = devfs_dev_release,
};

static int devfs_mount(struct mount *m, const char *source, const char *options)
{
	(void)source;
	(void)options;
	struct devfs_node **list = calloc(1, sizeof(*list));
	m->root = list ? vnode_new(m, &devfs_dir_ops, S_IFDIR | 0755, list) : NULL;
	if (m->root == NULL) {
		free(list);
		return -ENOMEM;
	}
	return 0;
}

static int devfs_unmount(struct mount *m)
{
	free(m->root->priv);
	return 0;
}

static const struct fs_type devfs_type = {
	.name = "devfs",
	.mount = devfs_mount,
	.unmount = devfs_unmount,
};
YOLK_FS_TYPE(devfs_type);
