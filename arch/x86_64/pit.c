/*
 * PIT channel 2 as a stopwatch: the only timer on a PC whose rate is fixed
 * (1.193182 MHz), so the TSC and LAPIC timer are measured against it once.
 */
#include <arch/cpu.h>
#include "pit.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61 /* bit 0: ch2 gate, bit 1: speaker, bit 5: ch2 output */

void pit_wait_start(uint32_t us)
{
	uint32_t count = (uint32_t)((uint64_t)PIT_HZ * us / 1000000);
	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0); /* channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count) */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, (count >> 8) & 0xff);
}

int pit_wait_done(void) { return (inb(PIT_GATE) & 0x20) != 0; }
