/*
 * PCI: core scans the buses once at start-up and hands each function to the
 * first registered driver whose match table names its vendor/device.
 */
#ifndef YOLK_PCI_H
#define YOLK_PCI_H

#include <stdint.h>

#define PCI_ANY 0xffff

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if;
	uint8_t irq_line;
};

struct pci_id {
	uint16_t vendor, device; /* PCI_ANY matches any */
};

struct pci_driver {
	const char *name;
	const struct pci_id *ids; /* ends with {0, 0} */
	int (*probe)(const struct pci_dev *dev); /* 0 if it took the device; -ENODEV: not ours; else -errno (logged) */
};

/* The explicit alignment stops GCC padding entries, which would leave holes in the table. */
#define YOLK_PCI_DRIVER(var)                                                                  \
	static const struct pci_driver *const pci_driver_entry_##var                         \
		__attribute__((used, aligned(sizeof(void *)), section(".yolk_pci_driver"))) = &(var)

uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
uint8_t pci_read8(const struct pci_dev *d, uint8_t off);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);

/*
 * BAR n: its base address (I/O port or physical memory), size in bytes, and
 * whether it is I/O space. Returns 0, -ENODEV if the BAR is not implemented, or -EINVAL if n is not 0..5.
 */
int pci_bar(const struct pci_dev *d, int n, uint64_t *base, uint64_t *size, int *is_io);

/*
 * The offset of the capability with this id (PCI_CAP_*) in configuration
 * space, 0 if there is none. after = 0 finds the first; passing a found
 * offset finds the next one with the same id (virtio has several).
 */
#define PCI_CAP_MSI 0x05
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_MSIX 0x11
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t after);

/* Turns on memory and I/O decoding and bus mastering. */
void pci_enable(const struct pci_dev *d);

/* Calls visit for every function found (for lspci-like listings). */
void pci_foreach(void (*visit)(const struct pci_dev *d, void *arg), void *arg);

/*
 * Interrupts (core/pci_irq.c). pci_irq_setup() gives the device one
 * interrupt, trying the kinds in `allow` from best to worst: MSI-X (entry 0
 * of its table), MSI (one message), then INTx (its interrupt line through
 * the I/O APIC, level-triggered, possibly shared with other devices: the
 * handler must check whether its device asked and quiet it, e.g. by reading
 * an interrupt status register). The kernel parameter pci_irq=intx|msi|msix
 * caps the kind for every device (to test the INTx path, or for broken MSI).
 * handler runs in interrupt context, interrupts off: it takes the driver's
 * spinlocks with spin_lock() (not the irqsave form) and may wake threads
 * (waitq_wake_one, holding the lock those threads wait with), never sleep
 * or take a kmutex. Returns the kind set up, or -ENODEV (no usable interrupt) or
 * -ENOSPC (no vector left).
 */
#define PCI_IRQ_INTX 1
#define PCI_IRQ_MSI 2
#define PCI_IRQ_MSIX 3
#define PCI_IRQ_ALLOW(kind) (1u << (kind))
#define PCI_IRQ_ANY (PCI_IRQ_ALLOW(PCI_IRQ_INTX) | PCI_IRQ_ALLOW(PCI_IRQ_MSI) | PCI_IRQ_ALLOW(PCI_IRQ_MSIX))
int pci_irq_setup(const struct pci_dev *d, unsigned allow, void (*handler)(void *arg), void *arg);

/*
 * Another entry of the MSI-X table of a device pci_irq_setup() gave MSI-X:
 * its own vector and handler (same rules), for devices that tell interrupt
 * sources apart by entry (virtio's configuration changes, virtio-net's
 * queue pairs). Returns its vector (> 0: for irq_set_affinity()), -ENODEV
 * (no MSI-X, or the table has no such entry) or -ENOSPC (no vector left).
 */
int pci_irq_add_msix(const struct pci_dev *d, unsigned entry, void (*handler)(void *arg), void *arg);

/*
 * The vectors function d's interrupts arrive on (for irq_set_affinity() and
 * irq_count(), yolk/irq.h), at most max, in the order they were set up (the
 * first is pci_irq_setup()'s); returns how many.
 */
int pci_irq_vectors(const struct pci_dev *d, unsigned *vectors, int max);

/* "INTx", "MSI", "MSI-X" for messages. */
const char *pci_irq_name(int kind);

#endif
