/*
 * Virtio network cards (virtio spec 1.2, section 5.1) as network devices
 * (include/yolk/netdev.h). Every frame in either direction is preceded by
 * a 12-byte struct virtio_net_hdr; as no offloads are negotiated it is all
 * zeros on transmit and ignored on receive, so each frame is one buffer of
 * header + frame. Buffers are 2 KiB halves of pages allocated once:
 *
 *   receive   the ring is kept full; the interrupt mutes itself and wakes
 *             the card's receive thread, which hands frames to netdev_rx()
 *             (the stack copies them), gives each buffer straight back and
 *             notifies the device once per batch.
 *   transmit  the frame is copied into a free buffer; completed ones are
 *             reclaimed on the next transmit (the queue never interrupts);
 *             none free is -ENOBUFS.
 *
 * VIRTIO_NET_F_MRG_RXBUF is not negotiated: without large receive offloads
 * a frame never exceeds one 2 KiB buffer, so merging buffers would gain
 * nothing. Link changes (VIRTIO_NET_F_STATUS) arrive as configuration
 * interrupts and reach the stack from the receive thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arch/layout.h>
#include <yolk/console.h>
#include <yolk/mm.h>
#include <yolk/netdev.h>
#include <yolk/pci.h>
#include <yolk/sched.h>
#include <yolk/spinlock.h>
#include <yolk/virtio.h>
#include <yolk/waitq.h>

#define VNET_F_MAC (1ull << 5)
#define VNET_F_STATUS (1ull << 16)

/* Device configuration (struct virtio_net_config). */
#define CFG_MAC 0
#define CFG_STATUS 6
#define STATUS_LINK_UP 1

#define QUEUE_RX 0
#define QUEUE_TX 1
#define QUEUE_MAX 256
#define HDR_LEN 12 /* struct virtio_net_hdr with num_buffers (always, in virtio 1.x) */
#define BUF_SIZE 2048
#define MTU 1500
#define RX_BUDGET 32 /* frames handed over before other threads (lwIP's) get a turn */

struct vnet_buf {
	uint8_t *data; /* header, then the frame */
	uint64_t pa;
};

struct vnet {
	struct netdev nd;
	struct virtio_dev vdev;
	struct virtq rxq, txq;
	struct vnet_buf rx[QUEUE_MAX], tx[QUEUE_MAX];
	struct vnet_buf *tx_free[QUEUE_MAX]; /* touched by transmit only: the stack serializes it */
	unsigned ntx_free;
	struct waitq rx_wait;        /* the receive thread, between batches */
	volatile int config_changed; /* set by the interrupt, cleared by the thread */
	struct spinlock rx_lock;     /* rx_wait, config_changed and the rx interrupt's on/off */
};

/* The receive queue's interrupt: mute it and let the thread drain. */
static void vnet_interrupt(void *arg)
{
	struct vnet *v = arg;
	spin_lock(&v->rx_lock);
	virtq_irq_off(&v->rxq);
	waitq_wake_one(&v->rx_wait);
	spin_unlock(&v->rx_lock);
}

static void vnet_config_interrupt(void *arg)
{
	struct vnet *v = arg;
	spin_lock(&v->rx_lock);
	v->config_changed = 1;
	waitq_wake_one(&v->rx_wait);
	spin_unlock(&v->rx_lock);
}

/* 1 if the link is up (always, for a card that cannot tell). */
static int vnet_link_up(struct vnet *v)
{
	if (!(v->vdev.features & VNET_F_STATUS))
		return 1;
	return (virtio_cfg16(&v->vdev, CFG_STATUS) & STATUS_LINK_UP) != 0;
}

/* Reads the link state for the stack. Receive thread. */
static void vnet_link(struct vnet *v)
{
	v->config_changed = 0;
	netdev_set_link(&v->nd, vnet_link_up(v));
}

