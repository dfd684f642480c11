/*
 * The CPU's memory map (https://www.nesdev.org/wiki/CPU_memory_map):
 * $0000 RAM (2 KiB, mirrored), $2000 PPU registers (mirrored every 8),
 * $4000 APU and I/O, $6000 cartridge RAM, $8000 cartridge ROM (writes go
 * to the mapper). Reads of nothing return the last value on the bus.
 */
#include "mapper.h"
#include "nes.h"

#define OAM_DMA 0x4014
#define APU_STATUS 0x4015
#define JOY1 0x4016
#define JOY2 0x4017

uint8_t nes_read(void *nes, uint16_t a)
{
	struct nes *n = nes;
	uint8_t v = n->open_bus;
	if (a < 0x2000)
		v = n->ram[a & 0x7ff];
	else if (a < 0x4000)
		v = ppu_read_register(&n->ppu, a);
	else if (a == APU_STATUS)
		v = (uint8_t)(apu_read_status(&n->apu) | (n->open_bus & 0x20));
	else if (a == JOY1 || a == JOY2)
		v = (uint8_t)((n->open_bus & 0xe0) | controller_read(&n->pad[a - JOY1]));
	else if (a >= 0x8000)
		v = n->cart.prg_page[(a >> 13) & 3][a & 0x1fff];
	else if (a >= 0x6000 && n->cart.prg_ram_enabled)
		v = n->cart.prg_ram[a & 0x1fff];
	n->open_bus = v;
	return v;
}

/* $4014: 256 bytes from page v to OAM; the CPU stops for 513 cycles, 514 from an odd cycle. */
static void oam_dma(struct nes *n, uint8_t page)
{
	for (int i = 0; i < 256; i++)
		ppu_write_register(&n->ppu, 0x2004, nes_read(n, (uint16_t)(page << 8 | i)));
	n->stall_cycles += 513 + (int)(n->cpu.access_cycle & 1);
}

void nes_write(void *nes, uint16_t a, uint8_t v)
{
	struct nes *n = nes;
	n->open_bus = v;
	if (a < 0x2000) {
		n->ram[a & 0x7ff] = v;
	} else if (a < 0x4000) {
		ppu_write_register(&n->ppu, a, v);
	} else if (a == OAM_DMA) {
		oam_dma(n, v);
	} else if (a == JOY1) {
		controller_write(&n->pad[0], v);
		controller_write(&n->pad[1], v);
	} else if (a < 0x4018) {
		apu_write(&n->apu, a, v);
	} else if (a >= 0x8000) {
		n->cart.ops->write(&n->cart, a, v, n->cpu.access_cycle);
	} else if (a >= 0x6000 && n->cart.prg_ram_enabled) {
		n->cart.prg_ram[a & 0x1fff] = v;
	}
}
