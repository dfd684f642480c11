/*
 * PPU registers, memory map and timing. The loopy register updates follow
 * https://www.nesdev.org/wiki/PPU_scrolling; the frame is 262 lines of 341
 * dots, one dot shorter on odd frames while rendering is on.
 */
#include <string.h>
#include "mapper.h"
#include "ppu.h"

#define LINE_VBLANK 241
#define LINE_PRERENDER 261
#define DOTS_PER_LINE 341

static bool rendering(const struct ppu *p)
{
	return p->mask & (PPUMASK_BG | PPUMASK_SPRITES);
}

void ppu_reset(struct ppu *p, struct cart *cart)
{
	memset(p, 0, sizeof(*p));
	p->cart = cart;
	p->hit_dot = -1;
	p->line = LINE_PRERENDER;
}

uint8_t *ppu_nametable(struct ppu *p, uint16_t addr)
{
	unsigned table = (addr >> 10) & 3;
	switch (p->cart->mirroring) {
	case MIRROR_HORIZONTAL:
		table >>= 1;
		break;
	case MIRROR_VERTICAL:
		table &= 1;
		break;
	case MIRROR_SINGLE_LOW:
		table = 0;
		break;
	case MIRROR_SINGLE_HIGH:
		table = 1;
		break;
	case MIRROR_FOUR:
		break;
	}
	return &p->vram[table << 10 | (addr & 0x3ff)];
}

/* $3F10/$3F14/$3F18/$3F1C are $3F00/$3F04/$3F08/$3F0C. */
static unsigned palette_index(uint16_t addr)
{
	unsigned i = addr & 0x1f;
	return (i & 0x13) == 0x10 ? i & 0x0f : i;
}

uint8_t ppu_colour(const struct ppu *p, unsigned index)
{
	return p->palette[palette_index((uint16_t)index)] & (p->mask & PPUMASK_GREYSCALE ? 0x30 : 0x3f);
}

static uint8_t vram_read(struct ppu *p, uint16_t addr)
{
	addr &= 0x3fff;
	if (addr < 0x2000)
		return ppu_chr(p, addr);
	if (addr < 0x3f00)
		return *ppu_nametable(p, addr);
	return p->palette[palette_index(addr)];
}

static void vram_write(struct ppu *p, uint16_t addr, uint8_t v)
{
	addr &= 0x3fff;
	if (addr < 0x2000) {
		if (p->cart->chr_is_ram)
			p->cart->chr_page[addr >> 10][addr & 0x3ff] = v;
	} else if (addr < 0x3f00) {
		*ppu_nametable(p, addr) = v;
	} else {
		p->palette[palette_index(addr)] = v & 0x3f;
	}
}

uint8_t ppu_read_register(struct ppu *p, uint16_t addr)
{
	uint8_t v = p->latch;
	switch (addr & 7) {
	case 2:
		v = (uint8_t)(p->status | (p->latch & 0x1f));
		p->status &= (uint8_t)~PPUSTATUS_VBLANK;
		p->w = false;
		break;
	case 4:
		v = p->oam[p->oam_addr];
		break;
	case 7:
		if ((p->v & 0x3fff) >= 0x3f00) { /* palette: direct; the buffer gets the nametable below */
			v = (uint8_t)(vram_read(p, p->v) | (p->latch & 0xc0));
			p->read_buffer = vram_read(p, (uint16_t)(p->v - 0x1000));
		} else {
			v = p->read_buffer;
			p->read_buffer = vram_read(p, p->v);
		}
		p->v = (uint16_t)((p->v + (p->ctrl & PPUCTRL_INCREMENT_32 ? 32 : 1)) & 0x7fff);
		break;
	}
	return v;
}

static void write_scroll(struct ppu *p, uint8_t v)
{
	if (!p->w) {
		p->t = (uint16_t)((p->t & ~0x001f) | v >> 3);
		p->x = v & 7;
	} else {
		p->t = (uint16_t)((p->t & 0x0c1f) | (v & 7) << 12 | (v & 0xf8) << 2);
	}
	p->w = !p->w;
}

static void write_address(struct ppu *p, uint8_t v)
{
	if (!p->w) {
		p->t = (uint16_t)((p->t & 0x00ff) | (v & 0x3f) << 8);
	} else {
		p->t = (uint16_t)((p->t & 0xff00) | v);
		p->v = p->t;
	}
	p->w = !p->w;
}

