/*
 * fflush(NULL): POSIX flushes every open output stream; picolibc's tinystdio
 * keeps no list of its streams and dereferences the NULL. The image is
 * linked with --wrap for fdopen (which fopen and tmpfile go through), fclose
 * and fflush (meson.build), so the streams on descriptors are listed here,
 * by descriptor, and fflush(NULL) flushes them, stdout and stderr.
 * (fmemopen()'s streams, which have no descriptor, are not flushed by it.)
 */
#include <stdio.h>
#include <sys/select.h>
#include <yolk/sched.h>
#include <yolk/sync.h>

FILE *__real_fdopen(int fd, const char *mode);
int __real_fclose(FILE *f);
int __real_fflush(FILE *f);

/* Held across a flush, so a stream is never closed while fflush(NULL) writes it. */
static struct kmutex files_lock = KMUTEX_INIT;
static FILE *files[FD_SETSIZE];

/* Before the scheduler runs (start-up code) there is one thread and nothing to wait for. */
static void lock(void)
{
	if (sched_running())
		kmutex_lock(&files_lock, WAIT_FOREVER);
}

static void unlock(void)
{
	if (sched_running())
		kmutex_unlock(&files_lock);
}

FILE *__wrap_fdopen(int fd, const char *mode)
{
	FILE *f = __real_fdopen(fd, mode);
	if (f && fd >= 0 && fd < FD_SETSIZE) {
		lock();
		files[fd] = f;
		unlock();
	}
	return f;
}

int __wrap_fclose(FILE *f)
{
	lock();
	for (int fd = 0; fd < FD_SETSIZE; fd++)
		if (files[fd] == f)
			files[fd] = NULL;
	unlock();
	return __real_fclose(f);
}

int __wrap_fflush(FILE *f)
{
	if (f)
		return __real_fflush(f);
	int r = 0;
	lock();
	for (int fd = 0; fd < FD_SETSIZE; fd++)
		if (files[fd] && __real_fflush(files[fd]) == EOF)
			r = EOF;
	unlock();
	if (__real_fflush(stdout) == EOF)
		r = EOF;
	if (__real_fflush(stderr) == EOF)
		r = EOF;
	return r;
}
