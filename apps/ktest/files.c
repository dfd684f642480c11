/*
 * ktest cases for the POSIX file API over the VFS: files (ramfs root),
 * pipe (between threads), devfs, tree (lists a directory recursively with
 * sizes and CRC-32s, for the host to compare against what it packed).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "ktest.h"

static int write_str(const char *path, const char *s, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int read_str(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return (int)n;
}

static void files_basic(void)
{
	char buf[64];
	CHECK(mkdir("/t", 0755) == 0);
	CHECK_ERR(mkdir("/t", 0755), EEXIST);
	CHECK(write_str("/t/a", "hello", O_TRUNC) == 0);
	CHECK(read_str("/t/a", buf, sizeof(buf)) == 5 && strcmp(buf, "hello") == 0);
	CHECK(write_str("/t/a", " world", O_APPEND) == 0);
	CHECK(read_str("/t/a", buf, sizeof(buf)) == 11 && strcmp(buf, "hello world") == 0);
	CHECK_ERR(open("/t/a", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	CHECK_ERR(open("/t/missing", O_RDONLY), ENOENT);
	CHECK_ERR(open("/t/a/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("/t", O_WRONLY), EISDIR);
	CHECK_ERR(open("/t/a/", O_RDONLY), ENOTDIR);
	struct stat st;
	CHECK(stat("/t/a", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11);
	CHECK(stat("/t", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(write_str("/t/a", "x", O_TRUNC) == 0 && stat("/t/a", &st) == 0 && st.st_size == 1);
}

static void files_offsets(void)
{
	char buf[16] = {0};
	int fd = open("/t/off", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	CHECK(lseek(fd, 2, SEEK_SET) == 2 && read(fd, buf, 3) == 3 && memcmp(buf, "234", 3) == 0);
	CHECK(lseek(fd, -1, SEEK_END) == 9 && read(fd, buf, 5) == 1 && buf[0] == '9');
	CHECK(pwrite(fd, "AB", 2, 4) == 2 && pread(fd, buf, 4, 3) == 4 && memcmp(buf, "3AB6", 4) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 10); /* pread/pwrite leave the position alone */
	CHECK_ERR(lseek(fd, -20, SEEK_CUR), EINVAL);
	/* A write past the end leaves a hole of zeros; truncate cuts and grows. */
	CHECK(pwrite(fd, "Z", 1, 8192 + 5) == 1);
	CHECK(pread(fd, buf, 4, 4096) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0);
	CHECK(ftruncate(fd, 3) == 0 && ftruncate(fd, 6) == 0);
	CHECK(pread(fd, buf, 10, 0) == 6 && memcmp(buf, "012\0\0\0", 6) == 0);
	/* dup shares the position; dup2 replaces the target. */
	int d = dup(fd);
	CHECK(d > fd && lseek(fd, 1, SEEK_SET) == 1 && lseek(d, 0, SEEK_CUR) == 1);
	CHECK(dup2(fd, 40) == 40 && read(40, buf, 2) == 2 && memcmp(buf, "12", 2) == 0);
	CHECK(lseek(d, 0, SEEK_CUR) == 3);
	close(40);
	close(d);
	CHECK(close(fd) == 0);
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	int ro = open("/t/off", O_RDONLY);
	CHECK_ERR(write(ro, "x", 1), EBADF);
	close(ro);
}

