/*
 * Intel PRO/1000 network devices of the 8254x family (Intel's "PCI/PCI-X
 * Family of Gigabit Ethernet Controllers Software Developer's Manual",
 * 317453), and the 82574L used the same way: legacy descriptors, one
 * receive and one transmit queue, MSI or INTx.
 *
 * Both rings and their 2 KiB buffers are physically contiguous runs from
 * pmm, reached through the direct map, so a descriptor's buffer address is
 * the run's base plus 2 KiB times its index. Transmit copies the frame into
 * the next buffer, reclaims what the device has sent (DD) and moves the tail.
 * The interrupt handler only reads the cause (ICR) and wakes the receive
 * thread, masking receive interrupts until the thread has emptied the ring
 * (with ITR this bounds the interrupt rate under load); the thread hands
 * frames to the stack and gives the descriptors back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <yolk/console.h>
#include <yolk/mm.h>
#include <yolk/netdev.h>
#include <yolk/pci.h>
#include <yolk/sched.h>
#include <yolk/spinlock.h>
#include <yolk/time.h>
#include <yolk/waitq.h>
#include "e1000_rx.h"

/* Registers (byte offsets in BAR 0). */
#define REG_CTRL 0x0000
#define REG_STATUS 0x0008
#define REG_EERD 0x0014 /* EEPROM read (not on the 82544) */
#define REG_ICR 0x00c0  /* interrupt cause, cleared by reading */
#define REG_ITR 0x00c4  /* interrupt throttling: least interval, 256 ns units */
#define REG_IMS 0x00d0  /* interrupt mask set (enables causes) */
#define REG_IMC 0x00d8  /* interrupt mask clear */
#define REG_RCTL 0x0100
#define REG_TCTL 0x0400
#define REG_TIPG 0x0410
#define REG_RDBAL 0x2800
#define REG_RDBAH 0x2804
#define REG_RDLEN 0x2808
#define REG_RDH 0x2810
#define REG_RDT 0x2818
#define REG_RDTR 0x2820 /* receive delay timer */
#define REG_TDBAL 0x3800
#define REG_TDBAH 0x3804
#define REG_TDLEN 0x3808
#define REG_TDH 0x3810
#define REG_TDT 0x3818
#define REG_MTA 0x5200 /* multicast table: 128 words */
#define REG_RAL0 0x5400
#define REG_RAH0 0x5404

#define CTRL_ASDE (1u << 5)     /* auto-speed detection */
#define CTRL_SLU (1u << 6)      /* set link up */
#define CTRL_RST (1u << 26)     /* device reset, self-clearing */
#define CTRL_VME (1u << 30)     /* VLAN mode */
#define CTRL_PHY_RST (1u << 31) /* PHY reset */
#define STATUS_LU (1u << 1)     /* link up */
#define RAH_AV (1u << 31)       /* address valid */
#define EERD_START 1u

#define ICR_TXDW (1u << 0)   /* a descriptor with RS was written back */
#define ICR_LSC (1u << 2)    /* link status change */
#define ICR_RXDMT0 (1u << 4) /* free receive descriptors below the threshold */
#define ICR_RXO (1u << 6)    /* receiver overrun: a frame was dropped */
#define ICR_RXT0 (1u << 7)   /* a frame was received */
#define ICR_RX (ICR_RXT0 | ICR_RXDMT0 | ICR_RXO)

#define RCTL_EN (1u << 1)
#define RCTL_BAM (1u << 15)   /* accept broadcast */
#define RCTL_SECRC (1u << 26) /* strip the CRC */
/* BSIZE 00 with BSEX 0: 2048-byte buffers; RDMTS 00: RXDMT0 at half the ring free; MO 00. */

#define TCTL_EN (1u << 1)
#define TCTL_PSP (1u << 3)                     /* pad short packets to 64 bytes */
#define TCTL_CT (0x0fu << 4)                   /* collision threshold (manual: 0Fh) */
#define TCTL_COLD (0x40u << 12)                /* collision distance: full duplex */
#define TCTL_RTLC (1u << 24)                   /* retransmit on late collision */
#define TIPG_COPPER (8u | 8u << 10 | 6u << 20) /* IPGT, IPGR1, IPGR2 for copper */

