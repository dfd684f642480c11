/* Host stand-in for arch/context.h (the unit tests never switch threads). */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H
#include <arch/cpu.h>
#define ARCH_FPU_STATE_SIZE 512
#define ARCH_FPU_STATE_ALIGN 16
#endif
