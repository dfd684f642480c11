/*
 * Finding partitions. An MBR and a FAT boot sector both end in 55 aa, and a
 * disk formatted whole (mkfs.fat on the image) has no partition table at
 * all, so a table is only believed when sector 0 is not a filesystem boot
 * sector and every entry is sane: boot flag 0 or 0x80, no type without a
 * size or size without a type, inside the disk, no overlaps. Logical
 * partitions follow the extended partition's chain of EBRs, each EBR after
 * the partition before it; a protective MBR (type 0xee) leads to the GPT,
 * whose header and entries must pass their CRCs and lie where the UEFI
 * spec puts them, and whose partitions must not overlap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "partition.h"

#define MBR_TABLE 446
#define MBR_SIGNATURE 510
#define TYPE_GPT_PROTECTIVE 0xee
#define MAX_EBRS 128
#define GPT_MAX_ENTRIES 1024

struct mbr_entry {
	uint8_t boot, type;
	uint32_t start, count;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t le32(const uint8_t *p)
{
	return le16(p) | (uint32_t)le16(p + 2) << 16;
}
static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static struct mbr_entry mbr_entry(const uint8_t *s, int i)
{
	const uint8_t *e = s + MBR_TABLE + 16 * i;
	return (struct mbr_entry){e[0], e[4], le32(e + 8), le32(e + 12)};
}

static int is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static int has_signature(const uint8_t *s)
{
	return s[MBR_SIGNATURE] == 0x55 && s[MBR_SIGNATURE + 1] == 0xaa;
}

/* A BIOS parameter block a formatter could have written: power-of-two sizes, 1-2 FATs, a media byte. */
static int sane_bpb(const uint8_t *s)
{
	unsigned bps = le16(s + 11), spc = s[13], media = s[21];
	return (bps == 512 || bps == 1024 || bps == 2048 || bps == 4096) && spc && !(spc & (spc - 1)) &&
	       le16(s + 14) != 0 && (s[16] == 1 || s[16] == 2) && (media == 0xf0 || media >= 0xf8);
}

int part_is_boot_sector(const uint8_t *s)
{
	int jump = (s[0] == 0xeb && s[2] == 0x90) || s[0] == 0xe9;
	return jump &&
	       (memcmp(s + 3, "EXFAT   ", 8) == 0 || memcmp(s + 3, "NTFS    ", 8) == 0 || sane_bpb(s));
}

/* Whether the four entries form a table to believe (see the top of the file). */
static int mbr_valid(const uint8_t *s, uint64_t sectors)
{
	struct mbr_entry e[4];
	for (int i = 0; i < 4; i++) {
		e[i] = mbr_entry(s, i);
		if ((e[i].boot != 0 && e[i].boot != 0x80) || (e[i].type == 0) != (e[i].count == 0))
			return 0;
		if (e[i].type == TYPE_GPT_PROTECTIVE) /* may claim more than the disk: it is a placeholder */
			continue;
		if (e[i].type && (e[i].start == 0 || (uint64_t)e[i].start + e[i].count > sectors))
			return 0;
		for (int j = 0; j < i; j++)
			if (e[i].type && e[j].type && e[i].start < (uint64_t)e[j].start + e[j].count &&
			    e[j].start < (uint64_t)e[i].start + e[i].count)
				return 0;
	}
	return 1;
}

static int add(struct part *out, int n, int max, unsigned number, uint64_t start, uint64_t count)
{
	if (n < max)
		out[n++] = (struct part){number, start, count};
	return n;
}

/*
 * Logical partitions: each EBR holds one, and a link to the next EBR relative
 * to the extended start. The chain only goes forward, and a logical partition
 * is believed only after the previous one's end: none overlap, and no EBR is
 * inside a partition (its filesystem would overwrite the rest of the chain).
 */
static int scan_logical(part_read_fn read, void *ctx, uint8_t *buf, struct mbr_entry ext, struct part *out,
                        int n, int max)
{
	uint64_t ebr = ext.start, end = (uint64_t)ext.start + ext.count;
	uint64_t used = ebr + 1; /* first sector after the last logical partition (or the first EBR) */
	unsigned number = 5;
	for (int k = 0; k < MAX_EBRS && n < max; k++) {
		if (read(ctx, ebr, buf) || !has_signature(buf))
			break;
		struct mbr_entry l = mbr_entry(buf, 0), next = mbr_entry(buf, 1);
		if (l.type && l.count && l.start && ebr + l.start >= used && ebr + l.start + l.count <= end) {
			n = add(out, n, max, number++, ebr + l.start, l.count);
			used = ebr + l.start + l.count;
		}
		uint64_t link = (uint64_t)ext.start + next.start;
		/* The chain ends, would loop backwards, or its next EBR is inside a partition. */
		if (!is_extended(next.type) || next.start == 0 || link <= ebr || link < used || link >= end)
			break;
		ebr = link;
	}
	return n;
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len--) {
		crc ^= *p++;
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return crc;
}

