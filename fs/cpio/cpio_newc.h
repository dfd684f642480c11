/* Reading "newc" cpio archives (the format of Linux initramfs images). */
#ifndef FS_CPIO_NEWC_H
#define FS_CPIO_NEWC_H

#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
	const char *name;   /* NUL-terminated, as stored ("./etc/x", "etc/x") */
	uint32_t mode;      /* type and permission bits, as in st_mode */
	uint32_t mtime;
	const void *data;
	size_t size;
};

/*
 * The entry at *off in the archive [buf, buf+len): 1 and *off moved past
 * it, 0 at the trailer, or -1 with *err saying what is malformed.
 */
int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e, const char **err);

/* Whether buf starts like a newc archive. */
int cpio_is_newc(const void *buf, size_t len);

#endif
