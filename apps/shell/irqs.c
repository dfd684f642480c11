/*
 * The shell's irqs: every PCI function's interrupt vectors, the CPU each is
 * routed to and how many each CPU has taken; `irqs VECTOR CPU` moves one
 * (irq_set_affinity, yolk/irq.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/cpu.h>
#include <yolk/irq.h>
#include <yolk/pci.h>
#include "shell.h"

static void show(const struct pci_dev *d, void *arg)
{
	unsigned vec[8];
	(void)arg;
	int n = pci_irq_vectors(d, vec, 8);
	for (int i = 0; i < n; i++) {
		printf("%02x:%02x.%x %04x:%04x vector %3u cpu %d:", d->bus, d->dev, d->fn, d->vendor,
		       d->device, vec[i], irq_get_affinity(vec[i]));
		for (unsigned c = 0; c < cpu_count_found(); c++)
			printf(" %llu", (unsigned long long)irq_count(c, vec[i]));
		printf("\n");
	}
}

int sh_irqs(int argc, char **argv)
{
	if (argc == 3) {
		char *e1, *e2;
		unsigned long v = strtoul(argv[1], &e1, 0), c = strtoul(argv[2], &e2, 0);
		int r = *e1 || *e2 ? -EINVAL : irq_set_affinity((unsigned)v, (unsigned)c);
		if (r) {
			printf("irqs: vector %s to cpu %s: %s\n", argv[1], argv[2],
			       r == -EINVAL ? "no such online CPU" : strerror(-r));
			return 1;
		}
		return 0;
	}
	if (argc != 1) {
		printf("usage: irqs [VECTOR CPU]\n");
		return 2;
	}
	printf("device interrupts: pci function, vector, routed to cpu, taken per cpu (0..%u)\n",
	       cpu_count_found() - 1);
	pci_foreach(show, NULL);
	return 0;
}