void ppu_write_register(struct ppu *p, uint16_t addr, uint8_t v)
{
	p->latch = v;
	switch (addr & 7) {
	case 0:
		/* Enabling NMI during vblank raises one at once. */
		if (!(p->ctrl & PPUCTRL_NMI) && (v & PPUCTRL_NMI) && (p->status & PPUSTATUS_VBLANK))
			p->nmi = true;
		p->ctrl = v;
		p->t = (uint16_t)((p->t & ~0x0c00) | (v & 3) << 10);
		break;
	case 1:
		p->mask = v;
		p->next_dot = 0; /* the pre-render line's length depends on rendering */
		break;
	case 3:
		p->oam_addr = v;
		break;
	case 4:
		p->oam[p->oam_addr++] = v;
		break;
	case 5:
		write_scroll(p, v);
		break;
	case 6:
		write_address(p, v);
		break;
	case 7:
		vram_write(p, p->v, v);
		p->v = (uint16_t)((p->v + (p->ctrl & PPUCTRL_INCREMENT_32 ? 32 : 1)) & 0x7fff);
		break;
	}
}

/* Fine Y, then coarse Y: row 29 wraps to the next nametable down, 31 wraps in place. */
static void increment_y(struct ppu *p)
{
	if ((p->v & 0x7000) != 0x7000) {
		p->v += 0x1000;
		return;
	}
	p->v &= (uint16_t)~0x7000;
	unsigned y = (p->v & 0x03e0) >> 5;
	if (y == 29) {
		y = 0;
		p->v ^= 0x0800;
	} else if (y == 31) {
		y = 0;
	} else {
		y++;
	}
	p->v = (uint16_t)((p->v & ~0x03e0) | y << 5);
}

static void line_start(struct ppu *p)
{
	if (p->line < NES_HEIGHT) {
		ppu_render_line(p);
	} else if (p->line == LINE_VBLANK) {
		p->status |= PPUSTATUS_VBLANK;
		p->frame++;
		if (p->ctrl & PPUCTRL_NMI)
			p->nmi = true;
	} else if (p->line == LINE_PRERENDER) {
		p->status = 0;
	}
}

/* The work at dot p->dot of the current line. */
static void event(struct ppu *p)
{
	bool render_line = p->line < NES_HEIGHT || p->line == LINE_PRERENDER;
	if (p->dot == p->hit_dot) {
		p->status |= PPUSTATUS_SPRITE0;
		p->hit_dot = -1;
	}
	if (p->dot == 1) {
		line_start(p);
	} else if (!render_line || !rendering(p)) {
		return;
	} else if (p->dot == 256) {
		increment_y(p);
	} else if (p->dot == 257) {
		p->v = (uint16_t)((p->v & ~0x041f) | (p->t & 0x041f));
	} else if (p->dot == 260 && p->cart->ops->scanline) {
		p->cart->ops->scanline(p->cart);
	} else if (p->dot == 280 && p->line == LINE_PRERENDER) {
		p->v = (uint16_t)((p->v & ~0x7be0) | (p->t & 0x7be0));
	}
}

static int line_length(const struct ppu *p)
{
	return p->line == LINE_PRERENDER && p->odd_frame && rendering(p) ? DOTS_PER_LINE - 1 : DOTS_PER_LINE;
}

/* The next dot of this line with work to do (the line's length if none). */
static int next_event(const struct ppu *p)
{
	static const int dots[] = {1, 256, 257, 260, 280};
	int end = line_length(p);
	int next = end;
	for (unsigned i = 0; i < sizeof(dots) / sizeof(dots[0]); i++)
		if (dots[i] > p->dot) {
			next = dots[i];
			break;
		}
	if (p->hit_dot > p->dot && p->hit_dot < next)
		next = p->hit_dot;
	return next < end ? next : end;
}

void ppu_run(struct ppu *p, int dots)
{
	if (p->dot + dots < p->next_dot) { /* the common case, once per CPU instruction */
		p->dot += dots;
		return;
	}
	while (dots > 0) {
		int next = next_event(p), step = next - p->dot;
		if (step > dots) {
			p->dot += dots;
			p->next_dot = next;
			return;
		}
		dots -= step;
		p->dot = next;
		if (p->dot < line_length(p)) {
			event(p);
			continue;
		}
		p->dot = 0;
		p->hit_dot = -1;
		if (++p->line > LINE_PRERENDER) {
			p->line = 0;
			p->odd_frame = !p->odd_frame;
		}
	}
	p->next_dot = next_event(p);
}
