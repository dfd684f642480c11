/*
 * The 2A03's APU as far as a program can observe it without sound: the
 * registers, the length counters that $4015 reports, the frame counter
 * (4- and 5-step sequences, its IRQ) and the DMC's bytes-remaining count
 * and IRQ. No samples are produced. https://www.nesdev.org/wiki/APU
 */
#ifndef NES_APU_H
#define NES_APU_H

#include <stdbool.h>
#include <stdint.h>

struct apu {
	uint8_t length[4]; /* pulse 1, pulse 2, triangle, noise */
	bool halt[4];      /* length counter halt (envelope loop / linear control) */
	bool enabled[4];
	uint8_t frame_mode;   /* $4017 bits 7 (5-step) and 6 (IRQ inhibit) */
	uint32_t frame_cycle; /* CPU cycles into the frame counter's sequence */
	uint32_t next_step;   /* the cycle of its next step (or its period) */
	bool frame_irq;
	uint8_t dmc_control;    /* $4010: bit 7 IRQ enable, bit 6 loop, bits 0-3 rate */
	uint8_t dmc_length_reg; /* $4013 */
	uint16_t dmc_remaining; /* sample bytes left */
	uint32_t dmc_timer;     /* CPU cycles until the next sample byte is fetched */
	bool dmc_irq;
};

void apu_reset(struct apu *a);
void apu_write(struct apu *a, uint16_t addr, uint8_t v);
/* $4015: length counters > 0, frame and DMC IRQ flags; clears the frame IRQ flag. */
uint8_t apu_read_status(struct apu *a);
/* Advances by `cycles` CPU cycles. */
void apu_run(struct apu *a, int cycles);
/* The APU's IRQ output. */
static inline bool apu_irq(const struct apu *a)
{
	return a->frame_irq || a->dmc_irq;
}

#endif
