/*
 * Finding ACPI tables: the RSDP from the boot loader (or, failing that, the
 * BIOS areas a PC firmware puts it in), then the XSDT or RSDT. Tables live
 * below 4 GiB on the machines yolk runs on, which the direct map covers.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arch/acpi.h>
#include <arch/layout.h>
#include <arch/madt.h>
#include <yolk/boot.h>
#include <yolk/mm.h>

#define LOW_4G 0x100000000ull
#define BIOS_AREA 0xe0000ull
#define BIOS_AREA_END 0x100000ull
#define EBDA_SEGMENT_PTR 0x40eull

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length; /* revision >= 2 from here */
	uint64_t xsdt;
	uint8_t ext_checksum, reserved[3];
} __attribute__((packed));

static int sum_ok(const void *p, size_t len)
{
	uint8_t s = 0;
	for (size_t i = 0; i < len; i++)
		s += ((const uint8_t *)p)[i];
	return s == 0;
}

/* Physical memory below 4 GiB through the direct map; NULL for anything else. */
static const void *phys(uint64_t pa, size_t len)
{
	if (pa == 0 || pa + len > LOW_4G || !vm_is_mapped((uintptr_t)phys_to_virt(pa)) ||
	    !vm_is_mapped((uintptr_t)phys_to_virt(pa + len - 1)))
		return NULL;
	return phys_to_virt(pa);
}

static const struct rsdp *rsdp_at(uint64_t pa)
{
	const struct rsdp *r = phys(pa, 20);
	if (r == NULL || memcmp(r->signature, "RSD PTR ", 8) != 0 || !sum_ok(r, 20))
		return NULL;
	return r;
}

static const struct rsdp *rsdp_scan(uint64_t start, uint64_t end)
{
	for (uint64_t pa = start; pa + 20 <= end; pa += 16) {
		const struct rsdp *r = rsdp_at(pa);
		if (r)
			return r;
	}
	return NULL;
}

static const struct rsdp *rsdp_find(void)
{
	const struct rsdp *r = rsdp_at(boot_info.rsdp);
	const uint16_t *ebda = phys(EBDA_SEGMENT_PTR, 2);
	if (r == NULL && ebda && *ebda)
		r = rsdp_scan((uint64_t)*ebda << 4, ((uint64_t)*ebda << 4) + 1024);
	return r ? r : rsdp_scan(BIOS_AREA, BIOS_AREA_END);
}

static const struct acpi_header *table_at(uint64_t pa)
{
	const struct acpi_header *h = phys(pa, sizeof(*h));
	if (h == NULL || h->length < sizeof(*h) || phys(pa, h->length) == NULL || !sum_ok(h, h->length))
		return NULL;
	return h;
}

const struct acpi_header *acpi_find_table(const char *sig)
{
	const struct rsdp *r = rsdp_find();
	if (r == NULL)
		return NULL;
	int x = r->revision >= 2 && r->xsdt;
	const struct acpi_header *root = table_at(x ? r->xsdt : r->rsdt);
	if (root == NULL)
		return NULL;
	size_t width = x ? 8 : 4, n = (root->length - sizeof(*root)) / width;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = 0;
		memcpy(&pa, entries + i * width, width);
		const struct acpi_header *t = table_at(pa);
		if (t && memcmp(t->signature, sig, 4) == 0)
			return t;
	}
	return NULL;
}

const struct madt_info *acpi_madt(const char **why)
{
	static struct madt_info madt;
	static char problem[96];
	static int state; /* 0 not read yet, 1 good, -1 none or malformed */
	if (state == 0) {
		const struct acpi_header *h = acpi_find_table("APIC");
		const char *reason = "";
		state = h && madt_parse(h, h->length, &madt, &reason) == 0 ? 1 : -1;
		if (h == NULL)
			snprintf(problem, sizeof(problem), "no ACPI MADT");
		else
			snprintf(problem, sizeof(problem), "malformed ACPI MADT (%s)", reason);
	}
	if (why)
		*why = state > 0 ? NULL : problem;
	return state > 0 ? &madt : NULL;
}
