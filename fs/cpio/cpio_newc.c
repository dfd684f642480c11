/*
 * The newc cpio format: a 110-byte ASCII header ("070701" and 13 fields of
 * 8 hex digits), the name, padding to 4 bytes, the data, padding to 4. The
 * archive ends with an entry named TRAILER!!!. Nothing in it is trusted:
 * every length is checked against the buffer.
 */
#include <string.h>
#include "cpio_newc.h"

#define HDR 110

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_MAJ, F_MIN, F_RMAJ, F_RMIN, F_NAMESIZE, F_CHECK };

static int hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

int cpio_is_newc(const void *buf, size_t len) { return len >= 6 && memcmp(buf, "070701", 6) == 0; }

int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e, const char **err)
{
	const char *p = (const char *)buf + *off;
	uint32_t f[13];
	if (*off > len || len - *off < HDR)
		return *err = "truncated header", -1;
	if (memcmp(p, "070701", 6) != 0)
		return *err = "bad magic (not a newc archive)", -1;
	for (int i = 0; i < 13; i++)
		if (hex8(p + 6 + 8 * i, &f[i]))
			return *err = "bad header field", -1;
	size_t namesz = f[F_NAMESIZE], size = f[F_FILESIZE];
	if (namesz == 0 || namesz > 4096)
		return *err = "bad name size", -1;
	size_t name_end = *off + HDR + namesz;
	if (name_end > len)
		return *err = "truncated name", -1;
	if (p[HDR + namesz - 1] != '\0' || memchr(p + HDR, '\0', namesz - 1))
		return *err = "name not NUL-terminated", -1;
	size_t data = pad4(name_end);
	if (data > len || size > len - data)
		return *err = "truncated data", -1;
	e->name = p + HDR;
	e->mode = f[F_MODE];
	e->mtime = f[F_MTIME];
	e->data = (const char *)buf + data;
	e->size = size;
	if (strcmp(e->name, "TRAILER!!!") == 0)
		return 0;
	*off = pad4(data + size);
	return 1;
}
