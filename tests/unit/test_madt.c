/* The MADT parser (arch/x86_64/madt.c) on crafted tables, good and malformed. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <arch/madt.h>
#include "check.h"

static uint8_t table[8192];
static size_t used;
static struct madt_info info;

static void put(const void *p, size_t n)
{
	memcpy(table + used, p, n);
	used += n;
}

static void put32(uint32_t v)
{
	put(&v, 4);
}

/* The head: SDT header ("APIC", length patched by finish()), LAPIC address, flags. */
static void start(void)
{
	memset(table, 0, sizeof(table));
	memcpy(table, "APIC", 4);
	used = 36;
	put32(0xfee00000);
	put32(1);
}

static uint32_t finish(void)
{
	uint32_t len = (uint32_t)used;
	memcpy(table + 4, &len, 4);
	return len;
}

static void lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t e[4] = {0, 8, uid, id};
	put(e, 4);
	put32(flags);
}

static void x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
	uint8_t e[4] = {9, 16, 0, 0};
	put(e, 4);
	put32(id);
	put32(flags);
	put32(uid);
}

static void ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	uint8_t e[4] = {1, 12, id, 0};
	put(e, 4);
	put32(addr);
	put32(gsi_base);
}

static void override(uint8_t irq, uint32_t gsi, uint16_t flags)
{
	uint8_t e[4] = {2, 10, 0, irq};
	put(e, 4);
	put32(gsi);
	put(&flags, 2);
}

static int parse(size_t len, const char **why)
{
	*why = NULL;
	return madt_parse(table, len, &info, why);
}

/* What QEMU's q35 gives -smp 4: four enabled LAPICs, one I/O APIC, five overrides. */
static void qemu_like(void)
{
	const char *why;
	start();
	for (uint8_t i = 0; i < 4; i++)
		lapic(i, i, MADT_CPU_ENABLED);
	ioapic(0, 0xfec00000, 0);
	override(0, 2, 0);
	override(5, 5, 0xd);
	override(9, 9, 0xd);
	override(10, 10, 0xd);
	override(11, 11, 0xd);
	uint8_t nmi[6] = {4, 6, 0xff, 0, 0, 1}; /* LAPIC NMI: skipped */
	put(nmi, 6);
	CHECK(parse(finish(), &why) == 0 && why == NULL);
	CHECK(info.ncpus == 4 && info.cpus[3].apic_id == 3 && info.cpus[3].uid == 3);
	CHECK(info.cpus[0].flags == MADT_CPU_ENABLED);
	CHECK(info.nioapics == 1 && info.ioapics[0].addr == 0xfec00000 && info.ioapics[0].gsi_base == 0);
	CHECK(info.noverrides == 5 && info.overrides[0].present && info.overrides[0].gsi == 2);
	CHECK(info.overrides[9].flags == 0xd && !info.overrides[1].present);
	CHECK(info.lapic_addr == 0xfee00000 && info.flags == 1);
}

/* Which CPUs are kept: enabled or online-capable, no broadcast id, no duplicates; x2APIC entries. */
static void cpu_flags(void)
{
	const char *why;
	start();
	lapic(0, 0, MADT_CPU_ENABLED);
	lapic(1, 1, 0);                       /* neither: unusable */
	lapic(2, 2, MADT_CPU_ONLINE_CAPABLE); /* hot-pluggable */
	lapic(3, 0xff, MADT_CPU_ENABLED);     /* broadcast id */
	lapic(4, 0, MADT_CPU_ENABLED);        /* duplicate */
	x2apic(300, MADT_CPU_ENABLED, 7);
	uint8_t addr[12] = {5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0}; /* LAPIC address override */
	put(addr, 12);
	CHECK(parse(finish(), &why) == 0);
	CHECK(info.ncpus == 3 && info.cpus_dropped == 1);
	CHECK(info.cpus[1].apic_id == 2 && info.cpus[1].flags == MADT_CPU_ONLINE_CAPABLE);
	CHECK(info.cpus[2].apic_id == 300 && info.cpus[2].uid == 7);
	CHECK(info.lapic_addr == 0x1fee00000ull);
}

static void too_many_cpus(void)
{
	const char *why;
	start();
	for (uint32_t i = 0; i < MADT_MAX_CPUS + 5; i++)
		x2apic(i, MADT_CPU_ENABLED, i);
	CHECK(parse(finish(), &why) == 0);
	CHECK(info.ncpus == MADT_MAX_CPUS && info.cpus_dropped == 5);
}

/* Malformed tables: each is an error with a reason, never a read past the end. */
static void malformed(void)
{
	const char *why;
	start();
	CHECK(parse(40, &why) == -EINVAL && why != NULL);
	lapic(0, 0, MADT_CPU_ENABLED);
	uint32_t len = finish();
	CHECK(parse(len, &why) == 0 && info.ncpus == 1);
	CHECK(parse(len - 1, &why) == -EINVAL && strstr(why, "past the mapped table"));
	uint32_t short_len = 20;
	memcpy(table + 4, &short_len, 4);
	CHECK(parse(sizeof(table), &why) == -EINVAL && strstr(why, "shorter than the MADT head"));

	start(); /* a zero-length entry would loop for ever */
	lapic(0, 0, MADT_CPU_ENABLED);
	uint8_t zero[2] = {0x7f, 0};
	put(zero, 2);
	CHECK(parse(finish(), &why) == -EINVAL && strstr(why, "shorter than its type"));
	CHECK(info.ncpus == 1); /* what came before the bad entry */

	start(); /* an entry whose length runs past the table */
	lapic(0, 0, MADT_CPU_ENABLED);
	table[used - 7] = 200;
	CHECK(parse(finish(), &why) == -EINVAL && strstr(why, "past the table's end"));

	start(); /* one lone byte after the last entry */
	lapic(0, 0, MADT_CPU_ENABLED);
	used++;
	CHECK(parse(finish(), &why) == -EINVAL && strstr(why, "past the table's end"));

	start(); /* an I/O APIC entry cut to 8 bytes */
	uint8_t cut[8] = {1, 8, 0, 0, 0, 0, 0xc0, 0xfe};
	put(cut, 8);
	CHECK(parse(finish(), &why) == -EINVAL && strstr(why, "shorter than its type") && info.nioapics == 0);

	start(); /* a LAPIC entry of 6 bytes */
	uint8_t cut_lapic[6] = {0, 6, 0, 1, 1, 0};
	put(cut_lapic, 6);
	CHECK(parse(finish(), &why) == -EINVAL && info.ncpus == 0);
}

int main(void)
{
	qemu_like();
	cpu_flags();
	too_many_cpus();
	malformed();
	return check_report();
}
