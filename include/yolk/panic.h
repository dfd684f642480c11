/* Fatal errors: report on the console with a backtrace, then leave QEMU. */
#ifndef YOLK_PANIC_H
#define YOLK_PANIC_H

#include <stdint.h>
#include <yolk-config/core.h>

/* Prints the message, a symbolized backtrace of the caller, and exits with YOLK_EXIT_PANIC. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* 1 once a panic has begun: lock checks stand aside so its report gets out. */
int panic_in_progress(void);

/* Prints a backtrace starting at frame pointer `rbp` (0: the caller's). */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* Leaves the machine: QEMU exits with `code` (see yolk/exit.h); on hardware, halts. */
__attribute__((noreturn)) void machine_exit(int code);

/* Kernel consistency check, compiled in with CONFIG_DEBUG_ASSERTS. */
#ifdef CONFIG_DEBUG_ASSERTS
#define KASSERT(cond)                                                                           \
	do {                                                                                    \
		if (!(cond))                                                                    \
			panic("KASSERT(%s) failed at %s:%d", #cond, __FILE__, __LINE__);       \
	} while (0)
#else
#define KASSERT(cond) ((void)sizeof(cond))
#endif

#endif
