/*
 * APU registers and the timing games poll. The frame counter's steps are
 * at CPU cycles 7457, 14913, 22371 and 29829 (4-step, IRQ at the last) or
 * 37281 (5-step, no IRQ); length counters are clocked at the half-frame
 * steps. https://www.nesdev.org/wiki/APU_Frame_Counter
 */
#include <string.h>
#include "apu.h"

#define FRAME_5STEP 0x80
#define FRAME_IRQ_INHIBIT 0x40
#define DMC_IRQ_ENABLE 0x80
#define DMC_LOOP 0x40

/* Length counter load values, indexed by bits 7-3 of the fourth register. */
/* clang-format off */
static const uint8_t length_table[32] = {
	10, 254, 20, 2,  40, 4,  80, 6,  160, 8,  60, 10, 14, 12, 26, 14,
	12, 16,  24, 18, 48, 20, 96, 22, 192, 24, 72, 26, 16, 28, 32, 30,
};
/* clang-format on */

/* DMC: CPU cycles per output bit (NTSC), 8 bits a byte. */
static const uint16_t dmc_rate[16] = {428, 380, 340, 320, 286, 254, 226, 214,
                                      190, 160, 142, 128, 106, 84,  72,  54};

void apu_reset(struct apu *a)
{
	memset(a, 0, sizeof(*a));
	a->next_step = 14913;
}

static void channel_write(struct apu *a, int ch, int reg, uint8_t v)
{
	if (reg == 0) /* halt: bit 5 for pulse/noise, bit 7 for the triangle */
		a->halt[ch] = ch == 2 ? v & 0x80 : v & 0x20;
	else if (reg == 3 && a->enabled[ch])
		a->length[ch] = length_table[v >> 3];
}

/* The reader fetches a sample byte; after the last one the sample loops or raises IRQ. */
static void dmc_fetch(struct apu *a)
{
	if (--a->dmc_remaining)
		return;
	if (a->dmc_control & DMC_LOOP)
		a->dmc_remaining = (uint16_t)(a->dmc_length_reg * 16 + 1);
	else if (a->dmc_control & DMC_IRQ_ENABLE)
		a->dmc_irq = true;
}

static void write_status(struct apu *a, uint8_t v)
{
	for (int ch = 0; ch < 4; ch++) {
		a->enabled[ch] = v & (1 << ch);
		if (!a->enabled[ch])
			a->length[ch] = 0;
	}
	a->dmc_irq = false;
	if (!(v & 0x10))
		a->dmc_remaining = 0;
	else if (a->dmc_remaining == 0) { /* starts: the empty sample buffer takes its first byte at once */
		a->dmc_remaining = (uint16_t)(a->dmc_length_reg * 16 + 1);
		a->dmc_timer = 0;
		dmc_fetch(a);
	}
}

static void clock_lengths(struct apu *a)
{
	for (int ch = 0; ch < 4; ch++)
		if (a->length[ch] && !a->halt[ch])
			a->length[ch]--;
}

void apu_write(struct apu *a, uint16_t addr, uint8_t v)
{
	if (addr < 0x4010) {
		channel_write(a, (addr - 0x4000) >> 2, addr & 3, v);
	} else if (addr == 0x4010) {
		a->dmc_control = v;
		if (!(v & DMC_IRQ_ENABLE))
			a->dmc_irq = false;
	} else if (addr == 0x4013) {
		a->dmc_length_reg = v;
	} else if (addr == 0x4015) {
		write_status(a, v);
	} else if (addr == 0x4017) {
		a->frame_mode = v;
		a->frame_cycle = 0;
		a->next_step = 14913;
		if (v & FRAME_IRQ_INHIBIT)
			a->frame_irq = false;
		if (v & FRAME_5STEP) /* the 5-step mode clocks the units at once */
			clock_lengths(a);
	}
}

uint8_t apu_read_status(struct apu *a)
{
	uint8_t v = 0;
	for (int ch = 0; ch < 4; ch++)
		if (a->length[ch])
			v |= (uint8_t)(1 << ch);
	if (a->dmc_remaining)
		v |= 0x10;
	if (a->frame_irq)
		v |= 0x40;
	if (a->dmc_irq)
		v |= 0x80;
	a->frame_irq = false;
	return v;
}

/* The frame sequencer step at `cycle`, if one is there. */
static void frame_step(struct apu *a, uint32_t cycle)
{
	bool five = a->frame_mode & FRAME_5STEP;
	if (cycle == 14913 || (!five && cycle == 29829) || (five && cycle == 37281))
		clock_lengths(a);
	if (!five && cycle == 29829 && !(a->frame_mode & FRAME_IRQ_INHIBIT))
		a->frame_irq = true;
}

/* After the first byte the reader fetches one each time the output has played 8 bits. */
static void dmc_run(struct apu *a, int cycles)
{
	uint32_t byte_cycles = dmc_rate[a->dmc_control & 0x0f] * 8u;
	a->dmc_timer += (uint32_t)cycles;
	while (a->dmc_remaining && a->dmc_timer >= byte_cycles) {
		a->dmc_timer -= byte_cycles;
		dmc_fetch(a);
	}
}

void apu_run(struct apu *a, int cycles)
{
	static const uint32_t steps[] = {14913, 29829, 37281};
	uint32_t period = a->frame_mode & FRAME_5STEP ? 37282 : 29830;
	uint32_t from = a->frame_cycle, to = from + (uint32_t)cycles;
	if (a->dmc_remaining)
		dmc_run(a, cycles);
	if (to < a->next_step) { /* the common case, once per instruction */
		a->frame_cycle = to;
		return;
	}
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] > from && steps[i] <= to)
			frame_step(a, steps[i]);
	a->frame_cycle = to >= period ? to - period : to;
	a->next_step = period;
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] > a->frame_cycle && steps[i] < a->next_step)
			a->next_step = steps[i];
}
