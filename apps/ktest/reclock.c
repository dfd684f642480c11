/*
 * ktest reclock: fcntl() record locks as one process sees them (the lock
 * list rules with several owners are the host's unit test, test_reclock.c).
 * Every lock belongs to the process, whichever fd or thread set it: none
 * conflicts with another, F_GETLK reports none, and the close of any fd of
 * the file drops them all (POSIX.1-2017 fcntl(), close()). The argument
 * checks come first: lock types against the fd's access mode, whence,
 * ranges before byte 0, files that cannot be locked.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yolk/file_lock.h>
#include "ktest.h"

#define PATH "/reclock-test"

static int lk(int fd, int cmd, int type, int whence, off_t start, off_t len)
{
	struct flock fl = {.l_type = (short)type, .l_whence = (short)whence, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &fl) == 0 ? 0 : -errno;
}

/* F_GETLK for a write lock on the whole file: the l_type it reports. */
static int getlk(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	return fcntl(fd, F_GETLK, &fl) == 0 ? fl.l_type : -errno;
}

static void *other_thread(void *arg)
{
	int fd = *(int *)arg;
	/* The process holds a write lock on all of it: another thread of it is not kept out. */
	int ok = lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0) == 0 &&
	         lk(fd, F_SETLKW, F_RDLCK, SEEK_SET, 10, 5) == 0 && getlk(fd) == F_UNLCK;
	return (void *)(long)ok;
}

static void check_arguments(int rw, int ro, int wo)
{
	CHECK(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == -EBADF);
	CHECK(lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == -EBADF);
	CHECK(lk(rw, F_SETLK, 42, SEEK_SET, 0, 1) == -EINVAL);
	CHECK(lk(rw, F_SETLK, F_WRLCK, 7, 0, 1) == -EINVAL);
	CHECK(lk(rw, F_SETLK, F_WRLCK, SEEK_SET, -1, 1) == -EINVAL);
	CHECK(lk(rw, F_SETLK, F_WRLCK, SEEK_SET, 5, -10) == -EINVAL); /* bytes -5..4 */
	CHECK(lk(rw, F_GETLK, F_UNLCK, SEEK_SET, 0, 1) == -EINVAL);
	CHECK(lk(-1, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == -EBADF);
	CHECK(fcntl(rw, F_SETLK, (struct flock *)NULL) == -1 && errno == EFAULT);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(lk(p[0], F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == -EINVAL); /* nothing to lock */
	close(p[0]);
	close(p[1]);
	CHECK(file_lock_count(rw) == 0); /* no failed call left a lock */
}

int ktest_reclock(int argc, char **argv)
{
	(void)argc, (void)argv;
	int rw = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int ro = open(PATH, O_RDONLY), wo = open(PATH, O_WRONLY);
	CHECK(rw >= 0 && ro >= 0 && wo >= 0 && write(rw, "0123456789", 10) == 10);
	check_arguments(rw, ro, wo);
	/* Locks through three fds of one file: one process, no conflicts, one list. */
	CHECK(lk(rw, F_SETLK, F_WRLCK, SEEK_SET, 0, 100) == 0);
	CHECK(lk(ro, F_SETLK, F_RDLCK, SEEK_SET, 50, 10) == 0); /* splits the process's write lock */
	CHECK(lk(wo, F_SETLK, F_WRLCK, SEEK_END, -2, 2) == 0);  /* bytes 8-9: inside the first */
	CHECK(lk(rw, F_SETLK, F_RDLCK, SEEK_SET, 5, -5) == 0);  /* bytes 0-4 */
	CHECK(file_lock_count(rw) == 4);
	CHECK(getlk(ro) == F_UNLCK && getlk(wo) == F_UNLCK);
	CHECK(lk(rw, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0 && file_lock_count(rw) == 0);
	pthread_t t;
	void *ok = NULL;
	CHECK(pthread_create(&t, NULL, other_thread, &rw) == 0 && pthread_join(t, &ok) == 0 &&
	      ok == (void *)1L);
	CHECK(file_lock_count(ro) == 3);
	/* Closing any fd of the file drops the process's locks, even one never used to lock. */
	int spare = open(PATH, O_RDONLY);
	CHECK(spare >= 0 && close(spare) == 0 && file_lock_count(rw) == 0);
	/* So does dup2() over an fd of the file. */
	int other = open("/reclock-other", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(other >= 0 && lk(rw, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0 &&
	      lk(other, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0);
	int victim = dup(wo);
	CHECK(victim >= 0 && dup2(other, victim) == victim && file_lock_count(rw) == 0);
	CHECK(file_lock_count(other) == 1); /* the other file's lock stays */
	close(victim);
	CHECK(file_lock_count(other) == 0);
	close(other);
	close(rw);
	close(ro);
	close(wo);
	CHECK(unlink(PATH) == 0 && unlink("/reclock-other") == 0);
	printf("reclock: one process's locks through 3 fds and 2 threads, dropped by close and dup2\n");
	return ktest_result("reclock");
}
