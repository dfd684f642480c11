/*
 * Virtio block devices (virtio spec 1.2, section 5.2) as "vda", "vdb", ...
 * Each request is a descriptor chain: a header the device reads, the data
 * buffers (split at page boundaries, since only physical pages are
 * contiguous), and a status byte the device writes. Any number of threads
 * may have requests in flight: each waits on its own slot until the
 * used-ring interrupt marks it done.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <yolk/blkdev.h>
#include <yolk/console.h>
#include <yolk/mm.h>
#include <yolk/pci.h>
#include <yolk/sched.h>
#include <yolk/sync.h>
#include <yolk/time.h>
#include <yolk/virtio.h>
#include <yolk/spinlock.h>
#include <yolk/waitq.h>

#define VBLK_F_SIZE_MAX (1ull << 1)
#define VBLK_F_SEG_MAX (1ull << 2)
#define VBLK_F_RO (1ull << 5)
#define VBLK_F_BLK_SIZE (1ull << 6)
#define VBLK_F_FLUSH (1ull << 9)

/* Device configuration (struct virtio_blk_config). */
#define CFG_CAPACITY 0 /* in 512-byte sectors, whatever blk_size is */
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX 12
#define CFG_BLK_SIZE 20

#define REQ_IN 0
#define REQ_OUT 1
#define REQ_FLUSH 4
#define STATUS_OK 0
#define STATUS_UNSUPP 2

#define QUEUE_MAX 256
#define SLOTS 32    /* requests in flight per disk */
#define MAX_SEGS 64 /* data buffers per request (more are split into requests) */
#define TIMEOUT_NS (30 * 1000000000ull)
#define MAX_DISKS 26

struct vblk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
	uint8_t status; /* the device writes this, after the data */
} __attribute__((aligned(32)));

struct vblk_slot {
	volatile int done, abandoned, busy;
	uint32_t written;
	struct waitq wq;
	/*
	 * Held by the submitting thread while the device may still write into
	 * its buffers: a thread holding a lock is never killed (Ctrl-C), so it
	 * cannot exit and free a stack the device is writing to.
	 */
	struct kmutex inflight;
};

struct vblk {
	struct blkdev bd;
	struct virtio_dev vdev;
	struct virtq q;
	struct vblk_hdr *hdrs; /* SLOTS headers in one direct-mapped page */
	struct vblk_slot slots[SLOTS];
	struct waitq space; /* threads waiting for a slot or descriptors */
	struct spinlock lock; /* the slots and both kinds of wait queue; taken by the interrupt too */
	uint32_t size_max;  /* bytes per buffer */
	unsigned max_segs;
	unsigned sector_shift; /* blk_size = 512 << sector_shift */
};

static int ndisks;

/* The used-ring interrupt: completes requests and wakes their threads. */
static void vblk_interrupt(void *arg)
{
	struct vblk *v = arg;
	struct vblk_slot *s;
	uint32_t len;
	spin_lock(&v->lock);
	while ((s = virtq_pop(&v->q, &len)) != NULL) {
		s->written = len;
		s->done = 1;
		if (s->abandoned)
			s->busy = 0; /* its thread gave up: the slot is free again */
		else
			waitq_wake_one(&s->wq);
	}
	waitq_wake_all(&v->space);
	spin_unlock(&v->lock);
}

/*
 * Sleeps, v->lock held, until a wakeup on wq or the next interrupt. Before
 * the scheduler runs (or when this thread is being killed and so cannot
 * sleep) it halts until the next interrupt instead, with the lock let go
 * (the interrupt handler takes it).
 */
static int vblk_sleep(struct vblk *v, struct waitq *wq, uint64_t deadline)
{
	KASSERT(spin_held(&v->lock));
	if (time_monotonic_ns() >= deadline)
		return -ETIMEDOUT;
	if (!sched_running() || waitq_wait(wq, &v->lock, deadline) == -EINTR) {
		spin_unlock(&v->lock);
		cpu_idle();
		irq_disable();
		spin_lock(&v->lock);
	}
	return 0;
}

