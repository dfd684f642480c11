/*
 * Virtio 1.x over PCI (the "modern" interface, which QEMU's transitional
 * devices 1af4:1000-103f also offer) with split virtqueues; the transport
 * shared by the virtio drivers (drivers/virtio). A driver's probe:
 *
 *   virtio_pci_init(v, pci)                 reset, find and map the capabilities
 *   virtio_negotiate(v, wanted)             features (VERSION_1 is added), FEATURES_OK
 *   virtio_irq(v, allow, handler, arg)      MSI-X or INTx (pci_irq_setup)
 *   virtio_config_irq(v, handler, arg)      optional: configuration changes
 *   virtq_setup(v, q, index, max_size)      each queue
 *   virtio_ready(v)                         DRIVER_OK: the device may now use the queues
 *
 * Buffers are given by physical address (vm_phys() for any kernel address).
 * virtq_add/virtq_queue/virtq_pop may be called from threads and from the
 * interrupt handler; each queue's own spinlock (rank "virtqueue" in
 * yolk/lock_order.h, inside a driver's lock) protects its ring. A driver that adds many buffers at once queues
 * them with virtq_queue() and notifies once with virtq_kick(); one that
 * drains a queue from a thread mutes its interrupts meanwhile
 * (virtq_irq_off/virtq_irq_on).
 */
#ifndef YOLK_VIRTIO_H
#define YOLK_VIRTIO_H

#include <stddef.h>
#include <stdint.h>
#include <yolk/pci.h>
#include <yolk/spinlock.h>

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_F_VERSION_1 (1ull << 32)

struct virtio_dev {
	const struct pci_dev *pci;
	volatile uint8_t *common, *isr, *device_cfg, *notify;
	uint32_t notify_mul;
	int irq_kind;      /* PCI_IRQ_*, once virtio_irq() succeeded */
	uint64_t features; /* negotiated */
	void (*handler)(void *arg);
	void *handler_arg;
	void (*config_handler)(void *arg); /* NULL: configuration changes are not watched */
	void *config_arg;
	int config_shared; /* MSI-X: configuration changes arrive on the queues' vector */
};

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct virtq {
	struct virtio_dev *dev;
	uint16_t index, size;
	volatile struct virtq_desc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[size] */
	volatile uint32_t *used;  /* flags|idx<<16, then {id, len} pairs */
	volatile uint16_t *notify;
	uint16_t free_head, nfree, last_used;
	int broken;    /* the device reported a used element it was never given */
	void **cookie; /* per head descriptor in flight: what virtq_pop returns; NULL when not */
	struct spinlock lock; /* the free list, the avail index, last_used, cookie[] (virtq_queue/virtq_pop) */
};

/* One buffer of a request: physical address, length, and whether the device writes it. */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
	int device_writes;
};

/* Resets the device and maps its common, notify, ISR and device configuration. 0 or -ENODEV. */
int virtio_pci_init(struct virtio_dev *v, const struct pci_dev *pci);
/* Accepts the device's features among `wanted` (plus VERSION_1, required). 0 or -ENODEV. */
int virtio_negotiate(struct virtio_dev *v, uint64_t wanted);
/* handler runs in interrupt context whenever a queue may have used buffers. Returns the kind or -errno. */
int virtio_irq(struct virtio_dev *v, unsigned allow, void (*handler)(void *arg), void *arg);
/*
 * handler (interrupt context) runs when the device configuration changed:
 * on its own MSI-X entry if the device has one to spare, else with the
 * queue interrupt (INTx: as the ISR says). Call after virtio_irq(), before
 * virtio_ready(). 0 or -ENODEV.
 */
int virtio_config_irq(struct virtio_dev *v, void (*handler)(void *arg), void *arg);
/* Queue `index` with at most max_size entries (a power of two). 0, -ENODEV or -ENOMEM. */
int virtq_setup(struct virtio_dev *v, struct virtq *q, unsigned index, unsigned max_size);

/*
 * Queues with interrupts of their own (virtio-net's queue pairs, one per
 * CPU): virtio_queue_irq() gives MSI-X entry `entry` (VIRTIO_MSIX_FREE or
 * above: 0 is virtio_irq()'s, 1 the configuration's) its own vector and
 * handler (same rules as virtio_irq's) and returns the vector, or -ENODEV
 * (no MSI-X, or no such entry) or -ENOSPC. virtq_setup_on() is
 * virtq_setup() with the queue's interrupts on MSI-X entry `entry`
 * (VIRTIO_NO_VECTOR: none at all); without MSI-X the entry is ignored.
 */
#define VIRTIO_MSIX_FREE 2
#define VIRTIO_NO_VECTOR 0xffff
int virtio_queue_irq(struct virtio_dev *v, unsigned entry, void (*handler)(void *arg), void *arg);
int virtq_setup_on(struct virtio_dev *v, struct virtq *q, unsigned index, unsigned max_size, unsigned entry);
void virtio_ready(struct virtio_dev *v);
/* Marks the device failed (after a setup error): it stops using our memory. */
void virtio_fail(struct virtio_dev *v);

/* Device configuration fields, read as the device has them (little-endian, x86). */
uint8_t virtio_cfg8(struct virtio_dev *v, unsigned off);
uint16_t virtio_cfg16(struct virtio_dev *v, unsigned off);
uint32_t virtio_cfg32(struct virtio_dev *v, unsigned off);
uint64_t virtio_cfg64(struct virtio_dev *v, unsigned off);

/*
 * Queues a chain of n buffers (those the device reads first) under `cookie`
 * and notifies the device. 0, or -EAGAIN if fewer than n descriptors are
 * free (wait for a completion and retry); -EINVAL if n exceeds the queue
 * or cookie is NULL (virtq_pop's "none").
 */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *cookie);
/* The same without notifying the device: queue several, then virtq_kick() once. */
int virtq_queue(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *cookie);
/* Notifies the device of queued buffers, unless it said it does not need to know. */
void virtq_kick(struct virtq *q);
/* 1 if the device has used buffers that virtq_pop has not returned yet. */
int virtq_pending(struct virtq *q);
/*
 * Asks the device not to interrupt for this queue (a hint: it still may),
 * e.g. while a thread drains it, and to interrupt again. virtq_irq_on
 * returns virtq_pending(): if 1, drain again rather than wait.
 */
void virtq_irq_off(struct virtq *q);
int virtq_irq_on(struct virtq *q);
/*
 * The cookie of the next used chain (its descriptors freed) and the bytes
 * the device wrote (never more than the chain's device-writable buffers);
 * NULL if none. A device that reports a chain it was not given, or more
 * bytes than it could write, is marked FAILED and the queue stops: NULL
 * from then on, and virtq_pending() is 0.
 */
void *virtq_pop(struct virtq *q, uint32_t *len);

#endif
