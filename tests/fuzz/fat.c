/*
 * libFuzzer harness: fs/fat on a crafted image, through the host stand-ins
 * of fs/fat/tests (host.c: block device on an image file, vnodes, klog;
 * bcache_fake.c: the block cache). Per input: mount, walk every directory,
 * read every file, then create, write, rename, truncate, unlink, mkdir,
 * rmdir on the same volume (and on files the image brought), sync, unmount.
 * Every vnode must be gone after the unmount, and the boot sector must be
 * as it was (a volume whose areas wrap around 2^32 sectors writes there).
 *
 * Input: a raw image, or (to reach FAT16 and FAT32, which need megabytes)
 * a sparse one: "YFSP", the size (le32, at most 64 MiB), then extents of
 * le32 offset, le16 length and that many bytes; the rest reads as zeros.
 * tests/fuzz/fat_sparse.py packs an image made by mkfs.fat this way.
 *
 * With YOLK_FUZZ_FAT_DUMP=PREFIX the image is written to PREFIX.in before
 * the mount and, if it mounted, to PREFIX.out after the unmount:
 * bench/fuzz.sh runs fsck.fat on both (an image fsck.fat finds clean must
 * stay clean).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../../fs/fat/fat.h"
#include "../../fs/fat/tests/host.h"

#define SPARSE_MAX (64u << 20)
#define WALK_DEPTH 8
#define WALK_ENTRIES 256
#define READ_MAX (256 * 1024) /* per file */

static int image_fd = -1;
/*
 * YOLK_FUZZ_FAT_ALLOW_EMPTY_NAME=1: an empty name from readdir (a short entry
 * starting with a space, which the FAT spec forbids) is walked past instead
 * of being a crash, so fuzzing can go deeper while that is not fixed yet.
 */
static int allow_empty_names;
static struct mount mnt;

