/*
 * libFuzzer harness: newc cpio archives (fs/cpio/cpio_newc.c) and the
 * initrd unpacker that walks them onto the root filesystem
 * (fs/cpio/initrd.c, included as it is). The unpacker's POSIX calls land in
 * a fake that checks what it is asked (absolute, bounded paths; one file
 * open at a time and closed again; only readable bytes written) and makes
 * writes short or failing now and then, as a full disk would.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yolk/boot.h>
#include <yolk/console.h>
#include <yolk/mm.h>
#include "../../fs/cpio/cpio_newc.h"

#define FAKE_FD 7000

static struct {
	int open_fd;    /* the one file being written, or -1 */
	size_t written; /* bytes written to it */
	unsigned calls; /* write calls so far, for the short ones */
	size_t files, dirs;
} fake;

static void check_path(const char *path)
{
	size_t n = strnlen(path, 1024);
	if (n == 0 || n >= 1024 || path[0] != '/' || (n > 1 && path[1] == '/'))
		abort();
}

static int fz_open(const char *path, int flags, ...)
{
	check_path(path);
	if (fake.open_fd >= 0 || !(flags & O_CREAT))
		abort(); /* one file at a time, each one created */
	fake.open_fd = FAKE_FD;
	fake.written = 0;
	fake.files++;
	return FAKE_FD;
}

static ssize_t fz_write(int fd, const void *buf, size_t n)
{
	if (fd != FAKE_FD || fake.open_fd != FAKE_FD || n == 0)
		abort();
	volatile const char *b = buf;
	(void)b[0], (void)b[n - 1]; /* the whole range must be readable */
	if (++fake.calls % 7 == 0)
		n = n > 1 ? n / 2 : n; /* a short write */
	if (fake.calls % 61 == 0) {
		errno = ENOSPC;
		return -1;
	}
	fake.written += n;
	return (ssize_t)n;
}

static int fz_close(int fd)
{
	if (fd != FAKE_FD || fake.open_fd != FAKE_FD)
		abort();
	fake.open_fd = -1;
	return 0;
}

static int fz_mkdir(const char *path, mode_t mode)
{
	(void)mode;
	check_path(path);
	fake.dirs++;
	return 0;
}

/* What initrd.c needs of the kernel besides that. */
struct boot_info boot_info;
void pmm_free(uint64_t pa)
{
	(void)pa;
	abort(); /* the harness never frees a module */
}
void klog(int level, const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap); /* formats every argument, prints nothing */
	va_end(ap);
	(void)level;
}

#define open fz_open
#define write fz_write
#define close fz_close
#define mkdir fz_mkdir
#include "../../fs/cpio/initrd.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size heap copy: a read past the archive is a report. */
	uint8_t *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	/* The parser alone: entries lie inside the archive; the offset moves forward, at most up to the
	 * padding after the last byte (the next call then reports a truncated header). */
	size_t off = 0, entries = 0;
	struct cpio_entry e;
	const char *err = NULL;
	int r;
	while ((r = cpio_next(buf, size, &off, &e, &err)) > 0) {
		if (off > size + 3 || (const uint8_t *)e.data + e.size > buf + size ||
		    (const uint8_t *)e.name < buf)
			abort();
		entries++;
	}
	if (r < 0 && err == NULL)
		abort();
	/* Then the unpacker, as initrd_init runs it on a module that looks like newc. */
	memset(&fake, 0, sizeof(fake));
	fake.open_fd = -1;
	if (cpio_is_newc(buf, size))
		unpack(buf, size);
	if (fake.open_fd != -1 || fake.files + fake.dirs > entries)
		abort();
	free(buf);
	return 0;
}