/* 8000 interrupts a second at most: 125 us / 256 ns (QEMU enforces at least 500, 128 us). */
#define ITR_INTERVAL 488

#define RXD_DD E1000_RXD_DD
#define RXD_EOP E1000_RXD_EOP
#define TXD_EOP 0x01
#define TXD_IFCS 0x02 /* insert the CRC */
#define TXD_RS 0x08   /* report status: write DD back */
#define TXD_DD 0x01

/* Ring sizes: descriptors are 16 bytes, the ring length a multiple of 128. */
#define RX_RING 256
#define TX_RING 128
#define TX_TELL_BATCH 32      /* frames queued before TDT is written without waiting for a flush */
#define BUF_SIZE 2048
#define RX_BUDGET 64           /* frames per pass before the stack's thread gets a turn */
#define TX_WAIT_NS 10000000ull /* how long transmit waits for a full ring to drain */
#define RESET_WAIT_NS 10000000ull

struct rx_desc {
	uint64_t addr;
	uint16_t len, csum;
	uint8_t status, errors;
	uint16_t special;
};

struct tx_desc {
	uint64_t addr;
	uint16_t len;
	uint8_t cso, cmd, status, css;
	uint16_t special;
};

/* How a chip differs from the 82540EM. */
struct e1000_chip {
	uint16_t device;
	const char *name;
	uint32_t eerd_done;  /* EERD bit set when the word is read; 0: no EERD */
	unsigned eerd_shift; /* where the word address goes */
};

static const struct e1000_chip chips[] = {
    {0x100e, "82540EM", 1u << 4, 8},
    {0x100f, "82545EM", 1u << 4, 8},
    {0x100c, "82544GC", 0, 0},
    {0x10d3, "82574L", 1u << 1, 2},
};

struct e1000 {
	struct netdev nd;
	volatile uint8_t *regs;
	const struct e1000_chip *chip;
	volatile struct rx_desc *rx;
	volatile struct tx_desc *tx;
	uint64_t rx_bufs, tx_bufs;  /* physical base of the buffer runs */
	unsigned rx_next;           /* next descriptor the device fills */
	unsigned tx_tail, tx_clean; /* next free descriptor; oldest not reclaimed */
	unsigned tx_told;           /* the tail last written to TDT (e1000_flush) */
	int rx_discard;             /* inside a frame that did not fit one buffer */
	/* Shared with the interrupt handler: under lock. */
	struct spinlock lock;
	uint32_t icr;
	int rx_work;
	struct waitq rx_wq, tx_wq;
};

static uint32_t rd(const struct e1000 *e, unsigned reg)
{
	return *(volatile uint32_t *)(e->regs + reg);
}

static void wr(const struct e1000 *e, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(e->regs + reg) = v;
}

#define barrier() __asm__ volatile("" ::: "memory")

static void *rx_buf(const struct e1000 *e, unsigned i)
{
	return phys_to_virt(e->rx_bufs + (uint64_t)i * BUF_SIZE);
}

static void *tx_buf(const struct e1000 *e, unsigned i)
{
	return phys_to_virt(e->tx_bufs + (uint64_t)i * BUF_SIZE);
}

/* Interrupt context: note the causes, wake whoever handles them. */
static void e1000_interrupt(void *arg)
{
	struct e1000 *e = arg;
	uint32_t icr = rd(e, REG_ICR);
	if (!(icr & (ICR_RX | ICR_LSC | ICR_TXDW)))
		return; /* not ours (a shared INTx line), or a cause we do not use */
	spin_lock(&e->lock);
	if (icr & (ICR_RX | ICR_LSC)) {
		wr(e, REG_IMC, ICR_RX); /* the thread unmasks once the ring is empty */
		e->icr |= icr;
		e->rx_work = 1;
		waitq_wake_one(&e->rx_wq);
	}
	if (icr & ICR_TXDW)
		waitq_wake_all(&e->tx_wq);
	spin_unlock(&e->lock);
}

