/*
 * Virtio network cards (virtio spec 1.2, section 5.1) as network devices
 * (include/yolk/netdev.h). Every frame in either direction is preceded by
 * a 12-byte struct virtio_net_hdr; as no offloads are negotiated it is all
 * zeros on transmit and ignored on receive, so each frame is one buffer of
 * header + frame. Buffers are 2 KiB halves of pages allocated once:
 *
 *   receive   the ring is kept full; the interrupt mutes itself and wakes
 *             the queue's receive thread, which hands frames to netdev_rx()
 *             (the stack copies them), gives each buffer straight back and
 *             notifies the device once per batch.
 *   transmit  the frame is copied into a free buffer; completed ones are
 *             reclaimed on the next transmit (the queue never interrupts);
 *             none free is -ENOBUFS (the stack sends it again at its
 *             next poll or receive batch). The device is notified once per
 *             burst (the stack's flush), or every TX_KICK_BATCH frames, and
 *             early in a burst that follows an idle CPU (vnet_tx_early).
 *
 * Multiqueue (VIRTIO_NET_F_MQ, issue 19): a card that offers several
 * receive/transmit queue pairs gets one per online CPU (at most its
 * max_virtqueue_pairs), enabled with VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET on the
 * control queue. Pair i's receive interrupt has an MSI-X entry of its own
 * routed to CPU i, where its receive thread is pinned; a frame is sent on
 * the pair of the CPU that sends it. The device steers each received flow
 * to a pair (QEMU's tap: the pair its last frame was sent on). The stack
 * still sees one device. Without MQ, MSI-X entries to spare, or with one
 * CPU, there is one pair, as before.
 *
 * VIRTIO_NET_F_MRG_RXBUF is not negotiated: without large receive offloads
 * a frame never exceeds one 2 KiB buffer, so merging buffers would gain
 * nothing. Link changes (VIRTIO_NET_F_STATUS) arrive as configuration
 * interrupts and reach the stack from pair 0's receive thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arch/layout.h>
#include <yolk/console.h>
#include <yolk/cpu.h>
#include <yolk/irq.h>
#include <yolk/mm.h>
#include <yolk/netdev.h>
#include <yolk/pci.h>
#include <yolk/sched.h>
#include <yolk/spinlock.h>
#include <yolk/time.h>
#include <yolk/virtio.h>
#include <yolk/waitq.h>

#define VNET_F_MAC (1ull << 5)
#define VNET_F_STATUS (1ull << 16)
#define VNET_F_CTRL_VQ (1ull << 17)
#define VNET_F_MQ (1ull << 22)

/* Device configuration (struct virtio_net_config). */
#define CFG_MAC 0
#define CFG_STATUS 6
#define CFG_MAX_PAIRS 8
#define STATUS_LINK_UP 1

/* Control queue commands (5.1.6.5). */
#define CTRL_MQ 4
#define CTRL_MQ_VQ_PAIRS_SET 0
#define CTRL_OK 0
#define CTRL_WAIT_NS 1000000000ull /* QEMU answers within the notifying write */

#define PAIRS_MAX 8 /* CONFIG_MAX_CPUS' default; more CPUs share pairs */
#define QUEUE_MAX 256
#define HDR_LEN 12 /* struct virtio_net_hdr with num_buffers (always, in virtio 1.x) */
#define BUF_SIZE 2048
#define MTU 1500
#define RX_BUDGET 32 /* frames handed over before other threads (lwIP's) get a turn */
#define TX_KICK_BATCH 32 /* frames queued before the device is notified without waiting for a flush */
#define TX_KICK_EARLY 8  /* frames of a burst after an idle CPU before the device is notified */

struct vnet_buf {
	uint8_t *data; /* header, then the frame */
	uint64_t pa;
};

struct vnet;

/* One receive/transmit queue pair (queues 2i and 2i+1). */
struct vnet_pair {
	struct vnet *v;
	unsigned index;
	int cpu;     /* where its interrupt and receive thread go; -1: anywhere (one pair) */
	int vector;  /* its own MSI-X vector, or -1: it interrupts on entry 0 */
	struct virtq rxq, txq;
	struct vnet_buf rx[QUEUE_MAX], tx[QUEUE_MAX];
	struct vnet_buf *tx_free[QUEUE_MAX];
	unsigned ntx_free;
	unsigned tx_unkicked;    /* frames queued since the last notify (vnet_flush) */
	unsigned tx_burst;       /* frames queued since the last flush */
	uint64_t tx_idle_seen;   /* sched_idle_count() at the flush that ended the last burst */
	struct spinlock tx_lock; /* tx_*: senders on several CPUs may pick one pair */
	struct waitq rx_wait;    /* the receive thread, between batches */
	struct spinlock rx_lock; /* rx_wait, the rx interrupt's on/off (pair 0: config_changed too) */
};

