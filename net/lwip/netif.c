/*
 * lwIP on yolk: starts the tcpip thread, attaches an lwIP netif to every
 * network device (include/yolk/netdev.h) and configures it: a static
 * address for the first device (ip=/gw=/dns= or NET_LWIP_STATIC_*), DHCP
 * otherwise. lwIP's own loopback netif is 127.0.0.1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yolk-config/net-lwip.h>
#include <yolk/console.h>
#include <yolk/file.h>
#include <yolk/init.h>
#include <yolk/netdev.h>
#include <yolk/param.h>
#include <yolk/time.h>
#include "ipconf.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h" /* tcp_active_pcbs: resend_refused */
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

/* The static settings, host byte order; ip == 0 means "use DHCP". */
static struct {
	uint32_t ip, mask, gw, dns;
} ipconf;

static const char *param_ip(const char *v)
{
	return ipconf_parse_cidr(v, &ipconf.ip, &ipconf.mask);
}
static const char *param_gw(const char *v)
{
	return ipconf_parse_addr(v, &ipconf.gw);
}
static const char *param_dns(const char *v)
{
	return ipconf_parse_addr(v, &ipconf.dns);
}
YOLK_PARAM(ip, param_ip);
YOLK_PARAM(gw, param_gw);
YOLK_PARAM(dns, param_dns);

/* Kconfig's static settings, for what the command line left unset. */
static void ipconf_from_kconfig(void)
{
	const char *err = NULL;
	if (ipconf.ip == 0 && CONFIG_NET_LWIP_STATIC_IP[0])
		err = ipconf_parse_cidr(CONFIG_NET_LWIP_STATIC_IP, &ipconf.ip, &ipconf.mask);
	if (err == NULL && ipconf.gw == 0 && CONFIG_NET_LWIP_STATIC_GW[0])
		err = ipconf_parse_addr(CONFIG_NET_LWIP_STATIC_GW, &ipconf.gw);
#ifdef CONFIG_NET_LWIP_STATIC_DNS
	if (err == NULL && ipconf.dns == 0 && CONFIG_NET_LWIP_STATIC_DNS[0])
		err = ipconf_parse_addr(CONFIG_NET_LWIP_STATIC_DNS, &ipconf.dns);
#endif
	if (err)
		panic("bad NET_LWIP_STATIC_* setting: %s", err);
}

static void set_ip4(ip4_addr_t *a, uint32_t host_order)
{
	ip4_addr_set_u32(a, lwip_htonl(host_order));
}

/*
 * The devices sent frames to since the core lock was taken, whose
 * doorbells ring as it is let go (netdev_flush). Under the core lock.
 */
#define UNFLUSHED_MAX 4
static struct netdev *unflushed[UNFLUSHED_MAX];
static unsigned nunflushed;

static void flush_all(void)
{
	for (unsigned i = 0; i < nunflushed; i++)
		netdev_flush(unflushed[i]);
	nunflushed = 0;
}

static void mark_unflushed(struct netdev *dev)
{
	for (unsigned i = 0; i < nunflushed; i++)
		if (unflushed[i] == dev)
			return;
	if (nunflushed == UNFLUSHED_MAX)
		flush_all();
	unflushed[nunflushed++] = dev;
}

/* Set by a thread while it sends on a nonblocking socket: its frames wait for its next poll(). */
static __thread int tx_deferred;

void yolk_lwip_unlock_core(void)
{
	if (nunflushed && !tx_deferred)
		flush_all();
	sys_mutex_unlock(&lock_tcpip_core);
}

void yolk_lwip_defer_tx(int on)
{
	tx_deferred = on;
}

/*
 * Set when a device refused a frame (its transmit queue was full). lwIP
 * keeps a refused TCP segment unsent and tries it again only when the
 * connection next hears from its peer or at its 500 ms poll: at 256
 * connections whole bursts of responses waited 0.5 s that way (wrk's p99
 * 300-700 ms). Under the core lock.
 */
static int tx_refused;

/* Sends again what lwIP kept back after a refusal: the queue has had time to drain. Core lock held. */
static void resend_refused(void)
{
	if (!tx_refused)
		return;
	tx_refused = 0;
	for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
		if (pcb->unsent)
			tcp_output(pcb);
}

