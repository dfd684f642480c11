/* The machine's power-on and its clock: the PPU runs 3 dots and the APU 1 cycle per CPU cycle. */
#include <string.h>
#include "nes.h"

int nes_power_on(struct nes *n, const uint8_t *image, size_t size, uint8_t *chr_buf, char *err, size_t errlen)
{
	memset(n, 0, sizeof(*n));
	if (cart_load(&n->cart, image, size, chr_buf, err, errlen) != 0)
		return -1;
	ppu_reset(&n->ppu, &n->cart);
	apu_reset(&n->apu);
	n->cpu.bus = n;
	n->cpu.read = nes_read;
	n->cpu.write = nes_write;
	n->cpu.s = 0;
	n->cpu.p = FLAG_U;
	cpu_reset(&n->cpu); /* S = $FD, I set */
	return 0;
}

int nes_step(struct nes *n)
{
	n->cpu.irq_line = apu_irq(&n->apu) || n->cart.irq;
	int cycles = cpu_step(&n->cpu);
	if (cycles == 0)
		return 0;
	cycles += n->stall_cycles;
	n->cpu.cycles += (uint64_t)n->stall_cycles;
	n->stall_cycles = 0;
	ppu_run(&n->ppu, cycles * 3);
	apu_run(&n->apu, cycles);
	if (n->ppu.nmi) {
		n->ppu.nmi = false;
		cpu_nmi(&n->cpu);
	}
	return cycles;
}

int nes_run_frame(struct nes *n)
{
	uint64_t frame = n->ppu.frame;
	while (n->ppu.frame == frame)
		if (nes_step(n) == 0)
			return -1;
	return 0;
}
