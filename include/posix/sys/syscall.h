/*
 * System call numbers (Linux x86_64's, for the calls yolk implements) and
 * syscall(). There is no kernel boundary in a unikernel: syscall() and the
 * `syscall` instruction both land in one table (core/syscall.c), which a
 * program can extend with yolk_syscall_register() (<yolk/syscall.h>).
 */
#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_stat 4
#define SYS_fstat 5
#define SYS_lstat 6
#define SYS_poll 7
#define SYS_lseek 8
#define SYS_ioctl 16
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_access 21
#define SYS_pipe 22
#define SYS_select 23
#define SYS_sched_yield 24
#define SYS_dup 32
#define SYS_dup2 33
#define SYS_nanosleep 35
#define SYS_getpid 39
#define SYS_exit 60
#define SYS_fcntl 72
#define SYS_fsync 74
#define SYS_truncate 76
#define SYS_ftruncate 77
#define SYS_getcwd 79
#define SYS_chdir 80
#define SYS_rename 82
#define SYS_mkdir 83
#define SYS_rmdir 84
#define SYS_unlink 87
#define SYS_gettid 186
#define SYS_clock_gettime 228
#define SYS_exit_group 231
#define SYS_getrandom 318

#ifdef __cplusplus
extern "C" {
#endif

/* Runs system call `nr`; returns its result, or -1 with errno set (ENOSYS for an unknown number). */
long syscall(long nr, ...);

#ifdef __cplusplus
}
#endif

#endif
