/*
 * An application processor's life after the trampoline: the kernel's page
 * tables, the boot CPU's control registers (so FPU/SSE behave the same
 * everywhere), its own GDT, TSS and GS base, the shared IDT, its LAPIC and
 * timer; then it says it is online and joins the scheduler, its boot stack
 * becoming its idle thread's.
 */
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/ipi.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <yolk-config/core.h>
#include <yolk/sched.h>

void _init_tls(void *tls);
void _set_tls(void *tls);
void arch_syscall_init(void);

static struct ap_cpu_state bsp_state;

void ap_save_bsp_state(void)
{
	bsp_state.cr0 = read_cr0();
	bsp_state.cr4 = read_cr4();
	bsp_state.efer = rdmsr(MSR_EFER);
	__asm__ volatile("stmxcsr %0" : "=m"(bsp_state.mxcsr));
}

/* Reached from trampoline.S on c's idle stack, interrupts off. */
__attribute__((noreturn)) void ap_entry(struct cpu *c, uint64_t kernel_cr3)
{
	write_cr3(kernel_cr3);
	wrmsr(MSR_EFER, bsp_state.efer);
	write_cr0(bsp_state.cr0);
	write_cr4(bsp_state.cr4);
	__asm__ volatile("fninit\n\tldmxcsr %0" ::"m"(bsp_state.mxcsr));
	gdt_load(c);
	percpu_load(c);
	idt_load();
	_init_tls(c->tls);
	_set_tls(c->tls);
#ifdef CONFIG_SYSCALL
	/* Each CPU's `syscall` instruction needs its own MSRs (the boot CPU's: core/syscall.c). */
	arch_syscall_init();
#endif
	lapic_init_ap();
	c->seen_id = this_cpu()->id;
	c->seen_apic_id = lapic_id();
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
	sched_cpu_start(c->idle_stack, AP_STACK_SIZE);
}
