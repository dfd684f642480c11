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
	int (*probe)(const struct pci_dev *dev); /* 0 if it took the device */
};

/* The explicit alignment stops GCC padding entries, which would leave holes in the table. */
#define YOLK_PCI_DRIVER(var)                                                                  \
	static const struct pci_driver *const pci_driver_entry_##var                         \
		__attribute__((used, aligned(sizeof(void *)), section(".yolk_pci_driver"))) = &(var)

uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);

/*
 * BAR n: its base address (I/O port or physical memory), size in bytes, and
 * whether it is I/O space. Returns 0, or -1 if the BAR is not implemented.
 */
int pci_bar(const struct pci_dev *d, int n, uint64_t *base, uint64_t *size, int *is_io);

/* Turns on memory and I/O decoding and bus mastering. */
void pci_enable(const struct pci_dev *d);

/* Calls visit for every function found (for lspci-like listings). */
void pci_foreach(void (*visit)(const struct pci_dev *d, void *arg), void *arg);

#endif
