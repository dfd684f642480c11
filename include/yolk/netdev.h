/*
 * Network devices: what a NIC driver implements and what a network stack
 * attaches to. A driver fills a struct netdev (MAC, MTU, ops) and calls
 * netdev_register(); it hands received frames to netdev_rx() and sends
 * what ops->transmit gets. A stack (net/lwip) calls netdev_set_stack()
 * and is told about every device, registered before or after. Drivers
 * and stacks never include each other's headers: this file is the whole
 * interface between them.
 *
 * Frames are Ethernet II: destination MAC, source MAC, EtherType, payload;
 * no preamble and no FCS. Neither side keeps the other's buffer.
 */
#ifndef YOLK_NETDEV_H
#define YOLK_NETDEV_H

#include <stddef.h>
#include <stdint.h>

#define NETDEV_NAME_MAX 16
#define NETDEV_ETH_HLEN 14 /* header in front of the MTU's payload */

struct netdev;

struct netdev_ops {
	/*
	 * Sends one frame of len bytes (NETDEV_ETH_HLEN + at most mtu). Called
	 * from threads, never from interrupt handlers, one call at a time per
	 * device; the frame may be reused once it returns, so copy it (or
	 * wait for the device). 0, or -errno: -ENOBUFS when the device queue
	 * is full (the frame is dropped; TCP retransmits).
	 */
	int (*transmit)(struct netdev *dev, const void *frame, size_t len);
	/*
	 * Optional: transmit may leave frames on the device's queue without
	 * telling the device yet (its doorbell: a register write that, in a
	 * virtual machine, exits to the hypervisor, which then often waits for
	 * a lock its I/O thread holds); flush tells it about all of them. A
	 * driver still rings on its own once a batch is large or its queue
	 * is full, so flushing late costs latency, never frames. Called as
	 * transmit is: from threads, one call at a time with transmit.
	 */
	void (*flush)(struct netdev *dev);
	/* Optional: the stack is attached, start receiving (core calls it once). 0 or -errno. */
	int (*open)(struct netdev *dev);
};

/* IPv4 configuration of a device; addresses in network byte order. */
struct netdev_addr {
	uint32_t ip, netmask, gateway;
	int up;   /* administratively up with a link */
	int dhcp; /* the address came (or is coming) from DHCP */
};

/* The stack's side: called by core for each device (see netdev_set_stack). */
struct netdev_stack {
	/* A device exists (at netdev_set_stack() for earlier ones). */
	void (*attach)(struct netdev *dev);
	/* A received frame (see netdev_rx); the stack copies it. */
	void (*rx)(struct netdev *dev, const void *frame, size_t len);
	/* Optional: the end of a batch of rx calls (see netdev_rx_done). */
	void (*rx_done)(struct netdev *dev);
	/* The link went up (1) or down (0). */
	void (*link)(struct netdev *dev, int up);
	/* The device's IPv4 configuration now, for netdev_addr(). */
	int (*addr)(struct netdev *dev, struct netdev_addr *out);
};

struct netdev {
	/* Set by the driver before netdev_register(). */
	char name[NETDEV_NAME_MAX]; /* empty: core names it eth0, eth1 ... */
	uint8_t mac[6];
	unsigned mtu; /* payload bytes per frame: 1500 for Ethernet */
	int link_up;  /* initial link state (1 if the device cannot tell) */
	const struct netdev_ops *ops;
	void *priv;
	/* Owned by core and the stack. */
	void *stack_priv;
	unsigned long rx_frames, rx_dropped, tx_frames, tx_errors;
	struct netdev *next;
};

/* Adds dev (which must stay valid) and tells the stack. 0, -EEXIST (name taken) or -EINVAL. */
int netdev_register(struct netdev *dev);

/*
 * A frame arrived on dev: the stack copies it before this returns. Call it
 * from a thread (a driver's receive thread or worker), not from an
 * interrupt handler; several threads may call it at once (a multiqueue
 * card's, one per queue). Frames arriving while no stack is attached are
 * counted in rx_dropped.
 */
void netdev_rx(struct netdev *dev, const void *frame, size_t len);

/*
 * The end of a batch of netdev_rx() calls, from the same thread, before it
 * waits for more: what the stack answers to the batch (acknowledgments,
 * SYN-ACKs) may be held back until here, to reach the device in one burst.
 */
void netdev_rx_done(struct netdev *dev);

/* The driver read the link state: a change is logged and passed to the stack. */
void netdev_set_link(struct netdev *dev, int up);

/*
 * Sends a frame through dev's driver (for the stack): 0 or -errno. The
 * device may not see it before netdev_flush(): a stack calls that at the
 * end of every burst of transmits (net/lwip: as it lets go of its core
 * lock), before anything that may wait.
 */
int netdev_transmit(struct netdev *dev, const void *frame, size_t len);

/* Rings dev's doorbell for the frames netdev_transmit() left queued. */
void netdev_flush(struct netdev *dev);

/* The n-th device in registration order, or NULL past the end. */
struct netdev *netdev_at(unsigned n);

/* dev's IPv4 configuration from the stack; -ENOSYS without a stack. */
int netdev_addr(struct netdev *dev, struct netdev_addr *out);

/* Attaches the (one) network stack: s->attach runs for every device so far. */
void netdev_set_stack(const struct netdev_stack *s);

#endif
