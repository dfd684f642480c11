/*
 * ktest cases for a FAT volume made on the host (tests/fat_guest_test.py):
 *
 *   fatwrite DIR   writes, renames, truncates and deletes through the POSIX
 *                  API, syncs, and prints `wrote PATH SIZE CRC32` for every
 *                  file it leaves and `gone PATH` for every name it removed,
 *                  for the host to check with fsck.fat and mtools.
 *   fatcrash DIR   appends 4 KiB records to DIR/crash.log, fsyncs each and
 *                  prints `synced N`, with files made and removed in between,
 *                  until the host kills QEMU.
 *
 * File contents are fat_pattern(), which the host computes the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ktest.h"

#define BIG_SIZE (1048576 + 4321)
#define SMALL_FILES 150
#define RECORD 4096


/* Byte i of a file with this seed; tests/fat_guest_test.py has the same formula. */
static unsigned char fat_pattern(uint32_t i, uint32_t seed)
{
	return (unsigned char)(i * 7u + seed * 13u + (i >> 9));
}

static void fill(unsigned char *buf, size_t n, uint32_t from, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = fat_pattern(from + (uint32_t)i, seed);
}

/* Creates path with size pattern bytes, written in chunks cycling through sizes. */
static int write_pattern(const char *path, size_t size, uint32_t seed, const size_t *chunks, size_t nchunks)
{
	static unsigned char buf[70000];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	size_t off = 0;
	for (size_t k = 0; off < size; k++) {
		size_t n = chunks[k % nchunks];
		n = n > size - off ? size - off : n;
		fill(buf, n, (uint32_t)off, seed);
		if (write(fd, buf, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
		off += n;
	}
	return close(fd);
}

static int write_one(const char *path, size_t size, uint32_t seed)
{
	size_t chunk = 65536;
	return write_pattern(path, size, seed, &chunk, 1);
}

static void path_of(char *out, size_t size, const char *dir, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

/* Files with long names, a big one in odd chunks and patched in the middle, stdio. */
static void fatwrite_files(const char *dir)
{
	static const size_t odd[] = {1, 511, 513, 4097, 65537, 3000, 12345, 777};
	char p[256];
	path_of(p, sizeof(p), dir, "A long file name written by the guest.txt");
	CHECK(write_one(p, 3000, 1) == 0);
	path_of(p, sizeof(p), dir, "guest big.bin");
	CHECK(write_pattern(p, BIG_SIZE, 2, odd, sizeof(odd) / sizeof(odd[0])) == 0);
	int fd = open(p, O_RDWR);
	CHECK(fd >= 0 && pwrite(fd, "PATCHED", 7, 500000) == 7 && close(fd) == 0);
	path_of(p, sizeof(p), dir, "stdio.txt");
	FILE *f = fopen(p, "w");
	CHECK(f != NULL);
	for (int i = 0; f && i < 200; i++)
		fprintf(f, "line %d: written with fprintf\n", i);
	CHECK(f && fclose(f) == 0);
}

/* Enough long-named entries in a new directory to make it grow by many clusters. */
static void fatwrite_many(const char *dir)
{
	char p[256], text[64];
	path_of(p, sizeof(p), dir, "guest many");
	CHECK(mkdir(p, 0755) == 0);
	for (int i = 0; i < SMALL_FILES; i++) {
		snprintf(p, sizeof(p), "%s/guest many/small file %03d with a long name.txt", dir, i);
		int n = snprintf(text, sizeof(text), "small file %d of the guest\n", i);
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
		CHECK(fd >= 0 && write(fd, text, (size_t)n) == n && close(fd) == 0);
	}
}

/* Renames (same directory, across directories, a directory), a delete, a truncate, mkdir + rmdir. */
static void fatwrite_changes(const char *dir)
{
	char a[256], b[256];
	path_of(a, sizeof(a), dir, "before rename.txt");
	path_of(b, sizeof(b), dir, "after rename.txt");
	CHECK(write_one(a, 7000, 3) == 0 && rename(a, b) == 0);
	path_of(a, sizeof(a), dir, "cross.bin");
	path_of(b, sizeof(b), dir, "guest many/cross moved.bin");
	CHECK(write_one(a, 20000, 4) == 0 && rename(a, b) == 0);
	path_of(a, sizeof(a), dir, "guest dir a");
	CHECK(mkdir(a, 0755) == 0);
	path_of(a, sizeof(a), dir, "guest dir a/inside.bin");
	CHECK(write_one(a, 5000, 7) == 0);
	path_of(a, sizeof(a), dir, "guest dir a");
	path_of(b, sizeof(b), dir, "guest many/dir b");
	CHECK(rename(a, b) == 0);
	path_of(a, sizeof(a), dir, "delete me.tmp");
	CHECK(write_one(a, 50000, 5) == 0 && unlink(a) == 0);
	path_of(a, sizeof(a), dir, "trunc.bin");
	CHECK(write_one(a, 100000, 6) == 0 && truncate(a, 30001) == 0);
	int fd = open(a, O_RDWR);
	CHECK(fd >= 0 && ftruncate(fd, 40000) == 0 && close(fd) == 0);
	path_of(a, sizeof(a), dir, "tmp dir");
	path_of(b, sizeof(b), dir, "tmp dir/x");
	CHECK(mkdir(a, 0755) == 0 && write_one(b, 100, 8) == 0 && unlink(b) == 0 && rmdir(a) == 0);
}

static void report(const char *dir, const char *name)
{
	char p[256];
	uint32_t crc;
	long size;
	path_of(p, sizeof(p), dir, name);
	if (ktest_file_crc(p, &crc, &size) == 0)
		printf("wrote %s %ld %08lx\n", p, size, (unsigned long)crc);
	else
		ktest_check(0, p, __LINE__);
}

static void gone(const char *dir, const char *name)
{
	char p[256];
	struct stat st;
	path_of(p, sizeof(p), dir, name);
	ktest_check(stat(p, &st) == -1 && errno == ENOENT, p, __LINE__);
	printf("gone %s\n", p);
}

int ktest_fatwrite(int argc, char **argv)
{
	static const char *const names[] = {
	    "A long file name written by the guest.txt",
	    "guest big.bin",
	    "stdio.txt",
	    "after rename.txt",
	    "guest many/cross moved.bin",
	    "guest many/dir b/inside.bin",
	    "trunc.bin",
	};
	const char *dir = argc > 2 ? argv[2] : "/data";
	fatwrite_files(dir);
	fatwrite_many(dir);
	fatwrite_changes(dir);
	sync();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		report(dir, names[i]);
	for (int i = 0; i < SMALL_FILES; i++) {
		char name[64];
		snprintf(name, sizeof(name), "guest many/small file %03d with a long name.txt", i);
		report(dir, name);
	}
	gone(dir, "before rename.txt");
	gone(dir, "cross.bin");
	gone(dir, "guest dir a");
	gone(dir, "delete me.tmp");
	gone(dir, "tmp dir");
	return ktest_result("fatwrite");
}

/* Writes DIR/churnK with size bytes (no fsync): clusters allocated and freed between syncs. */
static void churn(const char *dir, int k, size_t size, uint32_t seed)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/churn%d", dir, k);
	write_one(p, size, seed);
}

int ktest_fatcrash(int argc, char **argv)
{
	static unsigned char rec[RECORD];
	const char *dir = argc > 2 ? argv[2] : "/data";
	char p[256];
	path_of(p, sizeof(p), dir, "crash.log");
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("fatcrash: open %s: %s\n", p, strerror(errno));
		return 1;
	}
	for (uint32_t n = 1;; n++) {
		fill(rec, RECORD, 0, n);
		snprintf((char *)rec, 16, "record %08u", (unsigned)n);
		rec[15] = '\n';
		if (write(fd, rec, RECORD) != RECORD) {
			printf("fatcrash: write record %u: %s\n", (unsigned)n, strerror(errno));
			return 1;
		}
		churn(dir, (int)(n % 3), (n % 5 + 1) * 1500, n);
		snprintf(p, sizeof(p), "%s/churn%d", dir, (int)((n + 1) % 3));
		unlink(p);
		if (fsync(fd) != 0) {
			printf("fatcrash: fsync record %u: %s\n", (unsigned)n, strerror(errno));
			return 1;
		}
		printf("synced %u\n", (unsigned)n);
		fflush(stdout);
	}
}
