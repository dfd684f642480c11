/*
 * Processes: a yolk image runs one program, with threads, and has no way to
 * start another (no fork, no exec, no shell to hand a command to). These
 * calls exist so Unix code links, and fail the way POSIX allows: ENOSYS for
 * what cannot exist, ECHILD/ESRCH for children and other processes that
 * never do. The one process is pid 1, user and group 0.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yolk-config/core.h>
#include <yolk/cpu.h>
#include <yolk/file.h>
#include <yolk/mm.h>

static int no_processes(void)
{
	errno = ENOSYS;
	return -1;
}

pid_t fork(void) { return no_processes(); }
pid_t vfork(void) { return no_processes(); }

int execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path, (void)argv, (void)envp;
	return no_processes();
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, NULL); }
int execvp(const char *file, char *const argv[]) { return execve(file, argv, NULL); }

pid_t waitpid(pid_t pid, int *status, int options)
{
	(void)pid, (void)status, (void)options;
	errno = ECHILD;
	return -1;
}

pid_t wait(int *status) { return waitpid(-1, status, 0); }

pid_t getpid(void) { return 1; }
pid_t getppid(void) { return 0; }

/* A signal to the program itself runs its handler (picolibc's raise); there is nobody else. */
int kill(pid_t pid, int sig)
{
	if (pid != 0 && pid != -1 && pid != getpid()) {
		errno = ESRCH;
		return -1;
	}
	if (sig == 0)
		return 0;
	return raise(sig) ? (errno = EINVAL, -1) : 0;
}

/* The one process already leads its group and session, and POSIX makes that EPERM (daemon()). */
pid_t setsid(void)
{
	errno = EPERM;
	return -1;
}

int setuid(uid_t uid) { return uid == 0 ? 0 : (errno = EPERM, -1); }
int setgid(gid_t gid) { return gid == 0 ? 0 : (errno = EPERM, -1); }

FILE *popen(const char *command, const char *mode)
{
	(void)command, (void)mode;
	errno = ENOSYS;
	return NULL;
}

int pclose(FILE *f)
{
	(void)f;
	errno = ECHILD;
	return -1;
}

/*
 * The options yolk implements, as <unistd.h> announces them (the image's
 * -D_POSIX_* flags, meson.build): sysconf must say the same. An option
 * yolk lacks has no macro and answers -1 with errno untouched.
 */
static long posix_option(int name)
{
	switch (name) {
#define OPTION(sc, macro)                                                                                    \
	case sc:                                                                                             \
		return macro;
		OPTION(_SC_THREADS, _POSIX_THREADS)
		OPTION(_SC_THREAD_SAFE_FUNCTIONS, _POSIX_THREAD_SAFE_FUNCTIONS)
		OPTION(_SC_BARRIERS, _POSIX_BARRIERS)
		OPTION(_SC_SPIN_LOCKS, _POSIX_SPIN_LOCKS)
		OPTION(_SC_SEMAPHORES, _POSIX_SEMAPHORES)
		OPTION(_SC_READER_WRITER_LOCKS, _POSIX_READER_WRITER_LOCKS)
		OPTION(_SC_TIMEOUTS, _POSIX_TIMEOUTS)
		OPTION(_SC_TIMERS, _POSIX_TIMERS)
		OPTION(_SC_CLOCK_SELECTION, _POSIX_CLOCK_SELECTION)
		OPTION(_SC_MONOTONIC_CLOCK, _POSIX_MONOTONIC_CLOCK)
		OPTION(_SC_THREAD_ATTR_STACKADDR, _POSIX_THREAD_ATTR_STACKADDR)
		OPTION(_SC_THREAD_ATTR_STACKSIZE, _POSIX_THREAD_ATTR_STACKSIZE)
		OPTION(_SC_THREAD_PROCESS_SHARED, _POSIX_THREAD_PROCESS_SHARED)
		OPTION(_SC_THREAD_CPUTIME, _POSIX_THREAD_CPUTIME)
		OPTION(_SC_CPUTIME, _POSIX_CPUTIME)
#undef OPTION
	case _SC_THREAD_STACK_MIN:
		return PTHREAD_STACK_MIN;
	case _SC_THREAD_KEYS_MAX:
		return PTHREAD_KEYS_MAX;
	case _SC_THREAD_DESTRUCTOR_ITERATIONS:
		return PTHREAD_DESTRUCTOR_ITERATIONS;
	case _SC_THREAD_THREADS_MAX:
		return PTHREAD_THREADS_MAX;
	case _SC_TIMER_MAX:
		return TIMER_MAX;
	case _SC_DELAYTIMER_MAX:
		return DELAYTIMER_MAX;
	case _SC_SEM_VALUE_MAX:
		return SEM_VALUE_MAX;
	case _SC_SEM_NSEMS_MAX:
		return -1; /* no fixed limit: as many as memory holds */
	default:
		return 0; /* not an option: sysconf goes on */
	}
}

long sysconf(int name)
{
	long option = posix_option(name);
	if (option)
		return option;
	switch (name) {
	case _SC_PAGESIZE:
		return PAGE_SIZE_4K;
	case _SC_CLK_TCK:
		return CONFIG_TICK_HZ;
	case _SC_OPEN_MAX:
		return FD_MAX;
	case _SC_NPROCESSORS_CONF:
		return cpu_count_found();
	case _SC_NPROCESSORS_ONLN:
		return cpu_count_online();
	case _SC_CHILD_MAX:
		return 0;
	case _SC_PHYS_PAGES: /* as glibc: RAM in pages of _SC_PAGESIZE, all of it / free now */
		return (long)pmm_total_pages();
	case _SC_AVPHYS_PAGES:
		return (long)pmm_free_pages();
	case _SC_THREAD_PRIORITY_SCHEDULING:
		return _POSIX_THREAD_PRIORITY_SCHEDULING;
	case _SC_PRIORITY_SCHEDULING:
		return _POSIX_PRIORITY_SCHEDULING;
	/* Options yolk does not implement (README.md): -1, errno untouched. */
	case _SC_THREAD_PRIO_INHERIT:
	case _SC_THREAD_PRIO_PROTECT:
	case _SC_THREAD_SPORADIC_SERVER:
	case _SC_THREAD_ROBUST_PRIO_INHERIT:
	case _SC_THREAD_ROBUST_PRIO_PROTECT:
	case _SC_ASYNCHRONOUS_IO:
	case _SC_SHARED_MEMORY_OBJECTS:
	case _SC_MAPPED_FILES:
	case _SC_MEMLOCK:
	case _SC_MESSAGE_PASSING:
	case _SC_REALTIME_SIGNALS:
	case _SC_SPAWN:
		return -1;
	default:
		errno = EINVAL;
		return -1;
	}
}
