/*
 * Mappers: the cartridge hardware that switches PRG/CHR banks, sets the
 * nametable mirroring and (MMC3) counts scanlines. Each is a small ops
 * table found by its iNES number.
 */
#ifndef NES_MAPPER_H
#define NES_MAPPER_H

#include <stdint.h>
#include "cart.h"

struct mapper_ops {
	int number;
	const char *name;
	void (*reset)(struct cart *c); /* power-on banks */
	void (*write)(struct cart *c, uint16_t addr, uint8_t v,
	              uint64_t cycle);    /* CPU write to $8000-$FFFF */
	void (*scanline)(struct cart *c); /* once per rendered line (MMC3's A12 counter) */
};

/* The mapper with iNES number `number`, or NULL if it is not supported. */
const struct mapper_ops *mapper_find(int number);

extern const struct mapper_ops mapper_nrom, mapper_mmc1, mapper_uxrom, mapper_cnrom, mapper_mmc3;

#endif
