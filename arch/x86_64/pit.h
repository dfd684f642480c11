#ifndef ARCH_PIT_H
#define ARCH_PIT_H
#include <stdint.h>
/* Starts a one-shot countdown of `us` microseconds (at most 54 ms). */
void pit_wait_start(uint32_t us);
/* Returns nonzero once the countdown has finished. */
int pit_wait_done(void);
#endif
