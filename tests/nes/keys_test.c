/*
 * apps/nes/keys.c: console bytes to controller 1. Arrow keys (ESC [ A-D)
 * and letters press their buttons for KEYS_HOLD_FRAMES frames from the
 * frame they arrive in, a repeat extends the hold, Q asks to quit, and
 * other bytes (or a broken escape sequence) press nothing.
 */
#include <stdio.h>
#include <string.h>
#include "controller.h"
#include "keys.h"

static int failures;

static void expect(const char *what, unsigned got, unsigned want)
{
	if (got != want) {
		printf("FAIL: %s: $%02x, want $%02x\n", what, got, want);
		failures++;
	}
}

static int feed(struct keys *k, const char *bytes, uint64_t frame)
{
	int quit = 0;
	for (; *bytes; bytes++)
		quit |= keys_feed(k, *bytes, frame);
	return quit;
}

int main(void)
{
	struct keys k;
	memset(&k, 0, sizeof(k));
	expect("nothing pressed", keys_buttons(&k, 0), 0);
	feed(&k, "\x1b[A", 10);
	expect("up arrow at frame 10", keys_buttons(&k, 10), PAD_UP);
	expect("still held at the last frame", keys_buttons(&k, 10 + KEYS_HOLD_FRAMES - 1), PAD_UP);
	expect("released after the hold", keys_buttons(&k, 10 + KEYS_HOLD_FRAMES), 0);
	feed(&k, "\x1b[B\x1b[C\x1b[D", 40);
	expect("down, right, left", keys_buttons(&k, 40), PAD_DOWN | PAD_RIGHT | PAD_LEFT);
	memset(&k, 0, sizeof(k));
	feed(&k, "wasd", 0);
	expect("WASD", keys_buttons(&k, 0), PAD_UP | PAD_LEFT | PAD_DOWN | PAD_RIGHT);
	memset(&k, 0, sizeof(k));
	feed(&k, "xz\r ", 0);
	expect("X Z Enter Space", keys_buttons(&k, 0), PAD_A | PAD_B | PAD_START | PAD_SELECT);
	memset(&k, 0, sizeof(k));
	feed(&k, "KJ\n\t", 0);
	expect("K J newline Tab", keys_buttons(&k, 0), PAD_A | PAD_B | PAD_START | PAD_SELECT);
	memset(&k, 0, sizeof(k));
	feed(&k, "x", 0);
	feed(&k, "x", KEYS_HOLD_FRAMES - 1); /* auto-repeat */
	expect("a repeat extends the hold", keys_buttons(&k, 2 * KEYS_HOLD_FRAMES - 2), PAD_A);
	memset(&k, 0, sizeof(k));
	feed(&k, "\x1bx1y\x1b[Z", 0);
	expect("broken escape sequences and other bytes", keys_buttons(&k, 0), 0);
	expect("q quits", (unsigned)feed(&k, "q", 0), 1);
	expect("Q quits", (unsigned)feed(&k, "Q", 0), 1);
	printf("%s\n", failures ? "FAILED" : "passed");
	return failures != 0;
}
