/*
 * VGA text mode (80x25 at 0xb8000, as the BIOS leaves it) as a console
 * output: light grey on black, newline, carriage return, backspace, tab,
 * scrolling, and the hardware cursor following the text. Only where the
 * firmware booted in text mode: a framebuffer boot has none.
 */
#include <stdint.h>
#include <string.h>
#include <arch/cpu.h>
#include <yolk/console.h>
#include <yolk/mm.h>
#include <yolk/spinlock.h>

#define VGA_TEXT_PHYS 0xb8000
#define COLS 80
#define ROWS 25
#define ATTR 0x07 /* light grey on black */
#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5
#define CRTC_CURSOR_HI 0x0e
#define CRTC_CURSOR_LO 0x0f
#define MISC_OUTPUT_READ 0x3cc

/* The screen mapping, cursor and text (console_write already serializes; this is the screen's own). */
static struct spinlock vga_lock = SPINLOCK_INIT("vga-text", LOCK_RANK_CONSOLE_DEVICE);
static volatile uint16_t *screen;
static unsigned col, row;

static void move_cursor(void)
{
	unsigned pos = row * COLS + col;
	outb(CRTC_INDEX, CRTC_CURSOR_HI);
	outb(CRTC_DATA, (uint8_t)(pos >> 8));
	outb(CRTC_INDEX, CRTC_CURSOR_LO);
	outb(CRTC_DATA, (uint8_t)pos);
}

static void scroll(void)
{
	for (unsigned i = 0; i < (ROWS - 1) * COLS; i++)
		screen[i] = screen[i + COLS];
	for (unsigned i = (ROWS - 1) * COLS; i < ROWS * COLS; i++)
		screen[i] = ATTR << 8 | ' ';
	row = ROWS - 1;
}

static void put_char(unsigned char c)
{
	switch (c) {
	case '\n': col = 0; row++; break;
	case '\r': col = 0; break;
	case '\b': if (col) col--; break;
	case '\t': col = (col + 8) & ~7u; break;
	default:
		if (c < ' ')
			return;
		screen[row * COLS + col++] = (uint16_t)(ATTR << 8 | c);
	}
	if (col >= COLS) {
		col = 0;
		row++;
	}
	if (row >= ROWS)
		scroll();
}

/* The text buffer is mapped on first output after paging is up (earlier text goes to serial only). */
static int map_screen(void)
{
	if (screen)
		return 1;
	if (!vm_ready() || (screen = vm_map_mmio(VGA_TEXT_PHYS, ROWS * COLS * 2)) == NULL)
		return 0;
	for (unsigned i = 0; i < ROWS * COLS; i++)
		screen[i] = ATTR << 8 | ' ';
	return 1;
}

static void vga_write(const char *buf, size_t len)
{
	int irq = spin_lock_irqsave(&vga_lock);
	if (map_screen()) {
		for (size_t i = 0; i < len; i++)
			put_char((unsigned char)buf[i]);
		move_cursor();
	}
	spin_unlock_irqrestore(&vga_lock, irq);
}

static int vga_init(void)
{
	/* Bit 0 of the misc output register: colour (0x3dx) ports, where text mode lives. */
	return inb(MISC_OUTPUT_READ) & 1 ? 0 : -1;
}

static const struct console_ops vga_ops = {.init = vga_init, .write = vga_write};
static const struct console vga_console = {.name = "vga", .ops = &vga_ops};
YOLK_CONSOLE(vga_console);