/* Sleeps until the interrupt handler sets *flag (v->lock held); -ETIMEDOUT at the deadline. */
static int vblk_wait(struct vblk *v, struct waitq *wq, volatile int *flag, uint64_t deadline)
{
	while (!*flag)
		if (vblk_sleep(v, wq, deadline))
			return -ETIMEDOUT;
	return 0;
}

/* A free request slot, v->lock held; -ETIMEDOUT if none frees up in time. */
static int slot_claim(struct vblk *v, uint64_t deadline)
{
	KASSERT(spin_held(&v->lock));
	for (;;) {
		for (int i = 0; i < SLOTS; i++)
			if (!v->slots[i].busy) {
				v->slots[i] = (struct vblk_slot){.busy = 1, .inflight = KMUTEX_INIT};
				kmutex_lock(&v->slots[i].inflight,
				            WAIT_FOREVER); /* a fresh mutex: never waits */
				return i;
			}
		if (vblk_sleep(v, &v->space, deadline))
			return -ETIMEDOUT;
	}
}

static int timed_out(struct vblk *v, const char *what)
{
	klog(KLOG_ERR, "virtio-blk %s: %s timed out after %llu s: the device does not answer\n", v->bd.name,
	     what, TIMEOUT_NS / 1000000000ull);
	return -EIO;
}

/*
 * Sends one request whose data buffers are segs[1..n] (segs[0] and
 * segs[n+1] are filled here: header and status) and waits for it.
 */
static int vblk_submit(struct vblk *v, uint32_t type, uint64_t lba, struct virtq_buf *segs, unsigned n)
{
	uint64_t deadline = time_monotonic_ns() + TIMEOUT_NS;
	int irq = spin_lock_irqsave(&v->lock), r, s = slot_claim(v, deadline);
	if (s < 0) {
		spin_unlock_irqrestore(&v->lock, irq);
		return timed_out(v, "waiting for a free request slot");
	}
	struct vblk_hdr *h = &v->hdrs[s];
	struct vblk_slot *slot = &v->slots[s];
	*h = (struct vblk_hdr){.type = type, .sector = lba << v->sector_shift, .status = 0xff};
	segs[0] = (struct virtq_buf){vm_phys(h), 16, 0};
	segs[n + 1] = (struct virtq_buf){vm_phys(&h->status), 1, 1};
	while ((r = virtq_add(&v->q, segs, n + 2, slot)) == -EAGAIN)
		if (vblk_sleep(v, &v->space, deadline)) {
			kmutex_unlock(&slot->inflight);
			slot->busy = 0;
			spin_unlock_irqrestore(&v->lock, irq);
			return timed_out(v, "waiting for free descriptors");
		}
	if (r == 0 && vblk_wait(v, &slot->wq, &slot->done, deadline)) {
		slot->abandoned = 1; /* the interrupt frees it if the device ever answers */
		kmutex_unlock(&slot->inflight);
		spin_unlock_irqrestore(&v->lock, irq);
		return timed_out(v, type == REQ_FLUSH ? "flush" : "request");
	}
	uint8_t status = h->status;
	kmutex_unlock(&slot->inflight);
	slot->busy = 0;
	waitq_wake_all(&v->space);
	spin_unlock_irqrestore(&v->lock, irq);
	if (r)
		return r;
	return status == STATUS_OK ? 0 : status == STATUS_UNSUPP ? -ENOTSUP : -EIO;
}

/* Where a vectored request has got to: iov[i], off bytes in. */
struct cursor {
	const struct blkdev_iov *iov;
	size_t n, i, off;
};

static void cursor_advance(struct cursor *c, size_t bytes)
{
	while (bytes && c->i < c->n) {
		size_t step = c->iov[c->i].len - c->off < bytes ? c->iov[c->i].len - c->off : bytes;
		c->off += step;
		bytes -= step;
		if (c->off == c->iov[c->i].len) {
			c->i++;
			c->off = 0;
		}
	}
	while (c->i < c->n && c->iov[c->i].len == 0)
		c->i++;
}

