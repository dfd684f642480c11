/*
 * yolk's system call table: register handlers for new numbers. Linked with
 * CONFIG_SYSCALL only (an application that uses it selects SYSCALL_NEEDED).
 */
#ifndef YOLK_SYSCALL_H
#define YOLK_SYSCALL_H

#include <sys/syscall.h>

#define YOLK_SYSCALL_MAX 1024

/* A handler gets the six argument registers; it returns a result or -errno. */
typedef long (*yolk_syscall_fn)(long a0, long a1, long a2, long a3, long a4, long a5);

/* Installs fn for nr. 0, -EINVAL (nr out of range) or -EEXIST (taken). */
int yolk_syscall_register(long nr, yolk_syscall_fn fn);

/* Looks nr up and runs it: the result, or -ENOSYS. */
long yolk_syscall_dispatch(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

#endif
