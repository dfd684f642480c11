/*
 * picolibc's lock (sys/lock.h's struct __lock), as yolk implements it
 * (core/libc_glue.c): a sleeping mutex. A lock whose stream is not the same
 * for every caller (stdin, stdout and stderr: core/stdio.c) names the mutex
 * to take instead, so two runs printing never wait for each other.
 */
#ifndef CORE_LIBC_LOCK_H
#define CORE_LIBC_LOCK_H

#include <yolk/sync.h>

struct __lock {
	struct kmutex m;
	/* NULL, or the mutex this lock stands for in the calling thread (the same every call). */
	struct kmutex *(*which)(struct __lock *l);
	/* NULL, or called before the caller lets go of the outermost level of which(l). */
	void (*unlocking)(struct __lock *l);
};

#endif
