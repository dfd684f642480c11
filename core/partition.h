/*
 * Partition tables (core/partition.c): MBR with extended partitions, and
 * GPT behind a protective MBR. Pure logic over a sector-reading callback,
 * so the host unit tests run it on byte arrays.
 */
#ifndef CORE_PARTITION_H
#define CORE_PARTITION_H

#include <stdint.h>

struct part {
	unsigned number; /* 1..4 primary, 5.. logical; GPT: entry index + 1 */
	uint64_t start, sectors;
};

/* Reads sector lba (sector_size bytes) into buf; 0 or -errno. */
typedef int (*part_read_fn)(void *ctx, uint64_t lba, void *buf);

/*
 * The partitions of a disk of `sectors` sectors, at most max of them, in
 * out. Returns how many (0: no valid table, or a whole-disk filesystem), or
 * -errno if sector 0 cannot be read.
 */
int part_scan(part_read_fn read, void *ctx, uint32_t sector_size, uint64_t sectors, struct part *out,
              int max);

/* 1 if this sector 0 is a FAT, exFAT or NTFS boot sector (a filesystem with no partition table). */
int part_is_boot_sector(const uint8_t *s);

#endif
