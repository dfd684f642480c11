/*
 * Registering a system call, as in eggos' syscall example: install a handler
 * for a new number, then call it through syscall() and through the raw
 * `syscall` instruction, next to a Linux number (write) used the same ways.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yolk/syscall.h>

#define SYS_yolk_demo 500

/* The new call: a0 + 2 * a1, and it says it ran. */
static long sys_demo(long a0, long a1, long a2, long a3, long a4, long a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	printf("sys_demo(%ld, %ld) called\n", a0, a1);
	return a0 + 2 * a1;
}

/* What a program written for Linux does: the instruction itself. */
static long raw_syscall3(long nr, long a0, long a1, long a2)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

int main(void)
{
	int r = yolk_syscall_register(SYS_yolk_demo, sys_demo);
	printf("register(%d) = %d\n", SYS_yolk_demo, r);
	printf("register again = %s\n", yolk_syscall_register(SYS_yolk_demo, sys_demo) == -EEXIST ? "-EEXIST" : "?");
	printf("syscall(%d, 20, 11) = %ld\n", SYS_yolk_demo, syscall(SYS_yolk_demo, 20L, 11L));
	printf("raw syscall %d (20, 11) = %ld\n", SYS_yolk_demo, raw_syscall3(SYS_yolk_demo, 20, 11, 0));
	fflush(stdout);
	static const char msg[] = "hello from a raw write syscall\n";
	long n = raw_syscall3(SYS_write, 1, (long)msg, (long)strlen(msg));
	printf("raw write returned %ld\n", n);
	errno = 0;
	long bad = syscall(777L);
	printf("syscall(777) = %ld, errno %s\n", bad, errno == ENOSYS ? "ENOSYS" : "?");
	printf("raw syscall 777 = %ld (-ENOSYS is %d)\n", raw_syscall3(777, 0, 0, 0), -ENOSYS);
	return 0;
}
