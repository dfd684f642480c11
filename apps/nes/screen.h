/*
 * The NES picture on yolk's framebuffer: scaled by the largest whole
 * factor that fits, centred, drawn straight into the screen's memory in
 * its pixel format (24 or 32 bits).
 */
#ifndef NES_SCREEN_H
#define NES_SCREEN_H

#include <yolk/fb.h>
#include "ppu.h"

struct screen {
	const struct fb_info *fb;
	int scale, left, top;
	uint32_t colour[64];    /* the palette in the screen's format */
};

/* 0, or -1 if there is no framebuffer or it is smaller than 256x240. Clears the screen. */
int screen_open(struct screen *s);

void screen_draw(const struct screen *s, const uint8_t pixels[NES_HEIGHT][NES_WIDTH]);

#endif
