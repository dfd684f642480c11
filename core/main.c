/*
 * kernel_entry(): from the boot stub to the application's main(). The order
 * matters: canary and TLS before any protected or errno-touching code, the
 * console before anything can go wrong, the IDT before memory management
 * (so its faults are reported), the real page tables before stacks and heap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/trap.h>
#include <yolk/boot.h>
#include <yolk/cmdline.h>
#include <yolk/console.h>
#include <yolk/exit.h>
#include <yolk/init.h>
#include <yolk/mm.h>
#include <yolk/panic.h>
#include <yolk/time.h>

#ifndef CONFIG_MAIN_STACK_SIZE
#define CONFIG_MAIN_STACK_SIZE (256 * 1024)
#endif
#define MAX_ARGS 64

extern uintptr_t __stack_chk_guard;
extern char __tls_size[];
extern const char yolk_image_name[];
extern const struct yolk_init __start_yolk_init[], __stop_yolk_init[];

void _init_tls(void *tls);
void _set_tls(void *tls);
void __libc_init_array(void);
void gdt_init_ist(void);
int main(int argc, char **argv);

static char boot_tls[1024] __attribute__((aligned(64)));
static char cmdline_copy[BOOT_CMDLINE_MAX];
static char *argv[MAX_ARGS + 2];

static __attribute__((no_stack_protector)) void canary_init(void)
{
	uint64_t v;
	if (!cpu_rdrand(&v))
		v = rdtsc() * 0x9e3779b97f4a7c15ull;
	/* A zero low byte stops string overflows from copying the canary out. */
	__stack_chk_guard = (uintptr_t)(v & ~0xfful);
}

static void run_initcalls(void)
{
	for (const struct yolk_init *i = __start_yolk_init; i < __stop_yolk_init; i++)
		if (i->fn() != 0)
			kprintf("yolk: %s failed to start\n", i->name);
}

/* Builds argv: the image name, then the kernel command line's words. */
static int build_argv(void)
{
	const char *err = NULL;
	char *line = cmdline_copy;
	strncpy(cmdline_copy, boot_info.cmdline, sizeof(cmdline_copy) - 1);
	/* GRUB starts the command line with the kernel's path: it is not an argument. */
	if (boot_info.loader == BOOT_LOADER_MULTIBOOT2 && line[0] == '/')
		line += strcspn(line, " \t");
	argv[0] = (char *)yolk_image_name;
	int n = cmdline_split(line, argv + 1, MAX_ARGS, &err);
	if (n < 0)
		panic("bad kernel command line: %s: \"%s\"", err, boot_info.cmdline);
	return n + 1;
}

static __attribute__((noreturn)) void start_main(void)
{
	int argc = build_argv();
	__libc_init_array();
	exit(main(argc, argv));
}

__attribute__((noreturn, no_stack_protector)) void kernel_entry(uint32_t magic, uint32_t info)
{
	canary_init();
	if ((uintptr_t)__tls_size > sizeof(boot_tls))
		machine_exit(YOLK_EXIT_PANIC);
	_init_tls(boot_tls);
	_set_tls(boot_tls);
	console_init();
	gdt_init();
	idt_init();
	if (boot_info_parse(magic, info))
		panic("started by an unknown boot loader (magic 0x%x)", magic);
	pmm_init(&boot_info);
	vm_init(&boot_info);
	gdt_init_ist();
	time_init();
	irq_enable();
	run_initcalls();
	void *stack = vm_alloc_stack(CONFIG_MAIN_STACK_SIZE);
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
