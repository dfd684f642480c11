/*
 * kernel_entry(): from the boot stub to the application's main(). The order
 * matters: canary and TLS before any protected or errno-touching code, the
 * console before anything can go wrong, the IDT before memory management
 * (so its faults are reported), the real page tables before stacks and heap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/trap.h>
#include <yolk-config/core.h>
#include <yolk/app.h>
#include <yolk/boot.h>
#include <yolk/cmdline.h>
#include <yolk/console.h>
#include <yolk/cpu.h>
#include <yolk/exit.h>
#include <yolk/file.h>
#include <yolk/init.h>
#include <yolk/mm.h>
#include <yolk/panic.h>
#include <yolk/param.h>
#include <yolk/sched.h>
#include <yolk/time.h>
#include "apprun.h"

#define MAIN_STACK_SIZE (CONFIG_MAIN_STACK_SIZE_KB * 1024ul)
#define MAX_ARGS 64

extern uintptr_t __stack_chk_guard;
extern char __tls_size[];
extern const struct yolk_init __start_yolk_init[], __stop_yolk_init[];
extern const struct yolk_param __start_yolk_param[], __stop_yolk_param[];

void _init_tls(void *tls);
void _set_tls(void *tls);
void __libc_init_array(void);
void gdt_init_ist(void);

static char boot_tls[1024] __attribute__((aligned(64)));
static char cmdline_copy[BOOT_CMDLINE_MAX];
static char *words[MAX_ARGS + 1];
static const struct yolk_app *main_app;

const struct yolk_app *yolk_app_find(const char *name)
{
	for (unsigned i = 0; i < yolk_napps; i++)
		if (strcmp(yolk_apps[i].name, name) == 0)
			return &yolk_apps[i];
	return NULL;
}

/* app=NAME: run another linked application as main(). */
static const char *param_app(const char *name)
{
	static char msg[160];
	main_app = yolk_app_find(name);
	if (main_app)
		return NULL;
	size_t n = (size_t)snprintf(msg, sizeof(msg), "no such application (linked:");
	for (unsigned i = 0; i < yolk_napps && n < sizeof(msg); i++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, " %s", yolk_apps[i].name);
	if (n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ")");
	return msg;
}
YOLK_PARAM(app, param_app);

static __attribute__((no_stack_protector)) void canary_init(void)
{
	uint64_t v;
	if (!cpu_rdrand(&v))
		v = rdtsc() * 0x9e3779b97f4a7c15ull;
	/* A zero low byte stops string overflows from copying the canary out. */
	__stack_chk_guard = (uintptr_t)(v & ~0xfful);
}

/*
 * Weak: strerror's table of messages (4 KB) comes only with whatever else
 * calls it (an app, the VFS, a driver); hello has nothing else, and then a
 * part that fails to start is reported with its errno value.
 */
#pragma weak strerror

static void run_initcalls(void)
{
	for (const struct yolk_init *i = __start_yolk_init; i < __stop_yolk_init; i++) {
		int r = i->fn();
		if (r < 0 && strerror)
			kprintf("yolk: %s failed to start: %s\n", i->name, strerror(-r));
		else if (r != 0)
			kprintf("yolk: %s failed to start: error %d\n", i->name, r < 0 ? -r : r);
	}
}

/*
 * Splits the command line, applies the kernel parameters at its head, and
 * leaves main()'s argv in words[]: the app's name, then the remaining words.
 * Returns argc.
 */
static int build_argv(char ***argv)
{
	const char *err = NULL, *bad = NULL;
	char *line = cmdline_copy;
	strncpy(cmdline_copy, boot_info.cmdline, sizeof(cmdline_copy) - 1);
	/* GRUB starts the command line with the kernel's path: it is not an argument. */
	if (boot_info.loader == BOOT_LOADER_MULTIBOOT2 && line[0] == '/')
		line += strcspn(line, " \t");
	int n = cmdline_split(line, words + 1, MAX_ARGS - 1, &err);
	if (n < 0)
		panic("bad kernel command line: %s: \"%s\"", err, boot_info.cmdline);
	int first = param_consume(words + 1, n, __start_yolk_param,
				  (size_t)(__stop_yolk_param - __start_yolk_param), &err, &bad);
	if (first < 0)
		panic("bad kernel command line: %s: %s", bad, err);
	if (main_app == NULL && (main_app = yolk_app_find(CONFIG_MAIN_APP)) == NULL)
		panic("the main application \"%s\" is not linked in", CONFIG_MAIN_APP);
	*argv = words + first;
	(*argv)[0] = (char *)main_app->name;
	return n - first + 1;
}

static __attribute__((noreturn)) void start_main(void)
{
	char **argv;
	int argc = build_argv(&argv);
#ifdef CONFIG_SMP
	/* After the command line, so loglevel= applies to its report. */
	smp_boot();
#endif
	/* Threads first: drivers may sleep waiting for their devices. */
	sched_init();
	run_initcalls();
	__libc_init_array();
	exit(main_app->main(argc, argv));
}

__attribute__((noreturn, no_stack_protector)) void kernel_entry(uint32_t magic, uint32_t info)
{
	percpu_load_boot();
	canary_init();
	if ((uintptr_t)__tls_size > sizeof(boot_tls))
		machine_exit(YOLK_EXIT_PANIC);
	_init_tls(boot_tls);
	_set_tls(boot_tls);
	console_init();
	fd_init();
	stdio_init();
	gdt_init();
	idt_init();
	if (boot_info_parse(magic, info))
		panic("started by an unknown boot loader (magic 0x%x)", magic);
	pmm_init(&boot_info);
	vm_init(&boot_info);
	gdt_init_ist();
	time_init();
	irq_enable();
	klog(KLOG_NOTICE, "%zu MiB free, TSC %lu MHz, booted by %s\n", pmm_free_pages() / 256,
	     (unsigned long)(tsc_hz() / 1000000),
	     boot_info.loader == BOOT_LOADER_PVH ? "PVH (-kernel)" : "multiboot2");
	void *stack = vm_alloc_stack(MAIN_STACK_SIZE);
	if (stack == NULL)
		panic("no memory for the main stack");
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "call *%1\n\t"
			 "ud2" ::"r"(stack),
			 "r"(start_main)
			 : "memory");
	__builtin_unreachable();
}
