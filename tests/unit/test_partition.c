/*
 * Partition table parsing (core/partition.c) on in-memory disks: MBR
 * primaries and logical partitions, GPT, and the tables that must not be
 * believed — above all a whole-disk FAT boot sector, which also ends in 55 aa.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "check.h"
#include "../../core/partition.h"

#define SECTORS 4096
static uint8_t disk[SECTORS][512];
static int fail_reads;

static int disk_read(void *ctx, uint64_t lba, void *buf)
{
	(void)ctx;
	if (fail_reads || lba >= SECTORS)
		return -EIO;
	memcpy(buf, disk[lba], 512);
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void entry(uint8_t *s, int i, uint8_t boot, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = s + 446 + 16 * i;
	memset(e, 0, 16);
	e[0] = boot;
	e[4] = type;
	put32(e + 8, start);
	put32(e + 12, count);
	s[510] = 0x55;
	s[511] = 0xaa;
}

static int scan(struct part *p)
{
	return part_scan(disk_read, NULL, 512, SECTORS, p, 16);
}

/* What mkfs.fat -F 16 writes, with boot code that happens to look like a partition entry. */
static void fat_boot_sector(uint8_t *s)
{
	static const uint8_t head[] = {0xeb, 0x3c, 0x90, 'm',  'k',  'f',  's',  '.',
	                               'f',  'a',  't',  0x00, 0x02, 0x04, 0x04, 0x00,
	                               0x02, 0x00, 0x02, 0x00, 0x00, 0xf8, 0x20, 0x00};
	memset(s, 0, 512);
	memcpy(s, head, sizeof(head));
	entry(s, 0, 0x80, 0x0c, 2048, 1024);
}

static void test_mbr(void)
{
	struct part p[16];
	memset(disk, 0, sizeof(disk));
	CHECK(scan(p) == 0); /* blank disk */
	entry(disk[0], 0, 0x80, 0x0c, 2048, 1024);
	entry(disk[0], 2, 0x00, 0x83, 3072, 1024);
	CHECK(scan(p) == 2);
	CHECK(p[0].number == 1 && p[0].start == 2048 && p[0].sectors == 1024);
	CHECK(p[1].number == 3 && p[1].start == 3072 && p[1].sectors == 1024);
	/* GRUB's boot.img starts with a jump too, but its BPB area is empty: still an MBR. */
	disk[0][0] = 0xeb, disk[0][1] = 0x63, disk[0][2] = 0x90;
	CHECK(scan(p) == 2);
	disk[0][511] = 0;
	CHECK(scan(p) == 0); /* no signature */
	disk[0][511] = 0xaa;
	fail_reads = 1;
	CHECK(scan(p) == -EIO);
	fail_reads = 0;
}

static void test_invalid_tables(void)
{
	struct part p[16];
	memset(disk, 0, sizeof(disk));
	entry(disk[0], 0, 0x12, 0x83, 2048, 100); /* boot flag neither 0 nor 0x80 */
	CHECK(scan(p) == 0);
	entry(disk[0], 0, 0, 0x00, 2048, 100); /* size without a type */
	CHECK(scan(p) == 0);
	entry(disk[0], 0, 0, 0x83, 4000, 200); /* past the end of the disk */
	CHECK(scan(p) == 0);
	entry(disk[0], 0, 0, 0x83, 0, 200); /* over the MBR itself */
	CHECK(scan(p) == 0);
	entry(disk[0], 0, 0, 0x83, 100, 200);
	entry(disk[0], 1, 0, 0x83, 250, 200); /* overlaps the first */
	CHECK(scan(p) == 0);
	entry(disk[0], 1, 0, 0x83, 300, 200);
	CHECK(scan(p) == 2);
}

