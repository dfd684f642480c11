/*
 * Unpacks the initrd: every boot module that is a newc cpio archive goes
 * onto the root filesystem through the ordinary POSIX calls, then its
 * memory is given back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arch/layout.h>
#include <yolk/boot.h>
#include <yolk/console.h>
#include <yolk/init.h>
#include <yolk/mm.h>
#include "cpio_newc.h"

/* "./a/b" and "a/b" both become "/a/b"; "." is the root itself (NULL). */
static const char *target(const char *name, char *out, size_t size)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	if (name[0] == '\0' || strcmp(name, ".") == 0)
		return NULL;
	if ((size_t)snprintf(out, size, "/%s", name) >= size)
		return NULL;
	return out;
}

static int write_file(const char *path, const struct cpio_entry *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, e->mode & 07777);
	if (fd < 0)
		return -errno;
	size_t done = 0;
	while (done < e->size) {
		ssize_t n = write(fd, (const char *)e->data + done, e->size - done);
		if (n <= 0) {
			close(fd);
			return n < 0 ? -errno : -ENOSPC;
		}
		done += (size_t)n;
	}
	return close(fd) ? -errno : 0;
}

static int unpack_entry(const struct cpio_entry *e, size_t *files)
{
	char path[1024];
	if (target(e->name, path, sizeof(path)) == NULL)
		return 0;
	if (S_ISDIR(e->mode))
		return mkdir(path, e->mode & 07777) && errno != EEXIST ? -errno : 0;
	if (S_ISREG(e->mode)) {
		++*files;
		return write_file(path, e);
	}
	klog(KLOG_WARN, "initrd: %s: skipped (only directories and regular files are unpacked)\n", path);
	return 0;
}

static void unpack(const void *buf, size_t len)
{
	size_t off = 0, files = 0;
	struct cpio_entry e;
	const char *err = NULL;
	int r;
	while ((r = cpio_next(buf, len, &off, &e, &err)) > 0) {
		int w = unpack_entry(&e, &files);
		if (w)
			klog(KLOG_ERR, "initrd: %s: %s\n", e.name, strerror(-w));
	}
	if (r < 0)
		klog(KLOG_ERR, "initrd: malformed archive at byte %zu: %s; unpacking stopped\n", off, err);
	klog(KLOG_NOTICE, "initrd: %zu files unpacked (%zu KiB archive)\n", files, len / 1024);
}

/* Gives back the whole pages of a module nothing needs any more. */
static void free_module(const struct boot_module *m)
{
	uint64_t first = (m->base + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	uint64_t end = (m->base + m->len) & ~(PAGE_SIZE_4K - 1);
	for (uint64_t pa = first; pa < end; pa += PAGE_SIZE_4K)
		pmm_free(pa);
}

static int initrd_init(void)
{
	for (size_t i = 0; i < boot_info.nmodules; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		const void *buf = phys_to_virt(m->base);
		if (!cpio_is_newc(buf, m->len)) {
			klog(KLOG_WARN, "boot module %zu is not a newc cpio archive: ignored\n", i);
			continue;
		}
		unpack(buf, m->len);
		free_module(m);
	}
	return 0;
}
YOLK_INIT(YOLK_INIT_SERVICE, initrd_init);
