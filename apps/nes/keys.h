/*
 * Controller 1 from console bytes (the PS/2 keyboard and the serial line
 * both arrive as characters; arrow keys as ESC [ A-D). A console gives no
 * key releases, so each key press holds its button for KEYS_HOLD_FRAMES
 * frames; the keyboard's auto-repeat keeps a held key held.
 */
#ifndef NES_KEYS_H
#define NES_KEYS_H

#include <stdint.h>

#define KEYS_HOLD_FRAMES 15

struct keys {
	int escape;        /* 0, 1 after ESC, 2 after ESC [ */
	uint64_t until[8]; /* button bit i is held before frame until[i] */
};

/* Feeds one console byte received during frame `frame`; returns 1 if it asks to quit. */
int keys_feed(struct keys *k, char c, uint64_t frame);

/* The buttons held at frame `frame`. */
uint8_t keys_buttons(const struct keys *k, uint64_t frame);

#endif