/* Hands up to budget received frames to the stack and gives their descriptors back; returns how many. */
static unsigned e1000_rx_poll(struct e1000 *e, unsigned budget)
{
	unsigned n = 0;
	while (n < budget) {
		volatile struct rx_desc *d = &e->rx[e->rx_next];
		uint8_t status = d->status;
		if (!(status & RXD_DD))
			break;
		barrier(); /* read the frame only after DD */
		uint16_t len = e1000_rx_frame_len(status, d->errors, d->len, e->rx_discard, BUF_SIZE);
		if (len == 0)
			e->nd.rx_dropped++;
		else
			netdev_rx(&e->nd, rx_buf(e, e->rx_next), len);
		e->rx_discard = !(status & RXD_EOP);
		d->status = 0;
		e->rx_next = (e->rx_next + 1) % RX_RING;
		n++;
	}
	if (n) {
		barrier();
		/* The device owns RDH up to RDT - 1: everything but the one just handled. */
		wr(e, REG_RDT, (e->rx_next + RX_RING - 1) % RX_RING);
		netdev_rx_done(&e->nd);
	}
	return n;
}

static void e1000_link(struct e1000 *e) { netdev_set_link(&e->nd, (rd(e, REG_STATUS) & STATUS_LU) != 0); }

/*
 * The receive thread: sleeps until the interrupt handler has work, then
 * takes frames in passes of at most RX_BUDGET, yielding after each so
 * lwIP's tcpip thread (of the same priority) drains its mailbox and
 * answers. While passes keep finding frames it goes on polling with
 * receive interrupts masked; one that finds none unmasks them and sleeps.
 */
static void *e1000_rx_thread(void *arg)
{
	struct e1000 *e = arg;
	for (;;) {
		int irq = spin_lock_irqsave(&e->lock);
		while (!e->rx_work)
			waitq_wait(&e->rx_wq, &e->lock, WAIT_FOREVER);
		e->rx_work = 0;
		uint32_t icr = e->icr;
		e->icr = 0;
		spin_unlock_irqrestore(&e->lock, irq);
		if (icr & ICR_LSC)
			e1000_link(e);
		if (e1000_rx_poll(e, RX_BUDGET)) {
			int irq = spin_lock_irqsave(&e->lock);
			e->rx_work = 1;
			spin_unlock_irqrestore(&e->lock, irq);
			thread_yield();
			continue;
		}
		/* A frame that came in since the last look left RXT0 in ICR: unmasking raises it. */
		wr(e, REG_IMS, ICR_RX);
	}
	return NULL;
}

/* Moves tx_clean past every descriptor the device has sent. */
static void e1000_tx_reclaim(struct e1000 *e)
{
	while (e->tx_clean != e->tx_tail && (e->tx[e->tx_clean].status & TXD_DD))
		e->tx_clean = (e->tx_clean + 1) % TX_RING;
}

static int tx_full(const struct e1000 *e)
{
	return (e->tx_tail + 1) % TX_RING == e->tx_clean;
}

/* Hands the descriptors up to tx_tail to the device: one register write for a burst of frames. */
static void e1000_tx_tell(struct e1000 *e)
{
	if (e->tx_told == e->tx_tail)
		return;
	barrier(); /* the frames and descriptors before the tail that hands them over */
	wr(e, REG_TDT, e->tx_tail);
	e->tx_told = e->tx_tail;
}

/* The ring is full: wait (TXDW unmasked meanwhile) up to TX_WAIT_NS for the device to send some. */
static int e1000_tx_wait(struct e1000 *e)
{
	uint64_t deadline = time_monotonic_ns() + TX_WAIT_NS;
	int irq = spin_lock_irqsave(&e->lock);
	wr(e, REG_IMS, ICR_TXDW);
	for (e1000_tx_reclaim(e); tx_full(e); e1000_tx_reclaim(e))
		if (!e->nd.link_up || waitq_wait(&e->tx_wq, &e->lock, deadline) != 0)
			break; /* no link, the deadline, or a thread being killed */
	wr(e, REG_IMC, ICR_TXDW);
	spin_unlock_irqrestore(&e->lock, irq);
	return tx_full(e) ? -ENOBUFS : 0;
}

