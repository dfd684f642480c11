/* The application processors' real-mode start (trampoline.S, trampoline.c). */
#ifndef ARCH_TRAMPOLINE_H
#define ARCH_TRAMPOLINE_H

#include <stdint.h>

struct cpu;

/* How far an AP got, as the trampoline reports it (trampoline_progress). */
#define TRAMPOLINE_SILENT 0    /* never ran: did not answer STARTUP */
#define TRAMPOLINE_REAL_MODE 1 /* ran, stopped before long mode */
#define TRAMPOLINE_LONG_MODE 2 /* reached long mode and jumped into the kernel */

/*
 * Copies the trampoline and its page tables to free RAM below 1 MiB (which
 * pmm never hands out) and returns the STARTUP vector (its page number), or
 * -ENOMEM with no room there. Once, on the boot CPU.
 */
int trampoline_install(void);

/* Sets the trampoline up to start `c` on its idle stack (c->idle_stack); clears the progress. */
void trampoline_arm(struct cpu *c);

/* How far the last armed AP got (TRAMPOLINE_*). */
unsigned trampoline_progress(void);

#endif