static void test_boot_sectors(void)
{
	struct part p[16];
	memset(disk, 0, sizeof(disk));
	fat_boot_sector(disk[0]);
	CHECK(part_is_boot_sector(disk[0]));
	CHECK(scan(p) == 0); /* a superfloppy, whatever its boot code looks like */
	disk[0][0] = 0xe9;   /* the other jump */
	CHECK(scan(p) == 0);
	disk[0][0] = 0x33, disk[0][1] = 0xc0; /* xor ax,ax: MBR code, so the table counts */
	CHECK(!part_is_boot_sector(disk[0]) && scan(p) == 1);
	fat_boot_sector(disk[0]);
	disk[0][11] = 0, disk[0][12] = 0; /* bytes per sector 0: no BPB, so an MBR */
	CHECK(scan(p) == 1);
	fat_boot_sector(disk[0]);
	disk[0][16] = 7; /* seven FATs: not a BPB either */
	CHECK(scan(p) == 1);
	fat_boot_sector(disk[0]);
	memset(disk[0] + 11, 0, 20);
	memcpy(disk[0] + 3, "EXFAT   ", 8); /* exFAT has no BPB, only its name */
	CHECK(scan(p) == 0);
	memcpy(disk[0] + 3, "NTFS    ", 8);
	CHECK(scan(p) == 0);
}

static void test_logical(void)
{
	struct part p[16];
	memset(disk, 0, sizeof(disk));
	entry(disk[0], 0, 0, 0x83, 64, 100);
	entry(disk[0], 1, 0, 0x05, 1000, 2000);  /* extended: 1000..2999 */
	entry(disk[1000], 0, 0, 0x83, 10, 90);   /* logical 5 at 1010 */
	entry(disk[1000], 1, 0, 0x05, 500, 300); /* next EBR at 1500 */
	entry(disk[1500], 0, 0, 0x07, 20, 200);  /* logical 6 at 1520 */
	CHECK(scan(p) == 3);
	CHECK(p[0].number == 1 && p[0].start == 64);
	CHECK(p[1].number == 5 && p[1].start == 1010 && p[1].sectors == 90);
	CHECK(p[2].number == 6 && p[2].start == 1520 && p[2].sectors == 200);
	entry(disk[1500], 1, 0, 0x05, 0 + 500, 10); /* links back to itself: the walk must end */
	CHECK(scan(p) == 3);
	entry(disk[1500], 0, 0, 0x07, 20, 5000); /* runs past the extended partition: dropped */
	CHECK(scan(p) == 2);
	entry(disk[1500], 0, 0, 0x07, 20, 200);
	entry(disk[1000], 0, 0, 0x83, 10, 600); /* logical 5 runs over the next EBR: the chain ends */
	CHECK(scan(p) == 2 && p[1].number == 5 && p[1].sectors == 600);
}

/*
 * Logical partitions that share sectors (found by tests/fuzz/partition.c:
 * EBRs at 1000, 1500 and 1600, the second logical 1600..1699 and the third
 * 1610..1709): only the first of them is believed, and a partition that
 * holds the next EBR ends the chain (the filesystem would overwrite it).
 */
static void test_logical_overlap(void)
{
	struct part p[16];
	memset(disk, 0, sizeof(disk));
	entry(disk[0], 0, 0, 0x05, 1000, 2000);  /* extended: 1000..2999 */
	entry(disk[1000], 0, 0, 0x83, 10, 90);   /* logical 5: 1010..1099 */
	entry(disk[1000], 1, 0, 0x05, 500, 300); /* next EBR at 1500 */
	entry(disk[1500], 0, 0, 0x83, 100, 100); /* logical 6: 1600..1699 */
	entry(disk[1500], 1, 0, 0x05, 600, 300); /* next EBR at 1600: inside logical 6 */
	entry(disk[1600], 0, 0, 0x83, 10, 100);  /* 1610..1709: overlaps logical 6 */
	int n = scan(p);
	CHECK(n == 2);
	CHECK(p[0].number == 5 && p[1].number == 6 && p[1].start == 1600 && p[1].sectors == 100);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			CHECK(p[i].start >= p[j].start + p[j].sectors || p[j].start >= p[i].start + p[i].sectors);
	/* The same chain with logical 6 ending before the third EBR: all three are there. */
	entry(disk[1500], 0, 0, 0x83, 10, 90); /* logical 6: 1510..1599 */
	CHECK(scan(p) == 3 && p[2].number == 7 && p[2].start == 1610);
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

/* Partition i (0..2) of the GPT made below: sectors [start, last]; i == 1 stays unused. */
static uint64_t gpt_start[3] = {100, 0, 2100}, gpt_last[3] = {599, 0, 2599};
static uint64_t gpt_first_usable = 34;

/* A GPT as sfdisk would make it: 128 entries of 128 bytes from LBA 2. */
static void make_gpt(void)
{
	memset(disk, 0, sizeof(disk));
	entry(disk[0], 0, 0, 0xee, 1, 0xffffffff);
	uint8_t *ents = disk[2];
	for (int i = 0; i < 3; i++) {
		if (i == 1)
			continue; /* an unused entry between */
		memset(ents + 128 * i, 0x11 + i, 16);
		put64(ents + 128 * i + 32, gpt_start[i]);
		put64(ents + 128 * i + 40, gpt_last[i]);
	}
	uint8_t *h = disk[1];
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x10000);
	put32(h + 12, 92);
	put64(h + 24, 1);
	put64(h + 32, SECTORS - 1);
	put64(h + 40, gpt_first_usable);
	put64(h + 48, SECTORS - 34);
	put64(h + 72, 2);
	put32(h + 80, 128);
	put32(h + 84, 128);
	put32(h + 88, crc32(ents, 128 * 128));
	put32(h + 16, crc32(h, 92));
}