static int e1000_transmit(struct netdev *dev, const void *frame, size_t len)
{
	struct e1000 *e = dev->priv;
	if (len > BUF_SIZE)
		return -EMSGSIZE;
	e1000_tx_reclaim(e);
	if (tx_full(e))
		e1000_tx_tell(e); /* what waits must have been handed over before waiting for it */
	if (tx_full(e) && e1000_tx_wait(e))
		return -ENOBUFS;
	unsigned i = e->tx_tail;
	memcpy(tx_buf(e, i), frame, len);
	e->tx[i] = (struct tx_desc){.addr = e->tx_bufs + (uint64_t)i * BUF_SIZE,
	                            .len = (uint16_t)len,
	                            .cmd = TXD_EOP | TXD_IFCS | TXD_RS};
	e->tx_tail = (i + 1) % TX_RING;
	if ((e->tx_tail + TX_RING - e->tx_told) % TX_RING >= TX_TELL_BATCH)
		e1000_tx_tell(e);
	return 0;
}

/* The stack's burst is over (include/yolk/netdev.h): a TDT write exits to the hypervisor, so one per burst. */
static void e1000_flush(struct netdev *dev)
{
	e1000_tx_tell(dev->priv);
}

/* The stack is attached: start the receive thread, take interrupts, report the link. */
static int e1000_open(struct netdev *dev)
{
	struct e1000 *e = dev->priv;
	char name[THREAD_NAME_MAX];
	snprintf(name, sizeof(name), "%s-rx", dev->name);
	if (thread_create(name, e1000_rx_thread, e, THREAD_PRIO_HIGH, 0) == NULL)
		return -ENOMEM;
	int irq = spin_lock_irqsave(&e->lock);
	e->icr |= ICR_LSC; /* look at the link, and at frames that came in before */
	e->rx_work = 1;
	waitq_wake_one(&e->rx_wq);
	spin_unlock_irqrestore(&e->lock, irq);
	wr(e, REG_IMS, ICR_RX | ICR_LSC);
	return 0;
}

static const struct netdev_ops e1000_ops = {
    .transmit = e1000_transmit,
    .flush = e1000_flush,
    .open = e1000_open,
};

/* One 16-bit EEPROM word through EERD; -1 if the chip has no EERD or does not answer. */
static int eeprom_read(const struct e1000 *e, unsigned word)
{
	if (e->chip->eerd_done == 0)
		return -1;
	wr(e, REG_EERD, EERD_START | word << e->chip->eerd_shift);
	for (int spins = 0; spins < 100000; spins++) {
		uint32_t v = rd(e, REG_EERD);
		if (v & e->chip->eerd_done)
			return (int)(v >> 16);
	}
	return -1;
}

/*
 * The MAC address: receive address 0 as the chip loads it from the EEPROM
 * after a reset (given up to RESET_WAIT_NS), else the EEPROM's first three
 * words, then written to RAL/RAH for the receive filter. 0, or -ENODEV
 * without a valid address.
 */
