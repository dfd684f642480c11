/*
 * libFuzzer harness: DHCP and DNS answers as lwIP (subprojects/lwip-*,
 * the image's network stack) receives them: whole IPv4/UDP packets into
 * ip4_input on an Ethernet netif, so lwIP's IP and UDP input run too
 * (checksum checks off, see lwip/lwipopts.h). lwIP runs without threads
 * here; dns.c is included to reset its cache between inputs.
 *
 * Input: byte 0 picks the client: even, DHCP (dhcp_start, then answers
 * from 10.0.2.2:67 to 255.255.255.255:68); odd, DNS (a lookup of
 * www.example.com from 10.0.2.15, answers from 10.0.2.3:53 to the query's
 * port). Then messages: a length byte pair (le16), that many payload bytes,
 * and a byte of timer ticks to run after it (DHCP fine/coarse, DNS).
 */
#include <stdint.h>
#include <string.h>
#include "lwip/init.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/udp.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"
#include "core/dns.c" /* lwIP's src/ is on the include path (tests/fuzz/meson.build) */

static struct netif nif;
static unsigned answers;

u32_t sys_now(void)
{
	static u32_t now;
	return now += 100;
}

static err_t drop(struct netif *n, struct pbuf *p)
{
	(void)n, (void)p;
	return ERR_OK;
}

static err_t nif_init(struct netif *n)
{
	static const u8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	memcpy(n->hwaddr, mac, 6);
	n->hwaddr_len = 6;
	n->mtu = 1500;
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	n->linkoutput = drop;
	n->output = etharp_output;
	return ERR_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	lwip_init();
	netif_add(&nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL, nif_init, ethernet_input);
	netif_set_default(&nif);
	netif_set_up(&nif);
	return 0;
}

/* payload as a UDP datagram from src:sport to dst:dport, into lwIP's IPv4 input. */
static void deliver(const uint8_t *payload, size_t len, u32_t src, u16_t sport, u32_t dst, u16_t dport)
{
	size_t total = IP_HLEN + UDP_HLEN + len;
	struct pbuf *p = pbuf_alloc(PBUF_LINK, (u16_t)total, PBUF_RAM);
	if (p == NULL)
		return;
	struct ip_hdr *ip = p->payload;
	memset(ip, 0, IP_HLEN + UDP_HLEN);
	IPH_VHL_SET(ip, 4, IP_HLEN / 4);
	IPH_LEN_SET(ip, lwip_htons((u16_t)total));
	IPH_TTL_SET(ip, 64);
	IPH_PROTO_SET(ip, IP_PROTO_UDP);
	ip->src.addr = lwip_htonl(src);
	ip->dest.addr = lwip_htonl(dst);
	struct udp_hdr *udp = (struct udp_hdr *)((u8_t *)ip + IP_HLEN);
	udp->src = lwip_htons(sport);
	udp->dest = lwip_htons(dport);
	udp->len = lwip_htons((u16_t)(UDP_HLEN + len));
	memcpy((u8_t *)udp + UDP_HLEN, payload, len);
	ip4_input(p, &nif);
}

static void found(const char *name, const ip_addr_t *addr, void *arg)
{
	(void)arg;
	if (strcmp(name, "www.example.com") != 0)
		abort(); /* the callback names the lookup it answers */
	answers += addr != NULL;
}

/* The next message of the input: 1 and its payload and ticks, or 0 at the end. */
static int next(const uint8_t **p, const uint8_t *end, const uint8_t **msg, size_t *len, unsigned *ticks)
{
	if (end - *p < 3)
		return 0;
	size_t n = (size_t)((*p)[0] | (*p)[1] << 8);
	*p += 2;
	if (n > (size_t)(end - *p))
		n = (size_t)(end - *p);
	if (n > 1400)
		n = 1400;
	*msg = *p;
	*len = n;
	*p += n;
	*ticks = *p < end ? *(*p)++ : 0;
	return 1;
}

static void run_dhcp(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *msg;
	size_t len;
	unsigned ticks;
	netif_set_addr(&nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
	if (dhcp_start(&nif) != ERR_OK)
		abort();
	while (next(&p, end, &msg, &len, &ticks)) {
		deliver(msg, len, 0x0a000202, 67, 0xffffffff, 68);
		for (unsigned t = 0; t < (ticks & 15); t++)
			dhcp_fine_tmr();
		for (unsigned t = 0; t < (ticks >> 4); t++)
			dhcp_coarse_tmr();
	}
	dhcp_release_and_stop(&nif);
	netif_set_addr(&nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
}

/* Forgets every lookup, cached or pending, and its source port. */
static void dns_reset(void)
{
	for (int i = 0; i < DNS_MAX_SOURCE_PORTS; i++)
		if (dns_pcbs[i] != NULL) {
			udp_remove(dns_pcbs[i]);
			dns_pcbs[i] = NULL;
		}
	memset(dns_table, 0, sizeof(dns_table));
	memset(dns_requests, 0, sizeof(dns_requests));
}

static void run_dns(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *msg;
	size_t len;
	unsigned ticks;
	ip_addr_t server, addr;
	IP_ADDR4(&server, 10, 0, 2, 3);
	ip4_addr_t ip, mask, gw;
	IP4_ADDR(&ip, 10, 0, 2, 15);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 10, 0, 2, 2);
	netif_set_addr(&nif, &ip, &mask, &gw);
	dns_setserver(0, &server);
	answers = 0;
	dns_gethostbyname("www.example.com", &addr, found, NULL);
	while (next(&p, end, &msg, &len, &ticks)) {
		for (int i = 0; i < DNS_MAX_SOURCE_PORTS; i++)
			if (dns_pcbs[i] != NULL)
				deliver(msg, len, 0x0a000203, 53, 0x0a00020f, dns_pcbs[i]->local_port);
		for (unsigned t = 0; t < (ticks & 7); t++)
			dns_tmr();
	}
	dns_reset();
	if (answers > 1)
		abort(); /* one lookup, one answer */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		run_dns(data + 1, data + size);
	else
		run_dhcp(data + 1, data + size);
	return 0;
}
