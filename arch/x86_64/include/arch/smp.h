/* Between smp.c (the boot CPU's side of bring-up) and ap.c (the started CPU's). */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdint.h>

#define AP_STACK_SIZE (16 * 1024) /* an AP's boot stack, then its idle thread's */

struct ap_cpu_state {
	uint64_t cr0, cr4, efer;
	uint32_t mxcsr;
};

/* Records the boot CPU's CR0, CR4, EFER and MXCSR for the APs to copy; before the first STARTUP. */
void ap_save_bsp_state(void);

/* Nonzero once a panic asked the other CPUs to stop (smp_stop_others): their NMI halts them. */
int smp_stopping(void);

#endif
