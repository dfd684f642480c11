/*
 * CPU affinity for POSIX threads (GNU's pthread_setaffinity_np family) and
 * sched_getcpu(), on the scheduler's masks (yolk/sched.h). A cpu_set_t
 * holds more CPUs than yolk starts (CONFIG_MAX_CPUS <= 64): bits past 63
 * are ignored on the way in and clear on the way out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <yolk/sched.h>

#define MASK_BITS 64

static int mask_from_set(size_t setsize, const cpu_set_t *set, uint64_t *mask)
{
	if (set == NULL || setsize < sizeof(uint64_t))
		return EINVAL;
	memcpy(mask, set, sizeof(*mask));
	return 0;
}

static int set_from_mask(uint64_t mask, size_t setsize, cpu_set_t *set)
{
	if (set == NULL || setsize < sizeof(uint64_t))
		return EINVAL;
	memset(set, 0, setsize);
	memcpy(set, &mask, sizeof(mask));
	return 0;
}

static int set_affinity(struct thread *t, void *arg) { return -thread_set_affinity(t, *(uint64_t *)arg); }

static int get_affinity(struct thread *t, void *arg)
{
	*(uint64_t *)arg = thread_get_affinity(t);
	return 0;
}

int pthread_setaffinity_np(pthread_t thread, size_t setsize, const cpu_set_t *set)
{
	uint64_t mask;
	int err = mask_from_set(setsize, set, &mask);
	if (err)
		return err;
	err = thread_with_handle(thread, set_affinity, &mask);
	sched_preempt_point_voluntary(); /* the caller itself leaves a CPU no longer its own */
	return err == -ESRCH ? ESRCH : err;
}

int pthread_getaffinity_np(pthread_t thread, size_t setsize, cpu_set_t *set)
{
	uint64_t mask;
	if (thread_with_handle(thread, get_affinity, &mask) != 0)
		return ESRCH;
	return set_from_mask(mask, setsize, set);
}

/* Only the calling process exists: pid 0 or getpid() means the calling thread. */
static int pid_ok(pid_t pid) { return pid == 0 || pid == getpid(); }

int sched_setaffinity(pid_t pid, size_t setsize, const cpu_set_t *set)
{
	uint64_t mask;
	int err = pid_ok(pid) ? mask_from_set(setsize, set, &mask) : ESRCH;
	if (err == 0)
		err = -thread_set_affinity(thread_self(), mask);
	sched_preempt_point_voluntary();
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int sched_getaffinity(pid_t pid, size_t setsize, cpu_set_t *set)
{
	int err = pid_ok(pid) ? set_from_mask(thread_get_affinity(thread_self()), setsize, set) : ESRCH;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int sched_getcpu(void) { return (int)sched_this_cpu(); }

int __sched_cpucount(size_t setsize, const cpu_set_t *set)
{
	int n = 0;
	for (size_t i = 0; i < setsize / sizeof(unsigned long); i++)
		n += __builtin_popcountl(set->__bits[i]);
	return n;
}
