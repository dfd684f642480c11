/*
 * POSIX semaphores (picolibc has none): unnamed ones (sem_init) and named
 * ones (sem_open), counting up to SEM_VALUE_MAX (<limits.h>), on yolk's
 * kernel semaphores. yolk has one address space, so pshared != 0 simply
 * works. Names are "/name" (no other slash, at most NAME_MAX bytes); they
 * live until sem_unlink and the last sem_close.
 */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <fcntl.h>
#include <limits.h>
#include <time.h>
#include <yolk/sync.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	struct ksem s;
	unsigned magic; /* SEM_MAGIC while initialised: other values make calls fail with EINVAL */
} sem_t;

#define SEM_FAILED ((sem_t *)0)

int sem_init(sem_t *sem, int pshared, unsigned value);
int sem_destroy(sem_t *sem);
int sem_wait(sem_t *sem);
int sem_trywait(sem_t *sem);
int sem_timedwait(sem_t *sem, const struct timespec *abstime);
int sem_post(sem_t *sem);
int sem_getvalue(sem_t *sem, int *value);

/* With O_CREAT, two more arguments: mode_t mode (ignored: no permissions) and unsigned value. */
sem_t *sem_open(const char *name, int oflag, ...);
int sem_close(sem_t *sem);
int sem_unlink(const char *name);

#ifdef __cplusplus
}
#endif

#endif
