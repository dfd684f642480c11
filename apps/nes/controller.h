/*
 * The standard controller: a shift register of eight buttons read one bit
 * at a time from $4016/$4017 after a strobe. And input scripts, which say
 * which buttons are held from which frame on, so that a run can be
 * repeated exactly (the tests, the host and guest frontends).
 */
#ifndef NES_CONTROLLER_H
#define NES_CONTROLLER_H

#include <stdbool.h>
#include <stdint.h>

/* Button bits in the order the shift register reports them. */
#define PAD_A 0x01
#define PAD_B 0x02
#define PAD_SELECT 0x04
#define PAD_START 0x08
#define PAD_UP 0x10
#define PAD_DOWN 0x20
#define PAD_LEFT 0x40
#define PAD_RIGHT 0x80

struct controller {
	uint8_t buttons; /* held now */
	uint8_t shift;   /* what the next reads report */
	uint8_t reads;   /* bits read since the strobe */
	bool strobe;
};

void controller_write(struct controller *c, uint8_t v); /* $4016 bit 0 */
uint8_t controller_read(struct controller *c);          /* bit 0: a button, then 1s after the eighth */

#define PAD_SCRIPT_MAX 64

/* "FRAME:BUTTONS,...": from frame FRAME on, BUTTONS (letters of ABsSUDLR, or - for none) are held. */
struct pad_script {
	int count;
	uint64_t frame[PAD_SCRIPT_MAX];
	uint8_t buttons[PAD_SCRIPT_MAX];
};

/* 0, or -1 if `text` is not a script (frames must increase). */
int pad_script_parse(struct pad_script *s, const char *text);
/* The buttons the script holds at frame `frame`. */
uint8_t pad_script_at(const struct pad_script *s, uint64_t frame);
/* The button of a script letter, or 0. */
uint8_t pad_letter(char c);

#endif
