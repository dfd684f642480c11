/*
 * ramfs: a filesystem in memory. Every node is a vnode for its whole life:
 * the directory it is linked in holds one reference, open files and walks
 * hold the others, so an unlinked file lives on until its last close.
 * File data is an array of 4 KiB pages; a missing page is a hole of zeros.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yolk/vfs.h>

#define PAGE 4096

struct ramfs_node {
	struct ramfs_node *parent;     /* directories: for rmdir/rename checks */
	struct ramfs_entry *entries;   /* directories: linked list */
	unsigned nentries;
	char **pages;                  /* files: data pages, NULL = hole */
	size_t npages;
	off_t size;
	ino_t ino;
	struct timespec mtime, ctime, atime;
};

struct ramfs_entry {
	struct ramfs_entry *next;
	struct vnode *vn;
	size_t len;
	char name[];
};

static const struct vnode_ops ramfs_ops;

static struct ramfs_node *node(struct vnode *vn) { return vn->priv; }

static void touch(struct ramfs_node *n)
{
	clock_gettime(CLOCK_REALTIME, &n->mtime);
	n->ctime = n->mtime;
}

static struct vnode *new_node(struct mount *m, mode_t mode, struct ramfs_node *parent)
{
	static ino_t next_ino = 1;
	struct ramfs_node *n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	struct vnode *vn = vnode_new(m, &ramfs_ops, mode, n);
	if (vn == NULL) {
		free(n);
		return NULL;
	}
	n->parent = parent;
	n->ino = next_ino++;
	touch(n);
	n->atime = n->mtime;
	return vn;
}

static struct ramfs_entry *find(struct ramfs_node *dir, const char *name, size_t len,
				struct ramfs_entry ***link)
{
	struct ramfs_entry **p = &dir->entries;
	for (; *p; p = &(*p)->next) {
		if ((*p)->len == len && memcmp((*p)->name, name, len) == 0) {
			if (link)
				*link = p;
			return *p;
		}
	}
	return NULL;
}

static int ramfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
	struct ramfs_entry *e = find(node(dir), name, len, NULL);
	if (e == NULL)
		return -ENOENT;
	vnode_ref(e->vn);
	*out = e->vn;
	return 0;
}

/* Links a new node called name into dir; the directory keeps the node's first reference. */
static int link_new(struct vnode *dir, const char *name, size_t len, mode_t mode, struct vnode **out)
{
	if (find(node(dir), name, len, NULL))
		return -EEXIST;
	struct ramfs_entry *e = malloc(sizeof(*e) + len + 1);
	struct vnode *vn = e ? new_node(dir->mnt, mode, node(dir)) : NULL;
	if (vn == NULL) {
		free(e);
		return -ENOSPC;
	}
	e->vn = vn;
	e->len = len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->next = node(dir)->entries;
	node(dir)->entries = e;
	node(dir)->nentries++;
	touch(node(dir));
	if (out) {
		vnode_ref(vn);
		*out = vn;
	}
	return 0;
}

static int ramfs_create(struct vnode *dir, const char *name, size_t len, mode_t mode, struct vnode **out)
{
	return link_new(dir, name, len, S_IFREG | (mode & 07777), out);
}

static int ramfs_mkdir(struct vnode *dir, const char *name, size_t len, mode_t mode)
{
	return link_new(dir, name, len, S_IFDIR | (mode & 07777), NULL);
}

/* Takes entry *link out of dir; the directory's reference to the node goes. */
static void unlink_entry(struct vnode *dir, struct ramfs_entry **link)
{
	struct ramfs_entry *e = *link;
	*link = e->next;
	node(dir)->nentries--;
	touch(node(dir));
	vnode_unref(e->vn);
	free(e);
}

static int ramfs_unlink(struct vnode *dir, const char *name, size_t len)
{
	struct ramfs_entry **link, *e = find(node(dir), name, len, &link);
	if (e == NULL)
		return -ENOENT;
	if (S_ISDIR(e->vn->mode))
		return -EISDIR;
	unlink_entry(dir, link);
	return 0;
}

