/*
 * File system benchmark: the same C source runs as a yolk app (FAT on
 * virtio-blk) and as a static Linux program (vfat on virtio_blk);
 * bench/fs.sh compares them under the same QEMU.
 *
 *   bench-fs [-m DEVICE] DIR [SIZE_MIB [SMALL_FILES]]
 *
 * Writes DIR/seq64k.bin sequentially in 64 KiB writes, fsync, close;
 * reads it back in 64 KiB reads, checking a pattern; the same with 4 KiB
 * requests (a file of a quarter the size); then creates SMALL_FILES files of
 * 4 KiB and syncs. Only the file calls are timed (CLOCK_MONOTONIC), not
 * making or checking the pattern. Prints "bench NAME VALUE" lines (MB/s is
 * 10^6 bytes per second) and "bench done", or "bench-fs: error ..." and
 * exits 1. On Linux, -m mounts DEVICE on DIR as vfat first and unmounts it
 * at the end, and the page cache is dropped before each read pass so the
 * reads reach the disk, as yolk's whole-cluster reads do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
/* yolk's image is built by the host's gcc, which defines __linux__ too. */
#if defined(__linux__) && !defined(__PICOLIBC__)
#define ON_LINUX 1
#include <sys/mount.h>
#endif

#define MIB (1024 * 1024)

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what, const char *path)
{
	printf("bench-fs: error: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* The pattern: each 8-byte word holds its file offset mixed with a seed. */
static void fill(uint64_t *w, size_t len, uint64_t off, uint64_t seed)
{
	for (size_t i = 0; i < len / 8; i++)
		w[i] = (off + 8 * i) * 0x9e3779b97f4a7c15ull ^ seed;
}

static int check(const uint64_t *w, size_t len, uint64_t off, uint64_t seed)
{
	for (size_t i = 0; i < len / 8; i++)
		if (w[i] != ((off + 8 * i) * 0x9e3779b97f4a7c15ull ^ seed))
			return -1;
	return 0;
}

static void report_mbps(const char *name, uint64_t bytes, uint64_t ns)
{
	printf("bench %s %.2f\n", name, ns ? (double)bytes * 1e3 / (double)ns : 0.0);
	fflush(stdout);
}

/* Makes the next reads come from the disk: on Linux, writes back and drops the page cache. */
static void drop_caches(void)
{
#ifdef ON_LINUX
	sync();
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0 || write(fd, "3\n", 2) != 2)
		fail("dropping caches:", "/proc/sys/vm/drop_caches");
	close(fd);
#endif
}

/* Writes size bytes in chunk-sized writes, then fsync and close; returns the ns spent in those calls. */
static uint64_t write_file(const char *path, uint64_t size, size_t chunk, uint64_t *buf)
{
	uint64_t ns = 0, t0 = now_ns();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail("open", path);
	ns += now_ns() - t0;
	for (uint64_t off = 0; off < size; off += chunk) {
		fill(buf, chunk, off, size);
		t0 = now_ns();
		if (write(fd, buf, chunk) != (ssize_t)chunk)
			fail("write", path);
		ns += now_ns() - t0;
	}
	t0 = now_ns();
	if (fsync(fd) || close(fd))
		fail("fsync/close", path);
	return ns + now_ns() - t0;
}

/* Reads the file back in chunk-sized reads and checks it; returns the ns spent in the file calls. */
static uint64_t read_file(const char *path, uint64_t size, size_t chunk, uint64_t *buf)
{
	uint64_t ns = 0, t0 = now_ns();
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("open", path);
	ns += now_ns() - t0;
	for (uint64_t off = 0; off < size; off += chunk) {
		t0 = now_ns();
		ssize_t n = read(fd, buf, chunk);
		ns += now_ns() - t0;
		if (n != (ssize_t)chunk)
			fail("short read of", path);
		if (check(buf, chunk, off, size)) {
			printf("bench-fs: error: %s: wrong data at offset %llu\n", path,
			       (unsigned long long)off);
			exit(1);
		}
	}
	char extra;
	t0 = now_ns();
	if (read(fd, &extra, 1) != 0 || close(fd))
		fail("reading past the end of", path);
	return ns + now_ns() - t0;
}

static void bench_seq(const char *dir, const char *tag, uint64_t size, size_t chunk, uint64_t *buf)
{
	char path[256], name[64];
	snprintf(path, sizeof(path), "%s/seq%s.bin", dir, tag);
	uint64_t wns = write_file(path, size, chunk, buf);
	snprintf(name, sizeof(name), "write_%s_mbps", tag);
	report_mbps(name, size, wns);
	drop_caches();
	uint64_t rns = read_file(path, size, chunk, buf);
	snprintf(name, sizeof(name), "read_%s_mbps", tag);
	report_mbps(name, size, rns);
}

/* n files of 4 KiB in DIR/small, each open-write-close, then one sync: files per second. */
static void bench_small(const char *dir, int n, uint64_t *buf)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/small", dir);
	if (mkdir(path, 0755) && errno != EEXIST)
		fail("mkdir", path);
	uint64_t t0 = now_ns();
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/small/file%04d.dat", dir, i);
		fill(buf, 4096, 0, (uint64_t)i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, 4096) != 4096 || close(fd))
			fail("creating", path);
	}
	sync();
	uint64_t ns = now_ns() - t0;
	printf("bench create_4k_files_per_s %.1f\n", ns ? n * 1e9 / (double)ns : 0.0);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *dev = NULL;
	if (argc > 2 && strcmp(argv[1], "-m") == 0) {
		dev = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		printf("usage: bench-fs [-m DEVICE] DIR [SIZE_MIB [SMALL_FILES]]\n");
		return 2;
	}
	const char *dir = argv[1];
	uint64_t size = (argc > 2 ? strtoull(argv[2], NULL, 0) : 16) * MIB;
	int small = argc > 3 ? atoi(argv[3]) : 200;
#ifdef ON_LINUX
	if (dev && mount(dev, dir, "vfat", 0, NULL))
		fail("mounting vfat on", dir);
#else
	(void)dev; /* yolk mounts with the kernel parameter mount= */
#endif
	uint64_t *buf = malloc(64 * 1024);
	if (buf == NULL || size == 0)
		return 2;
	bench_seq(dir, "64k", size, 64 * 1024, buf);
	bench_seq(dir, "4k", size / 4 ? size / 4 : 4096, 4096, buf);
	if (small > 0)
		bench_small(dir, small, buf);
	sync();
#ifdef ON_LINUX
	if (dev && umount(dir))
		fail("unmounting", dir);
#endif
	free(buf);
	printf("bench done\n");
	return 0;
}
