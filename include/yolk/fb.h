/*
 * Framebuffers and a small drawing API. A display driver registers the linear
 * framebuffer it set up (fb_register); programs draw into a canvas — normally
 * the back buffer from fb_canvas() — and show it with fb_present(), which
 * converts to the screen's pixel format (32 or 24 bits per pixel).
 * Colours are 0xRRGGBB.
 */
#ifndef YOLK_FB_H
#define YOLK_FB_H

#include <stddef.h>
#include <stdint.h>

struct fb_info {
	const char *driver;
	void *base;          /* the mapped framebuffer */
	uint64_t phys;
	uint32_t width, height;
	uint32_t pitch;      /* bytes per line */
	uint8_t bpp;         /* 24 or 32 */
	uint8_t red_shift, green_shift, blue_shift;
};

struct canvas {
	uint32_t *pixels;    /* 0xRRGGBB, width * height */
	uint32_t width, height;
};

/* Called by display drivers; the first framebuffer registered is fb 0. 0, -EEXIST (one is registered) or -EINVAL (bpp not 24 or 32). */
int fb_register(const struct fb_info *info);

/* The framebuffer, or NULL if no display driver found one. */
const struct fb_info *fb_get(void);

/* The screen-sized back buffer (allocated on first use), or NULL. */
struct canvas *fb_canvas(void);

/* Copies the canvas to the screen. */
void fb_present(const struct canvas *c);

void canvas_clear(struct canvas *c, uint32_t color);
void canvas_pixel(struct canvas *c, int x, int y, uint32_t color);
void canvas_line(struct canvas *c, int x0, int y0, int x1, int y1, uint32_t color);
void canvas_rect(struct canvas *c, int x, int y, int w, int h, uint32_t color);
/* Copies a w x h block of 0xRRGGBB pixels (row stride `stride` pixels) to (x, y). */
void canvas_blit(struct canvas *c, int x, int y, const uint32_t *src, int w, int h, int stride);

#endif
