/*
 * lwIP's operating-system types on yolk (NO_SYS=0): semaphores and mutexes
 * are yolk's ksem/kmutex, a mailbox is a bounded ring under a kmutex, and
 * lightweight protection masks interrupts (one CPU). See sys_arch.c.
 */
#ifndef LWIP_ARCH_SYS_ARCH_H
#define LWIP_ARCH_SYS_ARCH_H

#include <yolk/sync.h>

struct thread;
struct sys_mbox;

typedef struct {
	struct ksem sem;
	int valid;
} sys_sem_t;

typedef struct {
	struct kmutex mutex;
	int valid;
} sys_mutex_t;

typedef struct sys_mbox *sys_mbox_t;
typedef struct thread *sys_thread_t;
typedef int sys_prot_t;

#define sys_sem_valid(s) ((s)->valid)
#define sys_sem_set_invalid(s) ((s)->valid = 0)
#define sys_mutex_valid(m) ((m)->valid)
#define sys_mutex_set_invalid(m) ((m)->valid = 0)
#define sys_mbox_valid(mb) (*(mb) != NULL)
#define sys_mbox_set_invalid(mb) (*(mb) = NULL)

#endif
