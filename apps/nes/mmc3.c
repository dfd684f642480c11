/*
 * MMC3 (mapper 4, TxROM): eight bank registers behind a select register,
 * and a scanline counter that raises IRQ when it reaches zero.
 * https://www.nesdev.org/wiki/MMC3
 *
 * The counter is clocked once per rendered scanline (and on the pre-render
 * line) while rendering is on, where the real chip sees PPU A12 rise at dot
 * 260 with the usual layout (background at $0000, sprites at $1000).
 */
#include "mapper.h"

enum { R0, R1, R2, R3, R4, R5, R6, R7, SELECT, LATCH, COUNTER, RELOAD, IRQ_ENABLED };

#define SELECT_PRG_SWAP 0x40
#define SELECT_CHR_INVERT 0x80

static void mmc3_apply(struct cart *c)
{
	const uint8_t *r = c->regs;
	int second_last = (int)(c->prg_size >> 13) - 2;
	cart_map_prg(c, r[SELECT] & SELECT_PRG_SWAP ? 0xc000 : 0x8000, 8, r[R6]);
	cart_map_prg(c, 0xa000, 8, r[R7]);
	cart_map_prg(c, r[SELECT] & SELECT_PRG_SWAP ? 0x8000 : 0xc000, 8, second_last);
	cart_map_prg(c, 0xe000, 8, second_last + 1);
	uint16_t two_k = r[SELECT] & SELECT_CHR_INVERT ? 0x1000 : 0x0000, one_k = two_k ^ 0x1000;
	cart_map_chr(c, two_k, 2, r[R0] >> 1);
	cart_map_chr(c, two_k + 0x800, 2, r[R1] >> 1);
	for (int i = 0; i < 4; i++)
		cart_map_chr(c, (uint16_t)(one_k + i * 0x400), 1, r[R2 + i]);
}

static void mmc3_reset(struct cart *c)
{
	static const uint8_t power_on[8] = {0, 2, 4, 5, 6, 7, 0, 1};
	for (int i = 0; i < 8; i++)
		c->regs[i] = power_on[i];
	mmc3_apply(c);
}

static void mmc3_write(struct cart *c, uint16_t addr, uint8_t v, uint64_t cycle)
{
	uint8_t *r = c->regs;
	(void)cycle;
	switch (addr & 0xe001) {
	case 0x8000:
		r[SELECT] = v;
		break;
	case 0x8001:
		r[r[SELECT] & 7] = v;
		break;
	case 0xa000:
		if (c->mirroring != MIRROR_FOUR)
			c->mirroring = v & 1 ? MIRROR_HORIZONTAL : MIRROR_VERTICAL;
		return;
	case 0xa001:
		c->prg_ram_enabled = v & 0x80;
		return;
	case 0xc000:
		r[LATCH] = v;
		return;
	case 0xc001:
		r[COUNTER] = 0;
		r[RELOAD] = 1;
		return;
	case 0xe000:
		r[IRQ_ENABLED] = 0;
		c->irq = false;
		return;
	case 0xe001:
		r[IRQ_ENABLED] = 1;
		return;
	}
	mmc3_apply(c);
}

static void mmc3_scanline(struct cart *c)
{
	uint8_t *r = c->regs;
	if (r[COUNTER] == 0 || r[RELOAD]) {
		r[COUNTER] = r[LATCH];
		r[RELOAD] = 0;
	} else {
		r[COUNTER]--;
	}
	if (r[COUNTER] == 0 && r[IRQ_ENABLED])
		c->irq = true;
}

const struct mapper_ops mapper_mmc3 = {4, "MMC3", mmc3_reset, mmc3_write, mmc3_scanline};
