/*
 * ktest pciirq KIND N: PCI interrupts end to end on QEMU's "edu" test device
 * (-device edu, 1234:11e8), which raises an interrupt whenever its raise
 * register is written and lowers it when acknowledged, over MSI or INTx.
 * KIND (msix, msi, intx or any) limits what pci_irq_setup may choose; each
 * of the N interrupts must reach the handler exactly once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yolk/mm.h>
#include <yolk/pci.h>
#include "ktest.h"

#define EDU_STATUS 0x24 /* pending interrupt bits */
#define EDU_RAISE 0x60
#define EDU_ACK 0x64

static const struct pci_dev *edu;
static volatile uint32_t *regs;
static volatile unsigned handled, spurious;

static void find_edu(const struct pci_dev *d, void *arg)
{
	(void)arg;
	if (d->vendor == 0x1234 && d->device == 0x11e8)
		edu = d;
}

/* Interrupt context: acknowledge what the device raised (which lowers INTx). */
static void edu_interrupt(void *arg)
{
	(void)arg;
	uint32_t st = regs[EDU_STATUS / 4];
	if (st == 0) {
		spurious++;
		return;
	}
	regs[EDU_ACK / 4] = st;
	handled++;
}

static unsigned allowed(const char *kind)
{
	if (strcmp(kind, "msix") == 0)
		return PCI_IRQ_ALLOW(PCI_IRQ_MSIX);
	if (strcmp(kind, "msi") == 0)
		return PCI_IRQ_ALLOW(PCI_IRQ_MSI);
	if (strcmp(kind, "intx") == 0)
		return PCI_IRQ_ALLOW(PCI_IRQ_INTX);
	return PCI_IRQ_ANY;
}

int ktest_pciirq(int argc, char **argv)
{
	uint64_t base, size;
	int io;
	unsigned n = argc > 3 ? (unsigned)atoi(argv[3]) : 10, lost = 0;
	pci_foreach(find_edu, NULL);
	if (edu == NULL || pci_bar(edu, 0, &base, &size, &io) || io ||
	    (regs = vm_map_mmio(base, 4096)) == NULL) {
		printf("pciirq: no edu device\n");
		return 1;
	}
	pci_enable(edu);
	int kind = pci_irq_setup(edu, allowed(argc > 2 ? argv[2] : "any"), edu_interrupt, NULL);
	printf("pciirq kind=%s (%d)\n", pci_irq_name(kind), kind);
	for (unsigned i = 0; kind > 0 && i < n; i++) {
		regs[EDU_RAISE / 4] = 1u << (i % 8);
		struct timespec t0, t;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do /* the handler runs at once; a second is a generous bound */
			clock_gettime(CLOCK_MONOTONIC, &t);
		while (handled <= i && t.tv_sec - t0.tv_sec < 2);
		lost += handled <= i;
		if (handled <= i)
			handled = i + 1;
	}
	printf("pciirq raised=%u handled=%u lost=%u\n", n, handled, lost);
	return kind > 0 && lost == 0 ? 0 : 1;
}
