/* Scaling and pixel conversion of the NES frame onto the framebuffer. */
#include <string.h>
#include "nes.h"
#include "screen.h"

#define MAX_SCALE 16

int screen_open(struct screen *s)
{
	s->fb = fb_get();
	if (s->fb == NULL)
		return -1;
	int sx = (int)s->fb->width / NES_WIDTH, sy = (int)s->fb->height / NES_HEIGHT;
	s->scale = sx < sy ? sx : sy;
	if (s->scale < 1)
		return -1;
	if (s->scale > MAX_SCALE)
		s->scale = MAX_SCALE;
	s->left = ((int)s->fb->width - NES_WIDTH * s->scale) / 2;
	s->top = ((int)s->fb->height - NES_HEIGHT * s->scale) / 2;
	for (int i = 0; i < 64; i++) {
		uint32_t rgb = nes_palette[i];
		s->colour[i] = (rgb >> 16 & 0xff) << s->fb->red_shift |
		               (rgb >> 8 & 0xff) << s->fb->green_shift | (rgb & 0xff) << s->fb->blue_shift;
	}
	for (uint32_t y = 0; y < s->fb->height; y++)
		memset((uint8_t *)s->fb->base + (size_t)y * s->fb->pitch, 0,
		       (size_t)s->fb->width * s->fb->bpp / 8);
	s->valid = false;
	return 0;
}

/* One NES line, scaled horizontally, in the screen's format; answers its bytes. */
static size_t scale_line(const struct screen *s, const uint8_t *line, uint8_t *out)
{
	size_t n = 0;
	if (s->fb->bpp == 32) {
		uint32_t *px = (uint32_t *)out;
		for (int x = 0; x < NES_WIDTH; x++) {
			uint32_t c = s->colour[line[x] & 0x3f];
			for (int k = 0; k < s->scale; k++)
				px[n++] = c;
		}
		return n * 4;
	}
	for (int x = 0; x < NES_WIDTH; x++) {
		uint32_t c = s->colour[line[x] & 0x3f];
		for (int k = 0; k < s->scale; k++, n += 3)
			memcpy(out + n, &c, 3); /* little-endian: the low 3 bytes */
	}
	return n;
}

void screen_draw(struct screen *s, const uint8_t pixels[NES_HEIGHT][NES_WIDTH], bool force)
{
	static uint32_t row[NES_WIDTH * MAX_SCALE];
	uint8_t *base = (uint8_t *)s->fb->base + (size_t)s->left * (s->fb->bpp / 8);
	for (int y = 0; y < NES_HEIGHT; y++) {
		if (s->valid && !force && memcmp(s->shown[y], pixels[y], NES_WIDTH) == 0)
			continue;
		memcpy(s->shown[y], pixels[y], NES_WIDTH);
		size_t len = scale_line(s, pixels[y], (uint8_t *)row);
		for (int k = 0; k < s->scale; k++)
			memcpy(base + (size_t)(s->top + y * s->scale + k) * s->fb->pitch, row, len);
	}
	s->valid = true;
}
