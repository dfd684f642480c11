/*
 * A text console on the framebuffer: 8x16 glyphs from a Debian console font
 * (converted at build time by tools/psf2c.py), Latin-1, white on black, with
 * newline, carriage return, backspace, tab and scrolling. It is how a PC
 * booted with UEFI, which has no VGA text mode, shows its console.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <yolk/console.h>
#include <yolk/fb.h>
#include <yolk/init.h>
#include <yolk/spinlock.h>

#define GLYPH_W 8
#define GLYPH_H 16
#define FOREGROUND 0xe0e0e0
#define BACKGROUND 0x000000

extern const uint8_t fbcon_font[256][16];

/* The cursor and the text drawn (console_write already serializes; this is the screen's own). */
static struct spinlock fbcon_lock = SPINLOCK_INIT("fbcon", LOCK_RANK_CONSOLE_DEVICE);
static const struct fb_info *fb;
static unsigned cols, rows, col, row;

static void put_pixel(unsigned x, unsigned y, uint32_t rgb)
{
	uint8_t *p = (uint8_t *)fb->base + (size_t)y * fb->pitch + (size_t)x * (fb->bpp / 8);
	uint32_t v = ((rgb >> 16) & 0xff) << fb->red_shift | ((rgb >> 8) & 0xff) << fb->green_shift |
		     (rgb & 0xff) << fb->blue_shift;
	if (fb->bpp == 32) {
		*(uint32_t *)p = v;
	} else {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
	}
}

static void draw_glyph(unsigned c, unsigned cx, unsigned cy)
{
	for (unsigned y = 0; y < GLYPH_H; y++) {
		uint8_t bits = fbcon_font[c & 0xff][y];
		for (unsigned x = 0; x < GLYPH_W; x++)
			put_pixel(cx * GLYPH_W + x, cy * GLYPH_H + y, bits & (0x80 >> x) ? FOREGROUND : BACKGROUND);
	}
}

static void scroll(void)
{
	size_t line = (size_t)fb->pitch * GLYPH_H;
	uint8_t *base = fb->base;
	memmove(base, base + line, line * (rows - 1));
	memset(base + line * (rows - 1), 0, line);
	row = rows - 1;
}

static void put_char(unsigned char c)
{
	switch (c) {
	case '\n':
		col = 0;
		row++;
		break;
	case '\r':
		col = 0;
		break;
	case '\b':
		if (col)
			col--;
		break;
	case '\t':
		col = (col + 8) & ~7u;
		break;
	default:
		if (c < ' ')
			return;
		draw_glyph(c, col, row);
		col++;
	}
	if (col >= cols) {
		col = 0;
		row++;
	}
	if (row >= rows)
		scroll();
}

static void fbcon_write(const char *buf, size_t len)
{
	int irq = spin_lock_irqsave(&fbcon_lock);
	for (size_t i = 0; i < len; i++)
		put_char((unsigned char)buf[i]);
	spin_unlock_irqrestore(&fbcon_lock, irq);
}

static int fbcon_start(void)
{
	fb = fb_get();
	if (fb == NULL)
		return -ENODEV;
	cols = fb->width / GLYPH_W;
	rows = fb->height / GLYPH_H;
	for (uint32_t y = 0; y < fb->height; y++)
		memset((uint8_t *)fb->base + (size_t)y * fb->pitch, 0, (size_t)fb->width * (fb->bpp / 8));
	return 0;
}

static const struct console_ops fbcon_ops = {.init = fbcon_start, .write = fbcon_write};
static const struct console fbcon = {.name = "fbcon", .ops = &fbcon_ops};

/* After the display drivers (firmware and bus levels) have registered a framebuffer. */
static int fbcon_init(void)
{
	return fb_get() ? console_add(&fbcon) : 0;
}
YOLK_INIT(YOLK_INIT_SERVICE, fbcon_init);
