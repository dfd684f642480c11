/*
 * Semantics that only show through the vnode ops: one vnode per file,
 * open files surviving rename and unlink, names (case, LFN, invalid,
 * too long), truncate and sparse writes reading back zeros, directory
 * rules, ".." after moving a directory. Works in /selftest of any image.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "../fat.h"
#include "check.h"
#include "fatcli.h"

static struct vnode *st_open(const char *path)
{
	struct vnode *vn = NULL;
	int r = cli_create(path, &vn);
	CHECK(r == 0);
	return r ? NULL : vn;
}

static struct vnode *st_lookup(const char *path, int *err)
{
	struct vnode *vn = NULL;
	*err = cli_resolve(path, &vn);
	return *err ? NULL : vn;
}

static off_t st_size(struct vnode *vn)
{
	struct stat st;
	CHECK(vn->ops->getattr(vn, &st) == 0);
	return st.st_size;
}

static int st_dirop(const char *op, const char *path)
{
	struct vnode *dir;
	const char *name;
	int r = cli_parent(path, &dir, &name);
	if (r)
		return r;
	if (!strcmp(op, "mkdir"))
		r = dir->ops->mkdir(dir, name, strlen(name), 0755);
	else if (!strcmp(op, "rmdir"))
		r = dir->ops->rmdir(dir, name, strlen(name));
	else if (!strcmp(op, "create")) {
		struct vnode *vn;
		if ((r = dir->ops->create(dir, name, strlen(name), 0644, &vn)) == 0)
			vnode_unref(vn);
	} else
		r = dir->ops->unlink(dir, name, strlen(name));
	vnode_unref(dir);
	return r;
}

static int st_mv(const char *a, const char *b)
{
	struct vnode *da, *db;
	const char *na, *nb;
	int r = cli_parent(a, &da, &na);
	if (r)
		return r;
	if ((r = cli_parent(b, &db, &nb)) == 0) {
		r = da->ops->rename(da, na, strlen(na), db, nb, strlen(nb));
		vnode_unref(db);
	}
	vnode_unref(da);
	return r;
}

/* One vnode per file; it survives rename and unlink until released. */
static void st_identity(struct fat_fs *fs)
{
	int err;
	struct vnode *a = st_open("/selftest/a.txt"), *b = st_lookup("/selftest/A.TXT", &err);
	CHECK(a && b && a == b);
	CHECK(a->ops->write(a, "hello", 5, 0) == 5);
	CHECK(st_size(b) == 5);
	vnode_unref(b);
	CHECK(st_dirop("mkdir", "/selftest/sub") == 0);
	CHECK(st_mv("/selftest/a.txt", "/selftest/sub/moved file.txt") == 0);
	CHECK(a->ops->write(a, " world", 6, 5) == 6);
	b = st_lookup("/selftest/sub/MOVED FILE.TXT", &err);
	CHECK(b == a && st_size(b) == 11);
	if (b)
		vnode_unref(b);
	st_lookup("/selftest/a.txt", &err);
	CHECK(err == -ENOENT);
	/* Unlinked while open: still readable and writable, clusters freed on release. */
	char big[20000];
	memset(big, 'z', sizeof(big));
	CHECK(a->ops->write(a, big, sizeof(big), 11) == (ssize_t)sizeof(big));
	CHECK(fat_sync(fs) == 0);
	uint32_t free_before = fs->free_count;
	CHECK(st_dirop("unlink", "/selftest/sub/moved file.txt") == 0);
	st_lookup("/selftest/sub/moved file.txt", &err);
	CHECK(err == -ENOENT);
	char buf[11];
	CHECK(a->ops->read(a, buf, 11, 0) == 11 && !memcmp(buf, "hello world", 11));
	CHECK(fat_sync(fs) == 0 && fs->free_count == free_before);
	vnode_unref(a);
	CHECK(fat_sync(fs) == 0);
	CHECK(fs->free_count == free_before + (20011 + fs->csize - 1) / fs->csize);
}

static int st_has_name(const char *dirpath, const char *want)
{
	struct vnode *dir;
	struct dirent de;
	off_t pos = 0;
	int found = 0;
	if (cli_resolve(dirpath, &dir))
		return 0;
	while (dir->ops->readdir(dir, &pos, &de) == 1) {
		found |= !strcmp(de.d_name, want);
		CHECK(strcmp(de.d_name, ".") && strcmp(de.d_name, ".."));
	}
	vnode_unref(dir);
	return found;
}

