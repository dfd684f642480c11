/* What unnamed and named semaphores share (core/semaphore*.c). */
#ifndef CORE_SEMAPHORE_INTERNAL_H
#define CORE_SEMAPHORE_INTERNAL_H

#include <semaphore.h>

#define SEM_MAGIC 0x53454d31u /* "SEM1" */

/* Makes *sem a semaphore with count value (value <= SEM_VALUE_MAX). */
void sem_setup(sem_t *sem, unsigned value);

#endif
