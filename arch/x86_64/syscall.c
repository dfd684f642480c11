/* Points the `syscall` instruction at arch_syscall_entry (SCE, STAR, LSTAR, FMASK). */
#include <arch/cpu.h>

#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define EFER_SCE 1ul
#define KERNEL_CS 0x08ul

void arch_syscall_entry(void);

void arch_syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL loads CS from STAR[47:32] (and SS from it + 8): our code and data selectors. */
	wrmsr(MSR_STAR, KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (uint64_t)arch_syscall_entry);
	wrmsr(MSR_FMASK, 0); /* flags stay as the caller had them */
}