/* Hands up to `budget` received frames to the stack and gives their buffers back. */
static unsigned vnet_rx_drain(struct vnet *v, unsigned budget)
{
	struct vnet_buf *b;
	uint32_t len;
	unsigned n = 0;
	while (n < budget && (b = virtq_pop(&v->rxq, &len)) != NULL) {
		if (len > HDR_LEN && len <= BUF_SIZE)
			netdev_rx(&v->nd, b->data + HDR_LEN, len - HDR_LEN);
		else
			v->nd.rx_dropped++;
		struct virtq_buf vb = {b->pa, BUF_SIZE, 1};
		virtq_queue(&v->rxq, &vb, 1, b); /* cannot fail: its descriptor was just freed */
		n++;
	}
	if (n)
		virtq_kick(&v->rxq);
	return n;
}

/*
 * The receive thread: drains with the interrupt muted, a budget at a time
 * (yielding in between so lwIP's thread can take the frames), and sleeps
 * once the queue is empty with the interrupt on again.
 */
static void *vnet_rx_thread(void *arg)
{
	struct vnet *v = arg;
	for (;;) {
		unsigned n = vnet_rx_drain(v, RX_BUDGET);
		if (v->config_changed)
			vnet_link(v);
		if (n == RX_BUDGET) {
			thread_yield();
			continue;
		}
		int on = spin_lock_irqsave(&v->rx_lock);
		if (!v->config_changed && !virtq_irq_on(&v->rxq))
			waitq_wait(&v->rx_wait, &v->rx_lock, WAIT_FOREVER);
		virtq_irq_off(&v->rxq);
		spin_unlock_irqrestore(&v->rx_lock, on);
	}
	return NULL;
}

/* The stack is attached: fill the receive ring and start the thread. */
static int vnet_open(struct netdev *nd)
{
	struct vnet *v = nd->priv;
	for (unsigned i = 0; i < v->rxq.size; i++) {
		struct virtq_buf vb = {v->rx[i].pa, BUF_SIZE, 1};
		virtq_queue(&v->rxq, &vb, 1, &v->rx[i]);
	}
	virtq_irq_off(&v->rxq); /* the thread turns it on when it first runs dry */
	virtq_kick(&v->rxq);
	char name[THREAD_NAME_MAX];
	snprintf(name, sizeof(name), "%s-rx", nd->name);
	v->config_changed = 1; /* read the link state once at start */
	return thread_create(name, vnet_rx_thread, v, THREAD_PRIO_HIGH, 0) ? 0 : -ENOMEM;
}

/* Takes back the buffers the device has sent. */
static void vnet_tx_reclaim(struct vnet *v)
{
	struct vnet_buf *b;
	while ((b = virtq_pop(&v->txq, NULL)) != NULL)
		v->tx_free[v->ntx_free++] = b;
}

static int vnet_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct vnet *v = nd->priv;
	if (len > BUF_SIZE - HDR_LEN)
		return -EMSGSIZE;
	if (v->ntx_free == 0)
		vnet_tx_reclaim(v);
	if (v->ntx_free == 0)
		return -ENOBUFS;
	struct vnet_buf *b = v->tx_free[--v->ntx_free];
	memcpy(b->data + HDR_LEN, frame, len); /* the header stays all zeros */
	struct virtq_buf vb = {b->pa, (uint32_t)(HDR_LEN + len), 0};
	if (virtq_add(&v->txq, &vb, 1, b) < 0) {
		v->tx_free[v->ntx_free++] = b;
		return -ENOBUFS;
	}
	return 0;
}

static const struct netdev_ops vnet_ops = {
    .transmit = vnet_transmit,
    .open = vnet_open,
};

/* n buffers of BUF_SIZE, two per page, zeroed (so transmit headers are all zeros). 0 or -ENOMEM. */
static int vnet_alloc_bufs(struct vnet_buf *bufs, unsigned n)
{
	for (unsigned i = 0; i < n; i += PAGE_SIZE / BUF_SIZE) {
		uint64_t pa = pmm_alloc();
		if (pa == 0)
			return -ENOMEM;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		uint8_t *page = phys_to_virt(pa);
		for (unsigned k = 0; k < PAGE_SIZE / BUF_SIZE && i + k < n; k++)
			bufs[i + k] = (struct vnet_buf){page + k * BUF_SIZE, pa + k * BUF_SIZE};
	}
	return 0;
}

