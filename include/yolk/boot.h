/* What the boot loader told us, in one loader-independent shape. */
#ifndef YOLK_BOOT_H
#define YOLK_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define BOOT_MAX_RANGES 64
#define BOOT_MAX_MODULES 8
#define BOOT_CMDLINE_MAX 1024

enum boot_loader { BOOT_LOADER_PVH, BOOT_LOADER_MULTIBOOT2 };

struct boot_range {
	uint64_t base;
	uint64_t len;
};

struct boot_module {
	uint64_t base;
	uint64_t len;
};

struct boot_framebuffer {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp;
	uint8_t type; /* multiboot2: 1 = direct RGB (the only kind yolk draws on) */
	uint8_t red_shift, green_shift, blue_shift;
};

struct boot_info {
	enum boot_loader loader;
	char cmdline[BOOT_CMDLINE_MAX];
	struct boot_range ram[BOOT_MAX_RANGES]; /* usable RAM, sorted, page-aligned */
	size_t nram;
	struct boot_module modules[BOOT_MAX_MODULES];
	size_t nmodules;
	uint64_t rsdp; /* physical address of the ACPI RSDP, 0 if unknown */
	struct boot_framebuffer fb; /* addr 0 if none */
};

extern struct boot_info boot_info;

/*
 * Fills boot_info from the loader's structure at physical address `info`.
 * Returns 0, or -EINVAL if `magic` names no loader we know (or its structure is unreadable).
 */
int boot_info_parse(uint32_t magic, uint64_t info);

/* Adds [base, base+len) to the RAM list, keeping it sorted and page-aligned. */
void boot_add_ram(struct boot_info *bi, uint64_t base, uint64_t len);

#endif
