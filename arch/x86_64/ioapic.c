/*
 * The I/O APIC, which turns device interrupt lines into messages to the
 * local APIC. Its address and the ISA interrupt source overrides come from
 * the ACPI MADT; without one, the PC default (one I/O APIC at 0xfec00000,
 * ISA IRQ n on pin n). Every pin starts masked; ioapic_route() opens one.
 * The 8259 PICs are masked by lapic_init(). Level-triggered pins are
 * re-armed by the LAPIC EOI that trap_dispatch() sends after the handler
 * (the LAPIC broadcasts it to the I/O APIC), so a handler must quiet its
 * device before returning. Each entry names one destination CPU by APIC id
 * (physical mode); ioapic_set_dest() moves it (yolk/irq.h's affinity).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <arch/acpi.h>
#include <arch/cpu.h>
#include <arch/madt.h>
#include <arch/trap.h>
#include <yolk/console.h>
#include <yolk/mm.h>
#include <yolk/spinlock.h>

#define IOAPIC_DEFAULT_BASE 0xfec00000ull
#define IOREGSEL 0
#define IOWIN 4 /* in 32-bit words: offset 0x10 */
#define REG_VERSION 0x01
#define REG_REDTBL(pin) (0x10 + 2 * (pin))

#define RED_MASKED (1u << 16)
#define RED_LEVEL (1u << 15)
#define RED_ACTIVE_LOW (1u << 13)

#define MPS_POLARITY_MASK 0x3 /* MADT flags: 0 bus default, 1 high, 3 low */
#define MPS_TRIGGER_MASK 0xc  /* 0 bus default, 4 edge, 0xc level */

/* IOREGSEL then IOWIN is a pair: two CPUs routing at once would mix them up. */
static struct spinlock ioapic_lock = SPINLOCK_INIT("ioapic", LOCK_RANK_IOAPIC);
static volatile uint32_t *regs;
static unsigned gsi_base, npins;
static const struct madt_override *overrides; /* by ISA IRQ; NULL without a MADT */

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

/* The I/O APIC serving GSI 0 (the ISA IRQs on a PC), and the ISA overrides; 0 without a good MADT. */
static uint64_t madt_ioapic(void)
{
	const struct madt_info *madt = acpi_madt(NULL);
	if (madt == NULL || madt->nioapics == 0)
		return 0;
	const struct madt_ioapic *io = &madt->ioapics[0];
	for (unsigned i = 0; i < madt->nioapics; i++)
		if (madt->ioapics[i].gsi_base == 0)
			io = &madt->ioapics[i];
	gsi_base = io->gsi_base;
	overrides = madt->overrides;
	return io->addr;
}

static int ioapic_init(void)
{
	if (regs)
		return 0;
	uint64_t madt_base = madt_ioapic(), base = madt_base ? madt_base : IOAPIC_DEFAULT_BASE;
	regs = vm_map_mmio(base, 0x20);
	if (regs == NULL)
		return -ENOMEM;
	npins = ((reg_read(REG_VERSION) >> 16) & 0xff) + 1;
	for (unsigned pin = 0; pin < npins; pin++)
		reg_write(REG_REDTBL(pin), RED_MASKED);
	klog(KLOG_INFO, "ioapic at 0x%lx: GSI %u-%u, %s, %u ISA overrides\n", (unsigned long)base, gsi_base,
	     gsi_base + npins - 1, madt_base ? "from the ACPI MADT" : "default (no MADT)",
	     overrides ? acpi_madt(NULL)->noverrides : 0);
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

/* The pin serving ISA/PCI line irq (flags updated by its override), or -ENODEV. ioapic_lock held. */
static int find_pin(unsigned irq, unsigned *flags)
{
	unsigned gsi = irq;
	if (irq < MADT_ISA_IRQS && overrides && overrides[irq].present) {
		gsi = overrides[irq].gsi;
		*flags = apply_override(*flags, overrides[irq].flags);
	}
	if (gsi < gsi_base || gsi - gsi_base >= npins)
		return -ENODEV;
	return (int)(gsi - gsi_base);
}

int ioapic_route(unsigned irq, unsigned vector, unsigned flags, uint32_t apic_id)
{
	int on = spin_lock_irqsave(&ioapic_lock);
	int r = ioapic_init();
	if (r == 0)
		r = find_pin(irq, &flags);
	if (r < 0) {
		spin_unlock_irqrestore(&ioapic_lock, on);
		return r;
	}
	uint32_t lo = vector | (flags & IOAPIC_LEVEL ? RED_LEVEL : 0) |
	              (flags & IOAPIC_ACTIVE_LOW ? RED_ACTIVE_LOW : 0);
	unsigned pin = (unsigned)r;
	reg_write(REG_REDTBL(pin) + 1, apic_id << 24); /* physical destination */
	reg_write(REG_REDTBL(pin), lo);                /* fixed delivery, unmasked */
	spin_unlock_irqrestore(&ioapic_lock, on);
	return (int)(gsi_base + pin);
}

int ioapic_set_dest(unsigned irq, uint32_t apic_id)
{
	unsigned flags = 0;
	int on = spin_lock_irqsave(&ioapic_lock);
	int pin = regs ? find_pin(irq, &flags) : -ENODEV;
	if (pin >= 0) {
		/*
		 * Masked while the destination changes, so the entry is never
		 * half-written when the line asserts; a level line still asserted
		 * is delivered to the new CPU once unmasked.
		 */
		uint32_t lo = reg_read(REG_REDTBL(pin));
		reg_write(REG_REDTBL(pin), lo | RED_MASKED);
		reg_write(REG_REDTBL(pin) + 1, apic_id << 24);
		reg_write(REG_REDTBL(pin), lo);
	}
	spin_unlock_irqrestore(&ioapic_lock, on);
	return pin < 0 ? pin : 0;
}
