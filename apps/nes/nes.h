/*
 * The machine: CPU, PPU, APU, cartridge, two controllers and 2 KiB of RAM
 * on the CPU bus (bus.c), stepped together. No OS calls: the frontends
 * (frontend_yolk.c, frontend_host.c) load the file, show the pixels and
 * feed the buttons.
 */
#ifndef NES_NES_H
#define NES_NES_H

#include <stddef.h>
#include <stdint.h>
#include "apu.h"
#include "cart.h"
#include "controller.h"
#include "cpu6502.h"
#include "ppu.h"

struct nes {
	struct cpu6502 cpu;
	struct ppu ppu;
	struct apu apu;
	struct cart cart;
	struct controller pad[2];
	uint8_t ram[0x800];
	uint8_t open_bus; /* the last value on the CPU data bus */
	int stall_cycles; /* OAM DMA cycles owed by the last instruction */
};

/* One NTSC frame: 89341.5 dots (262 lines of 341, one short every other frame) at 5.3693 MHz = 60.0988 Hz. */
#define NES_FRAME_NS 16639267u

/* RGB (0xRRGGBB) of the 64 PPU colours. */
extern const uint32_t nes_palette[64];

/*
 * Loads the ROM `image` (kept, not copied; it must outlive the machine) and
 * powers on. `chr_buf` holds cart_chr_size(image, size) bytes. 0, or -1
 * with the reason in err.
 */
int nes_power_on(struct nes *n, const uint8_t *image, size_t size, uint8_t *chr_buf, char *err,
                 size_t errlen);

/* One CPU instruction or interrupt, with the PPU and APU brought along; its cycles, 0 if the CPU jammed. */
int nes_step(struct nes *n);

/* Runs until the PPU enters vblank (a frame is in ppu.pixels); 0, or -1 if the CPU jammed. */
int nes_run_frame(struct nes *n);

/* CPU bus access (bus.c), also for tests that look at memory. */
uint8_t nes_read(void *nes, uint16_t addr);
void nes_write(void *nes, uint16_t addr, uint8_t v);

#endif