/* The card's MAC address, or a random locally administered one if it has none. */
static void vnet_mac(struct vnet *v)
{
	if (v->vdev.features & VNET_F_MAC) {
		for (unsigned i = 0; i < 6; i++)
			v->nd.mac[i] = virtio_cfg8(&v->vdev, CFG_MAC + i);
		return;
	}
	getentropy(v->nd.mac, sizeof(v->nd.mac));
	v->nd.mac[0] = (uint8_t)((v->nd.mac[0] & ~1u) | 2u); /* unicast, locally administered */
}

/* Brings the card up: features, interrupts, both queues and their buffers. */
static int vnet_start(struct vnet *v, const struct pci_dev *d)
{
	int r = virtio_pci_init(&v->vdev, d);
	if (r == 0)
		r = virtio_negotiate(&v->vdev, VNET_F_MAC | VNET_F_STATUS);
	if (r == 0)
		r = virtio_irq(&v->vdev, PCI_IRQ_ANY, vnet_interrupt, v) < 0 ? -ENODEV : 0;
	if (r == 0 && (v->vdev.features & VNET_F_STATUS))
		r = virtio_config_irq(&v->vdev, vnet_config_interrupt, v);
	if (r == 0)
		r = virtq_setup(&v->vdev, &v->rxq, QUEUE_RX, QUEUE_MAX);
	if (r == 0)
		r = virtq_setup(&v->vdev, &v->txq, QUEUE_TX, QUEUE_MAX);
	if (r == 0)
		r = vnet_alloc_bufs(v->rx, v->rxq.size);
	if (r == 0)
		r = vnet_alloc_bufs(v->tx, v->txq.size);
	if (r)
		return r;
	for (unsigned i = 0; i < v->txq.size; i++)
		v->tx_free[i] = &v->tx[i];
	v->ntx_free = v->txq.size;
	virtq_irq_off(&v->txq); /* completions are reclaimed by transmit */
	return 0;
}

static int vnet_probe(const struct pci_dev *d)
{
	struct vnet *v = calloc(1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	spin_init(&v->rx_lock, "virtio-net rx", LOCK_RANK_DRIVER);
	int r = vnet_start(v, d);
	if (r) {
		/* v stays allocated: an interrupt handler may already point at it. */
		if (v->vdev.common)
			virtio_fail(&v->vdev);
		klog(KLOG_WARN, "virtio-net %02x:%02x.%x: cannot start (%s)\n", d->bus, d->dev, d->fn,
		     r == -ENOMEM     ? "out of memory"
		     : v->vdev.common ? "device refused setup"
		                      : "no virtio 1.0 interface: legacy-only device");
		return r < 0 ? r : -ENODEV;
	}
	vnet_mac(v);
	virtio_ready(&v->vdev);
	v->nd.mtu = MTU;
	v->nd.link_up = vnet_link_up(v);
	v->nd.ops = &vnet_ops;
	v->nd.priv = v;
	if (netdev_register(&v->nd))
		return -EEXIST;
	uint8_t *m = v->nd.mac;
	klog(KLOG_INFO, "virtio-net %s: %02x:%02x:%02x:%02x:%02x:%02x, %s, queues %u/%u, link %s\n",
	     v->nd.name, m[0], m[1], m[2], m[3], m[4], m[5], pci_irq_name(v->vdev.irq_kind), v->rxq.size,
	     v->txq.size, v->nd.link_up ? "up" : "down");
	return 0;
}

static const struct pci_id vnet_ids[] = {
    {VIRTIO_VENDOR, 0x1000}, /* transitional (QEMU's -nic model=virtio-net-pci) */
    {VIRTIO_VENDOR, 0x1041}, /* modern only (disable-legacy=on) */
    {0, 0},
};

static const struct pci_driver vnet_driver = {"virtio-net", vnet_ids, vnet_probe};
YOLK_PCI_DRIVER(vnet_driver);
