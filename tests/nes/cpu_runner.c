/*
 * Runs a test ROM assembled from tests/nes on the emulator core and checks:
 * - the ROM's own verdict at $6000 (1 passed; 2 failed, check number at
 *   $6001, the registers it saw at $6003: A X Y P);
 * - the cycles of every instruction listed in the ROM's CYCTAB ($F000:
 *   address, cycles; ended by address 0), each of which must also run;
 * - with --all-opcodes, that every official opcode ran at least once and
 *   had its cycles checked somewhere.
 *
 *   cpu_runner ROM [--all-opcodes]      exit 0 if all is well
 *   cpu_runner ROM --nmi-timing FRAMES DOTS_X2
 *     instead: the CPU cycles from the first NMI to the FRAMES-th after it
 *     must be FRAMES * DOTS_X2 / 6 (DOTS_X2: twice the dots in a frame, on
 *     average), within 3 cycles (NMI waits for the end of an instruction).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "romfile.h"

#define CYCTAB 0xf000
#define MAX_STEPS 20000000L
#define MAX_CHECKS 2048

struct expected {
	uint16_t addr;
	uint8_t cycles;
	int runs;
};

static int load_table(struct nes *n, struct expected *t)
{
	int count = 0;
	for (uint16_t a = CYCTAB; count < MAX_CHECKS; a += 3) {
		uint16_t addr = (uint16_t)(nes_read(n, a) | nes_read(n, (uint16_t)(a + 1)) << 8);
		if (addr == 0)
			break;
		t[count++] = (struct expected){addr, nes_read(n, (uint16_t)(a + 2)), 0};
	}
	return count;
}

static struct expected *find(struct expected *t, int count, uint16_t pc)
{
	for (int i = 0; i < count; i++)
		if (t[i].addr == pc)
			return &t[i];
	return NULL;
}

/* Runs to the verdict; counts cycle mismatches and records which opcodes ran and were timed. */
static int run(struct nes *n, struct expected *t, int count, bool *ran, bool *timed)
{
	int bad = 0;
	for (long step = 0; step < MAX_STEPS && n->cart.prg_ram[0] == 0; step++) {
		uint16_t pc = n->cpu.pc;
		uint8_t opcode = nes_read(n, pc);
		bool interrupt =
		    n->cpu.nmi_pending || ((apu_irq(&n->apu) || n->cart.irq) && !n->cpu.irq_masked);
		int cycles = nes_step(n) - n->ppu.frame * 0; /* OAM DMA is not used by these ROMs */
		if (cycles == 0) {
			fprintf(stderr, "FAIL: the CPU jammed at $%04x on opcode $%02x\n", pc, opcode);
			return -1;
		}
		if (interrupt)
			continue;
		ran[opcode] = true;
		struct expected *e = find(t, count, pc);
		if (e == NULL)
			continue;
		e->runs++;
		timed[opcode] = true;
		if (cycles != e->cycles && bad++ < 20)
			fprintf(stderr,
			        "FAIL: opcode $%02x at $%04x took %d cycles, the documented count is %d\n",
			        opcode, pc, cycles, e->cycles);
	}
	return bad;
}

static int nmi_timing(struct nes *n, long frames, long dots_x2)
{
	uint64_t first = 0;
	long seen = -1;
	for (long step = 0; step < MAX_STEPS && seen < frames; step++) {
		bool nmi = n->cpu.nmi_pending;
		uint64_t before = n->cpu.cycles;
		if (nes_step(n) == 0)
			return 1;
		if (nmi && ++seen == 0)
			first = before;
		if (nmi && seen == frames) {
			double want = (double)frames * (double)dots_x2 / 6, got = (double)(before - first);
			bool ok = got >= want - 3 && got <= want + 3;
			printf("%s: %ld frames between NMIs: %.0f CPU cycles, %.1f expected\n",
			       ok ? "passed" : "FAIL", frames, got, want);
			return ok ? 0 : 1;
		}
	}
	printf("FAIL: only %ld NMIs\n", seen);
	return 1;
}

int main(int argc, char **argv)
{
	static struct nes n;
	static struct expected table[MAX_CHECKS];
	bool ran[256] = {0}, timed[256] = {0}, all = argc > 2 && !strcmp(argv[2], "--all-opcodes");
	struct romfile rom;
	if (argc < 2 || romfile_open(&rom, &n, argv[1]) != 0)
		return 2;
	if (argc == 5 && !strcmp(argv[2], "--nmi-timing"))
		return nmi_timing(&n, atol(argv[3]), atol(argv[4]));
	int count = load_table(&n, table), failures = run(&n, table, count, ran, timed);
	if (failures < 0)
		return 1;
	const uint8_t *r = n.cart.prg_ram;
	if (r[0] != 1) {
		fprintf(stderr,
		        "FAIL: %s: check %u failed (saw A=$%02x X=$%02x Y=$%02x P=$%02x; result $%02x)\n",
		        argv[1], r[1] | r[2] << 8, r[3], r[4], r[5], r[6], r[0]);
		failures++;
	}
	for (int i = 0; i < count; i++)
		if (table[i].runs == 0 && failures++ < 40)
			fprintf(stderr, "FAIL: the instruction at $%04x (cycles checked) never ran\n",
			        table[i].addr);
	int opcodes = 0;
	for (int op = 0; all && op < 256; op++) {
		if (!cpu_opcode_cycles((uint8_t)op))
			continue;
		opcodes++;
		if (!ran[op] || !timed[op]) {
			fprintf(stderr, "FAIL: official opcode $%02x %s\n", op,
			        ran[op] ? "never timed" : "never ran");
			failures++;
		}
	}
	printf("%s: %d cycle counts checked, %d official opcodes covered, %s\n", argv[1], count, opcodes,
	       failures ? "FAILED" : "passed");
	return failures ? 1 : 0;
}
