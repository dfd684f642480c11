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

long sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE:
		return PAGE_SIZE_4K;
	case _SC_CLK_TCK:
		return CONFIG_TICK_HZ;
	case _SC_OPEN_MAX:
		return FD_MAX;
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		return 1;
	case _SC_CHILD_MAX:
		return 0;
	case _SC_THREAD_PRIORITY_SCHEDULING:
		return _POSIX_THREAD_PRIORITY_SCHEDULING;
	case _SC_PRIORITY_SCHEDULING:
		return _POSIX_PRIORITY_SCHEDULING;
	default:
		errno = EINVAL;
		return -1;
	}
}
