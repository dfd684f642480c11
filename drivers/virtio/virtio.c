/*
 * Virtio 1.x PCI transport and split virtqueues (virtio spec 1.2, sections
 * 2.7 and 4.1). Everything the device reads or writes lives in memory from
 * pmm (direct-mapped), so the rings' physical addresses are known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arch/layout.h>
#include <yolk/console.h>
#include <yolk/mm.h>
#include <yolk/spinlock.h>
#include <yolk/virtio.h>
#include "virtq_check.h"

/* Vendor capability types (struct virtio_pci_cap.cfg_type). */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4

/* Common configuration registers (struct virtio_pci_common_cfg). */
#define COMMON_DFSELECT 0
#define COMMON_DF 4
#define COMMON_GFSELECT 8
#define COMMON_GF 12
#define COMMON_MSIX 16
#define COMMON_STATUS 20
#define COMMON_Q_SELECT 22
#define COMMON_Q_SIZE 24
#define COMMON_Q_MSIX 26
#define COMMON_Q_ENABLE 28
#define COMMON_Q_NOFF 30
#define COMMON_Q_DESC 32
#define COMMON_Q_AVAIL 40
#define COMMON_Q_USED 48

#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8
#define STATUS_FAILED 0x80

#define NO_VECTOR VIRTIO_NO_VECTOR
#define RESET_SPINS 1000000 /* status reads; QEMU resets at once */
#define ISR_QUEUE 1
#define ISR_CONFIG 2
#define CONFIG_ENTRY 1 /* MSI-X entry for configuration changes; queues use entry 0 or their own */

#define DESC_F_NEXT VIRTQ_DESC_F_NEXT
#define DESC_F_WRITE VIRTQ_DESC_F_WRITE
#define USED_F_NO_NOTIFY 1
#define AVAIL_F_NO_INTERRUPT 1

#define reg8(v, off) (*(volatile uint8_t *)((v)->common + (off)))
#define reg16(v, off) (*(volatile uint16_t *)((v)->common + (off)))
#define reg32(v, off) (*(volatile uint32_t *)((v)->common + (off)))

static void reg64(struct virtio_dev *v, unsigned off, uint64_t val)
{
	reg32(v, off) = (uint32_t)val;
	reg32(v, off + 4) = (uint32_t)(val >> 32);
}

/* Maps the region a vendor capability at `cap` points to; NULL if it is not memory. */
static volatile uint8_t *map_cap(const struct pci_dev *d, uint8_t cap)
{
	uint64_t base, size;
	int io;
	uint8_t bar = pci_read8(d, cap + 4);
	uint32_t off = pci_read32(d, cap + 8), len = pci_read32(d, cap + 12);
	if (bar > 5 || pci_bar(d, bar, &base, &size, &io) || io || (uint64_t)off + len > size || len == 0)
		return NULL;
	return vm_map_mmio(base + off, len);
}

int virtio_pci_init(struct virtio_dev *v, const struct pci_dev *d)
{
	memset(v, 0, sizeof(*v));
	v->pci = d;
	for (uint8_t cap = pci_find_cap(d, PCI_CAP_VENDOR, 0); cap;
	     cap = pci_find_cap(d, PCI_CAP_VENDOR, cap)) {
		uint8_t type = pci_read8(d, cap + 3);
		volatile uint8_t **slot = type == CAP_COMMON   ? &v->common
		                          : type == CAP_NOTIFY ? &v->notify
		                          : type == CAP_ISR    ? &v->isr
		                          : type == CAP_DEVICE ? &v->device_cfg
		                                               : NULL;
		if (slot == NULL || *slot) /* several of a type: the first is preferred */
			continue;
		*slot = map_cap(d, cap);
		if (type == CAP_NOTIFY)
			v->notify_mul = pci_read32(d, cap + 16);
	}
	if (!v->common || !v->notify || !v->isr)
		return -ENODEV; /* a legacy-only device */
	pci_enable(d);
	reg8(v, COMMON_STATUS) = 0;
	for (int spins = 0; reg8(v, COMMON_STATUS) != 0; spins++) /* the reset is done when status reads 0 */
		if (spins == RESET_SPINS)
			return -ENODEV;
	reg8(v, COMMON_STATUS) = STATUS_ACKNOWLEDGE | STATUS_DRIVER;
	return 0;
}

int virtio_negotiate(struct virtio_dev *v, uint64_t wanted)
{
	uint64_t offered = 0;
	for (uint32_t half = 0; half < 2; half++) {
		reg32(v, COMMON_DFSELECT) = half;
		offered |= (uint64_t)reg32(v, COMMON_DF) << (32 * half);
	}
	if (!(offered & VIRTIO_F_VERSION_1))
		return -ENODEV;
	v->features = offered & (wanted | VIRTIO_F_VERSION_1);
	for (uint32_t half = 0; half < 2; half++) {
		reg32(v, COMMON_GFSELECT) = half;
		reg32(v, COMMON_GF) = (uint32_t)(v->features >> (32 * half));
	}
	reg8(v, COMMON_STATUS) |= STATUS_FEATURES_OK;
	return reg8(v, COMMON_STATUS) & STATUS_FEATURES_OK ? 0 : -ENODEV;
}

