/* lwIP's platform for the host fuzz harness: asserts abort (an input that trips one is a finding). */
#ifndef FUZZ_LWIP_ARCH_CC_H
#define FUZZ_LWIP_ARCH_CC_H
#include <stdio.h>
#include <stdlib.h>
#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { fprintf(stderr, "lwIP assertion: %s\n", x); abort(); } while (0)
/* Fixed: the harness's answers must match the DHCP xid and the DNS id. */
#define LWIP_RAND() ((u32_t)0x5eed1234)
#endif