/*
 * Rings the doorbells deferred sends left and sends what a full queue
 * refused (file_poll_enter_hook; the end of a receive batch; a send that
 * could not finish).
 */
void yolk_lwip_flush_tx(void)
{
	if (__atomic_load_n(&nunflushed, __ATOMIC_RELAXED) == 0 && !__atomic_load_n(&tx_refused, __ATOMIC_RELAXED))
		return;
	LOCK_TCPIP_CORE();
	resend_refused();
	UNLOCK_TCPIP_CORE(); /* flushes */
}

/* lwIP's link output: the frame (maybe a pbuf chain) to the driver. Core lock held. */
static err_t netif_linkoutput(struct netif *nif, struct pbuf *p)
{
	struct netdev *dev = nif->state;
	static uint8_t frame[NETDEV_ETH_HLEN + 9216]; /* serialized by the core lock */
	const void *data = p->payload;
	if (p->next) {
		if (p->tot_len > sizeof(frame))
			return ERR_BUF;
		pbuf_copy_partial(p, frame, p->tot_len, 0);
		data = frame;
	}
	int r = netdev_transmit(dev, data, p->tot_len);
	mark_unflushed(dev); /* a refused frame may be behind a full queue the device must hear of */
	if (r == -ENOBUFS)
		tx_refused = 1;
	return r < 0 ? ERR_IF : ERR_OK;
}

static err_t netif_dev_init(struct netif *nif)
{
	struct netdev *dev = nif->state;
	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(nif->hwaddr, dev->mac, ETH_HWADDR_LEN);
	nif->mtu = (u16_t)dev->mtu;
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	nif->output = etharp_output;
#if LWIP_IPV6
	nif->output_ip6 = ethip6_output;
	nif->flags |= NETIF_FLAG_MLD6;
#endif
	nif->linkoutput = netif_linkoutput;
	return ERR_OK;
}

/* Says on the console when an interface gets (or loses) its IPv4 address, e.g. from DHCP. */
static void netif_status_changed(struct netif *nif)
{
	struct netdev *dev = nif->state;
	const ip4_addr_t *ip = netif_ip4_addr(nif);
	if (ip4_addr_isany(ip))
		return; /* DHCP has not answered yet, or the lease is gone */
	char a[16], m[16], g[16];
	ip4addr_ntoa_r(ip, a, sizeof(a));
	ip4addr_ntoa_r(netif_ip4_netmask(nif), m, sizeof(m));
	ip4addr_ntoa_r(netif_ip4_gw(nif), g, sizeof(g));
#if LWIP_DHCP
	const char *how = netif_dhcp_data(nif) != NULL ? " (DHCP)" : "";
#else
	const char *how = "";
#endif
	klog(KLOG_NOTICE, "net: %s address %s netmask %s gateway %s%s\n", dev->name, a, m, g, how);
}

static void stack_attach(struct netdev *dev)
{
	struct netif *nif = calloc(1, sizeof(*nif));
	if (nif == NULL) {
		klog(KLOG_ERR, "net: %s: out of memory\n", dev->name);
		return;
	}
	int is_static = netdev_at(0) == dev && ipconf.ip != 0;
	ip4_addr_t ip = {0}, mask = {0}, gw = {0};
	if (is_static) {
		set_ip4(&ip, ipconf.ip);
		set_ip4(&mask, ipconf.mask);
		set_ip4(&gw, ipconf.gw);
	}
	LOCK_TCPIP_CORE();
	if (netif_add(nif, &ip, &mask, &gw, dev, netif_dev_init, tcpip_input) == NULL) {
		UNLOCK_TCPIP_CORE();
		free(nif);
		klog(KLOG_ERR, "net: %s: lwIP refused the interface\n", dev->name);
		return;
	}
	if (netdev_at(0) == dev)
		netif_set_default(nif);
	netif_set_status_callback(nif, netif_status_changed);
	netif_set_up(nif);
	if (dev->link_up)
		netif_set_link_up(nif);
#if LWIP_IPV6
	netif_create_ip6_linklocal_address(nif, 1);
	nif->ip6_autoconfig_enabled = 1;
#endif
#if LWIP_DHCP
	if (!is_static)
		dhcp_start(nif);
#endif
	UNLOCK_TCPIP_CORE();
	__atomic_store_n(&dev->stack_priv, nif, __ATOMIC_RELEASE);
	klog(KLOG_NOTICE, "net: %s up, %s\n", dev->name,
	     is_static   ? "static address"
	     : LWIP_DHCP ? "DHCP"
	                 : "no address");
}