static int ramfs_rmdir(struct vnode *dir, const char *name, size_t len)
{
	struct ramfs_entry **link, *e = find(node(dir), name, len, &link);
	if (e == NULL)
		return -ENOENT;
	if (!S_ISDIR(e->vn->mode))
		return -ENOTDIR;
	if (node(e->vn)->nentries)
		return -ENOTEMPTY;
	unlink_entry(dir, link);
	return 0;
}

/* Whether directory a is b or lies below it. */
static int is_below(struct ramfs_node *a, struct ramfs_node *b)
{
	for (; a; a = a->parent)
		if (a == b)
			return 1;
	return 0;
}

static int ramfs_rename(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
			const char *nname, size_t nlen)
{
	struct ramfs_entry **olink, **nlink, *e = find(node(odir), oname, olen, &olink);
	if (e == NULL)
		return -ENOENT;
	int isdir = S_ISDIR(e->vn->mode);
	if (isdir && is_below(node(ndir), node(e->vn)))
		return -EINVAL;
	struct ramfs_entry *old = find(node(ndir), nname, nlen, &nlink);
	if (old == e)
		return 0;
	if (old) {
		if (S_ISDIR(old->vn->mode) != isdir)
			return isdir ? -ENOTDIR : -EISDIR;
		if (isdir && node(old->vn)->nentries)
			return -ENOTEMPTY;
	}
	/* Make the new entry before dropping anything: out of memory changes nothing. */
	struct ramfs_entry *ne = malloc(sizeof(*ne) + nlen + 1);
	if (ne == NULL)
		return -ENOSPC;
	if (old)
		unlink_entry(ndir, nlink);
	*ne = (struct ramfs_entry){.next = node(ndir)->entries, .vn = e->vn, .len = nlen};
	memcpy(ne->name, nname, nlen);
	ne->name[nlen] = '\0';
	node(ndir)->entries = ne;
	node(ndir)->nentries++;
	/* Unlink the old entry without dropping the node: it moved. */
	find(node(odir), oname, olen, &olink);
	*olink = e->next;
	node(odir)->nentries--;
	free(e);
	node(ne->vn)->parent = node(ndir);
	touch(node(odir));
	touch(node(ndir));
	return 0;
}

static int ramfs_readdir(struct vnode *dir, off_t *pos, struct dirent *de)
{
	struct ramfs_entry *e = node(dir)->entries;
	for (off_t i = 0; e && i < *pos; i++)
		e = e->next;
	if (e == NULL)
		return 0;
	de->d_ino = node(e->vn)->ino;
	de->d_type = S_ISDIR(e->vn->mode) ? DT_DIR : DT_REG;
	memcpy(de->d_name, e->name, e->len + 1);
	++*pos;
	return 1;
}

/* --- file data --- */

/* Makes room for npages page pointers. */
static int grow_table(struct ramfs_node *n, size_t npages)
{
	if (npages <= n->npages)
		return 0;
	char **p = realloc(n->pages, npages * sizeof(*p));
	if (p == NULL)
		return -ENOSPC;
	memset(p + n->npages, 0, (npages - n->npages) * sizeof(*p));
	n->pages = p;
	n->npages = npages;
	return 0;
}

static ssize_t ramfs_read(struct vnode *vn, void *buf, size_t len, off_t off)
{
	struct ramfs_node *n = node(vn);
	if (off >= n->size)
		return 0;
	if ((off_t)len > n->size - off)
		len = (size_t)(n->size - off);
	for (size_t done = 0; done < len;) {
		size_t pg = (size_t)(off + (off_t)done) / PAGE, in = (size_t)(off + (off_t)done) % PAGE;
		size_t k = PAGE - in < len - done ? PAGE - in : len - done;
		if (n->pages[pg])
			memcpy((char *)buf + done, n->pages[pg] + in, k);
		else
			memset((char *)buf + done, 0, k);
		done += k;
	}
	clock_gettime(CLOCK_REALTIME, &n->atime);
	return (ssize_t)len;
}