/*
 * On INTx or MSI (one interrupt, maybe shared) the ISR says what happened;
 * reading it lowers the line. With MSI-X, entry 0 is the queues' (and the
 * configuration's too if it could not have an entry of its own).
 */
static void virtio_interrupt(void *arg)
{
	struct virtio_dev *v = arg;
	uint8_t isr = v->irq_kind == PCI_IRQ_MSIX ? ISR_QUEUE | (v->config_shared ? ISR_CONFIG : 0) : *v->isr;
	if ((isr & ISR_CONFIG) && v->config_handler)
		v->config_handler(v->config_arg);
	if (isr & ISR_QUEUE)
		v->handler(v->handler_arg);
}

static void virtio_config_interrupt(void *arg)
{
	struct virtio_dev *v = arg;
	v->config_handler(v->config_arg);
}

int virtio_irq(struct virtio_dev *v, unsigned allow, void (*handler)(void *arg), void *arg)
{
	v->handler = handler;
	v->handler_arg = arg;
	int kind = pci_irq_setup(v->pci, allow, virtio_interrupt, v);
	if (kind < 0)
		return kind;
	v->irq_kind = kind;
	reg16(v, COMMON_MSIX) = NO_VECTOR; /* until virtio_config_irq() */
	return kind;
}

int virtio_config_irq(struct virtio_dev *v, void (*handler)(void *arg), void *arg)
{
	v->config_arg = arg;
	v->config_handler = handler;
	if (v->irq_kind != PCI_IRQ_MSIX)
		return 0;
	if (pci_irq_add_msix(v->pci, CONFIG_ENTRY, virtio_config_interrupt, v) >= 0) {
		reg16(v, COMMON_MSIX) = CONFIG_ENTRY;
		if (reg16(v, COMMON_MSIX) == CONFIG_ENTRY)
			return 0;
	}
	/* No spare entry (or the device refused it): share the queues' vector. */
	v->config_shared = 1;
	reg16(v, COMMON_MSIX) = 0;
	return reg16(v, COMMON_MSIX) == 0 ? 0 : -ENODEV;
}

