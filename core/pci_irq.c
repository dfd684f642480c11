/*
 * Interrupts for PCI devices: MSI-X, MSI, or the legacy INTx line through the
 * I/O APIC. Message-signalled interrupts get a vector each and go straight
 * to this CPU's local APIC; INTx lines are level-triggered and may be
 * shared, so one vector per line calls every handler on it.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <yolk/console.h>
#include <yolk/mm.h>
#include <yolk/param.h>
#include <yolk/pci.h>
#include <yolk/spinlock.h>

#define PCI_COMMAND 0x04
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_INTERRUPT_PIN 0x3d

#define MSI_ADDRESS_BASE 0xfee00000u /* + destination APIC id << 12 */
#define MSI_CTRL_ENABLE 0x1
#define MSI_CTRL_MME_MASK 0x70 /* multiple message enable: 0 = one vector */
#define MSI_CTRL_64BIT 0x80

#define MSIX_CTRL_ENABLE 0x8000
#define MSIX_CTRL_FUNCTION_MASK 0x4000
#define MSIX_CTRL_TABLE_SIZE 0x7ff /* entries - 1 */
#define MSIX_ENTRY_SIZE 16
#define MSIX_ENTRY_CTRL_MASKED 0x1

#define MAX_HANDLERS 32

struct handler {
	void (*fn)(void *arg);
	void *arg;
	int line; /* INTx: the interrupt line it shares; -1 for MSI/MSI-X */
};

/*
 * pci_irq_lock protects the table's growth and line_vector. Entries are
 * only ever added, each complete before nhandlers counts it (a release
 * store), so the interrupt side reads them without the lock.
 */
static struct spinlock pci_irq_lock = SPINLOCK_INIT("pci irq", LOCK_RANK_PCI_IRQ);
static struct handler handlers[MAX_HANDLERS];
static int nhandlers;
static int line_vector[256]; /* INTx line -> vector, 0 if not routed yet */
static int max_kind = PCI_IRQ_MSIX;

static const char *param_pci_irq(const char *v)
{
	static const char *const names[] = {"intx", "msi", "msix"};
	for (int k = 0; k < 3; k++)
		if (strcmp(v, names[k]) == 0) {
			max_kind = k + 1;
			return NULL;
		}
	return "expected intx, msi or msix";
}
YOLK_PARAM(pci_irq, param_pci_irq);

const char *pci_irq_name(int kind)
{
	return kind == PCI_IRQ_MSIX   ? "MSI-X"
	       : kind == PCI_IRQ_MSI  ? "MSI"
	       : kind == PCI_IRQ_INTX ? "INTx"
	                              : "none";
}

static void msi_entry(struct trap_frame *tf, void *arg)
{
	struct handler *h = arg;
	(void)tf;
	h->fn(h->arg);
}

static void intx_entry(struct trap_frame *tf, void *arg)
{
	int line = (int)(uintptr_t)arg, n = __atomic_load_n(&nhandlers, __ATOMIC_ACQUIRE);
	(void)tf;
	for (int i = 0; i < n; i++)
		if (handlers[i].line == line)
			handlers[i].fn(handlers[i].arg);
}

static void set_intx_disable(const struct pci_dev *d, int off)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, off ? cmd | PCI_COMMAND_INTX_DISABLE : cmd & ~PCI_COMMAND_INTX_DISABLE);
}

/* Programs MSI-X table entry `entry` to send `vector` to this CPU and unmasks it. 0 or -errno. */
static int msix_entry(const struct pci_dev *d, uint8_t cap, unsigned entry, unsigned vector)
{
	uint64_t base, size;
	int io;
	uint32_t table = pci_read32(d, cap + 4), off = (table & ~7u) + entry * MSIX_ENTRY_SIZE;
	if (entry > (pci_read16(d, cap + 2) & MSIX_CTRL_TABLE_SIZE) ||
	    pci_bar(d, table & 7, &base, &size, &io) || io || off + MSIX_ENTRY_SIZE > size)
		return -ENODEV;
	volatile uint32_t *e = vm_map_mmio(base + off, MSIX_ENTRY_SIZE);
	if (e == NULL)
		return -ENOMEM;
	e[0] = MSI_ADDRESS_BASE | lapic_id() << 12;
	e[1] = 0;
	e[2] = vector; /* fixed delivery, edge */
	e[3] = e[3] & ~MSIX_ENTRY_CTRL_MASKED;
	return 0;
}

