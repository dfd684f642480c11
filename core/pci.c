/*
 * PCI configuration space through the legacy 0xcf8/0xcfc ports (every PC and
 * QEMU machine has them), a brute-force scan of all buses at start-up, and
 * matching of found functions against the drivers' tables.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <arch/cpu.h>
#include <yolk/console.h>
#include <yolk/init.h>
#include <yolk/pci.h>
#include <yolk/spinlock.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc

#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CAP_PTR 0x34
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_BRIDGE_BUSES 0x18 /* primary, secondary, subordinate bus numbers */
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_CLASS_BRIDGE 0x06
#define PCI_SUBCLASS_PCI_BRIDGE 0x04

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define HEADER_MULTIFUNCTION 0x80

#define MAX_DEVICES 64

extern const struct pci_driver *const __start_yolk_pci_driver[], *const __stop_yolk_pci_driver[];

static struct pci_dev devices[MAX_DEVICES];
static int ndevices;

/* The address port then the data port: two accesses no other CPU or interrupt may split. */
static struct spinlock pci_config_lock = SPINLOCK_INIT("pci config", LOCK_RANK_PCI_CONFIG);

static void select_reg(const struct pci_dev *d, uint8_t off)
{
	KASSERT(spin_held(&pci_config_lock));
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 |
					 (uint32_t)d->fn << 8 | (off & 0xfc));
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
	int irq = spin_lock_irqsave(&pci_config_lock);
	select_reg(d, off);
	uint32_t v = inl(PCI_CONFIG_DATA);
	spin_unlock_irqrestore(&pci_config_lock, irq);
	return v;
}

uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
	return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_dev *d, uint8_t off)
{
	return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
	int irq = spin_lock_irqsave(&pci_config_lock);
	select_reg(d, off);
	outl(PCI_CONFIG_DATA, v);
	spin_unlock_irqrestore(&pci_config_lock, irq);
}

void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
	uint32_t old = pci_read32(d, off & 0xfc);
	int shift = (off & 2) * 8;
	pci_write32(d, off & 0xfc, (old & ~(0xffffu << shift)) | (uint32_t)v << shift);
}

int pci_bar(const struct pci_dev *d, int n, uint64_t *base, uint64_t *size, int *is_io)
{
	if (n < 0 || n > 5)
		return -EINVAL;
	uint8_t off = (uint8_t)(PCI_BAR0 + 4 * n);
	uint32_t lo = pci_read32(d, off);
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	/* Sizing a BAR means writing all ones to it: decoding must be off meanwhile. */
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	pci_write32(d, off, 0xffffffff);
	uint32_t mask = pci_read32(d, off);
	pci_write32(d, off, lo);
	*is_io = lo & 1;
	uint64_t b, m;
	if (*is_io) {
		b = lo & ~3u;
		m = mask & ~3u;
		m |= 0xffff0000u;
	} else {
		b = lo & ~15u;
		m = mask & ~15u;
		if ((lo & 6) == 4) { /* 64-bit BAR: the next one holds the high half */
			uint32_t hi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, 0xffffffff);
			uint32_t mhi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, hi);
			b |= (uint64_t)hi << 32;
			m |= (uint64_t)mhi << 32;
		} else {
			m |= 0xffffffff00000000ull;
		}
	}
	pci_write16(d, PCI_COMMAND, cmd);
	if ((m & 0xffffffff) == 0 || (lo == 0 && mask == 0))
		return -ENODEV;
	*base = b;
	*size = ~m + 1;
	return 0;
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after)
{
	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	uint8_t off = after ? pci_read8(d, after + 1) : pci_read8(d, PCI_CAP_PTR);
	/* At most 48 capabilities fit in the 192 bytes: more means a loop. */
	for (int n = 0; off >= 0x40 && n < 48; n++) {
		off &= 0xfc;
		if (pci_read8(d, off) == id)
			return off;
		off = pci_read8(d, off + 1);
	}
	return 0;
}

void pci_enable(const struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
					     PCI_COMMAND_MASTER);
}

void pci_foreach(void (*visit)(const struct pci_dev *d, void *arg), void *arg)
{
	for (int i = 0; i < ndevices; i++)
		visit(&devices[i], arg);
}

static int matches(const struct pci_driver *drv, const struct pci_dev *d)
{
	for (const struct pci_id *id = drv->ids; id->vendor || id->device; id++)
		if ((id->vendor == PCI_ANY || id->vendor == d->vendor) &&
		    (id->device == PCI_ANY || id->device == d->device))
			return 1;
	return 0;
}

/* The first matching driver whose probe succeeds takes d; -ENODEV from a probe means "not mine". */
static void probe(const struct pci_dev *d)
{
	for (const struct pci_driver *const *drv = __start_yolk_pci_driver; drv < __stop_yolk_pci_driver; drv++) {
		if (!matches(*drv, d))
			continue;
		int r = (*drv)->probe(d);
		if (r == 0) {
			klog(KLOG_INFO, "pci %02x:%02x.%x %04x:%04x: %s\n", d->bus, d->dev, d->fn, d->vendor,
			     d->device, (*drv)->name);
			return;
		}
		klog(r == -ENODEV ? KLOG_DEBUG : KLOG_WARN, "pci %02x:%02x.%x %04x:%04x: %s: %s\n", d->bus, d->dev,
		     d->fn, d->vendor, d->device, (*drv)->name, strerror(r < 0 ? -r : EIO));
	}
}

static void scan_bus(uint8_t bus, int depth);

/* Records one function; a PCI-to-PCI bridge leads to another bus. */
static void scan_function(uint8_t bus, uint8_t dev, uint8_t fn, int depth)
{
	struct pci_dev d = {.bus = bus, .dev = dev, .fn = fn};
	uint32_t id = pci_read32(&d, PCI_VENDOR_ID);
	if ((id & 0xffff) == 0xffff || ndevices == MAX_DEVICES)
		return;
	uint32_t cls = pci_read32(&d, PCI_CLASS_REVISION);
	d.vendor = id & 0xffff;
	d.device = id >> 16;
	d.class_code = cls >> 24;
	d.subclass = (cls >> 16) & 0xff;
	d.prog_if = (cls >> 8) & 0xff;
	d.irq_line = pci_read32(&d, PCI_INTERRUPT_LINE) & 0xff;
	devices[ndevices++] = d;
	if (d.class_code == PCI_CLASS_BRIDGE && d.subclass == PCI_SUBCLASS_PCI_BRIDGE && depth < 8)
		scan_bus((uint8_t)(pci_read32(&d, PCI_BRIDGE_BUSES) >> 8), depth + 1);
}

/* Walks the tree from bus 0 through bridges rather than probing all 256 buses. */
static void scan_bus(uint8_t bus, int depth)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		struct pci_dev d = {.bus = bus, .dev = dev, .fn = 0};
		if ((pci_read32(&d, PCI_VENDOR_ID) & 0xffff) == 0xffff)
			continue;
		int fns = (pci_read32(&d, PCI_HEADER_TYPE & 0xfc) >> 16) & HEADER_MULTIFUNCTION ? 8 : 1;
		for (uint8_t fn = 0; fn < fns; fn++)
			scan_function(bus, dev, fn, depth);
	}
}

static int pci_scan(void)
{
	scan_bus(0, 0);
	for (int i = 0; i < ndevices; i++)
		probe(&devices[i]);
	return 0;
}
YOLK_INIT(YOLK_INIT_BUS, pci_scan);
