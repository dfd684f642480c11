/* lwIP's compiler/platform header for yolk: x86_64, GCC, picolibc. */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <yolk/panic.h>

#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_TIMEVAL_PRIVATE 0
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX /* picolibc has ssize_t (long) but no SSIZE_MAX */
#endif

#define LWIP_PLATFORM_DIAG(x) \
	do { \
		printf x; \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) panic("lwIP assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)

/* ISNs, DNS ids and ephemeral ports: rand() seeded at start-up is enough here. */
#define LWIP_RAND() ((u32_t)rand())

#endif
