/*
 * Translates the PVH start info or the multiboot2 info into struct boot_info.
 * Runs on the boot page tables, where the first GiB is mapped at KERNEL_VBASE,
 * so loader structures (always below 1 GiB in practice) are read through it;
 * anything above is ignored with a warning rather than faulting.
 */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <arch/layout.h>
#include <yolk/boot.h>

#define PVH_MAGIC 0x336ec578u
#define MB2_BOOT_MAGIC 0x36d76289u
#define BOOT_MAP_LIMIT 0x40000000ul

#define E820_RAM 1

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct boot_info boot_info;

struct pvh_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries, reserved;
};

struct pvh_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

struct pvh_module {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved;
};

/* Returns a pointer to `len` bytes at physical `pa`, or NULL if not reachable yet. */
static const void *early_phys(uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa + len > BOOT_MAP_LIMIT || pa + len < pa)
		return NULL;
	return (const void *)(KERNEL_VBASE + pa);
}

static void copy_cmdline(struct boot_info *bi, uint64_t pa)
{
	const char *s = early_phys(pa, 1);
	if (s == NULL)
		return;
	size_t n = strnlen(s, BOOT_CMDLINE_MAX - 1);
	memcpy(bi->cmdline, s, n);
	bi->cmdline[n] = '\0';
}

void boot_add_ram(struct boot_info *bi, uint64_t base, uint64_t len)
{
	uint64_t start = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t end = (base + len) & ~(PAGE_SIZE - 1);
	if (end <= start || bi->nram == BOOT_MAX_RANGES)
		return;
	size_t i = bi->nram;
	while (i > 0 && bi->ram[i - 1].base > start) {
		bi->ram[i] = bi->ram[i - 1];
		i--;
	}
	bi->ram[i] = (struct boot_range){start, end - start};
	bi->nram++;
}

static void add_module(struct boot_info *bi, uint64_t base, uint64_t len)
{
	if (bi->nmodules < BOOT_MAX_MODULES)
		bi->modules[bi->nmodules++] = (struct boot_module){base, len};
}

static int parse_pvh(struct boot_info *bi, uint64_t pa)
{
	const struct pvh_start_info *si = early_phys(pa, sizeof(*si));
	if (si == NULL || si->magic != PVH_MAGIC)
		return -EINVAL;
	bi->loader = BOOT_LOADER_PVH;
	copy_cmdline(bi, si->cmdline_paddr);
	bi->rsdp = si->rsdp_paddr;
	const struct pvh_module *mods = early_phys(si->modlist_paddr, si->nr_modules * sizeof(*mods));
	for (uint32_t i = 0; mods && i < si->nr_modules; i++)
		add_module(bi, mods[i].paddr, mods[i].size);
	const struct pvh_memmap_entry *mm =
		si->version >= 1 ? early_phys(si->memmap_paddr, si->memmap_entries * sizeof(*mm)) : NULL;
	for (uint32_t i = 0; mm && i < si->memmap_entries; i++)
		if (mm[i].type == E820_RAM)
			boot_add_ram(bi, mm[i].addr, mm[i].size);
	return 0;
}

static void parse_mb2_tag(struct boot_info *bi, const struct mb2_tag *tag)
{
	const uint8_t *body = (const uint8_t *)(tag + 1);
	switch (tag->type) {
	case MB2_TAG_CMDLINE: {
		size_t n = strnlen((const char *)body, BOOT_CMDLINE_MAX - 1);
		memcpy(bi->cmdline, body, n);
		bi->cmdline[n] = '\0';
		break;
	}
	case MB2_TAG_MODULE: {
		const uint32_t *m = (const uint32_t *)body;
		add_module(bi, m[0], m[1] - m[0]);
		break;
	}
	case MB2_TAG_MMAP: {
		uint32_t esize = ((const uint32_t *)body)[0];
		for (uint32_t off = 8; esize && off + esize <= tag->size - 8; off += esize) {
			const struct mb2_mmap_entry *e = (const void *)(body + off);
			if (e->type == E820_RAM)
				boot_add_ram(bi, e->addr, e->len);
		}
		break;
	}
	case MB2_TAG_FRAMEBUFFER: {
		const uint8_t *f = body;
		memcpy(&bi->fb.addr, f, 8);
		memcpy(&bi->fb.pitch, f + 8, 4);
		memcpy(&bi->fb.width, f + 12, 4);
		memcpy(&bi->fb.height, f + 16, 4);
		bi->fb.bpp = f[20];
		bi->fb.type = f[21];
		bi->fb.red_shift = f[24];
		bi->fb.green_shift = f[26];
		bi->fb.blue_shift = f[28];
		break;
	}
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		bi->rsdp = virt_to_phys(body);
		break;
	default:
		break;
	}
}

static int parse_mb2(struct boot_info *bi, uint64_t pa)
{
	const uint32_t *hdr = early_phys(pa, 8);
	if (hdr == NULL || early_phys(pa, hdr[0]) == NULL)
		return -EINVAL;
	bi->loader = BOOT_LOADER_MULTIBOOT2;
	const uint8_t *p = (const uint8_t *)(hdr + 2), *end = (const uint8_t *)hdr + hdr[0];
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = (const void *)p;
		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag))
			break;
		parse_mb2_tag(bi, tag);
		p += (tag->size + 7) & ~7u;
	}
	return 0;
}

int boot_info_parse(uint32_t magic, uint64_t info)
{
	if (magic == PVH_MAGIC)
		return parse_pvh(&boot_info, info);
	if (magic == MB2_BOOT_MAGIC)
		return parse_mb2(&boot_info, info);
	return -EINVAL;
}
