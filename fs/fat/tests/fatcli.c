/*
 * Host test driver for fs/fat: mounts an image through the fs_type and
 * runs commands read from stdin, one a line, calling the vnode ops the way
 * the VFS would (fat_test.py drives it and checks the image with mtools
 * and fsck.fat).
 *
 *   fatcli IMAGE [OPTIONS [SECTOR_SIZE]]
 *
 * Commands: tree P | get P HOST [CHUNK] | put HOST P [CHUNK] | mkdir P |
 * rmdir P | rm P | mv A B | truncate P N | pwrite P OFF TEXT | stat P |
 * sync | fill DIR N | crash P N RECSIZE | selftest | stats |
 * expect ERRNO COMMAND... (the command must fail with that error).
 * Exit status: 0 if every command did what it should, 1 if not, 2 if the
 * mount failed (the error is printed as "mount: -ERRNO NAME").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include "../fat.h"
#include "host.h"
#include "fatcli.h"

struct mount cli_mnt;

static const struct {
	int err;
	const char *name;
} cli_errs[] = {{ENOENT, "ENOENT"}, {EEXIST, "EEXIST"}, {ENOTEMPTY, "ENOTEMPTY"},
		{EISDIR, "EISDIR"}, {ENOTDIR, "ENOTDIR"}, {EINVAL, "EINVAL"},
		{ENAMETOOLONG, "ENAMETOOLONG"}, {ENOSPC, "ENOSPC"}, {EIO, "EIO"},
		{EROFS, "EROFS"}, {ENODEV, "ENODEV"}, {EFBIG, "EFBIG"}};

const char *cli_errname(int err)
{
	for (size_t i = 0; i < sizeof(cli_errs) / sizeof(cli_errs[0]); i++)
		if (cli_errs[i].err == err)
			return cli_errs[i].name;
	return "E?";
}

static int cli_errnum(const char *name)
{
	for (size_t i = 0; i < sizeof(cli_errs) / sizeof(cli_errs[0]); i++)
		if (!strcmp(cli_errs[i].name, name))
			return cli_errs[i].err;
	return 0;
}

int cli_resolve(const char *path, struct vnode **out)
{
	struct vnode *vn = cli_mnt.root;
	vnode_ref(vn);
	while (*path) {
		size_t n = strcspn(path, "/");
		if (n) {
			struct vnode *next;
			int r = S_ISDIR(vn->mode) ? vn->ops->lookup(vn, path, n, &next) : -ENOTDIR;
			vnode_unref(vn);
			if (r)
				return r;
			vn = next;
		}
		path += n + (path[n] == '/');
	}
	*out = vn;
	return 0;
}

int cli_parent(const char *path, struct vnode **dir, const char **name)
{
	char buf[1024];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n);
	buf[n] = '\0';
	*name = slash ? slash + 1 : path;
	return cli_resolve(buf, dir);
}

/* Opens path like open(O_CREAT): the file, created if missing. */
static int cli_open(const char *path, struct vnode **out)
{
	struct vnode *dir;
	const char *name;
	int r = cli_parent(path, &dir, &name);
	if (r)
		return r;
	r = dir->ops->lookup(dir, name, strlen(name), out);
	if (r == -ENOENT)
		r = dir->ops->create(dir, name, strlen(name), 0644, out);
	vnode_unref(dir);
	return r;
}

/* Opens path for writing like open(O_CREAT|O_TRUNC). */
int cli_create(const char *path, struct vnode **out)
{
	struct vnode *dir;
	const char *name;
	int r = cli_parent(path, &dir, &name);
	if (r)
		return r;
	r = dir->ops->lookup(dir, name, strlen(name), out);
	if (r == -ENOENT)
		r = dir->ops->create(dir, name, strlen(name), 0644, out);
	else if (!r && (r = (*out)->ops->truncate(*out, 0)) != 0)
		vnode_unref(*out);
	vnode_unref(dir);
	return r;
}

static int cli_namecmp(const void *a, const void *b)
{
	return strcmp(((const struct dirent *)a)->d_name, ((const struct dirent *)b)->d_name);
}