/* Trims the buffers' tail so they end on a sector boundary; returns the bytes kept. */
static size_t trim_to_sectors(struct virtq_buf *segs, unsigned *n, size_t total, size_t sector)
{
	size_t excess = total % sector;
	while (excess && *n) {
		struct virtq_buf *last = &segs[*n - 1];
		size_t cut = excess < last->len ? excess : last->len;
		last->len -= (uint32_t)cut;
		excess -= cut;
		total -= cut;
		if (last->len == 0)
			(*n)--;
	}
	return total;
}

/*
 * The data buffers of one request from the cursor: physically contiguous
 * pieces (merged across pages where memory allows, at most size_max
 * bytes), at most max_segs of them, a whole number of sectors. Returns how
 * many, 0 if the memory is not mapped.
 */
static unsigned build_segs(struct vblk *v, const struct cursor *c, struct virtq_buf *segs, int dev_writes,
                           size_t *bytes)
{
	unsigned n = 0;
	size_t total = 0, i = c->i, off = c->off;
	while (i < c->n && n < v->max_segs) {
		const uint8_t *p = (const uint8_t *)c->iov[i].base + off;
		size_t len = c->iov[i].len - off, in_page = PAGE_SIZE - (uintptr_t)p % PAGE_SIZE;
		uint64_t pa = vm_phys(p);
		if (len > in_page)
			len = in_page;
		if (pa == 0)
			return 0;
		struct virtq_buf *last = n ? &segs[n - 1] : NULL;
		if (last && last->addr + last->len == pa && last->len + len <= v->size_max) {
			last->len += (uint32_t)len;
		} else {
			len = len < v->size_max ? len : v->size_max;
			segs[n++] = (struct virtq_buf){pa, (uint32_t)len, dev_writes};
		}
		total += len;
		off += len;
		for (; i < c->n && off == c->iov[i].len; off = 0)
			i++;
	}
	*bytes = trim_to_sectors(segs, &n, total, v->bd.sector_size);
	return n;
}

static int vblk_rw(struct blkdev *d, int write, uint64_t lba, const struct blkdev_iov *iov, size_t n)
{
	struct vblk *v = d->priv;
	struct virtq_buf segs[MAX_SEGS + 2];
	struct cursor c = {iov, n, 0, 0};
	if (write && (v->vdev.features & VBLK_F_RO))
		return -EROFS;
	cursor_advance(&c, 0);
	while (c.i < c.n) {
		size_t bytes;
		unsigned k = build_segs(v, &c, segs + 1, !write, &bytes);
		if (k == 0)
			return -EFAULT;
		int r = vblk_submit(v, write ? REQ_OUT : REQ_IN, lba, segs, k);
		if (r)
			return r;
		lba += bytes / d->sector_size;
		cursor_advance(&c, bytes);
	}
	return 0;
}

static int vblk_readv(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n)
{
	return vblk_rw(d, 0, lba, iov, n);
}

static int vblk_writev(struct blkdev *d, uint64_t lba, const struct blkdev_iov *iov, size_t n)
{
	return vblk_rw(d, 1, lba, iov, n);
}

static int vblk_read(struct blkdev *d, uint64_t lba, void *buf, size_t count)
{
	struct blkdev_iov iov = {buf, count * d->sector_size};
	return vblk_rw(d, 0, lba, &iov, 1);
}

static int vblk_write(struct blkdev *d, uint64_t lba, const void *buf, size_t count)
{
	struct blkdev_iov iov = {(void *)buf, count * d->sector_size};
	return vblk_rw(d, 1, lba, &iov, 1);
}

/* Without VIRTIO_BLK_F_FLUSH the device writes through: nothing to do. */
static int vblk_flush(struct blkdev *d)
{
	struct vblk *v = d->priv;
	struct virtq_buf segs[2];
	if (!(v->vdev.features & VBLK_F_FLUSH))
		return 0;
	return vblk_submit(v, REQ_FLUSH, 0, segs, 0);
}

static const struct blkdev_ops vblk_ops = {
    .read = vblk_read,
    .write = vblk_write,
    .flush = vblk_flush,
    .readv = vblk_readv,
    .writev = vblk_writev,
};

