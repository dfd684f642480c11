/* The newc cpio reader (fs/cpio/cpio_newc.c): good archives, and every kind of damage. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "../../fs/cpio/cpio_newc.h"

static size_t put_entry(char *buf, size_t off, const char *name, unsigned mode, const char *data)
{
	size_t nl = strlen(name) + 1, dl = strlen(data);
	off += (size_t)sprintf(buf + off, "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", 1u, mode, 0u,
			       0u, 1u, 0u, dl, 0u, 0u, 0u, 0u, nl, 0u);
	memcpy(buf + off, name, nl);
	off = (off + nl + 3) & ~(size_t)3;
	memcpy(buf + off, data, dl);
	return (off + dl + 3) & ~(size_t)3;
}

static size_t archive(char *buf)
{
	memset(buf, 0, 4096);
	size_t off = put_entry(buf, 0, "./etc", 040755, "");
	off = put_entry(buf, off, "./etc/motd", 0100644, "hello!");
	return put_entry(buf, off, "TRAILER!!!", 0, "");
}

/* Walks the whole archive: entries seen, or -1 at an error. */
static int walk(const char *buf, size_t len, const char **err)
{
	size_t off = 0;
	struct cpio_entry e;
	int n = 0, r;
	while ((r = cpio_next(buf, len, &off, &e, err)) > 0)
		n++;
	return r < 0 ? -1 : n;
}

int main(void)
{
	static char buf[4096];
	const char *err = NULL;
	size_t len = archive(buf);
	size_t off = 0;
	struct cpio_entry e;
	CHECK(cpio_is_newc(buf, len));
	CHECK(cpio_next(buf, len, &off, &e, &err) == 1 && strcmp(e.name, "./etc") == 0 && e.mode == 040755);
	CHECK(cpio_next(buf, len, &off, &e, &err) == 1 && e.size == 6 && memcmp(e.data, "hello!", 6) == 0);
	CHECK(cpio_next(buf, len, &off, &e, &err) == 0);
	/* Every truncation is an error, never a read past the end. */
	int all_caught = 1;
	for (size_t cut = 0; cut < len - 4; cut++) {
		char *copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		if (walk(copy, cut, &err) != -1)
			all_caught = 0;
		free(copy);
	}
	CHECK(all_caught);
	/* Damaged headers. */
	archive(buf);
	buf[0] = 'X';
	CHECK(walk(buf, len, &err) == -1 && strstr(err, "magic"));
	archive(buf);
	buf[20] = 'g'; /* not hex */
	CHECK(walk(buf, len, &err) == -1 && strstr(err, "field"));
	archive(buf);
	memcpy(buf + 6 + 8 * 6, "7fffffff", 8); /* file size past the end */
	CHECK(walk(buf, len, &err) == -1 && strstr(err, "truncated data"));
	archive(buf);
	memcpy(buf + 6 + 8 * 11, "00000000", 8); /* name size 0 */
	CHECK(walk(buf, len, &err) == -1 && strstr(err, "name size"));
	archive(buf);
	memcpy(buf + 6 + 8 * 11, "00000003", 8); /* name size cuts "./etc" without a NUL */
	CHECK(walk(buf, len, &err) == -1 && strstr(err, "NUL"));
	return check_report();
}
