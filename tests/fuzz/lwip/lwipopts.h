/*
 * lwIP's options for the DHCP/DNS fuzz harness (tests/fuzz/lwip_dhcp_dns.c):
 * DHCP and DNS as net/lwip/port/lwipopts.h sets them (no ACD, two DNS
 * servers, lwIP's default DNS hardening), but without threads (NO_SYS) and
 * without checksum checks on input, so mutated packets reach the parsers.
 */
#ifndef FUZZ_LWIPOPTS_H
#define FUZZ_LWIPOPTS_H
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_TIMERS 0 /* the harness calls the protocol timers itself */
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define MEM_ALIGNMENT 8
#define MEM_SIZE (64 * 1024)
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 0
#define LWIP_IGMP 0
#define LWIP_DHCP 1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_STATS 0
#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_UDP 0
#endif
