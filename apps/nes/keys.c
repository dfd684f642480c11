/*
 * The key map (also in the README): arrows or WASD the d-pad, X or K = A,
 * Z or J = B, Enter = Start, Space or Tab = Select, Q quits.
 */
#include "controller.h"
#include "keys.h"

/* clang-format off */
static uint8_t button_of(char c)
{
	switch (c) {
	case 'w': case 'W': return PAD_UP;
	case 's': case 'S': return PAD_DOWN;
	case 'a': case 'A': return PAD_LEFT;
	case 'd': case 'D': return PAD_RIGHT;
	case 'x': case 'X': case 'k': case 'K': return PAD_A;
	case 'z': case 'Z': case 'j': case 'J': return PAD_B;
	case '\r': case '\n': return PAD_START;
	case ' ': case '\t': return PAD_SELECT;
	default: return 0;
	}
}

/* clang-format on */

static void hold(struct keys *k, uint8_t buttons, uint64_t frame)
{
	for (int i = 0; i < 8; i++)
		if (buttons & (1 << i))
			k->until[i] = frame + KEYS_HOLD_FRAMES;
}

int keys_feed(struct keys *k, char c, uint64_t frame)
{
	static const uint8_t arrows[4] = {PAD_UP, PAD_DOWN, PAD_RIGHT, PAD_LEFT}; /* ESC [ A B C D */
	if (k->escape == 1) {
		k->escape = c == '[' ? 2 : 0;
		return 0;
	}
	if (k->escape == 2) {
		k->escape = 0;
		if (c >= 'A' && c <= 'D')
			hold(k, arrows[c - 'A'], frame);
		return 0;
	}
	if (c == 27) {
		k->escape = 1;
		return 0;
	}
	if (c == 'q' || c == 'Q')
		return 1;
	hold(k, button_of(c), frame);
	return 0;
}

uint8_t keys_buttons(const struct keys *k, uint64_t frame)
{
	uint8_t held = 0;
	for (int i = 0; i < 8; i++)
		if (frame < k->until[i])
			held |= (uint8_t)(1 << i);
	return held;
}
