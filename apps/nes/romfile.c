/* ROM images and battery saves through stdio (the VFS in yolk, the host's files in tests). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "romfile.h"

#define MAX_IMAGE (64u << 20)

/* The whole file in a malloc'd buffer; NULL with errno set. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf != NULL) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap || cap >= MAX_IMAGE)
			break;
		uint8_t *bigger = realloc(buf, cap *= 2);
		if (bigger == NULL)
			free(buf);
		buf = bigger;
	}
	int failed = buf == NULL ? ENOMEM : ferror(f) ? EIO : len >= MAX_IMAGE ? EFBIG : 0;
	fclose(f);
	if (failed) {
		free(buf);
		errno = failed;
		return NULL;
	}
	*size = len;
	return buf;
}

static void save_path_for(struct romfile *r, const char *path)
{
	size_t len = strlen(path);
	if (len > 4 && strcasecmp(path + len - 4, ".nes") == 0)
		len -= 4;
	snprintf(r->save_path, sizeof(r->save_path), "%.*s.sav", (int)len, path);
}

static void load_save(const struct romfile *r, struct nes *n)
{
	FILE *f = fopen(r->save_path, "rb");
	if (f == NULL)
		return;
	size_t got = fread(n->cart.prg_ram, 1, sizeof(n->cart.prg_ram), f);
	fclose(f);
	fprintf(stderr, "nes: %zu bytes of cartridge RAM from %s\n", got, r->save_path);
}

int romfile_open(struct romfile *r, struct nes *n, const char *path)
{
	char err[160];
	memset(r, 0, sizeof(*r));
	if ((r->image = read_file(path, &r->size)) == NULL) {
		fprintf(stderr, "nes: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t chr = cart_chr_size(r->image, r->size);
	if ((r->chr = malloc(chr ? chr : 1)) == NULL) {
		fprintf(stderr, "nes: %s: out of memory for %zu bytes of CHR\n", path, chr);
		romfile_close(r);
		return -1;
	}
	if (nes_power_on(n, r->image, r->size, r->chr, err, sizeof(err)) != 0) {
		fprintf(stderr, "nes: %s: %s\n", path, err);
		romfile_close(r);
		return -1;
	}
	save_path_for(r, path);
	if (n->cart.battery)
		load_save(r, n);
	return 0;
}

int romfile_save(const struct romfile *r, const struct nes *n)
{
	if (!n->cart.battery)
		return 0;
	FILE *f = fopen(r->save_path, "wb");
	size_t put = f ? fwrite(n->cart.prg_ram, 1, sizeof(n->cart.prg_ram), f) : 0;
	if (f == NULL || fclose(f) != 0 || put != sizeof(n->cart.prg_ram)) {
		fprintf(stderr, "nes: cannot save %s: %s\n", r->save_path, strerror(errno));
		return -1;
	}
	return 0;
}

void romfile_close(struct romfile *r)
{
	free(r->image);
	free(r->chr);
	r->image = r->chr = NULL;
}
