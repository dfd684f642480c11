/*
 * Which CPU takes a device's interrupts (issue 19, 4a). A device interrupt
 * is a vector from pci_irq_setup()/pci_irq_add_msix() (pci_irq_vectors()
 * lists a function's); its MSI/MSI-X message address or I/O APIC
 * redirection entry names one destination CPU. By default that is the boot
 * CPU, or the CPU the kernel parameter irqaffinity=N names (if it is online
 * when the driver registers; otherwise the boot CPU, with a warning).
 * Handlers take their driver's spinlocks, so they may run on any CPU.
 */
#ifndef YOLK_IRQ_H
#define YOLK_IRQ_H

#include <stdint.h>

/*
 * Sends device interrupt `vector` to CPU `cpu` from now on. An INTx vector
 * moves its whole I/O APIC line (every device sharing it). Returns 0,
 * -EINVAL if cpu is not an online CPU, or -ENOENT if no device interrupt
 * uses the vector.
 */
int irq_set_affinity(unsigned vector, unsigned cpu);

/* The CPU device interrupt `vector` is sent to, or -ENOENT. */
int irq_get_affinity(unsigned vector);

/* Interrupts CPU `cpu` has taken on `vector` since boot (0 for a bad cpu or vector). */
uint64_t irq_count(unsigned cpu, unsigned vector);

#endif
