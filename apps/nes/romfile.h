/*
 * What both frontends do with files (the core makes no OS calls): read a
 * ROM image, set the machine up from it, and keep battery-backed cartridge
 * RAM in FILE.sav next to the ROM (the ROM's name with .nes replaced).
 */
#ifndef NES_ROMFILE_H
#define NES_ROMFILE_H

#include "nes.h"

struct romfile {
	uint8_t *image, *chr;
	size_t size;
	char save_path[512];
};

/* Reads `path` and powers `n` on with it. 0, or -1 after printing "nes: PATH: why" to stderr. */
int romfile_open(struct romfile *r, struct nes *n, const char *path);

/* Writes the cartridge RAM to the save file if the cart has a battery; 0 or -1 (message printed). */
int romfile_save(const struct romfile *r, const struct nes *n);

void romfile_close(struct romfile *r);

#endif
