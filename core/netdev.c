/* The network device list and the hand-over between drivers and the stack (include/yolk/netdev.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yolk/console.h>
#include <yolk/netdev.h>
#include <yolk/sync.h>

static struct netdev *devices;
static unsigned ndevices;
static const struct netdev_stack *stack;
static struct kmutex netdev_lock = KMUTEX_INIT;

static void netdev_attach(const struct netdev_stack *s, struct netdev *dev)
{
	s->attach(dev);
	if (dev->ops->open && dev->ops->open(dev) < 0)
		printf("netdev: %s: the driver could not start receiving\n", dev->name);
}

int netdev_register(struct netdev *dev)
{
	if (dev->ops == NULL || dev->ops->transmit == NULL || dev->mtu == 0)
		return -EINVAL;
	kmutex_lock(&netdev_lock, WAIT_FOREVER);
	if (dev->name[0] == '\0')
		snprintf(dev->name, sizeof(dev->name), "eth%u", ndevices);
	struct netdev **p = &devices;
	for (; *p; p = &(*p)->next) {
		if (strcmp((*p)->name, dev->name) == 0) {
			kmutex_unlock(&netdev_lock);
			return -EEXIST;
		}
	}
	dev->next = NULL;
	*p = dev;
	ndevices++;
	const struct netdev_stack *s = stack;
	kmutex_unlock(&netdev_lock);
	if (s)
		netdev_attach(s, dev);
	return 0;
}

void netdev_set_stack(const struct netdev_stack *s)
{
	kmutex_lock(&netdev_lock, WAIT_FOREVER);
	stack = s;
	kmutex_unlock(&netdev_lock);
	/* Devices are never removed, so the list can be walked unlocked. */
	for (struct netdev *d = devices; d; d = d->next)
		netdev_attach(s, d);
}

void netdev_rx(struct netdev *dev, const void *frame, size_t len)
{
	const struct netdev_stack *s = __atomic_load_n(&stack, __ATOMIC_ACQUIRE);
	/* Atomic: a multiqueue card's receive threads on several CPUs count here at once. */
	if (s == NULL || dev->stack_priv == NULL) {
		__atomic_fetch_add(&dev->rx_dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&dev->rx_frames, 1, __ATOMIC_RELAXED);
	s->rx(dev, frame, len);
}

void netdev_rx_done(struct netdev *dev)
{
	const struct netdev_stack *s = __atomic_load_n(&stack, __ATOMIC_ACQUIRE);
	if (s && s->rx_done && dev->stack_priv)
		s->rx_done(dev);
}

void netdev_set_link(struct netdev *dev, int up)
{
	up = up != 0;
	if (up == dev->link_up)
		return;
	klog(KLOG_NOTICE, "net: %s link %s\n", dev->name, up ? "up" : "down");
	dev->link_up = up;
	const struct netdev_stack *s = __atomic_load_n(&stack, __ATOMIC_ACQUIRE);
	if (s && s->link && dev->stack_priv)
		s->link(dev, up);
}

int netdev_transmit(struct netdev *dev, const void *frame, size_t len)
{
	if (len > NETDEV_ETH_HLEN + dev->mtu) {
		dev->tx_errors++;
		return -EMSGSIZE;
	}
	int r = dev->ops->transmit(dev, frame, len);
	if (r < 0)
		dev->tx_errors++;
	else
		dev->tx_frames++;
	return r;
}

void netdev_flush(struct netdev *dev)
{
	if (dev->ops->flush)
		dev->ops->flush(dev);
}

struct netdev *netdev_at(unsigned n)
{
	kmutex_lock(&netdev_lock, WAIT_FOREVER);
	struct netdev *d = devices;
	while (d && n--)
		d = d->next;
	kmutex_unlock(&netdev_lock);
	return d;
}

int netdev_addr(struct netdev *dev, struct netdev_addr *out)
{
	const struct netdev_stack *s = __atomic_load_n(&stack, __ATOMIC_ACQUIRE);
	memset(out, 0, sizeof(*out));
	return s && s->addr ? s->addr(dev, out) : -ENOSYS;
}
