/*
 * The I/O APIC, which turns device interrupt lines into messages to the
 * local APIC. Its address and the ISA interrupt source overrides come from
 * the ACPI MADT; without one, the PC default (one I/O APIC at 0xfec00000,
 * ISA IRQ n on pin n). Every pin starts masked; ioapic_route() opens one.
 * The 8259 PICs are masked by lapic_init(). Level-triggered pins are
 * re-armed by the LAPIC EOI that trap_dispatch() sends after the handler
 * (the LAPIC broadcasts it to the I/O APIC), so a handler must quiet its
 * device before returning.
 */
#include <stddef.h>
#include <string.h>
#include <arch/acpi.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <yolk/console.h>
#include <yolk/mm.h>

#define IOAPIC_DEFAULT_BASE 0xfec00000ull
#define IOREGSEL 0
#define IOWIN 4 /* in 32-bit words: offset 0x10 */
#define REG_VERSION 0x01
#define REG_REDTBL(pin) (0x10 + 2 * (pin))

#define RED_MASKED (1u << 16)
#define RED_LEVEL (1u << 15)
#define RED_ACTIVE_LOW (1u << 13)

#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MPS_POLARITY_MASK 0x3 /* MADT flags: 0 bus default, 1 high, 3 low */
#define MPS_TRIGGER_MASK 0xc  /* 0 bus default, 4 edge, 0xc level */

static volatile uint32_t *regs;
static unsigned gsi_base, npins;
static struct {
	uint8_t present;
	uint16_t flags;
	uint32_t gsi;
} overrides[16];

static uint32_t reg_read(unsigned r)
{
	regs[IOREGSEL] = r;
	return regs[IOWIN];
}

static void reg_write(unsigned r, uint32_t v)
{
	regs[IOREGSEL] = r;
	regs[IOWIN] = v;
}

/* Takes the first I/O APIC (the one serving GSI 0 on a PC) and the ISA overrides. */
static uint64_t madt_parse(void)
{
	const struct acpi_header *madt = acpi_find_table("APIC");
	uint64_t base = 0;
	if (madt == NULL)
		return IOAPIC_DEFAULT_BASE;
	const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + 8,
	              *end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == MADT_IOAPIC && p[1] >= 12 && base == 0) {
			uint32_t addr;
			memcpy(&addr, p + 4, 4);
			memcpy(&gsi_base, p + 8, 4);
			base = addr;
		} else if (p[0] == MADT_OVERRIDE && p[1] >= 10 && p[3] < 16) {
			overrides[p[3]].present = 1;
			memcpy(&overrides[p[3]].gsi, p + 4, 4);
			memcpy(&overrides[p[3]].flags, p + 8, 2);
		}
	}
	return base ? base : IOAPIC_DEFAULT_BASE;
}

static int ioapic_init(void)
{
	if (regs)
		return 0;
	uint64_t base = madt_parse();
	regs = vm_map_mmio(base, 0x20);
	if (regs == NULL)
		return -1;
	npins = ((reg_read(REG_VERSION) >> 16) & 0xff) + 1;
	for (unsigned pin = 0; pin < npins; pin++)
		reg_write(REG_REDTBL(pin), RED_MASKED);
	klog(KLOG_INFO, "ioapic at 0x%lx: GSI %u-%u\n", (unsigned long)base, gsi_base, gsi_base + npins - 1);
	return 0;
}

/* The override's polarity and trigger where it names them, else the bus default. */
static unsigned apply_override(unsigned flags, uint16_t mps)
{
	if ((mps & MPS_POLARITY_MASK) == 1)
		flags &= ~IOAPIC_ACTIVE_LOW;
	else if ((mps & MPS_POLARITY_MASK) == 3)
		flags |= IOAPIC_ACTIVE_LOW;
	if ((mps & MPS_TRIGGER_MASK) == 4)
		flags &= ~IOAPIC_LEVEL;
	else if ((mps & MPS_TRIGGER_MASK) == 0xc)
		flags |= IOAPIC_LEVEL;
	return flags;
}

int ioapic_route(unsigned irq, unsigned vector, unsigned flags)
{
	int on = irq_save();
	if (ioapic_init()) {
		irq_restore(on);
		return -1;
	}
	unsigned gsi = irq;
	if (irq < 16 && overrides[irq].present) {
		gsi = overrides[irq].gsi;
		flags = apply_override(flags, overrides[irq].flags);
	}
	if (gsi < gsi_base || gsi - gsi_base >= npins) {
		irq_restore(on);
		return -1;
	}
	uint32_t lo = vector | (flags & IOAPIC_LEVEL ? RED_LEVEL : 0) |
	              (flags & IOAPIC_ACTIVE_LOW ? RED_ACTIVE_LOW : 0);
	unsigned pin = gsi - gsi_base;
	reg_write(REG_REDTBL(pin) + 1, lapic_id() << 24); /* physical destination: this CPU */
	reg_write(REG_REDTBL(pin), lo);                   /* fixed delivery, unmasked */
	irq_restore(on);
	return (int)gsi;
}