/* The CRCs again, after a test changed the header or the entries. */
static void gpt_reseal(void)
{
	uint8_t *h = disk[1];
	put32(h + 88, crc32(disk[2], 128 * 128));
	put32(h + 16, 0);
	put32(h + 16, crc32(h, 92));
}

/*
 * UEFI 2.10 section 5.3: partitions lie within FirstUsableLBA..LastUsableLBA,
 * no two overlap, and the primary entry array ends before FirstUsableLBA.
 * A table breaking that is not believed (found by tests/fuzz/partition.c:
 * entries 34..49 and 49..65 were both reported).
 */
static void test_gpt_invalid(void)
{
	struct part p[16];
	make_gpt();
	put64(disk[2] + 128 * 2 + 32, 599); /* entry 3 now starts in entry 1's last sector */
	gpt_reseal();
	CHECK(scan(p) == 0);
	make_gpt();
	put64(disk[1] + 40, 0);             /* FirstUsableLBA 0 ... */
	put64(disk[2] + 32, 0);             /* ... and entry 1 over the MBR, header and entries */
	gpt_reseal();
	CHECK(scan(p) == 0);
	make_gpt();
	put64(disk[1] + 40, 20);            /* the entries (LBA 2..33) reach into the usable area */
	gpt_reseal();
	CHECK(scan(p) == 0);
	make_gpt();
	put64(disk[1] + 40, 33 + 1);        /* exactly after the entries: fine */
	gpt_reseal();
	CHECK(scan(p) == 2);
}

static void test_gpt(void)
{
	struct part p[16];
	make_gpt();
	CHECK(scan(p) == 2);
	CHECK(p[0].number == 1 && p[0].start == 100 && p[0].sectors == 500);
	CHECK(p[1].number == 3 && p[1].start == 2100 && p[1].sectors == 500);
	disk[2][40] ^= 1; /* an entry changed: the entries' CRC no longer matches */
	CHECK(scan(p) == 0);
	make_gpt();
	disk[1][40] ^= 1; /* the header changed */
	CHECK(scan(p) == 0);
	/* Valid CRCs, layouts the UEFI spec forbids: */
	gpt_start[2] = 500; /* partition 3 shares sectors 500..599 with partition 1 */
	make_gpt();
	CHECK(scan(p) == 0);
	gpt_start[2] = 2100;
	gpt_first_usable = 2, gpt_start[0] = 2; /* partition 1 over the entry array (LBA 2..33) */
	make_gpt();
	CHECK(scan(p) == 0);
	gpt_first_usable = 34, gpt_start[0] = 100;
	make_gpt();
	CHECK(scan(p) == 2);
}

int main(void)
{
	test_mbr();
	test_invalid_tables();
	test_boot_sectors();
	test_logical();
	test_logical_overlap();
	test_gpt();
	test_gpt_invalid();
	return check_report();
}