/*
 * The header at LBA 1; 0 if it is not a GPT header with a good CRC, or its
 * layout is not the UEFI spec's (5.3): entries of 128 * 2^n bytes, the entry
 * array after the header and before FirstUsableLBA, FirstUsableLBA <=
 * LastUsableLBA < the disk's end. Sizes are at most 1024 * 4096 bytes, so
 * nothing here wraps.
 */
static int gpt_header_ok(uint8_t *h, uint32_t sector_size, uint64_t sectors)
{
	uint32_t size = le32(h + 12), want = le32(h + 16), esize = le32(h + 84), count = le32(h + 80);
	uint64_t first = le64(h + 40), last = le64(h + 48), lba0 = le64(h + 72);
	if (memcmp(h, "EFI PART", 8) != 0 || size < 92 || size > sector_size || le64(h + 24) != 1)
		return 0;
	memset(h + 16, 0, 4);
	uint32_t crc = ~crc32_update(~0u, h, size);
	if (crc != want || esize < 128 || (esize & (esize - 1)) || esize > sector_size ||
	    count > GPT_MAX_ENTRIES)
		return 0;
	uint64_t array_sectors = ((uint64_t)count * esize + sector_size - 1) / sector_size;
	return lba0 >= 2 && lba0 + array_sectors <= first && first <= last && last < sectors;
}

/* Whether [s, s + len) overlaps one of the n partitions in out. */
static int overlaps(const struct part *out, int n, uint64_t s, uint64_t len)
{
	for (int i = 0; i < n; i++)
		if (s < out[i].start + out[i].sectors && out[i].start < s + len)
			return 1;
	return 0;
}

/* Entries are read twice: once for the CRC over all of them, once to take them. */
static int scan_gpt(part_read_fn read, void *ctx, uint8_t *buf, uint32_t ss, uint64_t sectors,
                    struct part *out, int max)
{
	if (read(ctx, 1, buf) || !gpt_header_ok(buf, ss, sectors))
		return 0;
	uint64_t lba0 = le64(buf + 72), first = le64(buf + 40), last = le64(buf + 48);
	uint32_t count = le32(buf + 80), esize = le32(buf + 84), want = le32(buf + 88), per = ss / esize;
	uint32_t crc = ~0u;
	for (uint32_t i = 0; i < count; i += per) {
		if (lba0 + i / per >= sectors || read(ctx, lba0 + i / per, buf))
			return 0;
		crc = crc32_update(crc, buf, (size_t)(count - i < per ? count - i : per) * esize);
	}
	if (~crc != want)
		return 0;
	int n = 0;
	for (uint32_t i = 0; i < count && n < max; i++) {
		if (i % per == 0 && read(ctx, lba0 + i / per, buf))
			return n;
		const uint8_t *e = buf + (i % per) * esize;
		uint64_t s = le64(e + 32), l = le64(e + 40);
		static const uint8_t unused[16];
		if (memcmp(e, unused, 16) == 0 || s < first || s > l || l > last)
			continue; /* unused, or not inside the usable area: ignored */
		if (overlaps(out, n, s, l - s + 1))
			return 0; /* two partitions share sectors: no table to believe */
		n = add(out, n, max, i + 1, s, l - s + 1);
	}
	return n;
}

int part_scan(part_read_fn read, void *ctx, uint32_t sector_size, uint64_t sectors, struct part *out, int max)
{
	if (sector_size < 512 || sectors < 2)
		return 0;
	uint8_t *buf = malloc(sector_size);
	if (buf == NULL)
		return -ENOMEM;
	int n = read(ctx, 0, buf);
	if (n || !has_signature(buf) || part_is_boot_sector(buf) || !mbr_valid(buf, sectors)) {
		free(buf);
		return n < 0 ? n : 0;
	}
	struct mbr_entry e[4], ext = {0, 0, 0, 0};
	for (int i = 0; i < 4; i++)
		e[i] = mbr_entry(buf, i);
	for (int i = 0; i < 4; i++) {
		if (e[i].type == TYPE_GPT_PROTECTIVE) {
			n = scan_gpt(read, ctx, buf, sector_size, sectors, out, max);
			free(buf);
			return n;
		}
		if (is_extended(e[i].type) && ext.type == 0)
			ext = e[i];
		else if (e[i].type)
			n = add(out, n, max, (unsigned)i + 1, e[i].start, e[i].count);
	}
	if (ext.type)
		n = scan_logical(read, ctx, buf, ext, out, n, max);
	free(buf);
	return n;
}
