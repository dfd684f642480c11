/*
 * CPU exceptions. yolk runs everything in ring 0, so every exception is a bug
 * in the image: name it, explain the page fault, dump registers, print a
 * symbolized backtrace and exit with YOLK_EXIT_PANIC.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <yolk-config/core.h>
#include <yolk/console.h>
#include <yolk/exit.h>
#include <yolk/ksyms.h>
#include <yolk/mm.h>
#include <yolk/panic.h>

#define PF_PRESENT (1u << 0)
#define PF_WRITE (1u << 1)
#define PF_RESERVED (1u << 3)
#define PF_IFETCH (1u << 4)

#define VEC_NMI 2
#define VEC_DOUBLE_FAULT 8
#define VEC_PAGE_FAULT 14

/* The 32 exception vectors' names in vector order, one string each (a table of pointers costs 256 bytes more). */
static const char exception_names[] =
	"divide error (#DE)\0debug (#DB)\0NMI\0breakpoint (#BP)\0overflow (#OF)\0"
	"bound range (#BR)\0invalid opcode (#UD)\0device not available (#NM)\0"
	"double fault (#DF)\0coprocessor overrun\0invalid TSS (#TS)\0"
	"segment not present (#NP)\0stack fault (#SS)\0general protection (#GP)\0"
	"page fault (#PF)\0reserved 15\0x87 FP error (#MF)\0alignment check (#AC)\0"
	"machine check (#MC)\0SIMD FP error (#XM)\0virtualization (#VE)\0"
	"control protection (#CP)\0reserved 22\0reserved 23\0reserved 24\0reserved 25\0"
	"reserved 26\0reserved 27\0hypervisor injection (#HV)\0VMM communication (#VC)\0"
	"security (#SX)\0reserved 31";

static const char *exception_name(uint64_t vector)
{
	const char *s = exception_names;
	for (vector &= 31; vector; vector--)
		s += __builtin_strlen(s) + 1;
	return s;
}

int panic_enter(void);

/* Says in words what a page fault at `addr` with `error` most likely was. */
static const char *page_fault_reason(uint64_t addr, uint64_t error)
{
	if (vm_is_stack_guard(addr))
		return "kernel stack overflow (hit the guard page)";
	if (addr < PAGE_SIZE_4K)
		return "NULL pointer dereference";
	if (error & PF_RESERVED)
		return "reserved bit set in a page table";
	if ((error & PF_PRESENT) && (error & PF_IFETCH))
		return "jump into non-executable memory (NX)";
	if ((error & PF_PRESENT) && (error & PF_WRITE))
		return "write to read-only memory";
	if (error & PF_IFETCH)
		return "jump to unmapped memory";
	return (error & PF_WRITE) ? "write to unmapped memory" : "read of unmapped memory";
}

/*
 * Where the interrupted function keeps its return address. Functions start
 * with `push %rbp; mov %rsp, %rbp` (frame pointers are on everywhere). A
 * fault before that prologue finished, or in code that is no function at all
 * (a jump into data), leaves the caller's return address on top of the
 * stack rather than in the frame chain: returns its slot, or NULL.
 */
static const uint64_t *pre_prologue_return(const struct trap_frame *tf)
{
	static const uint8_t prologue[4] = {0x55, 0x48, 0x89, 0xe5};
	uint64_t off;
	char name[KSYM_NAME_MAX];
	const uint8_t *fn = ksym_lookup(tf->rip, &off, name) ? (const uint8_t *)(tf->rip - off) : NULL;
	size_t pushed = 0;
	if (fn && __builtin_memcmp(fn, prologue, sizeof(prologue)) == 0) {
		if (off >= sizeof(prologue))
			return NULL;
		pushed = off > 0;
	}
	const uint64_t *slot = (const uint64_t *)tf->rsp + pushed;
	return vm_is_mapped((uintptr_t)slot) && ksym_lookup(*slot, &off, name) ? slot : NULL;
}

static void backtrace_from_trap(const struct trap_frame *tf)
{
	const uint64_t *ret = pre_prologue_return(tf);
	if (ret == NULL) {
		backtrace_print(tf->rip, tf->rbp);
		return;
	}
	/* A stand-in frame for the caller: its saved rbp is still the live one. */
	uint64_t frame[2] = {tf->rbp, *ret};
	backtrace_print(tf->rip, (uint64_t)frame);
}

static void dump_registers(const struct trap_frame *tf)
{
	kprintf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	kprintf("  rsi=%016lx rdi=%016lx rbp=%016lx rsp=%016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->rsp);
	kprintf("  r8 =%016lx r9 =%016lx r10=%016lx r11=%016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
	kprintf("  r12=%016lx r13=%016lx r14=%016lx r15=%016lx\n", tf->r12, tf->r13, tf->r14, tf->r15);
	kprintf("  rip=%016lx rflags=%08lx cs=%02lx ss=%02lx error=%lx\n", tf->rip, tf->rflags, tf->cs,
		tf->ss, tf->error);
	kprintf("  cr0=%016lx cr2=%016lx cr3=%016lx cr4=%016lx\n", read_cr0(), read_cr2(), read_cr3(),
		read_cr4());
}

void trap_fatal(struct trap_frame *tf)
{
	uint64_t cr2 = read_cr2(), off = 0;
#ifdef CONFIG_SMP
	/* Another CPU panics and stops this one (smp_stop_others): halt without a word. */
	if (tf->vector == VEC_NMI && smp_stopping())
		for (;;)
			__asm__ volatile("cli; hlt");
#endif
	panic_enter();
	char name[KSYM_NAME_MAX];
	const char *fn = ksym_lookup(tf->rip, &off, name);
	kprintf("\nyolk: panic: %s at rip 0x%lx", exception_name(tf->vector), tf->rip);
	if (fn)
		kprintf(" (%s+0x%lx)", fn, off);
#ifdef CONFIG_SMP
	kprintf(" on cpu %u (apic id %u)", this_cpu()->id, this_cpu()->apic_id);
#endif
	kprintf("\n");
	if (tf->vector == VEC_PAGE_FAULT)
		kprintf("  %s: address 0x%lx\n", page_fault_reason(cr2, tf->error), cr2);
	else if (tf->vector == VEC_DOUBLE_FAULT && vm_is_stack_guard(tf->rsp - 8))
		kprintf("  kernel stack overflow (hit the guard page): rsp 0x%lx\n", tf->rsp);
	else if (tf->vector == VEC_DOUBLE_FAULT && vm_is_stack_guard(cr2))
		kprintf("  kernel stack overflow (hit the guard page): address 0x%lx\n", cr2);
	dump_registers(tf);
	backtrace_from_trap(tf);
	machine_exit(YOLK_EXIT_PANIC);
}
