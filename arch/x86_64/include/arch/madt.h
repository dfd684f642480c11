/*
 * The ACPI MADT ("APIC" table, ACPI 6.5 section 5.2.12) read into plain
 * arrays: the CPUs' local APICs, the I/O APICs, and the ISA interrupt
 * source overrides. A pure function of the table's bytes, so the host unit
 * test (tests/unit/test_madt.c) feeds it crafted tables.
 */
#ifndef ARCH_MADT_H
#define ARCH_MADT_H

#include <stddef.h>
#include <stdint.h>

#define MADT_MAX_CPUS 256
#define MADT_MAX_IOAPICS 8
#define MADT_ISA_IRQS 16

/* Processor Local APIC / x2APIC flags (ACPI 6.5 table 5.23). */
#define MADT_CPU_ENABLED 0x1
#define MADT_CPU_ONLINE_CAPABLE 0x2

struct madt_cpu {
	uint32_t apic_id;
	uint32_t uid;   /* ACPI processor UID */
	uint32_t flags; /* MADT_CPU_* */
};

struct madt_ioapic {
	uint8_t id;
	uint32_t addr, gsi_base;
};

struct madt_override {
	uint8_t present;
	uint16_t flags; /* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
	uint32_t gsi;
};

struct madt_info {
	uint64_t lapic_addr; /* the table's, or the 64-bit override (type 5) */
	uint32_t flags;      /* bit 0: PC-AT compatible 8259s present */
	struct madt_cpu cpus[MADT_MAX_CPUS];
	unsigned ncpus;        /* entries kept in cpus[] (enabled or online-capable) */
	unsigned cpus_dropped; /* usable entries past MADT_MAX_CPUS, or duplicate APIC ids */
	struct madt_ioapic ioapics[MADT_MAX_IOAPICS];
	unsigned nioapics;
	struct madt_override overrides[MADT_ISA_IRQS]; /* by ISA IRQ (the entry's source) */
	unsigned noverrides;
};

/*
 * Parses the whole MADT at `table` (header included), `len` bytes as
 * mapped. Entries of other types are skipped; CPUs neither enabled nor
 * online-capable are left out. Returns 0, or -EINVAL with *why saying
 * what is malformed (a header length that is short or past `len`, an
 * entry shorter than its type needs or running past the table's end); on
 * error *out holds what was read before the bad entry.
 */
int madt_parse(const void *table, size_t len, struct madt_info *out, const char **why);

#endif
