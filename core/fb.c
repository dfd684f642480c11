/* The framebuffer registry and the drawing primitives of include/yolk/fb.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/console.h>
#include <yolk/fb.h>

static struct fb_info screen;
static int have_screen;
static struct canvas back;

int fb_register(const struct fb_info *info)
{
	if (have_screen)
		return -EEXIST;
	if (info->bpp != 24 && info->bpp != 32)
		return -EINVAL;
	screen = *info;
	have_screen = 1;
	klog(KLOG_NOTICE, "fb0: %ux%u, %u bpp (%s)\n", info->width, info->height, info->bpp, info->driver);
	return 0;
}

const struct fb_info *fb_get(void) { return have_screen ? &screen : NULL; }

struct canvas *fb_canvas(void)
{
	if (!have_screen)
		return NULL;
	if (back.pixels == NULL) {
		back.pixels = calloc((size_t)screen.width * screen.height, sizeof(uint32_t));
		if (back.pixels == NULL)
			return NULL;
		back.width = screen.width;
		back.height = screen.height;
	}
	return &back;
}

static uint32_t to_screen(uint32_t rgb)
{
	return ((rgb >> 16) & 0xff) << screen.red_shift | ((rgb >> 8) & 0xff) << screen.green_shift |
	       (rgb & 0xff) << screen.blue_shift;
}

void fb_present(const struct canvas *c)
{
	if (!have_screen)
		return;
	uint32_t w = c->width < screen.width ? c->width : screen.width;
	uint32_t h = c->height < screen.height ? c->height : screen.height;
	for (uint32_t y = 0; y < h; y++) {
		const uint32_t *src = c->pixels + (size_t)y * c->width;
		uint8_t *line = (uint8_t *)screen.base + (size_t)y * screen.pitch;
		if (screen.bpp == 32) {
			uint32_t *dst = (uint32_t *)line;
			for (uint32_t x = 0; x < w; x++)
				dst[x] = to_screen(src[x]);
		} else {
			for (uint32_t x = 0; x < w; x++) {
				uint32_t v = to_screen(src[x]);
				line[3 * x] = (uint8_t)v;
				line[3 * x + 1] = (uint8_t)(v >> 8);
				line[3 * x + 2] = (uint8_t)(v >> 16);
			}
		}
	}
}

void canvas_clear(struct canvas *c, uint32_t color)
{
	size_t n = (size_t)c->width * c->height;
	for (size_t i = 0; i < n; i++)
		c->pixels[i] = color;
}

void canvas_pixel(struct canvas *c, int x, int y, uint32_t color)
{
	if (x >= 0 && y >= 0 && (uint32_t)x < c->width && (uint32_t)y < c->height)
		c->pixels[(size_t)y * c->width + (uint32_t)x] = color;
}

/* Bresenham: every pixel of the line, no gaps, integers only. */
void canvas_line(struct canvas *c, int x0, int y0, int x1, int y1, uint32_t color)
{
	int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
	int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
	int err = dx + dy;
	for (;;) {
		canvas_pixel(c, x0, y0, color);
		if (x0 == x1 && y0 == y1)
			return;
		int e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

void canvas_rect(struct canvas *c, int x, int y, int w, int h, uint32_t color)
{
	for (int j = y; j < y + h; j++)
		for (int i = x; i < x + w; i++)
			canvas_pixel(c, i, j, color);
}

void canvas_blit(struct canvas *c, int x, int y, const uint32_t *src, int w, int h, int stride)
{
	for (int j = 0; j < h; j++)
		for (int i = 0; i < w; i++)
			canvas_pixel(c, x + i, y + j, src[(size_t)j * (size_t)stride + (size_t)i]);
}
