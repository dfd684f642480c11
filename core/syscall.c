/*
 * The system call table, with Linux x86_64 numbers so code that issues raw
 * system calls keeps working. Both syscall() and the `syscall` instruction
 * (MSR_LSTAR -> arch/x86_64/syscall_entry.S; ring 0 to ring 0) dispatch here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <yolk/init.h>
#include <yolk/sched.h>
#include <yolk/syscall.h>

int getentropy(void *buf, size_t len);

static yolk_syscall_fn table[YOLK_SYSCALL_MAX];

/* Runs a libc call and turns its -1/errno result into the kernel's -errno. */
static long ret(long r) { return r == -1 ? -errno : r; }

static long sys_read(long fd, long buf, long n, long a3, long a4, long a5)
{
	(void)a3, (void)a4, (void)a5;
	return ret(read((int)fd, (void *)buf, (size_t)n));
}

static long sys_write(long fd, long buf, long n, long a3, long a4, long a5)
{
	(void)a3, (void)a4, (void)a5;
	return ret(write((int)fd, (const void *)buf, (size_t)n));
}

static long sys_close(long fd, long a1, long a2, long a3, long a4, long a5)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return ret(close((int)fd));
}

static long sys_lseek(long fd, long off, long whence, long a3, long a4, long a5)
{
	(void)a3, (void)a4, (void)a5;
	return ret(lseek((int)fd, off, (int)whence));
}

static long sys_sched_yield(long a0, long a1, long a2, long a3, long a4, long a5)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	thread_yield();
	return 0;
}

static long sys_nanosleep(long req, long rem, long a2, long a3, long a4, long a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	return ret(nanosleep((const struct timespec *)req, (struct timespec *)rem));
}

static long sys_getpid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return getpid(); /* one program: it is "init" (core/process.c) */
}

static long sys_gettid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return thread_id(thread_self()) + 1;
}

static long sys_exit(long status, long a1, long a2, long a3, long a4, long a5)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	exit((int)status);
}

static long sys_clock_gettime(long clk, long ts, long a2, long a3, long a4, long a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	return ret(clock_gettime((clockid_t)clk, (struct timespec *)ts));
}

static long sys_getrandom(long buf, long n, long flags, long a3, long a4, long a5)
{
	(void)flags, (void)a3, (void)a4, (void)a5;
	size_t len = (size_t)n > 256 ? 256 : (size_t)n;
	return getentropy((void *)buf, len) ? -EIO : (long)len;
}

int yolk_syscall_register(long nr, yolk_syscall_fn fn)
{
	if (nr < 0 || nr >= YOLK_SYSCALL_MAX || fn == NULL)
		return -EINVAL;
	if (table[nr])
		return -EEXIST;
	table[nr] = fn;
	return 0;
}

long yolk_syscall_dispatch(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	if (nr < 0 || nr >= YOLK_SYSCALL_MAX || table[nr] == NULL)
		return -ENOSYS;
	return table[nr](a0, a1, a2, a3, a4, a5);
}

long syscall(long nr, ...)
{
	va_list ap;
	long a[6];
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	long r = yolk_syscall_dispatch(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

void arch_syscall_init(void);

static int syscall_init(void)
{
	static const struct {
		long nr;
		yolk_syscall_fn fn;
	} builtin[] = {
		{SYS_read, sys_read},
		{SYS_write, sys_write},
		{SYS_close, sys_close},
		{SYS_lseek, sys_lseek},
		{SYS_sched_yield, sys_sched_yield},
		{SYS_nanosleep, sys_nanosleep},
		{SYS_getpid, sys_getpid},
		{SYS_exit, sys_exit},
		{SYS_gettid, sys_gettid},
		{SYS_clock_gettime, sys_clock_gettime},
		{SYS_exit_group, sys_exit},
		{SYS_getrandom, sys_getrandom},
	};
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		yolk_syscall_register(builtin[i].nr, builtin[i].fn);
	arch_syscall_init();
	return 0;
}
YOLK_INIT(YOLK_INIT_SERVICE, syscall_init);
