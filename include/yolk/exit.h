/*
 * How an image's exit status reaches the host. QEMU's isa-debug-exit device
 * turns a guest write of v into the process status (v << 1) | 1, which is
 * truncated to 8 bits, and QEMU itself exits 0 or 1 for its own reasons. So
 * the guest writes code + 1 and tools/yolk-qemu maps status s back to
 * (s >> 1) - 1:
 *   0..125  exit(n) / main's return value (larger values are reported as 125)
 *   126     kernel panic (fault, assertion in the kernel, stack overflow ...)
 *   127     the guest stopped without a yolk exit (triple fault, reset, QEMU error)
 */
#ifndef YOLK_EXIT_H
#define YOLK_EXIT_H

#define YOLK_EXIT_MAX 125
#define YOLK_EXIT_PANIC 126
#define YOLK_EXIT_LOST 127

#define YOLK_DEBUG_EXIT_PORT 0xf4

#endif
