/*
 * The cartridge: the ROM image's header (iNES or NES 2.0), its PRG and CHR
 * memory, and the page tables the mapper keeps pointing at the banks it has
 * switched in. The CPU and PPU read through the page tables only.
 */
#ifndef NES_CART_H
#define NES_CART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mirroring { MIRROR_HORIZONTAL, MIRROR_VERTICAL, MIRROR_SINGLE_LOW, MIRROR_SINGLE_HIGH, MIRROR_FOUR };

struct mapper_ops;

struct cart {
	const uint8_t *prg; /* PRG ROM (points into the image) */
	size_t prg_size;    /* a multiple of 16 KiB, > 0 */
	uint8_t *chr;       /* CHR ROM copy, or CHR RAM */
	size_t chr_size;    /* a multiple of 8 KiB, > 0 */
	bool chr_is_ram;
	uint8_t prg_ram[0x2000]; /* $6000-$7FFF (battery-backed if `battery`) */
	bool battery;
	bool prg_ram_enabled;
	int mapper;    /* iNES mapper number */
	int submapper; /* NES 2.0 only, else 0 */
	bool nes2;
	enum mirroring mirroring;
	const struct mapper_ops *ops;
	const uint8_t *prg_page[4]; /* 8 KiB pages at $8000, $A000, $C000, $E000 */
	uint8_t *chr_page[8];       /* 1 KiB pages at PPU $0000-$1FFF */
	bool irq;                   /* the mapper's IRQ line (MMC3) */
	uint8_t regs[16];           /* mapper state (meaning per mapper) */
	uint64_t last_write_cycle;  /* MMC1 ignores a write on the cycle after another */
};

/* 16-byte header, "NES\x1a" */
#define CART_HEADER_SIZE 16

/*
 * Parses an iNES/NES 2.0 image of `size` bytes and sets `c` up (CHR ROM is
 * copied into `chr_buf`, which must hold cart_chr_size(image) bytes; PRG
 * stays in `image`, which must outlive the cart). 0, or -1 with a sentence
 * in `err` (size errlen) saying what is wrong: too short, bad magic,
 * truncated PRG/CHR, unsupported mapper, trainer past the end...
 */
int cart_load(struct cart *c, const uint8_t *image, size_t size, uint8_t *chr_buf, char *err, size_t errlen);

/* Bytes of CHR memory the image needs (ROM or 8 KiB of RAM); 0 if the header is unreadable. */
size_t cart_chr_size(const uint8_t *image, size_t size);

/* Page helpers for mappers: maps `size_kb` KiB of PRG bank `bank` (in units of that size) at CPU `addr`. */
void cart_map_prg(struct cart *c, uint16_t addr, int size_kb, int bank);
/* Maps `size_kb` KiB of CHR bank `bank` (in units of that size) at PPU `addr`. */
void cart_map_chr(struct cart *c, uint16_t addr, int size_kb, int bank);

#endif