static uint32_t le(const uint8_t *p, int n)
{
	uint32_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The image file holds exactly the input's image; 0, or -1 if the input is not one. */
static int load_image(const uint8_t *d, size_t size)
{
	if (ftruncate(image_fd, 0))
		abort();
	if (size < 8 || memcmp(d, "YFSP", 4) != 0)
		return pwrite(image_fd, d, size, 0) == (ssize_t)size ? 0 : -1;
	uint32_t total = le(d + 4, 4);
	if (total > SPARSE_MAX || ftruncate(image_fd, total))
		return -1;
	for (size_t i = 8; i + 6 <= size;) {
		uint32_t off = le(d + i, 4), len = le(d + i + 4, 2);
		i += 6;
		if (len > size - i)
			len = (uint32_t)(size - i);
		if (off > total || len > total - off)
			return -1;
		if (pwrite(image_fd, d + i, len, off) != (ssize_t)len)
			abort();
		i += len;
	}
	return 0;
}

static char *read_buf;

static void read_file(struct vnode *vn)
{
	ssize_t n;
	off_t off = 0;
	while (off < READ_MAX && (n = vn->ops->read(vn, read_buf, 4096, off)) > 0) {
		if (n > 4096)
			abort();
		off += n;
	}
}

/* Every entry of dir and below: looked up, stat'ed, read. */
static void walk(struct vnode *dir, int depth)
{
	struct dirent de;
	off_t pos = 0;
	for (int i = 0; i < WALK_ENTRIES && dir->ops->readdir(dir, &pos, &de) == 1; i++) {
		size_t len = strnlen(de.d_name, sizeof(de.d_name));
		if (len == sizeof(de.d_name) || (len == 0 && !allow_empty_names)) {
			fprintf(stderr,
			        "fuzz-fat: readdir gave a name of %zu bytes (d_type %d, after %d entries)\n",
			        len, de.d_type, i);
			abort(); /* readdir must give a NUL-terminated, nonempty name */
		}
		struct vnode *vn;
		struct stat st;
		if (dir->ops->lookup(dir, de.d_name, len, &vn) != 0)
			continue;
		if (vn->ops->getattr(vn, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < WALK_DEPTH)
				walk(vn, depth + 1);
			else if (S_ISREG(st.st_mode))
				read_file(vn);
		}
		vnode_unref(vn);
	}
}

/* The first regular file and directory in the root, by name ("" if none). */
static void pick(struct vnode *root, char *file, char *dir, size_t size)
{
	struct dirent de;
	off_t pos = 0;
	file[0] = dir[0] = '\0';
	for (int i = 0; i < WALK_ENTRIES && root->ops->readdir(root, &pos, &de) == 1; i++) {
		char *to = de.d_type == DT_DIR ? dir : de.d_type == DT_REG ? file : NULL;
		if (to && !to[0])
			snprintf(to, size, "%s", de.d_name);
	}
}

static void write_text(struct vnode *vn, off_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		read_buf[i] = (char)('a' + i % 26);
	vn->ops->write(vn, read_buf, len, off);
}

/* A new file with a long name: written, renamed into a new directory, truncated, removed. */
static void new_files(struct vnode *root)
{
	static const char long_name[] = "a fuzzed long file name.text", dname[] = "FUZZDIR";
	struct vnode *f, *d;
	if (root->ops->create(root, long_name, sizeof(long_name) - 1, 0644, &f) == 0) {
		write_text(f, 0, 5000);
		write_text(f, 70000, 100); /* sparse: a hole to fill with zeros */
		vnode_unref(f);
	}
	if (root->ops->mkdir(root, dname, sizeof(dname) - 1, 0755) == 0 &&
	    root->ops->lookup(root, dname, sizeof(dname) - 1, &d) == 0) {
		root->ops->rename(root, long_name, sizeof(long_name) - 1, d, "moved.txt", 9);
		if (d->ops->lookup(d, "moved.txt", 9, &f) == 0) {
			f->ops->truncate(f, 1234);
			f->ops->fsync(f);
			vnode_unref(f);
		}
		d->ops->unlink(d, "moved.txt", 9);
		vnode_unref(d);
		root->ops->rmdir(root, dname, sizeof(dname) - 1);
	}
	if (root->ops->create(root, "KEEP.TXT", 8, 0644, &f) == 0) {
		write_text(f, 0, 3000);
		vnode_unref(f);
	}
}

/* What the image brought: its first file appended to and renamed, then removed; its first directory renamed.
 */
static void old_files(struct vnode *root)
{
	char file[256], dir[256];
	struct vnode *f;
	pick(root, file, dir, sizeof(file));
	if (file[0] && root->ops->lookup(root, file, strlen(file), &f) == 0) {
		struct stat st;
		if (f->ops->getattr(f, &st) == 0)
			write_text(f, st.st_size, 700);
		vnode_unref(f);
		if (root->ops->rename(root, file, strlen(file), root, "renamed old file", 16) == 0)
			root->ops->unlink(root, "renamed old file", 16);
	}
	if (dir[0])
		root->ops->rename(root, dir, strlen(dir), root, "renamed dir", 11);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	image_fd = memfd_create("fuzz-fat", 0);
	allow_empty_names = getenv("YOLK_FUZZ_FAT_ALLOW_EMPTY_NAME") != NULL;
	read_buf = malloc(70000);
	if (image_fd < 0 || read_buf == NULL)
		abort();
	return 0;
}

static void save_image(const char *suffix)
{
	const char *prefix = getenv("YOLK_FUZZ_FAT_DUMP");
	char path[4096], buf[65536];
	ssize_t n;
	if (prefix == NULL)
		return;
	snprintf(path, sizeof(path), "%s%s", prefix, suffix);
	FILE *f = fopen(path, "wb");
	for (off_t off = 0; f && (n = pread(image_fd, buf, sizeof(buf), off)) > 0; off += n)
		fwrite(buf, 1, (size_t)n, f);
	if (f)
		fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dev[64];
	if (load_image(data, size))
		return 0;
	save_image(".in");
	/* host.c opens the device itself and keeps the descriptor: it gets the lowest free one. */
	int dev_fd = dup(image_fd);
	close(dev_fd);
	snprintf(dev, sizeof(dev), "/proc/self/fd/%d", image_fd);
	uint8_t bpb[13] = {0};
	uint32_t ss =
	    pread(image_fd, bpb, sizeof(bpb), 0) == sizeof(bpb) && le(bpb + 11, 2) == 4096 ? 4096 : 512;
	if (host_blkdev_open(dev, "vda", ss) != 0)
		abort();
	/* fs/fat never writes the boot sector: volume state lives in FAT[1] and FSInfo. */
	uint8_t boot[512] = {0}, boot_after[512] = {0};
	if (pread(image_fd, boot, sizeof(boot), 0) < 0)
		abort();
	memset(&mnt, 0, sizeof(mnt));
	if (fat_fs_type.mount(&mnt, "vda", "") == 0) {
		walk(mnt.root, 0);
		new_files(mnt.root);
		old_files(mnt.root);
		walk(mnt.root, 0);
		fat_fs_type.sync(&mnt);
		fat_fs_type.unmount(&mnt);
		vnode_unref(mnt.root); /* as core/vfs.c does after unmount */
		if (host_live_vnodes != 0)
			abort(); /* a vnode reference leaked */
		save_image(".out");
		if (pread(image_fd, boot_after, sizeof(boot_after), 0) < 0 ||
		    memcmp(boot, boot_after, 512) != 0) {
			fprintf(stderr, "fuzz-fat: the boot sector was written\n");
			abort();
		}
	}
	close(dev_fd);
	return 0;
}