struct vnet {
	struct netdev nd;
	struct virtio_dev vdev;
	struct vnet_pair *pairs;
	unsigned npairs;
	uint8_t pair_of_cpu[PAIRS_MAX];
	volatile int config_changed; /* set by the interrupt, cleared by pair 0's thread */
};

/* A pair's receive interrupt: mute it and let the thread drain. */
static void vnet_pair_interrupt(void *arg)
{
	struct vnet_pair *p = arg;
	spin_lock(&p->rx_lock);
	virtq_irq_off(&p->rxq);
	waitq_wake_one(&p->rx_wait);
	spin_unlock(&p->rx_lock);
}

/* Entry 0 (or the one INTx/MSI interrupt): every pair without a vector of its own. */
static void vnet_interrupt(void *arg)
{
	struct vnet *v = arg;
	for (unsigned i = 0; i < v->npairs; i++)
		if (v->pairs[i].vector < 0 || i == 0)
			vnet_pair_interrupt(&v->pairs[i]);
}

static void vnet_config_interrupt(void *arg)
{
	struct vnet *v = arg;
	spin_lock(&v->pairs[0].rx_lock);
	v->config_changed = 1;
	waitq_wake_one(&v->pairs[0].rx_wait);
	spin_unlock(&v->pairs[0].rx_lock);
}

/* 1 if the link is up (always, for a card that cannot tell). */
static int vnet_link_up(struct vnet *v)
{
	if (!(v->vdev.features & VNET_F_STATUS))
		return 1;
	return (virtio_cfg16(&v->vdev, CFG_STATUS) & STATUS_LINK_UP) != 0;
}

/* Reads the link state for the stack. Pair 0's receive thread. */
static void vnet_link(struct vnet *v)
{
	v->config_changed = 0;
	netdev_set_link(&v->nd, vnet_link_up(v));
}

/* Hands up to `budget` received frames to the stack and gives their buffers back. */
static unsigned vnet_rx_drain(struct vnet_pair *p, unsigned budget)
{
	struct vnet_buf *b;
	uint32_t len;
	unsigned n = 0;
	while (n < budget && (b = virtq_pop(&p->rxq, &len)) != NULL) {
		if (len > HDR_LEN && len <= BUF_SIZE)
			netdev_rx(&p->v->nd, b->data + HDR_LEN, len - HDR_LEN);
		else
			__atomic_fetch_add(&p->v->nd.rx_dropped, 1, __ATOMIC_RELAXED);
		struct virtq_buf vb = {b->pa, BUF_SIZE, 1};
		virtq_queue(&p->rxq, &vb, 1, b); /* cannot fail: its descriptor was just freed */
		n++;
	}
	if (n) {
		virtq_kick(&p->rxq);
		netdev_rx_done(&p->v->nd);
	}
	return n;
}

/*
 * A pair's receive thread: drains with the interrupt muted, a budget at a
 * time (yielding in between so lwIP's thread can take the frames), and
 * sleeps once the queue is empty with the interrupt on again.
 */
static void *vnet_rx_thread(void *arg)
{
	struct vnet_pair *p = arg;
	struct vnet *v = p->v;
	int watch_config = p->index == 0;
	for (;;) {
		unsigned n = vnet_rx_drain(p, RX_BUDGET);
		if (watch_config && v->config_changed)
			vnet_link(v);
		if (n == RX_BUDGET) {
			thread_yield();
			continue;
		}
		int on = spin_lock_irqsave(&p->rx_lock);
		if (!(watch_config && v->config_changed) && !virtq_irq_on(&p->rxq))
			waitq_wait(&p->rx_wait, &p->rx_lock, WAIT_FOREVER);
		virtq_irq_off(&p->rxq);
		spin_unlock_irqrestore(&p->rx_lock, on);
	}
	return NULL;
}

/* Fills a pair's receive ring and starts its thread (on its CPU, if it has one). */
static int vnet_pair_open(struct vnet_pair *p)
{
	for (unsigned i = 0; i < p->rxq.size; i++) {
		struct virtq_buf vb = {p->rx[i].pa, BUF_SIZE, 1};
		virtq_queue(&p->rxq, &vb, 1, &p->rx[i]);
	}
	virtq_irq_off(&p->rxq); /* the thread turns it on when it first runs dry */
	virtq_kick(&p->rxq);
	char name[THREAD_NAME_MAX];
	if (p->index == 0)
		snprintf(name, sizeof(name), "%s-rx", p->v->nd.name);
	else
		snprintf(name, sizeof(name), "%s-rx%u", p->v->nd.name, p->index);
	struct thread *t = thread_create(name, vnet_rx_thread, p, THREAD_PRIO_HIGH, 0);
	if (t == NULL)
		return -ENOMEM;
	if (p->cpu >= 0)
		thread_set_affinity(t, 1ull << p->cpu);
	return 0;
}