/* Sizes and limits from the device configuration. */
static void vblk_config(struct vblk *v)
{
	uint64_t f = v->vdev.features;
	uint32_t blk = f & VBLK_F_BLK_SIZE ? virtio_cfg32(&v->vdev, CFG_BLK_SIZE) : 512;
	v->sector_shift = 0;
	while (blk >= 1024 && (512u << (v->sector_shift + 1)) <= blk && v->sector_shift < 3)
		v->sector_shift++;
	v->bd.sector_size = 512u << v->sector_shift;
	v->bd.sectors = virtio_cfg64(&v->vdev, CFG_CAPACITY) >> v->sector_shift;
	v->size_max = f & VBLK_F_SIZE_MAX ? virtio_cfg32(&v->vdev, CFG_SIZE_MAX) : 1u << 22;
	if (v->size_max < PAGE_SIZE)
		v->size_max =
		    PAGE_SIZE; /* pieces are split at pages anyway; a smaller limit is not honoured */
	v->max_segs = v->q.size - 2 < MAX_SEGS ? v->q.size - 2u : MAX_SEGS;
	if (f & VBLK_F_SEG_MAX && virtio_cfg32(&v->vdev, CFG_SEG_MAX) < v->max_segs)
		v->max_segs = virtio_cfg32(&v->vdev, CFG_SEG_MAX);
	if (v->max_segs == 0)
		v->max_segs = 1;
}

/* Brings the device up: features, interrupt, the one request queue. */
static int vblk_start(struct vblk *v, const struct pci_dev *d)
{
	int r = virtio_pci_init(&v->vdev, d);
	if (r == 0)
		r = virtio_negotiate(&v->vdev, VBLK_F_SIZE_MAX | VBLK_F_SEG_MAX | VBLK_F_RO |
		                                   VBLK_F_BLK_SIZE | VBLK_F_FLUSH);
	if (r == 0)
		r = virtio_irq(&v->vdev, PCI_IRQ_ANY, vblk_interrupt, v) < 0 ? -ENODEV : 0;
	if (r == 0)
		r = virtq_setup(&v->vdev, &v->q, 0, QUEUE_MAX);
	if (r == 0 && v->q.size < 3)
		r = -ENODEV;
	return r;
}

static int vblk_probe(const struct pci_dev *d)
{
	uint64_t hdr_page = pmm_alloc();
	struct vblk *v = calloc(1, sizeof(*v));
	if (ndisks == MAX_DISKS || v == NULL || hdr_page == 0) {
		free(v);
		if (hdr_page)
			pmm_free(hdr_page);
		return ndisks == MAX_DISKS ? -ENOSPC : -ENOMEM;
	}
	v->hdrs = phys_to_virt(hdr_page);
	spin_init(&v->lock, "virtio-blk", LOCK_RANK_DRIVER);
	int r = vblk_start(v, d);
	if (r) {
		/* v stays allocated: an interrupt handler may already point at it. */
		if (v->vdev.common)
			virtio_fail(&v->vdev);
		klog(KLOG_WARN, "virtio-blk %02x:%02x.%x: cannot start (%s)\n", d->bus, d->dev, d->fn,
		     v->vdev.common ? "device refused setup" : "no virtio 1.0 interface: legacy-only device");
		return -ENODEV;
	}
	vblk_config(v);
	virtio_ready(&v->vdev);
	v->bd.name[0] = 'v';
	v->bd.name[1] = 'd';
	v->bd.name[2] = (char)('a' + ndisks++);
	v->bd.ops = &vblk_ops;
	v->bd.priv = v;
	return blkdev_register(&v->bd) ? -1 : 0;
}

static const struct pci_id vblk_ids[] = {
    {VIRTIO_VENDOR, 0x1001}, /* transitional (QEMU's -drive if=virtio) */
    {VIRTIO_VENDOR, 0x1042}, /* modern only (disable-legacy=on) */
    {0, 0},
};

static const struct pci_driver vblk_driver = {"virtio-blk", vblk_ids, vblk_probe};
YOLK_PCI_DRIVER(vblk_driver);
