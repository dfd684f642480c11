/*
 * The 2A03's 6502 core: every official opcode with its documented cycle
 * count (page-cross and branch penalties included) and flags, no decimal
 * mode (D is stored and pushed but ADC/SBC ignore it, as on the 2A03),
 * NMI (edge), IRQ (level) and BRK.
 *
 * Granularity is one instruction: cpu_step() runs one instruction (or
 * enters one interrupt) and answers its cycles; the machine then lets the
 * PPU and APU catch up. Interrupts are polled between instructions, with
 * the one-instruction delay of CLI, SEI and PLP.
 */
#ifndef NES_CPU6502_H
#define NES_CPU6502_H

#include <stdbool.h>
#include <stdint.h>

#define FLAG_C 0x01
#define FLAG_Z 0x02
#define FLAG_I 0x04
#define FLAG_D 0x08
#define FLAG_B 0x10 /* only in the pushed copy: 1 from PHP/BRK, 0 from IRQ/NMI */
#define FLAG_U 0x20 /* always 1 when pushed */
#define FLAG_V 0x40
#define FLAG_N 0x80

struct cpu6502 {
	uint16_t pc;
	uint8_t a, x, y, s, p;
	uint64_t cycles;       /* since power-on */
	uint64_t access_cycle; /* the cycle of the current bus write, for mappers that care */
	bool nmi_pending;      /* an NMI edge waiting to be taken */
	bool irq_line;         /* the IRQ input (OR of the sources), set by the machine */
	bool irq_masked;       /* I as the last instruction's interrupt poll saw it */
	bool jammed;           /* an opcode that is not official: the CPU stops */
	uint8_t jam_opcode;
	void *bus;
	uint8_t (*read)(void *bus, uint16_t addr);
	void (*write)(void *bus, uint16_t addr, uint8_t v);
};

/* Power-on/reset: PC from the vector at $FFFC, S -= 3, I set; 7 cycles. */
void cpu_reset(struct cpu6502 *c);

/* Runs one instruction, or enters a pending NMI/IRQ; answers its cycles (0 if jammed). */
int cpu_step(struct cpu6502 *c);

/* Raises NMI (edge-triggered: one call, one NMI). */
static inline void cpu_nmi(struct cpu6502 *c)
{
	c->nmi_pending = true;
}

/* The documented base cycle count of an opcode (0 if it is not official), for tests. */
int cpu_opcode_cycles(uint8_t opcode);

#endif