/* The stack is attached: fill the receive rings and start the threads. */
static int vnet_open(struct netdev *nd)
{
	struct vnet *v = nd->priv;
	v->config_changed = 1; /* read the link state once at start */
	for (unsigned i = 0; i < v->npairs; i++) {
		int r = vnet_pair_open(&v->pairs[i]);
		if (r)
			return r;
	}
	return 0;
}

/* Takes back the buffers the device has sent. tx_lock held. */
static void vnet_tx_reclaim(struct vnet_pair *p)
{
	struct vnet_buf *b;
	while ((b = virtq_pop(&p->txq, NULL)) != NULL)
		p->tx_free[p->ntx_free++] = b;
}

/* The pair of the CPU the caller runs on (it may move on: the pair's tx_lock covers that). */
static struct vnet_pair *vnet_tx_pair(struct vnet *v)
{
	if (v->npairs == 1)
		return &v->pairs[0];
	return &v->pairs[v->pair_of_cpu[sched_this_cpu() % PAIRS_MAX]];
}

/* Notifies the device of the frames queued since the last notify. tx_lock held. */
static void vnet_tx_tell(struct vnet_pair *p)
{
	if (p->tx_unkicked) {
		virtq_kick(&p->txq);
		p->tx_unkicked = 0;
	}
}

/*
 * Whether to notify the device in the middle of a burst, after its first
 * TX_KICK_EARLY frames: when the CPU went idle since the last burst. Then
 * the guest is waiting for the network (keep-alive clients, a few at a
 * time), and the device (QEMU's I/O thread, on another host CPU) sends the
 * first frames while the rest are made. A CPU that never idles is the
 * bottleneck itself: a notify is a trapped write, and the earlier answers
 * only bring the next requests in among the rest of this burst. Measured
 * (1 CPU, TCG, TAP, wrk keep-alive): c = 16 went from 31-34k to 36-42k
 * req/s, while notifying early in every burst cost c = 256 from 46-54k to
 * 38-44k; with this test the CPU had idled before 88 % of c = 16's bursts
 * and before 1 % of c = 256's. tx_lock held.
 */
static int vnet_tx_early(struct vnet_pair *p)
{
	return p->tx_burst == TX_KICK_EARLY && sched_idle_count() != p->tx_idle_seen;
}

static int vnet_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct vnet *v = nd->priv;
	if (len > BUF_SIZE - HDR_LEN)
		return -EMSGSIZE;
	struct vnet_pair *p = vnet_tx_pair(v);
	int on = spin_lock_irqsave(&p->tx_lock), r = -ENOBUFS;
	if (p->ntx_free == 0)
		vnet_tx_reclaim(p);
	if (p->ntx_free) {
		struct vnet_buf *b = p->tx_free[--p->ntx_free];
		memcpy(b->data + HDR_LEN, frame, len); /* the header stays all zeros */
		struct virtq_buf vb = {b->pa, (uint32_t)(HDR_LEN + len), 0};
		r = virtq_queue(&p->txq, &vb, 1, b);
		if (r < 0) {
			p->tx_free[p->ntx_free++] = b;
			r = -ENOBUFS;
		} else {
			p->tx_burst++;
			if (++p->tx_unkicked >= TX_KICK_BATCH || vnet_tx_early(p))
				vnet_tx_tell(p);
		}
	}
	if (r < 0) /* full: the device must hear of what waits */
		vnet_tx_tell(p);
	spin_unlock_irqrestore(&p->tx_lock, on);
	return r;
}

/*
 * One notify for every frame queued since the last: each is a trapped
 * register write, and under QEMU's TCG one that waits for the I/O thread's
 * lock (45% of a 1-CPU guest's time at 256 new connections at a time,
 * when each frame notified).
 */
static void vnet_flush(struct netdev *nd)
{
	struct vnet *v = nd->priv;
	for (unsigned i = 0; i < v->npairs; i++) {
		struct vnet_pair *p = &v->pairs[i];
		if (__atomic_load_n(&p->tx_burst, __ATOMIC_RELAXED) == 0) /* none queued since the last flush */
			continue;
		int on = spin_lock_irqsave(&p->tx_lock);
		p->tx_burst = 0;
		p->tx_idle_seen = sched_idle_count();
		vnet_tx_tell(p);
		spin_unlock_irqrestore(&p->tx_lock, on);
	}
}