/* Entry 0 of the MSI-X table sends `vector` to this CPU; the others stay masked. */
static int msix_setup(const struct pci_dev *d, unsigned vector)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	if (cap == 0)
		return -ENODEV;
	uint16_t ctrl = pci_read16(d, cap + 2);
	pci_write16(d, cap + 2, ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_FUNCTION_MASK);
	int r = msix_entry(d, cap, 0, vector);
	if (r) {
		pci_write16(d, cap + 2, ctrl);
		return r;
	}
	set_intx_disable(d, 1);
	pci_write16(d, cap + 2, (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FUNCTION_MASK);
	return 0;
}

static int msi_setup(const struct pci_dev *d, unsigned vector)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSI, 0);
	if (cap == 0)
		return -ENODEV;
	uint16_t ctrl = pci_read16(d, cap + 2);
	pci_write32(d, cap + 4, MSI_ADDRESS_BASE | lapic_id() << 12);
	if (ctrl & MSI_CTRL_64BIT) {
		pci_write32(d, cap + 8, 0);
		pci_write16(d, cap + 12, (uint16_t)vector);
	} else {
		pci_write16(d, cap + 8, (uint16_t)vector);
	}
	set_intx_disable(d, 1);
	pci_write16(d, cap + 2, (ctrl & ~MSI_CTRL_MME_MASK) | MSI_CTRL_ENABLE);
	return 0;
}

/* Routes the device's line once per line; later devices on it share the vector. pci_irq_lock held. */
static int intx_setup(const struct pci_dev *d, struct handler *h)
{
	KASSERT(spin_held(&pci_irq_lock));
	uint8_t line = d->irq_line;
	if (pci_read8(d, PCI_INTERRUPT_PIN) == 0 || line == 0 || line == 0xff)
		return -ENODEV;
	if (line_vector[line] == 0) {
		int v = irq_alloc_vector();
		if (v < 0)
			return -ENOSPC;
		irq_register((unsigned)v, intx_entry, (void *)(uintptr_t)line);
		if (ioapic_route(line, (unsigned)v, IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW) < 0) {
			irq_register((unsigned)v, NULL, NULL);
			return -ENODEV;
		}
		line_vector[line] = v;
	}
	h->line = line;
	set_intx_disable(d, 0);
	return 0;
}

/* Tries one kind; on success the handler slot is live. */
static int try_kind(const struct pci_dev *d, int kind, struct handler *h)
{
	if (kind == PCI_IRQ_INTX)
		return intx_setup(d, h);
	int v = irq_alloc_vector();
	if (v < 0)
		return -ENOSPC;
	irq_register((unsigned)v, msi_entry, h);
	int r = kind == PCI_IRQ_MSIX ? msix_setup(d, (unsigned)v) : msi_setup(d, (unsigned)v);
	if (r)
		irq_register((unsigned)v, NULL, NULL);
	return r;
}

int pci_irq_setup(const struct pci_dev *d, unsigned allow, void (*fn)(void *arg), void *arg)
{
	int on = spin_lock_irqsave(&pci_irq_lock), r = -ENODEV;
	if (nhandlers == MAX_HANDLERS) {
		spin_unlock_irqrestore(&pci_irq_lock, on);
		return -ENOSPC;
	}
	struct handler *h = &handlers[nhandlers];
	*h = (struct handler){fn, arg, -1};
	for (int kind = max_kind; kind >= PCI_IRQ_INTX; kind--) {
		if (!(allow & PCI_IRQ_ALLOW(kind)) || (r = try_kind(d, kind, h)) != 0)
			continue;
		__atomic_store_n(&nhandlers, nhandlers + 1, __ATOMIC_RELEASE);
		spin_unlock_irqrestore(&pci_irq_lock, on);
		klog(KLOG_INFO, "pci %02x:%02x.%x: %s interrupt\n", d->bus, d->dev, d->fn,
		     pci_irq_name(kind));
		return kind;
	}
	spin_unlock_irqrestore(&pci_irq_lock, on);
	return r;
}

int pci_irq_add_msix(const struct pci_dev *d, unsigned entry, void (*fn)(void *arg), void *arg)
{
	uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	if (cap == 0 || !(pci_read16(d, cap + 2) & MSIX_CTRL_ENABLE) || entry == 0)
		return -ENODEV;
	int on = spin_lock_irqsave(&pci_irq_lock), v = nhandlers == MAX_HANDLERS ? -ENOSPC : irq_alloc_vector(), r = -ENOSPC;
	if (v >= 0) {
		struct handler *h = &handlers[nhandlers];
		*h = (struct handler){fn, arg, -1};
		irq_register((unsigned)v, msi_entry, h);
		r = msix_entry(d, cap, entry, (unsigned)v);
		if (r)
			irq_register((unsigned)v, NULL, NULL);
		else
			__atomic_store_n(&nhandlers, nhandlers + 1, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&pci_irq_lock, on);
	return r;
}
