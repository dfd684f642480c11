/* The standard controller (https://www.nesdev.org/wiki/Standard_controller) and input scripts. */
#include <stdlib.h>
#include "controller.h"

void controller_write(struct controller *c, uint8_t v)
{
	c->strobe = v & 1;
	if (c->strobe) {
		c->shift = c->buttons;
		c->reads = 0;
	}
}

uint8_t controller_read(struct controller *c)
{
	if (c->strobe)
		return c->buttons & PAD_A;
	if (c->reads >= 8)
		return 1; /* an official controller reports 1 after the eighth bit */
	uint8_t bit = c->shift & 1;
	c->shift >>= 1;
	c->reads++;
	return bit;
}

uint8_t pad_letter(char c)
{
	static const char letters[] = "ABsSUDLR";
	for (int i = 0; letters[i]; i++)
		if (letters[i] == c)
			return (uint8_t)(1 << i);
	return 0;
}

int pad_script_parse(struct pad_script *s, const char *text)
{
	s->count = 0;
	while (*text) {
		char *end;
		unsigned long long frame = strtoull(text, &end, 10);
		if (end == text || *end != ':' || s->count == PAD_SCRIPT_MAX ||
		    (s->count && frame <= s->frame[s->count - 1]))
			return -1;
		uint8_t buttons = 0;
		for (text = end + 1; *text && *text != ','; text++) {
			if (*text != '-' && !pad_letter(*text))
				return -1;
			buttons |= pad_letter(*text);
		}
		s->frame[s->count] = frame;
		s->buttons[s->count++] = buttons;
		if (*text == ',')
			text++;
	}
	return 0;
}

uint8_t pad_script_at(const struct pad_script *s, uint64_t frame)
{
	uint8_t held = 0;
	for (int i = 0; i < s->count && s->frame[i] <= frame; i++)
		held = s->buttons[i];
	return held;
}
