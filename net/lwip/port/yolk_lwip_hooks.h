/* The functions lwIP's hooks (lwipopts.h) call; lwIP includes this where it uses them. */
#ifndef YOLK_LWIP_HOOKS_H
#define YOLK_LWIP_HOOKS_H

#include "lwip/ip_addr.h"

u32_t yolk_lwip_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
			u16_t remote_port);

#endif
