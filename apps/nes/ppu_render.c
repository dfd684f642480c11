/*
 * One scanline: the background from the loopy v register and fine X (33
 * tiles fetched as the PPU does, the first shifted by fine X), the first
 * eight sprites in range in OAM order, priorities, left-edge clipping,
 * sprite-0 hit and the sprite overflow flag with the hardware's buggy
 * evaluation. https://www.nesdev.org/wiki/PPU_rendering,
 * https://www.nesdev.org/wiki/PPU_sprite_evaluation
 */
#include <string.h>
#include "ppu.h"

#define SPRITE_PALETTE 0x03
#define SPRITE_BEHIND 0x20
#define SPRITE_FLIP_X 0x40
#define SPRITE_FLIP_Y 0x80
#define MAX_SPRITES_PER_LINE 8

/* Moves v one tile right, into the next nametable after column 31. */
static uint16_t next_column(uint16_t v)
{
	return (v & 0x001f) == 31 ? (uint16_t)((v & ~0x001f) ^ 0x0400) : (uint16_t)(v + 1);
}

/* Background colour indices (0 = transparent, else palette*4 + colour) for the 256 pixels. */
static void render_background(struct ppu *p, uint8_t *bg)
{
	uint8_t tiles[33 * 8]; /* the 33 fetched tiles; the line starts fine X pixels in */
	uint16_t v = p->v, table = p->ctrl & PPUCTRL_BG_TABLE ? 0x1000 : 0;
	unsigned fine_y = (v >> 12) & 7;
	for (int tile = 0; tile < 33; tile++) {
		uint8_t name = *ppu_nametable(p, 0x2000 | (v & 0x0fff));
		uint8_t attr = *ppu_nametable(
		    p, (uint16_t)(0x23c0 | (v & 0x0c00) | ((v >> 4) & 0x38) | ((v >> 2) & 0x07)));
		unsigned palette = ((attr >> (((v >> 4) & 4) | (v & 2))) & 3) << 2;
		uint16_t row = (uint16_t)(table | name << 4 | fine_y);
		unsigned lo = ppu_chr(p, row), hi = ppu_chr(p, (uint16_t)(row + 8));
		uint8_t *out = &tiles[tile * 8];
		for (int bit = 7; bit >= 0; bit--, lo >>= 1, hi >>= 1) {
			unsigned colour = (lo & 1) | (hi & 1) << 1;
			out[bit] = (uint8_t)(colour ? palette | colour : 0);
		}
		v = next_column(v);
	}
	memcpy(bg, tiles + p->x, NES_WIDTH);
	if (!(p->mask & PPUMASK_BG_LEFT))
		memset(bg, 0, 8);
}

/*
 * The sprites in range of this line, at most eight, in OAM order (indices
 * into OAM/4). Sets the overflow flag as the hardware does: after the
 * eighth sprite it goes on comparing, but steps the byte index along with
 * the sprite index, so it reads tile/attribute/X bytes as Y coordinates.
 */
static int evaluate_sprites(struct ppu *p, int height, uint8_t *found)
{
	int count = 0, row = p->line - 1;
	int n = 0;
	for (; n < 64 && count < MAX_SPRITES_PER_LINE; n++)
		if (row - p->oam[n * 4] >= 0 && row - p->oam[n * 4] < height)
			found[count++] = (uint8_t)n;
	for (int m = 0; n < 64; n++) {
		if (row - p->oam[n * 4 + m] >= 0 && row - p->oam[n * 4 + m] < height) {
			p->status |= PPUSTATUS_OVERFLOW;
			break;
		}
		m = (m + 1) & 3;
	}
	return count;
}

/* The two pattern bytes of sprite row `row` (0..height-1, flips applied). */
static void sprite_pattern(struct ppu *p, const uint8_t *s, int row, int height, uint8_t *lo, uint8_t *hi)
{
	if (s[2] & SPRITE_FLIP_Y)
		row = height - 1 - row;
	uint16_t addr;
	if (height == 16)
		addr = (uint16_t)((s[1] & 1) << 12 | (s[1] & 0xfe) << 4 | (row & 8) << 1 | (row & 7));
	else
		addr = (uint16_t)((p->ctrl & PPUCTRL_SPRITE_TABLE ? 0x1000 : 0) | s[1] << 4 | row);
	*lo = ppu_chr(p, addr);
	*hi = ppu_chr(p, (uint16_t)(addr + 8));
}

/* Draws sprites over line[] (colour indices) where they win against bg[]; finds sprite-0 hit. */
static void render_sprites(struct ppu *p, const uint8_t *bg, uint8_t *line)
{
	int height = p->ctrl & PPUCTRL_SPRITE_8X16 ? 16 : 8;
	uint8_t found[MAX_SPRITES_PER_LINE], drawn[NES_WIDTH] = {0};
	int count = evaluate_sprites(p, height, found);
	int left = p->mask & PPUMASK_SPRITES_LEFT ? 0 : 8;
	for (int i = 0; i < count; i++) {
		const uint8_t *s = &p->oam[found[i] * 4];
		uint8_t lo, hi;
		sprite_pattern(p, s, p->line - 1 - s[0], height, &lo, &hi);
		for (int bit = 0; bit < 8; bit++) {
			int x = s[3] + bit, shift = s[2] & SPRITE_FLIP_X ? bit : 7 - bit;
			unsigned colour = (lo >> shift & 1) | (hi >> shift & 1) << 1;
			if (x >= NES_WIDTH || x < left || !colour)
				continue;
			if (found[i] == 0 && bg[x] && x != 255 && (p->mask & PPUMASK_BG) && p->hit_dot < 0 &&
			    !(p->status & PPUSTATUS_SPRITE0))
				p->hit_dot = x + 1;
			if (drawn[x]++) /* a lower OAM index already owns this pixel */
				continue;
			if (!(s[2] & SPRITE_BEHIND) || !bg[x])
				line[x] = (uint8_t)(0x10 | (s[2] & SPRITE_PALETTE) << 2 | colour);
		}
	}
}

void ppu_render_line(struct ppu *p)
{
	uint8_t bg[NES_WIDTH] = {0}, line[NES_WIDTH];
	uint8_t *out = p->pixels[p->line];
	if (p->mask & PPUMASK_BG)
		render_background(p, bg);
	memcpy(line, bg, NES_WIDTH);
	if ((p->mask & PPUMASK_SPRITES) && p->line > 0)
		render_sprites(p, bg, line);
	uint8_t colours[32];
	for (unsigned i = 0; i < 32; i++)
		colours[i] = ppu_colour(p, i);
	for (int x = 0; x < NES_WIDTH; x++)
		out[x] = colours[line[x] & 0x1f];
	if (p->hit_dot >= 0 && p->hit_dot <= p->dot) {
		p->status |= PPUSTATUS_SPRITE0;
		p->hit_dot = -1;
	}
}
