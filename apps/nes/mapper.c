/*
 * The mapper table, and the three discrete-logic boards: NROM (no
 * switching), UxROM (16 KiB PRG at $8000, the last bank fixed at $C000)
 * and CNROM (8 KiB CHR). https://www.nesdev.org/wiki/Mapper
 */
#include <stddef.h>
#include "mapper.h"

static const struct mapper_ops *const mappers[] = {
    &mapper_nrom, &mapper_mmc1, &mapper_uxrom, &mapper_cnrom, &mapper_mmc3,
};

const struct mapper_ops *mapper_find(int number)
{
	for (size_t i = 0; i < sizeof(mappers) / sizeof(mappers[0]); i++)
		if (mappers[i]->number == number)
			return mappers[i];
	return NULL;
}

static void nrom_reset(struct cart *c)
{
	cart_map_prg(c, 0x8000, 16, 0);
	cart_map_prg(c, 0xc000, 16, 1); /* NROM-128: 1 wraps to 0, the mirror */
	cart_map_chr(c, 0x0000, 8, 0);
}

static void no_write(struct cart *c, uint16_t addr, uint8_t v, uint64_t cycle)
{
	(void)c, (void)addr, (void)v, (void)cycle;
}

const struct mapper_ops mapper_nrom = {0, "NROM", nrom_reset, no_write, NULL};

static void uxrom_reset(struct cart *c)
{
	cart_map_prg(c, 0x8000, 16, 0);
	cart_map_prg(c, 0xc000, 16, (int)(c->prg_size / 0x4000) - 1);
	cart_map_chr(c, 0x0000, 8, 0);
}

static void uxrom_write(struct cart *c, uint16_t addr, uint8_t v, uint64_t cycle)
{
	(void)addr, (void)cycle;
	cart_map_prg(c, 0x8000, 16, v & 0x0f);
}

const struct mapper_ops mapper_uxrom = {2, "UxROM", uxrom_reset, uxrom_write, NULL};

static void cnrom_write(struct cart *c, uint16_t addr, uint8_t v, uint64_t cycle)
{
	(void)addr, (void)cycle;
	cart_map_chr(c, 0x0000, 8, v & 0x03);
}

const struct mapper_ops mapper_cnrom = {3, "CNROM", nrom_reset, cnrom_write, NULL};
