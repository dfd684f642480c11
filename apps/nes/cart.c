/*
 * iNES and NES 2.0 headers (https://www.nesdev.org/wiki/INES,
 * https://www.nesdev.org/wiki/NES_2.0). Every size the header claims is
 * checked against the file before anything is read, so a corrupt or
 * truncated image is refused with a sentence, never read past its end.
 */
#include <stdio.h>
#include <string.h>
#include "cart.h"
#include "mapper.h"

#define PRG_UNIT 0x4000
#define CHR_UNIT 0x2000
#define TRAINER_SIZE 512
#define FLAG6_VERTICAL 0x01
#define FLAG6_BATTERY 0x02
#define FLAG6_TRAINER 0x04
#define FLAG6_FOUR_SCREEN 0x08
#define MAX_ROM (64u << 20) /* nothing real is larger; keeps size arithmetic far from overflow */

struct header {
	size_t prg_size, chr_size;
	int mapper, submapper;
	bool nes2, battery, trainer;
	enum mirroring mirroring;
};

/* NES 2.0 sizes: a 12-bit unit count, or (MSB nibble 0xF) 2^E * (2M+1) bytes. */
static size_t nes2_size(uint8_t lsb, uint8_t msb_nibble, size_t unit)
{
	if (msb_nibble != 0xf)
		return ((size_t)msb_nibble << 8 | lsb) * unit;
	int exponent = lsb >> 2, multiplier = (lsb & 3) * 2 + 1;
	return exponent > 26 ? MAX_ROM + 1 : ((size_t)1 << exponent) * (size_t)multiplier;
}

static int parse_header(const uint8_t *h, struct header *out)
{
	if (memcmp(h, "NES\x1a", 4) != 0)
		return -1;
	out->nes2 = (h[7] & 0x0c) == 0x08;
	out->mapper = h[6] >> 4;
	out->submapper = 0;
	if (out->nes2) {
		out->mapper |= (h[7] & 0xf0) | (h[8] & 0x0f) << 8;
		out->submapper = h[8] >> 4;
		out->prg_size = nes2_size(h[4], h[9] & 0x0f, PRG_UNIT);
		out->chr_size = nes2_size(h[5], h[9] >> 4, CHR_UNIT);
	} else {
		/* Old dumps have a signature ("DiskDude!") in bytes 7-15: then byte 7 is not flags. */
		if (h[12] == 0 && h[13] == 0 && h[14] == 0 && h[15] == 0)
			out->mapper |= h[7] & 0xf0;
		out->prg_size = (size_t)h[4] * PRG_UNIT;
		out->chr_size = (size_t)h[5] * CHR_UNIT;
	}
	out->battery = h[6] & FLAG6_BATTERY;
	out->trainer = h[6] & FLAG6_TRAINER;
	out->mirroring = h[6] & FLAG6_FOUR_SCREEN ? MIRROR_FOUR
	                 : h[6] & FLAG6_VERTICAL  ? MIRROR_VERTICAL
	                                          : MIRROR_HORIZONTAL;
	return 0;
}

size_t cart_chr_size(const uint8_t *image, size_t size)
{
	struct header h;
	if (size < CART_HEADER_SIZE || parse_header(image, &h) != 0 || h.chr_size > MAX_ROM)
		return 0;
	return h.chr_size ? h.chr_size : CHR_UNIT;
}

static int check_header(const struct header *h, size_t size, char *err, size_t errlen)
{
	size_t need = CART_HEADER_SIZE + (h->trainer ? TRAINER_SIZE : 0);
	if (h->prg_size > MAX_ROM || h->chr_size > MAX_ROM)
		snprintf(err, errlen, "the header announces more than 64 MiB of %s ROM",
		         h->prg_size > MAX_ROM ? "PRG" : "CHR");
	else if (h->prg_size == 0 || h->prg_size % 0x2000)
		snprintf(err, errlen,
		         "PRG ROM size %zu bytes in the header is not a positive multiple of 8 KiB",
		         h->prg_size);
	else if (h->chr_size % 0x400)
		snprintf(err, errlen, "CHR ROM size %zu bytes in the header is not a multiple of 1 KiB",
		         h->chr_size);
	else if (size < need + h->prg_size)
		snprintf(err, errlen,
		         "truncated: the header announces %zu bytes of PRG ROM, the file has %zu",
		         h->prg_size, size < need ? 0 : size - need);
	else if (size < need + h->prg_size + h->chr_size)
		snprintf(err, errlen,
		         "truncated: the header announces %zu bytes of CHR ROM, the file has %zu",
		         h->chr_size, size - need - h->prg_size);
	else if (mapper_find(h->mapper) == NULL)
		snprintf(err, errlen,
		         "mapper %d is not supported (supported: 0 NROM, 1 MMC1, 2 UxROM, 3 CNROM, 4 MMC3)",
		         h->mapper);
	else
		return 0;
	return -1;
}

int cart_load(struct cart *c, const uint8_t *image, size_t size, uint8_t *chr_buf, char *err, size_t errlen)
{
	struct header h;
	if (size < CART_HEADER_SIZE) {
		snprintf(err, errlen, "truncated: %zu bytes, shorter than the 16-byte iNES header", size);
		return -1;
	}
	if (parse_header(image, &h) != 0) {
		snprintf(err, errlen, "not an iNES file (no \"NES\\x1a\" at the start)");
		return -1;
	}
	if (check_header(&h, size, err, errlen) != 0)
		return -1;
	memset(c, 0, sizeof(*c));
	const uint8_t *p = image + CART_HEADER_SIZE + (h.trainer ? TRAINER_SIZE : 0);
	c->prg = p;
	c->prg_size = h.prg_size;
	c->chr = chr_buf;
	c->chr_is_ram = h.chr_size == 0;
	c->chr_size = c->chr_is_ram ? CHR_UNIT : h.chr_size;
	memset(chr_buf, 0, c->chr_size);
	if (!c->chr_is_ram)
		memcpy(chr_buf, p + h.prg_size, h.chr_size);
	if (h.trainer) /* the trainer is loaded at $7000 */
		memcpy(c->prg_ram + 0x1000, image + CART_HEADER_SIZE, TRAINER_SIZE);
	c->battery = h.battery;
	c->prg_ram_enabled = true;
	c->mapper = h.mapper;
	c->submapper = h.submapper;
	c->nes2 = h.nes2;
	c->mirroring = h.mirroring;
	c->ops = mapper_find(h.mapper);
	c->ops->reset(c);
	return 0;
}

/* Pages wrap at the end of the ROM, as the mapper's unconnected high bank bits do. */
void cart_map_prg(struct cart *c, uint16_t addr, int size_kb, int bank)
{
	size_t pages = c->prg_size >> 13;
	for (int k = 0; k < size_kb / 8; k++)
		c->prg_page[((addr - 0x8000) >> 13) + k] =
		    c->prg + (((size_t)bank * (size_t)(size_kb / 8) + (size_t)k) % pages << 13);
}

void cart_map_chr(struct cart *c, uint16_t addr, int size_kb, int bank)
{
	size_t pages = c->chr_size >> 10;
	for (int k = 0; k < size_kb; k++)
		c->chr_page[(addr >> 10) + k] =
		    c->chr + (((size_t)bank * (size_t)size_kb + (size_t)k) % pages << 10);
}
