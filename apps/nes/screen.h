/*
 * The NES picture on yolk's framebuffer: scaled by the largest whole
 * factor that fits, centred, drawn straight into the screen's memory in
 * its pixel format (24 or 32 bits). Lines equal to what is already on the
 * screen are skipped: under TCG, writing video memory costs as much as
 * emulating (bench/nes.sh --no-draw).
 */
#ifndef NES_SCREEN_H
#define NES_SCREEN_H

#include <stdbool.h>
#include <yolk/fb.h>
#include "ppu.h"

struct screen {
	const struct fb_info *fb;
	int scale, left, top;
	uint32_t colour[64];                  /* the palette in the screen's format */
	uint8_t shown[NES_HEIGHT][NES_WIDTH]; /* what the screen shows, to skip unchanged lines */
	bool valid;                           /* shown[] is on the screen */
};

/* 0, or -1 if there is no framebuffer or it is smaller than 256x240. Clears the screen. */
int screen_open(struct screen *s);

/* Shows a frame; only the lines that changed since the last one are written (all if `force`). */
void screen_draw(struct screen *s, const uint8_t pixels[NES_HEIGHT][NES_WIDTH], bool force);

#endif
