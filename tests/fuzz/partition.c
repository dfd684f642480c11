/*
 * libFuzzer harness: partition tables (core/partition.c): MBR, extended
 * partitions' EBR chains, GPT behind a protective MBR.
 *
 * Input: byte 0 picks the sector size (512 << (b & 3)) and how far the
 * disk reaches past the given bytes ((b >> 2) * 4093 sectors that read as
 * zeros); the rest is the disk from sector 0. Checked: no read past the
 * disk's end, and every partition found is inside the disk, after sector
 * 0, not empty, and overlaps no other one.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct disk d = {data + 1, size - 1, 512u << (data[0] & 3), 0, 0};
	d.sectors = (d.len + d.ss - 1) / d.ss + (uint64_t)(data[0] >> 2) * 4093;
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
	return 0;
}
