/*
 * The headless host frontend, for tests and measurements: runs a ROM for a
 * number of frames with scripted input and writes the last frame as a PPM.
 *
 *   nes-host ROM [--frames N] [--input SCRIPT] [--ppm OUT] [--peek ADDR]... [--time]
 *
 * Exit status: 0 ran, 1 usage, 2 the ROM was refused (message on stderr),
 * 3 the CPU stopped on an opcode that is not official.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "romfile.h"

static int write_ppm(const char *path, const struct ppu *p)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	fprintf(f, "P6\n%d %d\n255\n", NES_WIDTH, NES_HEIGHT);
	for (int y = 0; y < NES_HEIGHT; y++)
		for (int x = 0; x < NES_WIDTH; x++) {
			uint32_t rgb = nes_palette[p->pixels[y][x] & 0x3f];
			uint8_t px[3] = {(uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb};
			fwrite(px, 1, 3, f);
		}
	return fclose(f);
}

static uint8_t peek(struct nes *n, unsigned addr)
{
	return addr < 0x2000 ? n->ram[addr & 0x7ff] : n->cart.prg_ram[addr & 0x1fff];
}

static int usage(void)
{
	fprintf(stderr, "usage: nes-host ROM [--frames N] [--input FRAME:BUTTONS,...] [--ppm OUT] [--peek "
	                "ADDR]... [--time]\n");
	return 1;
}

struct options {
	const char *ppm;
	unsigned long frames, peeks[16];
	int npeeks;
	bool timed;
	struct pad_script script;
};

static int parse_options(int argc, char **argv, struct options *o)
{
	o->frames = 60;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--frames") && i + 1 < argc)
			o->frames = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--input") && i + 1 < argc &&
		         pad_script_parse(&o->script, argv[i + 1]) == 0)
			i++;
		else if (!strcmp(argv[i], "--ppm") && i + 1 < argc)
			o->ppm = argv[++i];
		else if (!strcmp(argv[i], "--peek") && i + 1 < argc && o->npeeks < 16)
			o->peeks[o->npeeks++] = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--time"))
			o->timed = true;
		else
			return -1;
	}
	return argc < 2 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct nes n;
	static struct options o;
	struct romfile rom;
	if (parse_options(argc, argv, &o) != 0)
		return usage();
	if (romfile_open(&rom, &n, argv[1]) != 0)
		return 2;
	clock_t start = clock();
	for (unsigned long f = 0; f < o.frames; f++) {
		n.pad[0].buttons = pad_script_at(&o.script, f);
		if (nes_run_frame(&n) != 0) {
			fprintf(stderr,
			        "nes: the CPU stopped at $%04x on opcode $%02x (not an official opcode)\n",
			        n.cpu.pc, n.cpu.jam_opcode);
			return 3;
		}
	}
	if (o.timed)
		printf("nes-host: %lu frames in %.3f s of CPU\n", o.frames,
		       (double)(clock() - start) / CLOCKS_PER_SEC);
	for (int i = 0; i < o.npeeks; i++)
		printf("peek $%04lx = $%02x\n", o.peeks[i], peek(&n, (unsigned)o.peeks[i]));
	if (o.ppm && write_ppm(o.ppm, &n.ppu) != 0) {
		fprintf(stderr, "nes: cannot write %s\n", o.ppm);
		return 1;
	}
	romfile_save(&rom, &n);
	romfile_close(&rom);
	return 0;
}