static void st_names(void)
{
	char name[300];
	CHECK(st_dirop("create", "/selftest/lower.txt") == 0 && st_has_name("/selftest", "lower.txt"));
	CHECK(st_dirop("create", "/selftest/UPPER.TXT") == 0 && st_has_name("/selftest", "UPPER.TXT"));
	CHECK(st_dirop("create", "/selftest/h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xf0\x9f\x98\x80.txt") == 0);
	CHECK(st_has_name("/selftest", "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xf0\x9f\x98\x80.txt"));
	CHECK(st_dirop("create", "/selftest/UPPER.txt") == -EEXIST);
	CHECK(st_dirop("create", "/selftest/a*b") == -EINVAL);
	CHECK(st_dirop("create", "/selftest/a:b") == -EINVAL);
	CHECK(st_dirop("create", "/selftest/tab\there") == -EINVAL);
	CHECK(st_dirop("create", "/selftest/bad\xff utf8") == -EINVAL);
	memset(name, 'n', sizeof(name));
	memcpy(name, "/selftest/", 10);
	name[10 + 256] = '\0';
	CHECK(st_dirop("create", name) == -ENAMETOOLONG);
	name[10 + 255] = '\0';
	CHECK(st_dirop("create", name) == 0 && st_has_name("/selftest", name + 10));
	for (int i = 0; i < 12; i++) { /* ~1..~4, then hashed tails */
		snprintf(name, sizeof(name), "/selftest/Long File Name %d.text", i);
		CHECK(st_dirop("create", name) == 0);
	}
	int err;
	struct vnode *vn = st_lookup("/selftest/LONGFI~1.TEX", &err);
	CHECK(vn != NULL);
	if (vn)
		vnode_unref(vn);
	CHECK(st_has_name("/selftest", "Long File Name 11.text"));
}

static void st_data(void)
{
	struct vnode *vn = st_open("/selftest/data.bin");
	char buf[30000], zero[30000] = {0};
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 1);
	CHECK(vn->ops->write(vn, buf, 10000, 0) == 10000);
	CHECK(vn->ops->truncate(vn, 5000) == 0 && st_size(vn) == 5000);
	CHECK(vn->ops->truncate(vn, 20000) == 0 && st_size(vn) == 20000);
	memset(buf, 1, sizeof(buf));
	CHECK(vn->ops->read(vn, buf, sizeof(buf), 0) == 20000);
	CHECK(buf[4999] == (char)(4999 * 7 + 1) && !memcmp(buf + 5000, zero, 15000));
	/* Sparse: a write far past the end reads back zeros before it. */
	CHECK(vn->ops->write(vn, "end", 3, 1000000) == 3 && st_size(vn) == 1000003);
	CHECK(vn->ops->read(vn, buf, sizeof(buf), 500000) == (ssize_t)sizeof(buf));
	CHECK(!memcmp(buf, zero, sizeof(buf)));
	CHECK(vn->ops->read(vn, buf, 10, 1000000) == 3 && !memcmp(buf, "end", 3));
	CHECK(vn->ops->read(vn, buf, 10, 2000000) == 0);
	CHECK(vn->ops->truncate(vn, 0) == 0 && st_size(vn) == 0);
	CHECK(vn->ops->write(vn, "x", 1, 0) == 1 && st_size(vn) == 1);
	vnode_unref(vn);
}

static void st_dirs(struct fat_fs *fs)
{
	CHECK(st_dirop("mkdir", "/selftest/d1") == 0 && st_dirop("mkdir", "/selftest/d1/d2") == 0);
	CHECK(st_dirop("create", "/selftest/d1/d2/f") == 0);
	CHECK(st_dirop("mkdir", "/selftest/d1") == -EEXIST);
	CHECK(st_dirop("rmdir", "/selftest/d1") == -ENOTEMPTY);
	CHECK(st_dirop("rmdir", "/selftest/d1/d2/f") == -ENOTDIR);
	CHECK(st_dirop("unlink", "/selftest/d1") == -EISDIR);
	CHECK(st_mv("/selftest/d1", "/selftest/d1/d2/inside") == -EINVAL);
	CHECK(st_mv("/selftest/d1/d2", "/selftest/d3") == 0);
	int err;
	struct vnode *d3 = st_lookup("/selftest/d3", &err), *st = st_lookup("/selftest", &err);
	struct fat_dirent dd;
	CHECK(d3 && st);
	if (d3 && st) {
		struct fat_node *n3 = d3->priv, *ns = st->priv;
		CHECK(fat_dir_read_slot(fs, fat_node_dirclus(n3), 1, &dd) == 0);
		CHECK(!memcmp(dd.name, "..", 2) && fat_clus_of(&dd) == fat_node_dirclus(ns));
	}
	if (d3)
		vnode_unref(d3);
	if (st)
		vnode_unref(st);
	CHECK(st_dirop("rmdir", "/selftest/d1") == 0);
	/* Replacing: a file over a file, not a file over a directory. */
	struct vnode *x = st_open("/selftest/x"), *y = st_open("/selftest/y");
	CHECK(x->ops->write(x, "X", 1, 0) == 1 && y->ops->write(y, "YY", 2, 0) == 2);
	CHECK(st_mv("/selftest/x", "/selftest/d3") == -EISDIR);
	CHECK(st_mv("/selftest/x", "/selftest/y") == 0);
	struct vnode *y2 = st_lookup("/selftest/y", &err);
	CHECK(y2 == x && st_size(y2) == 1);
	CHECK(st_size(y) == 2); /* the replaced file, still open */
	if (y2)
		vnode_unref(y2);
	vnode_unref(x);
	vnode_unref(y);
	CHECK(st_mv("/selftest/y", "/selftest/Y") == 0 && st_has_name("/selftest", "Y"));
}

int cli_selftest(void)
{
	struct fat_fs *fs = cli_mnt.priv;
	CHECK(st_dirop("mkdir", "/selftest") == 0);
	st_identity(fs);
	st_names();
	st_data();
	st_dirs(fs);
	return check_report() ? -EIO : 0;
}
