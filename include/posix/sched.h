/*
 * picolibc's <sched.h>, plus the Process Scheduling interfaces it declares
 * only when _POSIX_PRIORITY_SCHEDULING is set. yolk does not implement that
 * option yet (README.md), so the macro stays unset; the declarations are
 * here so programs compile, and fail to link until the option exists.
 */
#pragma GCC system_header /* #include_next is a GCC extension */
#include_next <sched.h>

#ifndef YOLK_POSIX_SCHED_H
#define YOLK_POSIX_SCHED_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * CPU sets (GNU): picolibc has no sys/cpuset.h for this target. One bit per
 * CPU, CPU_SETSIZE of them; yolk starts at most CONFIG_MAX_CPUS (<= 64).
 */
#define CPU_SETSIZE 1024
typedef struct {
	unsigned long __bits[CPU_SETSIZE / (8 * sizeof(unsigned long))];
} cpu_set_t;
#define __CPU_WORD(cpu) ((cpu) / (8 * sizeof(unsigned long)))
#define __CPU_BIT(cpu) (1ul << ((cpu) % (8 * sizeof(unsigned long))))
#define CPU_ZERO(set) __builtin_memset((set), 0, sizeof(cpu_set_t))
#define CPU_SET(cpu, set) ((void)((cpu) < CPU_SETSIZE ? ((set)->__bits[__CPU_WORD(cpu)] |= __CPU_BIT(cpu)) : 0))
#define CPU_CLR(cpu, set) ((void)((cpu) < CPU_SETSIZE ? ((set)->__bits[__CPU_WORD(cpu)] &= ~__CPU_BIT(cpu)) : 0))
#define CPU_ISSET(cpu, set) ((cpu) < CPU_SETSIZE && ((set)->__bits[__CPU_WORD(cpu)] & __CPU_BIT(cpu)) != 0)
int __sched_cpucount(size_t setsize, const cpu_set_t *set);
#define CPU_COUNT(set) __sched_cpucount(sizeof(cpu_set_t), (set))

/* pid 0 (or the process's, 1): the calling thread. 0, or -1 with errno EINVAL/ESRCH. */
int sched_setaffinity(pid_t pid, size_t setsize, const cpu_set_t *set);
int sched_getaffinity(pid_t pid, size_t setsize, cpu_set_t *set);
/* The CPU the calling thread runs on. */
int sched_getcpu(void);

struct timespec;
int sched_setparam(pid_t pid, const struct sched_param *param);
int sched_getparam(pid_t pid, struct sched_param *param);
int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param);
int sched_getscheduler(pid_t pid);
int sched_get_priority_max(int policy);
int sched_get_priority_min(int policy);
int sched_rr_get_interval(pid_t pid, struct timespec *interval);

#ifdef __cplusplus
}
#endif

#endif
