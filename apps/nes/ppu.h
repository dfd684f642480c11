/*
 * The 2C02 PPU: registers $2000-$2007, the loopy v/t/x/w scroll registers,
 * nametables, palette and OAM, and a renderer that draws one scanline at a
 * time (at its dot 1) from the state the CPU left. Events inside a line
 * happen at their dots: the vertical scroll increment (256), the horizontal
 * copy (257), the mapper's scanline clock (260), the vertical copy on the
 * pre-render line (280), sprite-0 hit at the dot of the first overlapping
 * pixel, vblank and NMI at line 241 dot 1. https://www.nesdev.org/wiki/PPU
 */
#ifndef NES_PPU_H
#define NES_PPU_H

#include <stdbool.h>
#include <stdint.h>
#include "cart.h"

#define NES_WIDTH 256
#define NES_HEIGHT 240

struct ppu {
	struct cart *cart;
	uint8_t ctrl, mask, status, oam_addr;
	uint16_t v, t;        /* loopy: current and temporary VRAM address */
	uint8_t x;            /* fine X scroll */
	bool w;               /* first/second write toggle of $2005/$2006 */
	uint8_t read_buffer;  /* $2007 reads are delayed by one (except palette) */
	uint8_t latch;        /* the last value written to a register (open bus) */
	uint8_t vram[0x1000]; /* 2 KiB CIRAM, + 2 KiB for four-screen carts */
	uint8_t palette[32];
	uint8_t oam[256];
	int line, dot; /* line 0-261 (261: pre-render), dot 0-340 */
	int hit_dot;   /* sprite-0 hit on this line at this dot, or -1 */
	int next_dot;  /* the next dot of this line with work (0: work it out) */
	bool odd_frame;
	bool nmi;                              /* NMI raised, for the machine to pass to the CPU */
	uint64_t frame;                        /* frames completed (counted at vblank) */
	uint8_t pixels[NES_HEIGHT][NES_WIDTH]; /* palette indices 0-63 */
};

void ppu_reset(struct ppu *p, struct cart *cart);

/* Advances the PPU by `dots` dots (3 per CPU cycle). */
void ppu_run(struct ppu *p, int dots);

/* CPU access to $2000-$3FFF (mirrored every 8 bytes). */
uint8_t ppu_read_register(struct ppu *p, uint16_t addr);
void ppu_write_register(struct ppu *p, uint16_t addr, uint8_t v);

/* Shared by ppu.c and ppu_render.c. */
#define PPUCTRL_INCREMENT_32 0x04
#define PPUCTRL_SPRITE_TABLE 0x08
#define PPUCTRL_BG_TABLE 0x10
#define PPUCTRL_SPRITE_8X16 0x20
#define PPUCTRL_NMI 0x80
#define PPUMASK_GREYSCALE 0x01
#define PPUMASK_BG_LEFT 0x02
#define PPUMASK_SPRITES_LEFT 0x04
#define PPUMASK_BG 0x08
#define PPUMASK_SPRITES 0x10
#define PPUSTATUS_OVERFLOW 0x20
#define PPUSTATUS_SPRITE0 0x40
#define PPUSTATUS_VBLANK 0x80

/* PPU bus reads of pattern tables and nametables ($0000-$2FFF and mirrors). */
static inline uint8_t ppu_chr(const struct ppu *p, uint16_t addr)
{
	return p->cart->chr_page[(addr >> 10) & 7][addr & 0x3ff];
}
uint8_t *ppu_nametable(struct ppu *p, uint16_t addr);
/* A palette entry (0-63) for palette RAM index 0-31, greyscale applied. */
uint8_t ppu_colour(const struct ppu *p, unsigned index);

/* Draws line p->line into p->pixels and finds sprite-0 hit and overflow (ppu_render.c). */
void ppu_render_line(struct ppu *p);

#endif
