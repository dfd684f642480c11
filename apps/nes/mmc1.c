/*
 * MMC1 (mapper 1, SxROM): five writes of one bit each through a serial
 * port fill one of four registers. https://www.nesdev.org/wiki/MMC1
 */
#include "mapper.h"

enum { SHIFT, COUNT, CONTROL, CHR0, CHR1, PRG };

#define CONTROL_PRG_MODE(c) (((c) >> 2) & 3)
#define CONTROL_CHR_4K 0x10
#define PRG_RAM_DISABLE 0x10

static const enum mirroring mmc1_mirroring[4] = {MIRROR_SINGLE_LOW, MIRROR_SINGLE_HIGH, MIRROR_VERTICAL,
                                                 MIRROR_HORIZONTAL};

static void mmc1_apply(struct cart *c)
{
	uint8_t *r = c->regs;
	/* SUROM (512 KiB): CHR0 bit 4 picks the 256 KiB half of PRG. */
	int outer = c->prg_size > 0x40000 ? (r[CHR0] & 0x10) : 0, bank = outer | (r[PRG] & 0x0f);
	int last = outer | ((int)(c->prg_size > 0x40000 ? 0x40000 : c->prg_size) / 0x4000 - 1);
	switch (CONTROL_PRG_MODE(r[CONTROL])) {
	case 0:
	case 1:
		cart_map_prg(c, 0x8000, 32, bank >> 1);
		break;
	case 2:
		cart_map_prg(c, 0x8000, 16, outer);
		cart_map_prg(c, 0xc000, 16, bank);
		break;
	case 3:
		cart_map_prg(c, 0x8000, 16, bank);
		cart_map_prg(c, 0xc000, 16, last);
		break;
	}
	if (r[CONTROL] & CONTROL_CHR_4K) {
		cart_map_chr(c, 0x0000, 4, r[CHR0]);
		cart_map_chr(c, 0x1000, 4, r[CHR1]);
	} else {
		cart_map_chr(c, 0x0000, 8, r[CHR0] >> 1);
	}
	c->mirroring = mmc1_mirroring[r[CONTROL] & 3];
	c->prg_ram_enabled = !(r[PRG] & PRG_RAM_DISABLE);
}

static void mmc1_reset(struct cart *c)
{
	c->regs[CONTROL] = 0x0c;
	mmc1_apply(c);
}

static void mmc1_write(struct cart *c, uint16_t addr, uint8_t v, uint64_t cycle)
{
	uint8_t *r = c->regs;
	/* The serial port ignores a write on the cycle after another (the second write of INC/ROL...). */
	bool back_to_back = cycle == c->last_write_cycle + 1;
	c->last_write_cycle = cycle;
	if (back_to_back)
		return;
	if (v & 0x80) {
		r[SHIFT] = r[COUNT] = 0;
		r[CONTROL] |= 0x0c;
		mmc1_apply(c);
		return;
	}
	r[SHIFT] |= (uint8_t)((v & 1) << r[COUNT]);
	if (++r[COUNT] < 5)
		return;
	r[CONTROL + ((addr >> 13) & 3)] = r[SHIFT];
	r[SHIFT] = r[COUNT] = 0;
	mmc1_apply(c);
}

const struct mapper_ops mapper_mmc1 = {1, "MMC1", mmc1_reset, mmc1_write, NULL};