static ssize_t ramfs_write(struct vnode *vn, const void *buf, size_t len, off_t off)
{
	struct ramfs_node *n = node(vn);
	if (len == 0)
		return 0;
	if (grow_table(n, (size_t)((off + (off_t)len + PAGE - 1) / PAGE)))
		return -ENOSPC;
	size_t done = 0;
	while (done < len) {
		size_t pg = (size_t)(off + (off_t)done) / PAGE, in = (size_t)(off + (off_t)done) % PAGE;
		size_t k = PAGE - in < len - done ? PAGE - in : len - done;
		if (n->pages[pg] == NULL && (n->pages[pg] = calloc(1, PAGE)) == NULL)
			break;
		memcpy(n->pages[pg] + in, (const char *)buf + done, k);
		done += k;
	}
	if (off + (off_t)done > n->size)
		n->size = off + (off_t)done;
	touch(n);
	return done ? (ssize_t)done : -ENOSPC;
}

static int ramfs_truncate(struct vnode *vn, off_t len)
{
	struct ramfs_node *n = node(vn);
	size_t keep = (size_t)((len + PAGE - 1) / PAGE);
	if (grow_table(n, keep))
		return -ENOSPC;
	for (size_t i = keep; i < n->npages; i++) {
		free(n->pages[i]);
		n->pages[i] = NULL;
	}
	/* Bytes past the new end in the last page must read as zeros if the file grows again. */
	if (len % PAGE && keep && n->pages[keep - 1])
		memset(n->pages[keep - 1] + len % PAGE, 0, PAGE - (size_t)(len % PAGE));
	n->size = len;
	touch(n);
	return 0;
}

static int ramfs_getattr(struct vnode *vn, struct stat *st)
{
	struct ramfs_node *n = node(vn);
	st->st_mode = vn->mode;
	st->st_ino = n->ino;
	st->st_nlink = S_ISDIR(vn->mode) ? 2 : 1;
	st->st_size = S_ISDIR(vn->mode) ? (off_t)n->nentries : n->size;
	st->st_blksize = PAGE;
	for (size_t i = 0; i < n->npages; i++)
		st->st_blocks += n->pages[i] ? PAGE / 512 : 0;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
	st->st_atim = n->atime;
	return 0;
}

static void ramfs_release(struct vnode *vn)
{
	struct ramfs_node *n = node(vn);
	for (size_t i = 0; i < n->npages; i++)
		free(n->pages[i]);
	free(n->pages);
	free(n);
}

static const struct vnode_ops ramfs_ops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create,
	.mkdir = ramfs_mkdir,
	.unlink = ramfs_unlink,
	.rmdir = ramfs_rmdir,
	.rename = ramfs_rename,
	.readdir = ramfs_readdir,
	.read = ramfs_read,
	.write = ramfs_write,
	.truncate = ramfs_truncate,
	.getattr = ramfs_getattr,
	.release = ramfs_release,
};

static int ramfs_mount(struct mount *m, const char *source, const char *options)
{
	(void)source;
	(void)options;
	m->root = new_node(m, S_IFDIR | 0755, NULL);
	return m->root ? 0 : -ENOMEM;
}

/* Frees the tree below dir (unmount: nothing is open any more). */
static void free_tree(struct vnode *dir)
{
	while (node(dir)->entries) {
		struct vnode *child = node(dir)->entries->vn;
		if (S_ISDIR(child->mode))
			free_tree(child);
		unlink_entry(dir, &node(dir)->entries);
	}
}

static int ramfs_unmount(struct mount *m)
{
	free_tree(m->root);
	return 0;
}

static const struct fs_type ramfs_type = {
	.name = "ramfs",
	.mount = ramfs_mount,
	.unmount = ramfs_unmount,
};
YOLK_FS_TYPE(ramfs_type);
