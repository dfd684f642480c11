/*
 * PS/2 keyboard (i8042 controller) as console input: scancode set 1 (the
 * controller's translation of set 2, as every PC firmware leaves it) to
 * ASCII with Shift, Caps Lock and Ctrl on a US layout. Arrow keys, Home, End
 * and Delete come out as the same ANSI sequences a serial terminal sends, so
 * the line editor treats both alike. Polled with the other consoles.
 */
#include <stdint.h>
#include <arch/cpu.h>
#include <yolk/console.h>

#define I8042_DATA 0x60
#define I8042_STATUS 0x64
#define STATUS_OUTPUT_FULL 0x01
#define STATUS_AUX_DATA 0x20 /* the byte is from the mouse */

#define SC_EXTENDED 0xe0
#define SC_RELEASE 0x80
#define SC_LSHIFT 0x2a
#define SC_RSHIFT 0x36
#define SC_CTRL 0x1d
#define SC_CAPS 0x3a

static const char normal[0x3a] = {
	0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 127, '\t',
	'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0, 'a', 's',
	'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
	'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};

static const char shifted[0x3a] = {
	0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 127, '\t',
	'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0, 'A', 'S',
	'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
	'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

static int shift, ctrl, caps, extended;
static char pending[4]; /* the rest of an escape sequence */
static unsigned npending, next_pending;

static void queue(const char *seq)
{
	npending = next_pending = 0;
	while (*seq && npending < sizeof(pending))
		pending[npending++] = *seq++;
}

/* Extended keys: arrows and friends become ANSI sequences. */
static int extended_key(uint8_t code)
{
	switch (code) {
	case 0x48: queue("[A"); break;
	case 0x50: queue("[B"); break;
	case 0x4d: queue("[C"); break;
	case 0x4b: queue("[D"); break;
	case 0x47: queue("[H"); break;
	case 0x4f: queue("[F"); break;
	case 0x53: queue("[3~"); break;
	case 0x1c: return '\r'; /* keypad Enter */
	default: return -1;
	}
	return 27;
}

static int translate(uint8_t sc)
{
	if (sc == SC_EXTENDED) {
		extended = 1;
		return -1;
	}
	int release = sc & SC_RELEASE, code = sc & ~SC_RELEASE, was_extended = extended;
	extended = 0;
	if (code == SC_LSHIFT || code == SC_RSHIFT)
		shift = !release;
	else if (code == SC_CTRL)
		ctrl = !release;
	else if (code == SC_CAPS && !release)
		caps = !caps;
	if (release || code == SC_LSHIFT || code == SC_RSHIFT || code == SC_CTRL)
		return -1;
	if (was_extended)
		return extended_key((uint8_t)code);
	if (code >= (int)sizeof(normal) || normal[code] == 0)
		return -1;
	char c = shift ? shifted[code] : normal[code];
	if (caps && c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	else if (caps && c >= 'A' && c <= 'Z' && shift)
		c = (char)(c - 'A' + 'a');
	if (ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		c = (char)(c & 0x1f);
	return (unsigned char)c;
}

static int ps2_getc(void)
{
	if (next_pending < npending)
		return (unsigned char)pending[next_pending++];
	for (;;) {
		uint8_t status = inb(I8042_STATUS);
		if (!(status & STATUS_OUTPUT_FULL))
			return -1;
		uint8_t sc = inb(I8042_DATA);
		if (status & STATUS_AUX_DATA)
			continue;
		int c = translate(sc);
		if (c >= 0)
			return c;
	}
}

static int ps2_init(void)
{
	/* A controller that is absent reads as all ones. */
	return inb(I8042_STATUS) == 0xff ? -1 : 0;
}

static void ps2_write(const char *buf, size_t len)
{
	(void)buf, (void)len; /* input only */
}

static const struct console_ops ps2_ops = {.init = ps2_init, .write = ps2_write, .getc = ps2_getc};
static const struct console ps2_console = {.name = "ps2kbd", .ops = &ps2_ops};
YOLK_CONSOLE(ps2_console);