static const struct netdev_ops vnet_ops = {
    .transmit = vnet_transmit,
    .flush = vnet_flush,
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

/*
 * How many pairs to use: one per online CPU, at most what the device has
 * (and PAIRS_MAX); pair i goes to the i-th online CPU.
 */
static unsigned vnet_plan_pairs(struct vnet *v)
{
	unsigned want = 1;
	if ((v->vdev.features & (VNET_F_MQ | VNET_F_CTRL_VQ)) == (VNET_F_MQ | VNET_F_CTRL_VQ)) {
		unsigned dev = virtio_cfg16(&v->vdev, CFG_MAX_PAIRS), cpus = cpu_count_online();
		want = dev < cpus ? dev : cpus;
		if (want > PAIRS_MAX)
			want = PAIRS_MAX;
		if (want == 0)
			want = 1;
	}
	return want;
}

/* The i-th online CPU. */
static int vnet_nth_cpu(unsigned i)
{
	for (unsigned c = 0, seen = 0; c < cpu_count_found(); c++)
		if (cpu_is_online(c) && seen++ == i)
			return (int)c;
	return 0;
}

/*
 * Pair i's queues, buffers and, with several pairs, its own MSI-X entry
 * (VIRTIO_MSIX_FREE + i - 1 for i >= 1; pair 0 keeps entry 0) routed to its
 * CPU. A pair that gets no entry of its own interrupts on entry 0.
 */
static int vnet_pair_setup(struct vnet *v, unsigned i)
{
	struct vnet_pair *p = &v->pairs[i];
	p->v = v;
	p->index = i;
	p->vector = -1;
	p->cpu = v->npairs > 1 ? vnet_nth_cpu(i) : -1;
	spin_init(&p->rx_lock, "virtio-net rx", LOCK_RANK_DRIVER);
	spin_init(&p->tx_lock, "virtio-net tx", LOCK_RANK_DRIVER);
	unsigned entry = 0;
	if (i > 0) {
		int vec = virtio_queue_irq(&v->vdev, VIRTIO_MSIX_FREE + i - 1, vnet_pair_interrupt, p);
		if (vec >= 0) {
			p->vector = vec;
			entry = VIRTIO_MSIX_FREE + i - 1;
		}
	} else if (v->npairs > 1 && v->vdev.irq_kind == PCI_IRQ_MSIX) {
		unsigned vec;
		if (pci_irq_vectors(v->vdev.pci, &vec, 1) == 1) /* the first: entry 0's */
			p->vector = (int)vec;
	}
	if (p->vector >= 0 && p->cpu >= 0)
		irq_set_affinity((unsigned)p->vector, (unsigned)p->cpu);
	int r = virtq_setup_on(&v->vdev, &p->rxq, 2 * i, QUEUE_MAX, entry);
	if (r == 0)
		r = virtq_setup_on(&v->vdev, &p->txq, 2 * i + 1, QUEUE_MAX, entry);
	if (r == 0)
		r = vnet_alloc_bufs(p->rx, p->rxq.size);
	if (r == 0)
		r = vnet_alloc_bufs(p->tx, p->txq.size);
	if (r)
		return r;
	for (unsigned k = 0; k < p->txq.size; k++)
		p->tx_free[k] = &p->tx[k];
	p->ntx_free = p->txq.size;
	virtq_irq_off(&p->txq); /* completions are reclaimed by transmit */
	return 0;
}

/*
 * Tells the device to use all pairs (VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET) and
 * waits for its answer, polling: the command is sent once, at start-up.
 * After DRIVER_OK. 0, or -EIO if the device refused or did not answer.
 */
static int vnet_set_pairs(struct vnet *v, struct virtq *ctrl)
{
	uint64_t pa = pmm_alloc();
	if (pa == 0)
		return -ENOMEM;
	uint8_t *cmd = phys_to_virt(pa);
	cmd[0] = CTRL_MQ;
	cmd[1] = CTRL_MQ_VQ_PAIRS_SET;
	cmd[2] = (uint8_t)v->npairs; /* le16 virtqueue_pairs */
	cmd[3] = (uint8_t)(v->npairs >> 8);
	cmd[8] = 0xff; /* the ack the device overwrites */
	struct virtq_buf bufs[3] = {{pa, 2, 0}, {pa + 2, 2, 0}, {pa + 8, 1, 1}};
	int r = virtq_add(ctrl, bufs, 3, cmd);
	uint64_t end = time_monotonic_ns() + CTRL_WAIT_NS;
	while (r == 0 && virtq_pop(ctrl, NULL) == NULL)
		if (time_monotonic_ns() > end)
			r = -EIO;
	if (r == 0 && __atomic_load_n(&cmd[8], __ATOMIC_ACQUIRE) != CTRL_OK)
		r = -EIO;
	/* The page stays: a device that did not answer may still write the ack. */
	return r;
}

/* Brings the card up: features, interrupts, every pair's queues and buffers, the control queue. */
static int vnet_start(struct vnet *v, const struct pci_dev *d, struct virtq *ctrl)
{
	int r = virtio_pci_init(&v->vdev, d);
	if (r == 0)
		r = virtio_negotiate(&v->vdev, VNET_F_MAC | VNET_F_STATUS | VNET_F_CTRL_VQ | VNET_F_MQ);
	if (r)
		return r;
	v->npairs = vnet_plan_pairs(v);
	v->pairs = calloc(v->npairs, sizeof(*v->pairs));
	if (v->pairs == NULL)
		return -ENOMEM;
	if (virtio_irq(&v->vdev, PCI_IRQ_ANY, vnet_interrupt, v) < 0)
		return -ENODEV;
	if (v->vdev.features & VNET_F_STATUS)
		r = virtio_config_irq(&v->vdev, vnet_config_interrupt, v);
	for (unsigned i = 0; r == 0 && i < v->npairs; i++)
		r = vnet_pair_setup(v, i);
	if (r == 0 && v->npairs > 1) {
		/* Queue 2N (N = max_virtqueue_pairs, as MQ is negotiated); answers are polled. */
		r = virtq_setup_on(&v->vdev, ctrl, 2 * virtio_cfg16(&v->vdev, CFG_MAX_PAIRS), 16, VIRTIO_NO_VECTOR);
		if (r == 0)
			virtq_irq_off(ctrl);
	}
	for (unsigned c = 0; c < PAIRS_MAX; c++) /* CPUs without a pair of their own share them */
		v->pair_of_cpu[c] = (uint8_t)(c % v->npairs);
	for (unsigned i = 0; i < v->npairs; i++)
		if (v->pairs[i].cpu >= 0 && v->pairs[i].cpu < PAIRS_MAX)
			v->pair_of_cpu[v->pairs[i].cpu] = (uint8_t)i;
	return r;
}

/* After DRIVER_OK: more than one pair is switched on, or the card falls back to pair 0. */
static void vnet_enable_pairs(struct vnet *v, struct virtq *ctrl)
{
	if (v->npairs == 1)
		return;
	if (vnet_set_pairs(v, ctrl) == 0)
		return;
	klog(KLOG_WARN, "virtio-net %02x:%02x.%x: the device refused %u queue pairs: using one\n",
	     v->vdev.pci->bus, v->vdev.pci->dev, v->vdev.pci->fn, v->npairs);
	v->npairs = 1;
	v->pairs[0].cpu = -1;
}

static int vnet_probe(const struct pci_dev *d)
{
	struct vnet *v = calloc(1, sizeof(*v));
	struct virtq *ctrl = calloc(1, sizeof(*ctrl));
	if (v == NULL || ctrl == NULL)
		return -ENOMEM;
	int r = vnet_start(v, d, ctrl);
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
	vnet_enable_pairs(v, ctrl);
	v->nd.mtu = MTU;
	v->nd.link_up = vnet_link_up(v);
	v->nd.ops = &vnet_ops;
	v->nd.priv = v;
	if (netdev_register(&v->nd))
		return -EEXIST;
	uint8_t *m = v->nd.mac;
	klog(KLOG_INFO, "virtio-net %s: %02x:%02x:%02x:%02x:%02x:%02x, %s, queues %u/%u, %u queue pair%s, link %s\n",
	     v->nd.name, m[0], m[1], m[2], m[3], m[4], m[5], pci_irq_name(v->vdev.irq_kind), v->pairs[0].rxq.size,
	     v->pairs[0].txq.size, v->npairs, v->npairs == 1 ? "" : "s", v->nd.link_up ? "up" : "down");
	return 0;
}

static const struct pci_id vnet_ids[] = {
    {VIRTIO_VENDOR, 0x1000}, /* transitional (QEMU's -nic model=virtio-net-pci) */
    {VIRTIO_VENDOR, 0x1041}, /* modern only (disable-legacy=on) */
    {0, 0},
};

static const struct pci_driver vnet_driver = {"virtio-net", vnet_ids, vnet_probe};
YOLK_PCI_DRIVER(vnet_driver);
