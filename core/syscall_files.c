/*
 * The file system calls in the syscall table (Linux x86_64 numbers), so raw
 * `syscall` instructions and syscall(SYS_open, ...) reach the same fd table
 * as the libc calls. Each entry runs the libc call and returns -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yolk/init.h>
#include <yolk/syscall.h>

/* A table entry that runs `call` with the six raw arguments a0..a5 in scope. */
#define SYSCALL(name, call)                                                                   \
	static long sys_##name(long a0, long a1, long a2, long a3, long a4, long a5)          \
	{                                                                                     \
		(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;                   \
		long r = (long)(call);                                                        \
		return r == -1 ? -errno : r;                                                  \
	}

SYSCALL(open, open((const char *)a0, (int)a1, (int)a2))
SYSCALL(stat, stat((const char *)a0, (struct stat *)a1))
SYSCALL(fstat, fstat((int)a0, (struct stat *)a1))
SYSCALL(lstat, lstat((const char *)a0, (struct stat *)a1))
SYSCALL(poll, poll((struct pollfd *)a0, (nfds_t)a1, (int)a2))
SYSCALL(ioctl, ioctl((int)a0, (unsigned long)a1, (void *)a2))
SYSCALL(pread64, pread((int)a0, (void *)a1, (size_t)a2, (off_t)a3))
SYSCALL(pwrite64, pwrite((int)a0, (const void *)a1, (size_t)a2, (off_t)a3))
SYSCALL(access, access((const char *)a0, (int)a1))
SYSCALL(pipe, pipe((int *)a0))
SYSCALL(select, select((int)a0, (fd_set *)a1, (fd_set *)a2, (fd_set *)a3, (struct timeval *)a4))
SYSCALL(dup, dup((int)a0))
SYSCALL(dup2, dup2((int)a0, (int)a1))
/*
 * F_DUPFD..F_SETFL have the same numbers in Linux and picolibc; Linux's
 * record lock commands (5-7) and struct flock do not: not supported here.
 */
SYSCALL(fcntl, (int)a1 >= F_DUPFD && (int)a1 <= F_SETFL ? fcntl((int)a0, (int)a1, (int)a2) : (errno = EINVAL, -1))
SYSCALL(fsync, fsync((int)a0))
SYSCALL(truncate, truncate((const char *)a0, (off_t)a1))
SYSCALL(ftruncate, ftruncate((int)a0, (off_t)a1))
/* Linux's getcwd returns the length including the NUL. */
SYSCALL(getcwd, getcwd((char *)a0, (size_t)a1) ? (long)strlen((char *)a0) + 1 : -1)
SYSCALL(chdir, chdir((const char *)a0))
SYSCALL(rename, rename((const char *)a0, (const char *)a1))
SYSCALL(mkdir, mkdir((const char *)a0, (mode_t)a1))
SYSCALL(rmdir, rmdir((const char *)a0))
SYSCALL(unlink, unlink((const char *)a0))

#define ENTRY(name) {SYS_##name, sys_##name}

static int syscall_files_init(void)
{
	static const struct {
		long nr;
		yolk_syscall_fn fn;
	} table[] = {
		ENTRY(open),  ENTRY(stat),  ENTRY(fstat),    ENTRY(lstat),     ENTRY(poll),   ENTRY(ioctl),
		ENTRY(pread64), ENTRY(pwrite64), ENTRY(access), ENTRY(pipe),   ENTRY(select), ENTRY(dup),
		ENTRY(dup2),  ENTRY(fcntl), ENTRY(fsync),    ENTRY(truncate),  ENTRY(ftruncate), ENTRY(getcwd),
		ENTRY(chdir), ENTRY(rename), ENTRY(mkdir),   ENTRY(rmdir),     ENTRY(unlink),
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		yolk_syscall_register(table[i].nr, table[i].fn);
	return 0;
}
YOLK_INIT(YOLK_INIT_SERVICE, syscall_files_init);
