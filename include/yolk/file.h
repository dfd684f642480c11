/*
 * Open files and the one descriptor table. Everything a program reaches
 * through an fd (console, regular files, directories, pipes, devices,
 * sockets later) is a struct file with its own small ops table; the fd
 * table maps numbers to them. Ops return a count or -errno.
 */
#ifndef YOLK_FILE_H
#define YOLK_FILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <yolk/sync.h>
#include <yolk/waitq.h>

#define FD_MAX 256 /* descriptors in the one table */

#define FILE_IOCTL_ISATTY 0x5401 /* TCGETS: a file_ops.ioctl answers 0 if it is a terminal */

struct file;
struct vnode;
struct dirent;

struct file_ops {
	/* Read/write at the file's own position; O_NONBLOCK is in f->flags. */
	ssize_t (*read)(struct file *f, void *buf, size_t len);
	ssize_t (*write)(struct file *f, const void *buf, size_t len);
	/* Positioned I/O; files without it are not seekable (ESPIPE). */
	ssize_t (*pread)(struct file *f, void *buf, size_t len, off_t off);
	ssize_t (*pwrite)(struct file *f, const void *buf, size_t len, off_t off);
	int (*fstat)(struct file *f, struct stat *st);
	int (*fsync)(struct file *f);
	int (*ftruncate)(struct file *f, off_t len);
	/* Next directory entry at *pos: 1 and *de filled, 0 at the end. */
	int (*readdir)(struct file *f, off_t *pos, struct dirent *de);
	int (*ioctl)(struct file *f, unsigned long req, void *arg);
	/* POLLIN/POLLOUT/POLLHUP... ready now; waiters sleep on file_pollq. */
	short (*poll)(struct file *f);
	/* The last reference is gone. */
	void (*release)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	void *priv;
	struct vnode *vn; /* for files opened by path, NULL otherwise */
	int flags;        /* O_ACCMODE | O_APPEND | O_NONBLOCK */
	unsigned refs;    /* fds and in-kernel users holding it (dup shares one) */
	off_t pos;
	struct kmutex pos_lock; /* read/write/lseek on a shared position are atomic */
};

/* A new open file with one reference, or NULL (out of memory). */
struct file *file_new(const struct file_ops *ops, void *priv, int flags);
void file_get(struct file *f);
void file_put(struct file *f);

/* Puts the console on fds 0, 1 and 2; called once at start-up. */
void fd_init(void);
/* Puts f at the lowest free fd >= min; takes over the caller's reference. -EMFILE if full. */
int fd_install(struct file *f, int min);
/*
 * The file behind fd with a new reference, or NULL (EBADF). Until the
 * matching fd_put() the calling thread holds it (thread_hold_begin): a kill
 * waits, so the reference is never lost with the thread.
 */
struct file *fd_file(int fd);
/* Drops the reference fd_file() took and the hold with it. */
void fd_put(struct file *f);
/*
 * Closes the descriptors installed by threads of app run r (yolk/app.h);
 * called when its last thread has ended. 0, 1 and 2 stay: they are the
 * console every app shares, even when a shell has pointed one elsewhere.
 */
struct app_run;
void fd_close_run(struct app_run *r);

/*
 * Woken whenever any file's poll() state may have changed (poll/select sleep
 * here); file_poll_lock protects it and file_poll_gen (core/poll.c).
 * file_notify() takes file_poll_lock: call it holding no spinlock of a rank
 * above it (yolk/lock_order.h), e.g. not from under a driver's lock.
 */
extern struct spinlock file_poll_lock;
extern struct waitq file_pollq;
void file_notify(void);

#endif
