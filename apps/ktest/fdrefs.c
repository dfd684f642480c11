/*
 * ktest console-fds, kill-storm and append: the references behind file
 * descriptors. Closing or replacing fds 0-2 never frees the static console
 * files; a thread killed (Ctrl-C) in the middle of read(), poll(), stat() or
 * open() leaves every file's and mount's reference count as it was;
 * O_APPEND never writes at a guess.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <arch/layout.h>
#include <yolk/file.h>
#include <yolk/sched.h>
#include <yolk/vfs.h>
#include "ktest.h"

static int in_heap(const void *p)
{
	return (uintptr_t)p >= HEAP_BASE && (uintptr_t)p < HEAP_LIMIT;
}

/* Allocations the size of a struct file: after a bad free one of them may be a console file's memory. */
static int heap_sane(void)
{
	enum { N = 32 };
	void *p[N];
	int ok = 1;
	for (int i = 0; i < N; i++) {
		p[i] = calloc(1, sizeof(struct file));
		ok &= p[i] != NULL && in_heap(p[i]);
	}
	for (int i = 0; i < N; i++)
		free(p[i]);
	return ok;
}

/* The reference count of the file behind fd, not counting the look-up's own. */
static unsigned fd_refs(int fd)
{
	struct file *f = fd_file(fd);
	if (f == NULL)
		return 0;
	unsigned refs = f->refs - 1;
	fd_put(f);
	return refs;
}

unsigned ktest_fd_refs(int fd) { return fd_refs(fd); }

int ktest_console_fds(int argc, char **argv)
{
	(void)argc, (void)argv;
	size_t heap0 = (size_t)mallinfo().uordblks;
	fflush(stdout);
	for (int round = 0; round < 20; round++) {
		int p[2];
		char c = 0;
		CHECK(close(1) == 0);
		CHECK(heap_sane());
		CHECK(open("/dev/console", O_WRONLY) == 1);
		CHECK(pipe(p) == 0);
		CHECK(dup2(p[0], 0) == 0 && dup2(p[1], 2) == 2);
		CHECK(write(2, "x", 1) == 1 && read(0, &c, 1) == 1 && c == 'x');
		CHECK(close(p[0]) == 0 && close(p[1]) == 0);
		CHECK(dup2(1, 2) == 2 && close(0) == 0);
		CHECK(heap_sane());
		CHECK(open("/dev/console", O_RDONLY) == 0);
		CHECK(write(1, "", 0) == 0);
	}
	CHECK(fd_refs(1) == 2); /* fds 1 and 2 */
	CHECK(dup2(1, 1) == 1 && fd_refs(1) == 2);
	size_t heap1 = (size_t)mallinfo().uordblks;
	printf("console-fds: closed and replaced 0-2 20 times, heap in use %zu -> %zu bytes\n", heap0, heap1);
	return ktest_result("console-fds");
}

/* --- kill-storm --- */

enum storm_mode { BLOCK_READ, BLOCK_POLL, SPIN_READ, SPIN_POLL, SPIN_STAT, SPIN_OPEN, MODES };
#define STORM_MOUNT "/kill-storm"
#define STORM_FILE STORM_MOUNT "/d/f"
static int storm_fd[MODES]; /* the fd each kind of worker uses */

static void *storm_worker(void *arg)
{
	enum storm_mode mode = (enum storm_mode)(intptr_t)arg;
	int fd = storm_fd[mode];
	struct pollfd p = {fd, POLLIN, 0};
	char c;
	struct stat st;
	for (;;) {
		/* Every call ends in EINTR once killed; like many programs, go on. */
		if (mode == BLOCK_READ || mode == SPIN_READ)
			(void)read(fd, &c, 1);
		else if (mode == SPIN_STAT)
			(void)stat(STORM_FILE, &st);
		else if (mode == SPIN_OPEN)
			(void)close(open(STORM_FILE, O_RDONLY));
		else
			(void)poll(&p, 1, mode == SPIN_POLL ? 0 : -1);
	}
	return NULL;
}

/* For thread_with_handle(): a pthread_t is a handle, not the thread itself. */
static int make_app_thread(struct thread *t, void *arg)
{
	(void)arg;
	thread_set_app(t, 1); /* thread_kill ends app threads only */
	return 0;
}

static int kill_thread(struct thread *t, void *arg)
{
	(void)arg;
	thread_kill(t);
	return 0;
}

/* One round: a worker of each kind, given time to block or spin, then killed. */
static int storm_round(int delay_ms)
{
	pthread_t t[MODES];
	int killed = 0;
	for (int m = 0; m < MODES; m++) {
		if (pthread_create(&t[m], NULL, storm_worker, (void *)(intptr_t)m) != 0)
			return -1;
		CHECK(thread_with_handle(t[m], make_app_thread, NULL) == 0);
	}
	struct timespec d = {0, (long)delay_ms * 1000000};
	nanosleep(&d, NULL);
	for (int m = 0; m < MODES; m++)
		CHECK(thread_with_handle(t[m], kill_thread, NULL) == 0);
	for (int m = 0; m < MODES; m++) {
		void *status = NULL;
		CHECK(pthread_join(t[m], &status) == 0);
		killed += status == (void *)130;
	}
	return killed;
}