static int e1000_mac(struct e1000 *e)
{
	uint8_t *m = e->nd.mac;
	uint64_t deadline = time_monotonic_ns() + RESET_WAIT_NS;
	while (!(rd(e, REG_RAH0) & RAH_AV) && time_monotonic_ns() < deadline)
		thread_sleep_until(time_monotonic_ns() + 1000000);
	uint32_t ral = rd(e, REG_RAL0), rah = rd(e, REG_RAH0);
	if (!(rah & RAH_AV)) {
		for (unsigned w = 0; w < 3; w++) {
			int v = eeprom_read(e, w);
			if (v < 0)
				return -ENODEV;
			m[2 * w] = (uint8_t)v;
			m[2 * w + 1] = (uint8_t)(v >> 8);
		}
		ral = m[0] | m[1] << 8 | m[2] << 16 | (uint32_t)m[3] << 24;
		rah = m[4] | m[5] << 8 | RAH_AV;
		wr(e, REG_RAL0, ral);
		wr(e, REG_RAH0, rah);
	}
	for (int i = 0; i < 4; i++)
		m[i] = (uint8_t)(ral >> (8 * i));
	m[4] = (uint8_t)rah;
	m[5] = (uint8_t)(rah >> 8);
	if ((m[0] & 1) || (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0)
		return -ENODEV; /* multicast or zero: not a station address */
	return 0;
}

/* Resets the device with interrupts masked and sets the link up (the PHY auto-negotiates). */
static int e1000_reset(struct e1000 *e)
{
	wr(e, REG_IMC, ~0u);
	wr(e, REG_RCTL, 0);
	wr(e, REG_TCTL, 0);
	wr(e, REG_CTRL, rd(e, REG_CTRL) | CTRL_RST);
	uint64_t deadline = time_monotonic_ns() + RESET_WAIT_NS;
	thread_sleep_until(time_monotonic_ns() + 1000000); /* the manual: wait before touching it */
	while (rd(e, REG_CTRL) & CTRL_RST)
		if (time_monotonic_ns() > deadline)
			return -ETIMEDOUT;
	wr(e, REG_IMC, ~0u);
	(void)rd(e, REG_ICR);
	wr(e, REG_CTRL, (rd(e, REG_CTRL) | CTRL_SLU | CTRL_ASDE) & ~(CTRL_PHY_RST | CTRL_VME));
	return 0;
}

/* Rings, receive filter and transmit settings; receiving and sending start here. */
static void e1000_rings(struct e1000 *e)
{
	for (unsigned i = 0; i < RX_RING; i++)
		e->rx[i] = (struct rx_desc){.addr = e->rx_bufs + (uint64_t)i * BUF_SIZE};
	for (unsigned i = 0; i < TX_RING; i++)
		e->tx[i] = (struct tx_desc){.status = TXD_DD};
	for (unsigned i = 0; i < 128; i++)
		wr(e, REG_MTA + 4 * i, 0);
	uint64_t rx_pa = vm_phys((const void *)e->rx), tx_pa = vm_phys((const void *)e->tx);
	wr(e, REG_RDBAL, (uint32_t)rx_pa);
	wr(e, REG_RDBAH, (uint32_t)(rx_pa >> 32));
	wr(e, REG_RDLEN, RX_RING * sizeof(struct rx_desc));
	wr(e, REG_RDH, 0);
	wr(e, REG_RDT, RX_RING - 1);
	wr(e, REG_RDTR, 0); /* no receive delay: ITR alone paces interrupts */
	wr(e, REG_TDBAL, (uint32_t)tx_pa);
	wr(e, REG_TDBAH, (uint32_t)(tx_pa >> 32));
	wr(e, REG_TDLEN, TX_RING * sizeof(struct tx_desc));
	wr(e, REG_TDH, 0);
	wr(e, REG_TDT, 0);
	wr(e, REG_ITR, ITR_INTERVAL);
	wr(e, REG_TIPG, TIPG_COPPER);
	wr(e, REG_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD | TCTL_RTLC);
	wr(e, REG_RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
}

/* Rings and buffers from pmm, zeroed; -ENOMEM (and nothing kept) if memory is short. */
static int e1000_alloc(struct e1000 *e)
{
	const size_t rx_pages = RX_RING * BUF_SIZE / PAGE_SIZE, tx_pages = TX_RING * BUF_SIZE / PAGE_SIZE;
	uint64_t rx = pmm_alloc(), tx = pmm_alloc();
	e->rx_bufs = pmm_alloc_contig(rx_pages);
	e->tx_bufs = pmm_alloc_contig(tx_pages);
	if (rx && tx && e->rx_bufs && e->tx_bufs) {
		e->rx = memset(phys_to_virt(rx), 0, PAGE_SIZE);
		e->tx = memset(phys_to_virt(tx), 0, PAGE_SIZE);
		return 0;
	}
	if (rx)
		pmm_free(rx);
	if (tx)
		pmm_free(tx);
	if (e->rx_bufs)
		pmm_free_contig(e->rx_bufs, rx_pages);
	if (e->tx_bufs)
		pmm_free_contig(e->tx_bufs, tx_pages);
	return -ENOMEM;
}

static const struct e1000_chip *e1000_chip(uint16_t device)
{
	for (size_t i = 0; i < sizeof(chips) / sizeof(chips[0]); i++)
		if (chips[i].device == device)
			return &chips[i];
	return NULL;
}

/*
 * Maps BAR 0, resets the chip, reads its address, sets up the rings and
 * the interrupt (MSI where the chip has it, else INTx: the 82574L's MSI-X
 * would need its IVAR routing, which this driver does not do). Returns
 * NULL, or what failed.
 */
static const char *e1000_start(struct e1000 *e, const struct pci_dev *d, int *kind)
{
	uint64_t base, size;
	int io;
	if (pci_bar(d, 0, &base, &size, &io) || io)
		return "BAR 0 is not memory";
	e->regs = vm_map_mmio(base, size);
	if (e->regs == NULL)
		return "no space to map its registers";
	pci_enable(d);
	if (e1000_reset(e))
		return "it does not come out of reset";
	if (e1000_mac(e))
		return "no valid MAC address";
	e1000_rings(e);
	*kind =
	    pci_irq_setup(d, PCI_IRQ_ALLOW(PCI_IRQ_MSI) | PCI_IRQ_ALLOW(PCI_IRQ_INTX), e1000_interrupt, e);
	return *kind < 0 ? "no interrupt" : NULL;
}

static int e1000_probe(const struct pci_dev *d)
{
	struct e1000 *e = calloc(1, sizeof(*e));
	if (e == NULL || e1000_alloc(e)) {
		free(e);
		klog(KLOG_WARN, "e1000 %02x:%02x.%x: out of memory\n", d->bus, d->dev, d->fn);
		return -ENOMEM;
	}
	spin_init(&e->lock, "e1000", LOCK_RANK_DRIVER);
	e->chip = e1000_chip(d->device); /* never NULL: e1000_ids lists the same chips */
	int kind = 0;
	const char *why = e1000_start(e, d, &kind);
	if (why) {
		/* Stopped, but e stays allocated: the device may have been writing into its rings. */
		if (e->regs)
			e1000_reset(e);
		klog(KLOG_WARN, "e1000 %02x:%02x.%x: cannot start: %s\n", d->bus, d->dev, d->fn, why);
		return -ENODEV;
	}
	e->nd.mtu = 1500;
	e->nd.link_up = (rd(e, REG_STATUS) & STATUS_LU) != 0;
	e->nd.ops = &e1000_ops;
	e->nd.priv = e;
	if (netdev_register(&e->nd))
		return -EEXIST;
	const uint8_t *m = e->nd.mac;
	klog(KLOG_INFO, "e1000 %s: %s at %02x:%02x.%x, mac %02x:%02x:%02x:%02x:%02x:%02x, %s interrupt\n",
	     e->nd.name, e->chip->name, d->bus, d->dev, d->fn, m[0], m[1], m[2], m[3], m[4], m[5],
	     pci_irq_name(kind));
	return 0;
}

static const struct pci_id e1000_ids[] = {
    {0x8086, 0x100e}, /* 82540EM: QEMU's -nic model=e1000 */
    {0x8086, 0x100f}, /* 82545EM copper: model=e1000-82545em */
    {0x8086, 0x100c}, /* 82544GC copper: model=e1000-82544gc */
    {0x8086, 0x10d3}, /* 82574L: model=e1000e */
    {0, 0},
};

static const struct pci_driver e1000_driver = {"e1000", e1000_ids, e1000_probe};
YOLK_PCI_DRIVER(e1000_driver);