/* Lists dir recursively, sorted by name: "D path" and "F path size". */
static int cli_tree(struct vnode *dir, const char *path)
{
	struct dirent *des = NULL;
	size_t n = 0;
	off_t pos = 0;
	int r;
	for (;;) {
		des = realloc(des, (n + 1) * sizeof(*des));
		if ((r = dir->ops->readdir(dir, &pos, &des[n])) != 1)
			break;
		n++;
	}
	qsort(des, n, sizeof(*des), cli_namecmp);
	for (size_t i = 0; i < n && r >= 0; i++) {
		char sub[2048];
		struct vnode *vn;
		struct stat st;
		snprintf(sub, sizeof(sub), "%s/%s", path, des[i].d_name);
		if ((r = dir->ops->lookup(dir, des[i].d_name, strlen(des[i].d_name), &vn)) != 0)
			break;
		vn->ops->getattr(vn, &st);
		if ((des[i].d_type == DT_DIR) != S_ISDIR(st.st_mode))
			r = -EIO;
		if (S_ISDIR(st.st_mode)) {
			printf("D %s\n", sub);
			r = cli_tree(vn, sub);
		} else {
			printf("F %s %lld\n", sub, (long long)st.st_size);
		}
		vnode_unref(vn);
	}
	free(des);
	return r < 0 ? r : 0;
}

static int cli_get(const char *path, const char *host, size_t chunk)
{
	struct vnode *vn;
	int r = cli_resolve(path, &vn);
	if (r)
		return r;
	FILE *f = fopen(host, "wb");
	char *buf = malloc(chunk);
	off_t off = 0;
	ssize_t n;
	while ((n = vn->ops->read(vn, buf, chunk, off)) > 0) {
		fwrite(buf, 1, (size_t)n, f);
		off += n;
	}
	fclose(f);
	free(buf);
	vnode_unref(vn);
	return n < 0 ? (int)n : 0;
}

static int cli_put(const char *host, const char *path, size_t chunk)
{
	struct vnode *vn;
	FILE *f = fopen(host, "rb");
	if (!f)
		return -ENOENT;
	int r = cli_create(path, &vn);
	if (r) {
		fclose(f);
		return r;
	}
	char *buf = malloc(chunk);
	off_t off = 0;
	size_t n;
	while (!r && (n = fread(buf, 1, chunk, f)) > 0) {
		ssize_t w = vn->ops->write(vn, buf, n, off);
		r = w < 0 ? (int)w : (size_t)w != n ? -EIO : 0;
		off += (off_t)n;
	}
	vnode_unref(vn);
	fclose(f);
	free(buf);
	return r;
}

/* Calls a directory op on path's parent with path's last name. */
static int cli_dirop(const char *op, const char *path)
{
	struct vnode *dir;
	const char *name;
	int r = cli_parent(path, &dir, &name);
	if (r)
		return r;
	size_t n = strlen(name);
	if (!strcmp(op, "mkdir"))
		r = dir->ops->mkdir(dir, name, n, 0755);
	else if (!strcmp(op, "rmdir"))
		r = dir->ops->rmdir(dir, name, n);
	else
		r = dir->ops->unlink(dir, name, n);
	vnode_unref(dir);
	return r;
}

static int cli_mv(const char *a, const char *b)
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

/* Writes n records of recsize bytes ("record %d" padded) with an fsync after each. */
static int cli_crash(const char *path, int n, size_t recsize)
{
	struct vnode *vn;
	int r = cli_create(path, &vn);
	if (r)
		return r;
	char *rec = malloc(recsize);
	for (int i = 1; i <= n && !r; i++) {
		memset(rec, '.', recsize);
		snprintf(rec, recsize, "record %d", i);
		rec[recsize - 1] = '\n';
		ssize_t w = vn->ops->write(vn, rec, recsize, (off_t)(i - 1) * (off_t)recsize);
		r = w < 0 ? (int)w : vn->ops->fsync(vn);
		if (!r && !host_stats.crashed)
			printf("synced %d\n", i);
	}
	free(rec);
	vnode_unref(vn);
	return r;
}

static int cli_simple(char **av, int ac)
{
	struct vnode *vn;
	int r;
	if (!strcmp(av[0], "truncate") && ac == 3) {
		if ((r = cli_resolve(av[1], &vn)) == 0) {
			r = vn->ops->truncate(vn, atoll(av[2]));
			vnode_unref(vn);
		}
	} else if (!strcmp(av[0], "pwrite") && ac == 4) {
		if ((r = cli_open(av[1], &vn)) == 0) {
			ssize_t w = vn->ops->write(vn, av[3], strlen(av[3]), atoll(av[2]));
			r = w < 0 ? (int)w : 0;
			vnode_unref(vn);
		}
	} else if (!strcmp(av[0], "stat") && ac == 2) {
		struct stat st;
		if ((r = cli_resolve(av[1], &vn)) == 0) {
			r = vn->ops->getattr(vn, &st);
			printf("stat %s mode=%o size=%lld blocks=%lld mtime=%lld\n", av[1],
			       (unsigned)st.st_mode, (long long)st.st_size, (long long)st.st_blocks,
			       (long long)st.st_mtime);
			vnode_unref(vn);
		}
	} else {
		fprintf(stderr, "fatcli: unknown command or wrong arguments: %s\n", av[0]);
		return -1000;
	}
	return r;
}