static void files_names(void)
{
	char buf[64];
	struct stat st;
	CHECK(mkdir("/t/d", 0755) == 0 && write_str("/t/d/f", "in d", 0) == 0);
	CHECK(rename("/t/d/f", "/t/g") == 0 && read_str("/t/g", buf, sizeof(buf)) == 4);
	CHECK_ERR(stat("/t/d/f", &st), ENOENT);
	CHECK(write_str("/t/h", "other", 0) == 0 && rename("/t/g", "/t/h") == 0);
	CHECK(read_str("/t/h", buf, sizeof(buf)) == 4 && strcmp(buf, "in d") == 0);
	CHECK_ERR(rename("/t/d", "/t/d/sub"), EINVAL);
	CHECK(rename("/t/d", "/t/e") == 0 && stat("/t/e", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(write_str("/t/e/x", "x", 0) == 0);
	CHECK_ERR(rmdir("/t/e"), ENOTEMPTY);
	CHECK_ERR(unlink("/t/e"), EISDIR);
	CHECK_ERR(rmdir("/t/h"), ENOTDIR);
	CHECK(unlink("/t/e/x") == 0 && rmdir("/t/e") == 0);
	CHECK_ERR(rmdir("/"), EBUSY);
	/* Relative paths and "..", against the current directory. */
	CHECK(chdir("/t") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/t") == 0);
	CHECK(read_str("h", buf, sizeof(buf)) == 4 && read_str("../t/./h", buf, sizeof(buf)) == 4);
	CHECK(chdir("..") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/") == 0);
	CHECK_ERR(chdir("/t/h"), ENOTDIR);
	/* An unlinked file stays readable through an fd opened before. */
	int fd = open("/t/h", O_RDONLY);
	CHECK(unlink("/t/h") == 0 && read(fd, buf, 4) == 4 && memcmp(buf, "in d", 4) == 0);
	close(fd);
}

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void files_dirs(void)
{
	char names[8][16], *sorted[8];
	for (int i = 0; i < 5; i++) {
		snprintf(names[i], sizeof(names[i]), "/t/l/n%d", i);
		if (i == 0)
			CHECK(mkdir("/t/l", 0755) == 0);
		CHECK(write_str(names[i], "", 0) == 0);
	}
	DIR *d = opendir("/t/l");
	CHECK(d != NULL);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL && n < 8) {
		sorted[n] = strdup(e->d_name);
		n++;
	}
	if (d)
		closedir(d);
	qsort(sorted, (size_t)n, sizeof(*sorted), name_cmp);
	CHECK(n == 7 && strcmp(sorted[0], ".") == 0 && strcmp(sorted[1], "..") == 0 && strcmp(sorted[2], "n0") == 0 &&
	      strcmp(sorted[6], "n4") == 0);
	for (int i = 0; i < n; i++)
		free(sorted[i]);
	CHECK(opendir("/t/l/n0") == NULL && errno == ENOTDIR);
	CHECK(opendir("/nope") == NULL && errno == ENOENT);
}

static void files_stdio(void)
{
	FILE *f = fopen("/t/stdio.txt", "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	for (int i = 0; i < 100; i++)
		fprintf(f, "line %d\n", i);
	CHECK(fclose(f) == 0);
	f = fopen("/t/stdio.txt", "r");
	CHECK(f != NULL);
	char line[32];
	int count = 0, last = -1;
	while (f && fgets(line, sizeof(line), f)) {
		count++;
		sscanf(line, "line %d", &last);
	}
	CHECK(count == 100 && last == 99);
	if (f)
		fclose(f);
	CHECK(fopen("/nope/x", "w") == NULL && errno == ENOENT);
}

/* The same files through the syscall table (Linux numbers), as raw-syscall code reaches them. */
static void files_syscalls(void)
{
	char buf[16] = {0};
	long fd = syscall(SYS_open, "/t/sys", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && syscall(SYS_write, fd, "raw", 3) == 3);
	CHECK(syscall(SYS_pread64, fd, buf, 3, 0) == 3 && memcmp(buf, "raw", 3) == 0);
	struct stat st;
	CHECK(syscall(SYS_fstat, fd, &st) == 0 && st.st_size == 3);
	CHECK(syscall(SYS_close, fd) == 0);
	CHECK(syscall(SYS_rename, "/t/sys", "/t/sys2") == 0 && syscall(SYS_unlink, "/t/sys2") == 0);
	CHECK(syscall(SYS_unlink, "/t/sys2") == -1 && errno == ENOENT);
	CHECK(syscall(SYS_getcwd, buf, sizeof(buf)) == 2 && strcmp(buf, "/") == 0);
}

/*
 * A file mapped MAP_PRIVATE is a copy of its bytes (iperf3 maps its stream
 * buffers from unlinked temp files so): the data, zeros past the file's end,
 * writes that stay in the copy; MAP_SHARED and write-only fds are refused.
 */
static void files_mmap(void)
{
	char tmpl[] = "/t/mapXXXXXX";
	int fd = mkstemp(tmpl);
	CHECK(fd >= 0 && unlink(tmpl) == 0);
	CHECK(write(fd, "mapped", 6) == 6 && ftruncate(fd, 5000) == 0);
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		CHECK(memcmp(p, "mapped", 6) == 0 && p[4999] == 0 && p[8191] == 0);
		p[0] = 'M';
		char c = 0;
		CHECK(pread(fd, &c, 1, 0) == 1 && c == 'm'); /* private: the file keeps its byte */
		CHECK(munmap(p, 8192) == 0);
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	CHECK(p != MAP_FAILED && p[0] == 0);
	if (p != MAP_FAILED)
		CHECK(munmap(p, 4096) == 0);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == ENODEV);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED && errno == EBADF);
	CHECK(close(fd) == 0);
	fd = open("/t/wronly", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EACCES);
	CHECK(close(fd) == 0 && unlink("/t/wronly") == 0);
}

int ktest_files(int argc, char **argv)
{
	(void)argc, (void)argv;
	files_basic();
	files_offsets();
	files_names();
	files_dirs();
	files_stdio();
	files_syscalls();
	files_mmap();
	return ktest_result("files");
}

/* --- pipe --- */

#define PIPE_BYTES (1 << 20)

static void *pipe_writer(void *arg)
{
	int fd = *(int *)arg;
	unsigned char chunk[3000];
	for (size_t off = 0; off < PIPE_BYTES;) {
		size_t n = PIPE_BYTES - off < sizeof(chunk) ? PIPE_BYTES - off : sizeof(chunk);
		for (size_t i = 0; i < n; i++)
			chunk[i] = (unsigned char)((off + i) * 7);
		ssize_t w = write(fd, chunk, n);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
	return NULL;
}

int ktest_pipe(int argc, char **argv)
{
	(void)argc, (void)argv;
	int p[2];
	CHECK(pipe(p) == 0);
	pthread_t t;
	pthread_create(&t, NULL, pipe_writer, &p[1]);
	unsigned char buf[4096];
	size_t total = 0, bad = 0;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			bad += buf[i] != (unsigned char)((total + (size_t)i) * 7);
		total += (size_t)n;
	}
	pthread_join(t, NULL);
	CHECK(n == 0 && total == PIPE_BYTES && bad == 0);
	printf("pipe: %zu bytes between threads, %zu wrong\n", total, bad);
	/* poll: nothing to read, then a byte; EPIPE once the reader is gone. */
	CHECK(pipe(p) == 0);
	struct pollfd pf = {p[0], POLLIN, 0};
	CHECK(poll(&pf, 1, 0) == 0);
	CHECK(write(p[1], "x", 1) == 1 && poll(&pf, 1, 1000) == 1 && (pf.revents & POLLIN));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	CHECK(read(p[0], buf, 10) == 1);
	CHECK_ERR(read(p[0], buf, 10), EAGAIN);
	close(p[0]);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	close(p[1]);
	return ktest_result("pipe");
}

/* --- devfs --- */

int ktest_devfs(int argc, char **argv)
{
	(void)argc, (void)argv;
	char buf[64];
	int seen = 0;
	DIR *d = opendir("/dev");
	CHECK(d != NULL);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL)
		seen += !strcmp(e->d_name, "console") + !strcmp(e->d_name, "null") + !strcmp(e->d_name, "zero") +
			!strcmp(e->d_name, "urandom");
	if (d)
		closedir(d);
	CHECK(seen == 4);
	int fd = open("/dev/zero", O_RDONLY);
	memset(buf, 1, sizeof(buf));
	CHECK(read(fd, buf, sizeof(buf)) == sizeof(buf) && buf[0] == 0 && buf[63] == 0);
	close(fd);
	fd = open("/dev/null", O_RDWR);
	CHECK(write(fd, buf, 10) == 10 && read(fd, buf, 10) == 0);
	close(fd);
	fd = open("/dev/full", O_WRONLY);
	CHECK_ERR(write(fd, buf, 1), ENOSPC);
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	unsigned char r1[32] = {0}, r2[32] = {0};
	CHECK(read(fd, r1, 32) == 32 && read(fd, r2, 32) == 32 && memcmp(r1, r2, 32) != 0);
	close(fd);
	struct stat st;
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0x103);
	fd = open("/dev/console", O_WRONLY);
	CHECK(fd >= 0 && isatty(fd) && write(fd, "via /dev/console\n", 17) == 17);
	close(fd);
	CHECK_ERR(open("/dev/nothing", O_RDONLY), ENOENT);
	return ktest_result("devfs");
}

