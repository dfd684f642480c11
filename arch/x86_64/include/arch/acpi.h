/* ACPI tables, read-only, for the few things the kernel needs from them (the MADT). */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include <stdint.h>

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));

/* The first table with this signature ("APIC"), checksum verified, or NULL. */
const struct acpi_header *acpi_find_table(const char *sig);

struct madt_info;
/*
 * The MADT, parsed once (arch/madt.h) and kept: NULL if there is none or it
 * is malformed, with *why saying which (why may be NULL). Boot CPU, before
 * the others start; read-only after.
 */
const struct madt_info *acpi_madt(const char **why);

#endif