static int cli_fill(const char *dirpath, int n)
{
	for (int i = 0; i < n; i++) {
		char path[1024], text[64];
		struct vnode *vn;
		snprintf(path, sizeof(path), "%s/small file number %04d.txt", dirpath, i);
		int r = cli_create(path, &vn);
		if (r)
			return r;
		int len = snprintf(text, sizeof(text), "this is small file %d\n", i);
		ssize_t w = vn->ops->write(vn, text, (size_t)len, 0);
		vnode_unref(vn);
		if (w != len)
			return w < 0 ? (int)w : -EIO;
	}
	return 0;
}

static int cli_run(char **av, int ac)
{
	size_t chunk = ac > 3 ? (size_t)atol(av[3]) : 65536;
	struct vnode *vn;
	int r;
	if (!strcmp(av[0], "tree") && ac == 2) {
		if ((r = cli_resolve(av[1], &vn)) == 0) {
			r = cli_tree(vn, strcmp(av[1], "/") ? av[1] : "");
			vnode_unref(vn);
		}
		return r;
	}
	if (!strcmp(av[0], "get") && ac >= 3)
		return cli_get(av[1], av[2], chunk);
	if (!strcmp(av[0], "put") && ac >= 3)
		return cli_put(av[1], av[2], chunk);
	if ((!strcmp(av[0], "mkdir") || !strcmp(av[0], "rmdir") || !strcmp(av[0], "rm")) && ac == 2)
		return cli_dirop(av[0], av[1]);
	if (!strcmp(av[0], "mv") && ac == 3)
		return cli_mv(av[1], av[2]);
	if (!strcmp(av[0], "sync") && ac == 1)
		return fat_fs_type.sync(&cli_mnt);
	if (!strcmp(av[0], "fill") && ac == 3)
		return cli_fill(av[1], atoi(av[2]));
	if (!strcmp(av[0], "crash") && ac == 4)
		return cli_crash(av[1], atoi(av[2]), (size_t)atol(av[3]));
	if (!strcmp(av[0], "selftest") && ac == 1)
		return cli_selftest();
	if (!strcmp(av[0], "stats") && ac == 1) {
		printf("stats reads=%lu writes=%lu flushes=%lu read_bytes=%llu write_bytes=%llu\n",
		       host_stats.reads, host_stats.writes, host_stats.flushes, host_stats.read_bytes,
		       host_stats.write_bytes);
		return 0;
	}
	return cli_simple(av, ac);
}

/* Splits a line into words; "double quotes" keep spaces. */
static int cli_split(char *s, char **av, int max)
{
	int ac = 0;
	while (*s && ac < max) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		char end = *s == '"' ? '"' : ' ';
		s += end == '"';
		av[ac++] = s;
		while (*s && *s != end && *s != '\n')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return ac;
}

static int cli_line(char *line)
{
	char *av[16];
	int ac = cli_split(line, av, 16), want = 0;
	if (ac == 0 || av[0][0] == '#')
		return 0;
	if (!strcmp(av[0], "expect") && ac > 2) {
		want = cli_errnum(av[1]);
		memmove(av, av + 2, (size_t)(ac - 2) * sizeof(*av));
		ac -= 2;
	}
	int r = cli_run(av, ac);
	if (r == -want) {
		if (want)
			printf("ok %s %s\n", av[0], cli_errname(want));
		return 0;
	}
	printf("FAIL %s: got %d %s, wanted %s\n", av[0], r, cli_errname(-r),
	       want ? cli_errname(want) : "success");
	return 1;
}

int main(int argc, char **argv)
{
	char line[4096];
	int failed = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: fatcli IMAGE [OPTIONS [SECTOR_SIZE]] < commands\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	int r = host_blkdev_open(argv[1], "vda", argc > 3 ? (uint32_t)atoi(argv[3]) : 512);
	if (!r)
		r = fat_fs_type.mount(&cli_mnt, "vda", argc > 2 ? argv[2] : "");
	if (r) {
		printf("mount: %d %s\n", r, cli_errname(-r));
		return 2;
	}
	while (fgets(line, sizeof(line), stdin))
		failed |= cli_line(line);
	if ((r = fat_fs_type.unmount(&cli_mnt)) != 0) {
		printf("FAIL unmount: %d\n", r);
		failed = 1;
	}
	vnode_unref(cli_mnt.root); /* as core/vfs.c does after unmount */
	cli_mnt.root = NULL;
	if (host_live_vnodes) {
		printf("FAIL %d vnodes still alive after unmount\n", host_live_vnodes);
		failed = 1;
	}
	return failed;
}
