/* panic(), backtraces, and leaving the machine with an exit code. */
#include <stdarg.h>
#include <stdio.h>
#include <arch/cpu.h>
#include <yolk-config/core.h>
#include <yolk/console.h>
#include <yolk/cpu.h>
#include <yolk/exit.h>
#include <yolk/ksyms.h>
#include <yolk/mm.h>
#include <yolk/panic.h>

#define BACKTRACE_MAX_FRAMES 32
#define BACKTRACE_MAX_WALK 100000ul

static volatile int panicking;

static void print_frame(int n, uint64_t pc)
{
	uint64_t off;
	char buf[KSYM_NAME_MAX];
	const char *name = ksym_lookup(pc, &off, buf);
	if (name)
		kprintf("  #%-2d 0x%016lx %s+0x%lx\n", n, (unsigned long)pc, name, (unsigned long)off);
	else
		kprintf("  #%-2d 0x%016lx ?\n", n, (unsigned long)pc);
}

/* Prints pc unless it repeats the previous frame (deep recursion); counts repeats. */
static void emit(int *n, uint64_t pc, uint64_t *last, unsigned long *repeats)
{
	if (pc == *last) {
		(*repeats)++;
		return;
	}
	if (*repeats)
		kprintf("      ... the frame above repeats %lu more times\n", *repeats);
	*repeats = 0;
	*last = pc;
	if (pc == 0)
		return;
	if (*n < BACKTRACE_MAX_FRAMES)
		print_frame(*n, pc);
	(*n)++;
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	int n = 0;
	uint64_t last = 0;
	unsigned long repeats = 0;
	kprintf("backtrace:\n");
	if (rip)
		emit(&n, rip, &last, &repeats);
	if (rbp == 0)
		rbp = (uint64_t)__builtin_frame_address(0);
	/* Walk the frame-pointer chain; stop at anything that is not mapped memory. */
	for (unsigned long walked = 0; walked < BACKTRACE_MAX_WALK && rbp && (rbp & 7) == 0 &&
				       vm_is_mapped(rbp) && vm_is_mapped(rbp + 8);
	     walked++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		if (frame[1] == 0)
			break;
		/* A return address points after the call; -1 names the calling line. */
		emit(&n, frame[1] - 1, &last, &repeats);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	emit(&n, 0, &last, &repeats); /* flushes a pending repeat count */
	if (n > BACKTRACE_MAX_FRAMES)
		kprintf("      ... %d more frames\n", n - BACKTRACE_MAX_FRAMES);
}

int panic_in_progress(void) { return panicking; }

/* Returns nonzero if this is a panic inside a panic: then only exit. */
int panic_enter(void)
{
	irq_disable();
#ifdef CONFIG_SMP
	/* One CPU reports; one that panics while another does waits to be stopped by it. */
	int me = (int)this_cpu_id() + 1, first = 0;
	if (!__atomic_compare_exchange_n(&panicking, &first, me, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
	    first != me)
		for (;;)
			__asm__ volatile("cli; hlt");
	if (first == 0) {
		smp_stop_others();
		return 0;
	}
#else
	if (!panicking) {
		panicking = 1;
		return 0;
	}
#endif
	console_write("yolk: panic while panicking\n", 28);
	machine_exit(YOLK_EXIT_PANIC);
	return 1;
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	panic_enter();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("\nyolk: panic: %s\n", buf);
	backtrace_print(0, 0);
	machine_exit(YOLK_EXIT_PANIC);
}

void machine_exit(int code)
{
	if (code < 0 || code > YOLK_EXIT_PANIC)
		code = YOLK_EXIT_MAX;
	irq_disable();
	outb(YOLK_DEBUG_EXIT_PORT, (uint8_t)(code + 1));
	/* Not on QEMU (or no debug-exit device): stop here. */
	for (;;)
		__asm__ volatile("cli; hlt");
}
