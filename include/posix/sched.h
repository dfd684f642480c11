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