/* A received frame: copied into a pool pbuf and queued for the tcpip thread. */
static void stack_rx(struct netdev *dev, const void *frame, size_t len)
{
	struct netif *nif = dev->stack_priv;
	struct pbuf *p = len <= 0xffff ? pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL) : NULL;
	if (p == NULL) {
		__atomic_fetch_add(&dev->rx_dropped, 1, __ATOMIC_RELAXED); /* receive threads of several queues */
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	int was = tx_deferred;
	tx_deferred = 1; /* the answers go out together at stack_rx_done */
	err_t e = nif->input(p, nif);
	tx_deferred = was;
	if (e != ERR_OK) {
		pbuf_free(p);
		__atomic_fetch_add(&dev->rx_dropped, 1, __ATOMIC_RELAXED);
	}
}

static void stack_link(struct netdev *dev, int up)
{
	struct netif *nif = dev->stack_priv;
	LOCK_TCPIP_CORE();
	if (up)
		netif_set_link_up(nif);
	else
		netif_set_link_down(nif);
	UNLOCK_TCPIP_CORE();
}

static int stack_addr(struct netdev *dev, struct netdev_addr *out)
{
	struct netif *nif = dev->stack_priv;
	if (nif == NULL)
		return -ENODEV;
	LOCK_TCPIP_CORE();
	out->ip = ip4_addr_get_u32(netif_ip4_addr(nif));
	out->netmask = ip4_addr_get_u32(netif_ip4_netmask(nif));
	out->gateway = ip4_addr_get_u32(netif_ip4_gw(nif));
	out->up = netif_is_up(nif) && netif_is_link_up(nif);
#if LWIP_DHCP
	out->dhcp = netif_dhcp_data(nif) != NULL;
#endif
	UNLOCK_TCPIP_CORE();
	return 0;
}

/* The driver's receive batch is over: what lwIP answered goes to the devices. */
static void stack_rx_done(struct netdev *dev)
{
	(void)dev;
	yolk_lwip_flush_tx();
}

static const struct netdev_stack lwip_stack = {
    .attach = stack_attach,
    .rx = stack_rx,
    .rx_done = stack_rx_done,
    .link = stack_link,
    .addr = stack_addr,
};

static void tcpip_ready(void *arg)
{
	ksem_post(arg);
}

/* Starts the tcpip thread (lwIP's core, timers and loopback) and attaches to the devices. */
static int lwip_start(void)
{
	ipconf_from_kconfig();
	srand((unsigned)time_monotonic_ns());
	struct ksem ready = KSEM_INIT(0);
	tcpip_init(tcpip_ready, &ready);
	ksem_wait(&ready, WAIT_FOREVER);
#if LWIP_DNS
	if (ipconf.dns) {
		ip_addr_t dns = IPADDR4_INIT(lwip_htonl(ipconf.dns));
		LOCK_TCPIP_CORE();
		dns_setserver(0, &dns);
		UNLOCK_TCPIP_CORE();
	}
#endif
	file_poll_enter_hook = yolk_lwip_flush_tx;
	netdev_set_stack(&lwip_stack);
	return 0;
}
YOLK_INIT(YOLK_INIT_SERVICE, lwip_start);

/*
 * POSIX if_nametoindex() on lwIP's interface names (e.g. "en0"); 0 and
 * ENXIO for none. Programs reach it for scoped IPv6 addresses ("fe80::1%en0").
 */
unsigned if_nametoindex(const char *name);
unsigned if_nametoindex(const char *name)
{
	LOCK_TCPIP_CORE();
	unsigned i = netif_name_to_index(name);
	UNLOCK_TCPIP_CORE();
	if (i == 0)
		errno = ENXIO;
	return i;
}
