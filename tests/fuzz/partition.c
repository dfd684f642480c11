/*
 * libFuzzer harness: partition tables (core/partition.c): MBR, extended
 * partitions' EBR chains, GPT behind a protective MBR.
 *
 * Input: byte 0 picks the sector size (512 << (b & 3)), whether the GPT's
 * CRCs are made right before the scan (b & 4: else a mutated GPT almost
 * never passes them), and how far the disk reaches past the given bytes
 * ((b >> 3) * 4093 sectors that read as zeros); the rest is the disk from
 * sector 0. Checked: no read past the disk's end, and every partition found
 * is inside the disk, after sector 0, not empty, and overlaps no other one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../core/partition.h"

#define MAX_PARTS 16

struct disk {
	const uint8_t *data;
	size_t len;
	uint32_t ss;
	uint64_t sectors;
	unsigned reads;
};

static int disk_read(void *ctx, uint64_t lba, void *buf)
{
	struct disk *d = ctx;
	if (lba >= d->sectors || ++d->reads > 100000)
		abort(); /* past the end, or a walk that does not stop */
	memset(buf, 0, d->ss);
	if (lba * d->ss < d->len) {
		size_t off = (size_t)lba * d->ss, n = d->len - off < d->ss ? d->len - off : d->ss;
		memcpy(buf, d->data + off, n);
	}
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = ~0u;
	while (n--) {
		c ^= *p++;
		for (int b = 0; b < 8; b++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

/* Makes the CRCs of a GPT header at LBA 1 (and of its entries, where they are in the data) right. */
static void fix_gpt(uint8_t *disk, size_t len, uint32_t ss)
{
	if (len < 2 * (size_t)ss || memcmp(disk + ss, "EFI PART", 8) != 0)
		return;
	uint8_t *h = disk + ss;
	uint64_t lba0 = le32(h + 72) | (uint64_t)le32(h + 76) << 32;
	uint64_t bytes = (uint64_t)le32(h + 80) * le32(h + 84);
	if (lba0 < len / ss && bytes <= len - lba0 * ss)
		put32(h + 88, crc32(disk + lba0 * ss, (size_t)bytes));
	uint32_t hsize = le32(h + 12);
	if (hsize >= 20 && hsize <= ss) {
		put32(h + 16, 0);
		put32(h + 16, crc32(h, hsize));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t *copy = malloc(size);
	memcpy(copy, data, size);
	struct disk d = {copy + 1, size - 1, 512u << (data[0] & 3), 0, 0};
	if (data[0] & 4)
		fix_gpt(copy + 1, size - 1, d.ss);
	d.sectors = (d.len + d.ss - 1) / d.ss + (uint64_t)(data[0] >> 3) * 4093;
	struct part p[MAX_PARTS];
	int n = part_scan(disk_read, &d, d.ss, d.sectors, p, MAX_PARTS);
	if (n < 0 || n > MAX_PARTS)
		abort();
	for (int i = 0; i < n; i++) {
		if (p[i].start == 0 || p[i].sectors == 0 || p[i].start + p[i].sectors > d.sectors ||
		    p[i].start + p[i].sectors < p[i].start)
			abort();
		for (int j = 0; j < i; j++)
			if (p[i].start < p[j].start + p[j].sectors && p[j].start < p[i].start + p[i].sectors)
				abort(); /* two partitions share sectors */
	}
	free(copy);
	return 0;
}
