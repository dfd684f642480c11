/*
 * lwIP's options for yolk, from the net/lwip part's Kconfig symbols
 * (yolk-config/net-lwip.h). The same header configures lwIP itself and
 * yolk's glue, so both always agree.
 */
#ifndef YOLK_LWIPOPTS_H
#define YOLK_LWIPOPTS_H

#include <yolk-config/net-lwip.h>

/* Threads: lwIP's core runs in the tcpip thread or under its core lock. */
#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_TCPIP_CORE_LOCKING 1
/*
 * Received frames are processed by the thread that received them (a NIC's
 * receive thread) under the core lock, not posted to the tcpip thread: no
 * thread switch per frame, and no message pool (MEMP_NUM_TCPIP_MSG_INPKT)
 * that a burst of SYNs overflows, which dropped frames the client resent
 * a second later.
 */
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1
/*
 * Letting go of the core lock first rings the doorbells of the devices it
 * sent frames to (netif.c): one register write per burst, not per frame.
 */
void yolk_lwip_unlock_core(void);
#define LOCK_TCPIP_CORE() sys_mutex_lock(&lock_tcpip_core)
#define UNLOCK_TCPIP_CORE() yolk_lwip_unlock_core()
#define LWIP_NETCONN 1
#define LWIP_SOCKET 0 /* yolk's own sockets (sockets.c) sit on netconns */
#define LWIP_NETCONN_SEM_PER_THREAD 0
#define LWIP_NETIF_API 0
#define TCPIP_THREAD_NAME "tcpip"
#define TCPIP_THREAD_STACKSIZE (32 * 1024)
#define TCPIP_THREAD_PRIO 2 /* THREAD_PRIO_HIGH */
#define TCPIP_MBOX_SIZE 128
#define DEFAULT_THREAD_STACKSIZE (16 * 1024)
#define DEFAULT_RAW_RECVMBOX_SIZE 32
#define DEFAULT_UDP_RECVMBOX_SIZE 64
#define DEFAULT_TCP_RECVMBOX_SIZE 64
/*
 * Connections waiting for accept(): listen() caps its backlog at this, so
 * lwIP drops a SYN past it (the client tries again) and never completes a
 * handshake it cannot queue: with a longer backlog than queue, lwIP aborted
 * the established connection with a RST when the queue was full.
 */
#define DEFAULT_ACCEPTMBOX_SIZE CONFIG_NET_LWIP_ACCEPT_BACKLOG
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVBUF 0
#define LWIP_SO_LINGER 0
#define SO_REUSE 1
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_NETCONN_FULLDUPLEX 0

/* Memory: lwIP's own heap and pools, in .bss. */
#define MEM_ALIGNMENT 8
/* Room for a send buffer and a window of loopback copies, plus headroom. */
#define YOLK_LWIP_MEM_MIN (3 * CONFIG_NET_LWIP_TCP_WND_SEGS * CONFIG_NET_LWIP_TCP_MSS + 16 * 1024)
#define MEM_SIZE \
	(CONFIG_NET_LWIP_MEM_KB * 1024 > YOLK_LWIP_MEM_MIN ? CONFIG_NET_LWIP_MEM_KB * 1024 : YOLK_LWIP_MEM_MIN)
/* Pool buffers carry one MSS each: at least a full TCP window's worth. */
#define PBUF_POOL_SIZE \
	(CONFIG_NET_LWIP_PBUF_POOL > CONFIG_NET_LWIP_TCP_WND_SEGS ? CONFIG_NET_LWIP_PBUF_POOL \
								   : CONFIG_NET_LWIP_TCP_WND_SEGS + 1)
#define MEMP_NUM_NETCONN CONFIG_NET_LWIP_SOCKETS
#define MEMP_NUM_TCP_PCB CONFIG_NET_LWIP_SOCKETS
#define MEMP_NUM_TCP_PCB_LISTEN CONFIG_NET_LWIP_SOCKETS
#define MEMP_NUM_UDP_PCB (CONFIG_NET_LWIP_SOCKETS + 4)
#define MEMP_NUM_NETBUF (2 * CONFIG_NET_LWIP_SOCKETS)
/*
 * Every segment sent and not yet acknowledged holds one: a SYN-ACK, a
 * response, a FIN. A pool sized for one connection's send queues left a
 * server with hundreds of clients unable to answer a SYN (lwIP drops it).
 */
#define MEMP_NUM_TCP_SEG \
	(4 * CONFIG_NET_LWIP_SOCKETS > 4 * TCP_SND_QUEUELEN ? 4 * CONFIG_NET_LWIP_SOCKETS : 4 * TCP_SND_QUEUELEN)
#define MEMP_NUM_PBUF 64
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)
#define MEMP_NUM_TCPIP_MSG_INPKT 64

/* Protocols. */
#define LWIP_IPV4 1
#ifdef CONFIG_NET_LWIP_IPV6
#define LWIP_IPV6 1
#define LWIP_IPV6_DHCP6 0
#define IPV6_FRAG_COPYHEADER 1 /* 64-bit pointers do not fit in the fragment header */
#else
#define LWIP_IPV6 0
#endif
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_IGMP 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_BROADCAST_PING 1
#ifdef CONFIG_NET_LWIP_DHCP
#define LWIP_DHCP 1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#else
#define LWIP_DHCP 0
#endif
#ifdef CONFIG_NET_LWIP_DNS
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#else
#define LWIP_DNS 0
#endif

/* TCP. */
#define TCP_MSS CONFIG_NET_LWIP_TCP_MSS
#define TCP_WND (CONFIG_NET_LWIP_TCP_WND_SEGS * TCP_MSS)
#define TCP_SND_BUF (CONFIG_NET_LWIP_TCP_WND_SEGS * TCP_MSS)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG CONFIG_NET_LWIP_ACCEPT_BACKLOG
/*
 * TIME_WAIT lasts 2 * TCP_MSL (lwIP's 60 s). It refuses nothing: when the
 * pool of PCBs runs out, tcp_alloc() takes the oldest TIME_WAIT one.
 */
/* RFC 6528 initial sequence numbers (tcp_isn.c), not lwIP's counter. */
#define LWIP_HOOK_FILENAME "yolk_lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN yolk_lwip_tcp_isn
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_TIMESTAMPS 0

/* Interfaces: the loopback netif (127.0.0.1) always; drivers' netdevs. */
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_SINGLE_NETIF 0
#define ETH_PAD_SIZE 0

/* Byte order: lwip_htons() inside lwIP; htons() is <netinet/in.h>. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

/* Checksums in software (drivers do not offload yet). */
#define LWIP_CHECKSUM_ON_COPY 0

#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0
#ifdef CONFIG_NET_LWIP_DEBUG
#define LWIP_DEBUG 1
#else
#define LWIP_NOASSERT 1
#endif

#endif