/* A pipe still carries bytes in order and has none left over. */
static int pipe_works(int r, int w)
{
	char buf[3] = {0};
	int left = -1;
	return write(w, "ab", 2) == 2 && read(r, buf, 2) == 2 && strcmp(buf, "ab") == 0 &&
	       ioctl(r, FIONREAD, &left) == 0 && left == 0;
}

int ktest_kill_storm(int argc, char **argv)
{
	long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 150;
	int blocking[2], spinning[2];
	CHECK(pipe(blocking) == 0 && pipe(spinning) == 0);
	CHECK(fcntl(spinning[0], F_SETFL, O_NONBLOCK) == 0);
	/* A mount of its own: unmounting it afterwards proves no vnode reference was lost. */
	CHECK(mkdir(STORM_MOUNT, 0755) == 0 && vfs_mount(STORM_MOUNT, "ramfs", NULL, NULL) == 0);
	CHECK(mkdir(STORM_MOUNT "/d", 0755) == 0 && close(open(STORM_FILE, O_WRONLY | O_CREAT, 0644)) == 0);
	storm_fd[BLOCK_READ] = storm_fd[BLOCK_POLL] = blocking[0];
	storm_fd[SPIN_READ] = storm_fd[SPIN_POLL] = spinning[0];
	uint64_t t0 = ktest_ms();
	long done = 0, killed = 0;
	for (; done < rounds && ktest_ms() - t0 < 60000; done++) {
		int k = storm_round(5 + (int)(done % 4) * 5);
		if (k < 0)
			break;
		killed += k;
	}
	int fds[4] = {blocking[0], blocking[1], spinning[0], spinning[1]};
	int refs_ok = 1;
	for (int i = 0; i < 4; i++) {
		unsigned refs = fd_refs(fds[i]);
		if (refs != 1)
			printf("FAIL fd %d: %u references, 1 expected\n", fds[i], refs);
		refs_ok &= refs == 1;
	}
	CHECK(fcntl(spinning[0], F_SETFL, 0) == 0);
	CHECK(pipe_works(blocking[0], blocking[1]) && pipe_works(spinning[0], spinning[1]));
	for (int i = 0; i < 4; i++)
		CHECK(close(fds[i]) == 0);
	printf("kill-storm: %ld rounds, %ld of %ld workers killed (status 130) in %llu ms\n", done, killed,
	       done * MODES, (unsigned long long)(ktest_ms() - t0));
	CHECK(refs_ok);
	CHECK(done == rounds && killed == done * MODES);
	/*
	 * A worker killed between its open() and close() leaves an fd open, as a
	 * process would; its exit would close it: so does this. Then no vnode of
	 * the mount may still be referenced.
	 */
	int leftover = 0;
	for (int fd = 3; fd < FD_MAX; fd++)
		leftover += close(fd) == 0;
	CHECK(unlink(STORM_FILE) == 0 && rmdir(STORM_MOUNT "/d") == 0); /* ramfs keeps its nodes: empty it */
	int unmounted = vfs_unmount(STORM_MOUNT);
	if (unmounted != 0)
		printf("FAIL unmount " STORM_MOUNT ": %d (a vnode reference was lost)\n", unmounted);
	CHECK(unmounted == 0 && rmdir(STORM_MOUNT) == 0);
	printf("kill-storm: refcounts %s, pipes work, mount %s (%d fds left open by killed workers)\n",
	       refs_ok ? "ok" : "WRONG", unmounted == 0 ? "released" : "BUSY", leftover);
	return ktest_result("kill-storm");
}

/* --- append: a positioned file whose size is unknown (no fstat) or unknowable (fstat fails) --- */

static int pwrites;

static ssize_t count_pwrite(struct file *f, const void *buf, size_t len, off_t off)
{
	(void)f, (void)buf, (void)off;
	pwrites++;
	return (ssize_t)len;
}

static int failing_fstat(struct file *f, struct stat *st)
{
	(void)f, (void)st;
	return -EIO;
}

static const struct file_ops no_fstat_ops = {.pwrite = count_pwrite};
static const struct file_ops bad_fstat_ops = {.pwrite = count_pwrite, .fstat = failing_fstat};

/* write() on an O_APPEND file with these ops: its result, errno in *err. */
static ssize_t append_write(const struct file_ops *ops, int *err)
{
	struct file *f = file_new(ops, NULL, O_WRONLY | O_APPEND);
	int fd = f ? fd_install(f, 3) : -1;
	if (fd < 0)
		return -2;
	errno = 0;
	ssize_t r = write(fd, "data", 4);
	*err = errno;
	close(fd);
	return r;
}

int ktest_append(int argc, char **argv)
{
	(void)argc, (void)argv;
	int err;
	CHECK(append_write(&bad_fstat_ops, &err) == -1 && err == EIO);
	CHECK(append_write(&no_fstat_ops, &err) == -1 && err == ENOSYS);
	CHECK(pwrites == 0);
	int fd = open("/append-test", O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);
	CHECK(fd >= 0 && write(fd, "ab", 2) == 2 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "cd", 2) == 2);
	char buf[5] = {0};
	CHECK(pread(fd, buf, 4, 0) == 4 && strcmp(buf, "abcd") == 0);
	CHECK(close(fd) == 0 && unlink("/append-test") == 0);
	printf("append: fstat failing or missing fails the write (%d pwrites)\n", pwrites);
	return ktest_result("append");
}
