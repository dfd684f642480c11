/* What core/pthread.c and its companions (pthread_cancel.c, sched_policy.c) share. */
#ifndef CORE_PTHREAD_INTERNAL_H
#define CORE_PTHREAD_INTERNAL_H

/*
 * Pops and runs the calling thread's cleanup handlers, innermost first, with
 * cancellation disabled: pthread_exit() calls it before the key destructors.
 */
void pthread_cleanup_run_all(void);

/*
 * The policy, ordinary priority and real-time priority a new thread gets
 * from attr (NULL: inherited from the caller). 0, or EINVAL if the attr's
 * explicit parameters do not fit its policy.
 */
int sched_policy_for_create(const pthread_attr_t *attr, int *policy, int *prio, int *rt_prio);

#endif
