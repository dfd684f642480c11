/*
 * ktest irqroute CPU [pio]: moves the first virtio-blk function's interrupts
 * to CPU (irq_set_affinity), then writes 64 KiB to its disk, reads it back
 * and compares, and prints which CPUs took the device's vectors meanwhile.
 * Then asks for a CPU that does not exist, which must be refused. For
 * tests/meson.build's irq-affinity cases (a scratch disk: snapshot=on).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/blkdev.h>
#include <yolk/cpu.h>
#include <yolk/irq.h>
#include <yolk/pci.h>
#include "ktest.h"

#define SECTORS 128 /* 64 KiB */
#define ROUNDS 8
#define MAX_VECTORS 8

static struct pci_dev blk_fn;
static int found;

static void find_blk(const struct pci_dev *d, void *arg)
{
	(void)arg;
	/* virtio-blk: transitional 0x1001 or modern 0x1042 */
	if (!found && d->vendor == 0x1af4 && (d->device == 0x1001 || d->device == 0x1042)) {
		blk_fn = *d;
		found = 1;
	}
}

static void first_blkdev(struct blkdev *d, void *arg)
{
	struct blkdev **out = arg;
	if (*out == NULL && d->disk == NULL)
		*out = d;
}

/* Interrupts each CPU has taken on the device's vectors. */
static void taken(const unsigned *vec, int nvec, uint64_t *per_cpu, unsigned ncpus)
{
	for (unsigned c = 0; c < ncpus; c++) {
		per_cpu[c] = 0;
		for (int i = 0; i < nvec; i++)
			per_cpu[c] += irq_count(c, vec[i]);
	}
}

int ktest_irqroute(int argc, char **argv)
{
	unsigned cpu = argc > 2 ? (unsigned)atoi(argv[2]) : 1, ncpus = cpu_count_found();
	unsigned vec[MAX_VECTORS];
	uint64_t before[64], after[64];
	struct blkdev *bd = NULL;
	pci_foreach(find_blk, NULL);
	blkdev_foreach(first_blkdev, &bd);
	if (!found || bd == NULL || ncpus > 64) {
		printf("FAIL irqroute: no virtio-blk disk\n");
		return 1;
	}
	int nvec = pci_irq_vectors(&blk_fn, vec, MAX_VECTORS);
	for (int i = 0; i < nvec; i++) {
		printf("irqroute: %s vector %u starts on cpu %d\n", bd->name, vec[i],
		       irq_get_affinity(vec[i]));
		int r = irq_set_affinity(vec[i], cpu);
		printf("irqroute: %s vector %u -> cpu %u: %s (now cpu %d)\n", bd->name, vec[i], cpu,
		       r ? strerror(-r) : "ok", irq_get_affinity(vec[i]));
		if (r)
			return 1;
	}
	uint8_t *out = malloc(SECTORS * 512), *in = malloc(SECTORS * 512);
	if (out == NULL || in == NULL || nvec == 0) {
		printf("FAIL irqroute: %d vectors, or no memory\n", nvec);
		return 1;
	}
	taken(vec, nvec, before, ncpus);
	int bad = 0;
	uint32_t seed = 12345;
	for (int round = 0; round < ROUNDS; round++) {
		for (size_t i = 0; i < SECTORS * 512; i++) {
			seed = seed * 1103515245u + 12345u;
			out[i] = (uint8_t)(seed >> 16);
		}
		uint64_t lba = (uint64_t)round * SECTORS;
		int w = blkdev_write(bd, lba, out, SECTORS), rd = blkdev_read(bd, lba, in, SECTORS);
		if (w < 0 || rd < 0 || memcmp(out, in, SECTORS * 512) != 0) {
			printf("FAIL irqroute: round %d lba %llu: write %d read %d, data %s\n", round,
			       (unsigned long long)lba, w, rd,
			       memcmp(out, in, SECTORS * 512) ? "differs" : "same");
			bad = 1;
		}
	}
	taken(vec, nvec, after, ncpus);
	if (!bad)
		printf("irqroute: %d x %d KiB written and read back exactly\n", ROUNDS, SECTORS / 2);
	printf("irqroute: interrupts taken:");
	for (unsigned c = 0; c < ncpus; c++)
		printf(" cpu%u %llu", c, (unsigned long long)(after[c] - before[c]));
	printf("\n");
	for (unsigned c = 0; c < ncpus; c++)
		if ((c == cpu) != (after[c] > before[c])) {
			printf("FAIL irqroute: cpu %u took %llu of the device's interrupts\n", c,
			       (unsigned long long)(after[c] - before[c]));
			bad = 1;
		}
	unsigned nonexistent = ncpus + 5;
	int r = irq_set_affinity(vec[0], nonexistent);
	printf("irqroute: vector %u -> cpu %u: %s\n", vec[0], nonexistent, r ? strerror(-r) : "accepted");
	if (r != -EINVAL)
		bad = 1;
	free(out);
	free(in);
	printf("irqroute: %s\n", bad ? "FAIL" : "ok");
	return bad;
}
