/*
 * MADT parsing (ACPI 6.5 section 5.2.12): a 44-byte head (the 36-byte SDT
 * header, the local APIC address, flags), then entries of {type, length,
 * body}. Every length is checked before any field is read: the table comes
 * from firmware, and a wrong length must not walk off its end.
 */
#include <errno.h>
#include <string.h>
#include <arch/madt.h>

#define MADT_HEAD_LEN 44
#define SDT_LENGTH_OFFSET 4

enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_LAPIC_ADDR = 5,
	MADT_X2APIC = 9,
};

/* The smallest length each type may have; 2 (just the entry header) for the others. */
static unsigned min_length(unsigned type)
{
	switch (type) {
	case MADT_LAPIC:
		return 8;
	case MADT_IOAPIC:
		return 12;
	case MADT_OVERRIDE:
		return 10;
	case MADT_LAPIC_ADDR:
		return 12;
	case MADT_X2APIC:
		return 16;
	default:
		return 2;
	}
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void add_cpu(struct madt_info *m, uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return; /* unusable: the firmware says it can never run */
	for (unsigned i = 0; i < m->ncpus; i++)
		if (m->cpus[i].apic_id == apic_id) {
			m->cpus_dropped++;
			return;
		}
	if (m->ncpus == MADT_MAX_CPUS) {
		m->cpus_dropped++;
		return;
	}
	m->cpus[m->ncpus++] = (struct madt_cpu){apic_id, uid, flags & 3};
}

static void add_entry(struct madt_info *m, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		/* xAPIC id 0xff is the broadcast address, never a CPU's. */
		if (e[3] != 0xff)
			add_cpu(m, e[3], e[2], get32(e + 4));
		break;
	case MADT_X2APIC:
		add_cpu(m, get32(e + 4), get32(e + 12), get32(e + 8));
		break;
	case MADT_IOAPIC:
		if (m->nioapics < MADT_MAX_IOAPICS)
			m->ioapics[m->nioapics++] = (struct madt_ioapic){e[2], get32(e + 4), get32(e + 8)};
		break;
	case MADT_OVERRIDE:
		/* Bus 0 is ISA, the only bus overrides name. */
		if (e[2] == 0 && e[3] < MADT_ISA_IRQS) {
			struct madt_override *o = &m->overrides[e[3]];
			m->noverrides += !o->present;
			o->present = 1;
			o->gsi = get32(e + 4);
			memcpy(&o->flags, e + 8, 2);
		}
		break;
	case MADT_LAPIC_ADDR:
		memcpy(&m->lapic_addr, e + 4, 8);
		break;
	}
}

int madt_parse(const void *table, size_t len, struct madt_info *out, const char **why)
{
	const uint8_t *t = table;
	memset(out, 0, sizeof(*out));
	if (len < MADT_HEAD_LEN) {
		*why = "table shorter than the 44-byte MADT head";
		return -EINVAL;
	}
	uint32_t total = get32(t + SDT_LENGTH_OFFSET);
	if (total < MADT_HEAD_LEN || total > len) {
		*why = total < MADT_HEAD_LEN ? "header length shorter than the MADT head"
		                             : "header length runs past the mapped table";
		return -EINVAL;
	}
	out->lapic_addr = get32(t + 36);
	out->flags = get32(t + 40);
	for (uint32_t off = MADT_HEAD_LEN; off < total;) {
		const uint8_t *e = t + off;
		if (total - off < 2 || e[1] > total - off) {
			*why = "an entry runs past the table's end";
			return -EINVAL;
		}
		if (e[1] < min_length(e[0])) {
			*why = "an entry is shorter than its type needs";
			return -EINVAL;
		}
		add_entry(out, e);
		off += e[1];
	}
	return 0;
}