/* --- tree: what the host packed, read back --- */

uint32_t ktest_crc32(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

int ktest_file_crc(const char *path, uint32_t *crc, long *size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	static unsigned char buf[8192];
	ssize_t n;
	*crc = 0;
	*size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		*crc = ktest_crc32(*crc, buf, (size_t)n);
		*size += n;
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

static void tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		printf("tree: %s: %s\n", dir, strerror(errno));
		ktest_failures++;
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
		struct stat st;
		if (stat(path, &st)) {
			printf("tree: stat %s: %s\n", path, strerror(errno));
			ktest_failures++;
		} else if (S_ISDIR(st.st_mode)) {
			printf("dir %s\n", path);
			tree(path);
		} else if (!S_ISREG(st.st_mode)) {
			printf("node %s\n", path);
		} else {
			uint32_t crc;
			long size;
			if (ktest_file_crc(path, &crc, &size) == 0)
				printf("file %s %ld %08lx\n", path, size, (unsigned long)crc);
			else
				printf("tree: read %s: %s\n", path, strerror(errno)), ktest_failures++;
		}
	}
	closedir(d);
}

int ktest_tree(int argc, char **argv)
{
	tree(argc > 2 ? argv[2] : "/");
	printf("tree done\n");
	return ktest_failures ? 1 : 0;
}