static void free_list_init(struct virtq *q)
{
	for (uint16_t i = 0; i < q->size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->free_head = 0;
	q->nfree = q->size;
}

int virtio_queue_irq(struct virtio_dev *v, unsigned entry, void (*handler)(void *arg), void *arg)
{
	if (v->irq_kind != PCI_IRQ_MSIX || entry < VIRTIO_MSIX_FREE)
		return -ENODEV;
	return pci_irq_add_msix(v->pci, entry, handler, arg);
}

int virtq_setup(struct virtio_dev *v, struct virtq *q, unsigned index, unsigned max_size)
{
	return virtq_setup_on(v, q, index, max_size, 0);
}

int virtq_setup_on(struct virtio_dev *v, struct virtq *q, unsigned index, unsigned max_size, unsigned entry)
{
	reg16(v, COMMON_Q_SELECT) = (uint16_t)index;
	unsigned size = reg16(v, COMMON_Q_SIZE);
	if (size == 0)
		return -ENODEV;
	while (size > max_size)
		size /= 2;
	size_t desc_bytes = 16 * size, avail_bytes = 6 + 2 * size,
	       used_off = (desc_bytes + avail_bytes + 3) & ~3ul;
	size_t pages = (used_off + 6 + 8 * size + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t pa = pmm_alloc_contig(pages);
	q->cookie = calloc(size, sizeof(void *));
	if (pa == 0 || q->cookie == NULL)
		return -ENOMEM;
	uint8_t *mem = phys_to_virt(pa);
	memset(mem, 0, pages * PAGE_SIZE);
	q->dev = v;
	q->index = (uint16_t)index;
	q->size = (uint16_t)size;
	q->desc = (volatile struct virtq_desc *)mem;
	q->avail = (volatile uint16_t *)(mem + desc_bytes);
	q->used = (volatile uint32_t *)(mem + used_off);
	q->last_used = 0;
	q->broken = 0;
	spin_init(&q->lock, "virtqueue", LOCK_RANK_VIRTQ);
	free_list_init(q);
	reg16(v, COMMON_Q_SIZE) = (uint16_t)size;
	reg64(v, COMMON_Q_DESC, pa);
	reg64(v, COMMON_Q_AVAIL, pa + desc_bytes);
	reg64(v, COMMON_Q_USED, pa + used_off);
	if (v->irq_kind == PCI_IRQ_MSIX) {
		reg16(v, COMMON_Q_MSIX) = (uint16_t)entry;
		if (reg16(v, COMMON_Q_MSIX) != (uint16_t)entry)
			return -ENODEV; /* the device could not take the vector */
	}
	q->notify = (volatile uint16_t *)(v->notify + (size_t)reg16(v, COMMON_Q_NOFF) * v->notify_mul);
	reg16(v, COMMON_Q_ENABLE) = 1;
	return 0;
}

void virtio_ready(struct virtio_dev *v)
{
	reg8(v, COMMON_STATUS) |= STATUS_DRIVER_OK;
}

void virtio_fail(struct virtio_dev *v)
{
	reg8(v, COMMON_STATUS) |= STATUS_FAILED;
}

uint32_t virtio_cfg32(struct virtio_dev *v, unsigned off)
{
	return *(volatile uint32_t *)(v->device_cfg + off);
}

uint64_t virtio_cfg64(struct virtio_dev *v, unsigned off)
{
	return virtio_cfg32(v, off) | (uint64_t)virtio_cfg32(v, off + 4) << 32;
}

uint8_t virtio_cfg8(struct virtio_dev *v, unsigned off)
{
	return *(volatile uint8_t *)(v->device_cfg + off);
}

uint16_t virtio_cfg16(struct virtio_dev *v, unsigned off)
{
	return *(volatile uint16_t *)(v->device_cfg + off);
}

int virtq_queue(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *cookie)
{
	if (n == 0 || n > q->size || cookie == NULL)
		return -EINVAL;
	int on = spin_lock_irqsave(&q->lock);
	if (q->nfree < n) {
		spin_unlock_irqrestore(&q->lock, on);
		return -EAGAIN;
	}
	uint16_t head = q->free_head, i = head;
	for (unsigned k = 0; k < n; k++) {
		q->desc[i].addr = bufs[k].addr;
		q->desc[i].len = bufs[k].len;
		q->desc[i].flags =
		    (uint16_t)((bufs[k].device_writes ? DESC_F_WRITE : 0) | (k + 1 < n ? DESC_F_NEXT : 0));
		i = q->desc[i].next;
	}
	q->free_head = i;
	q->nfree = (uint16_t)(q->nfree - n);
	q->cookie[head] = cookie;
	uint16_t idx = q->avail[1];
	q->avail[2 + idx % q->size] = head;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the ring entry before the index the device reads */
	q->avail[1] = (uint16_t)(idx + 1);
	spin_unlock_irqrestore(&q->lock, on);
	return 0;
}

void virtq_kick(struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the index before the flags that say whether to notify */
	if (!(q->used[0] & USED_F_NO_NOTIFY))
		*q->notify = q->index;
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *cookie)
{
	int r = virtq_queue(q, bufs, n, cookie);
	if (r == 0)
		virtq_kick(q);
	return r;
}

int virtq_pending(struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !q->broken && (uint16_t)(q->used[0] >> 16) != q->last_used;
}

void virtq_irq_off(struct virtq *q)
{
	q->avail[0] = AVAIL_F_NO_INTERRUPT;
}

int virtq_irq_on(struct virtq *q)
{
	q->avail[0] = 0;
	return virtq_pending(q); /* the fence orders the flag before the index read */
}

/*
 * A device that reports a chain it was never given (or a length beyond it)
 * is broken or hostile: the queue stops (its requests never complete) and
 * the device is marked FAILED, rather than freeing a chain twice or handing
 * a driver bytes it never received. q->lock held.
 */
static void virtq_broken(struct virtq *q, uint32_t id, uint32_t len)
{
	KASSERT(spin_held(&q->lock));
	if (!q->broken)
		kprintf("yolk: virtio: queue %u: device reported used id %u len %u, not a queued chain: device failed\n",
		               q->index, id, len);
	q->broken = 1;
	virtio_fail(q->dev);
}

void *virtq_pop(struct virtq *q, uint32_t *len)
{
	int on = spin_lock_irqsave(&q->lock);
	if (q->broken || (uint16_t)(q->used[0] >> 16) == q->last_used) {
		spin_unlock_irqrestore(&q->lock, on);
		return NULL;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the index before the entry it covers */
	volatile uint32_t *e = &q->used[1 + 2 * (q->last_used % q->size)];
	uint32_t id = e[0], used_len = e[1];
	int n = virtq_used_check(q->desc, q->cookie, q->size, id, used_len);
	if (n < 0) {
		virtq_broken(q, id, used_len);
		spin_unlock_irqrestore(&q->lock, on);
		return NULL;
	}
	uint16_t head = (uint16_t)id, i = head;
	if (len)
		*len = used_len;
	q->last_used++;
	void *cookie = q->cookie[head];
	q->cookie[head] = NULL; /* not in flight any more: a second report of it is refused */
	/* Back on the free list: the chain's own links lead to its tail. */
	while (q->desc[i].flags & DESC_F_NEXT)
		i = q->desc[i].next;
	q->desc[i].next = q->free_head;
	q->free_head = head;
	q->nfree = (uint16_t)(q->nfree + n);
	spin_unlock_irqrestore(&q->lock, on);
	return cookie;
}
