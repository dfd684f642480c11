/*
 * Open files and the descriptor table. Everything a program reaches
 * through an fd (console, regular files, directories, pipes, devices,
 * sockets) is a struct file with its own small ops table; the fd table maps
 * numbers to them. Ops return a count or -errno. Descriptors 0-2 are each
 * app run's own (its standard streams); 3 and up are one table shared by
 * all, each fd owned by the run that opened it.
 */
#ifndef YOLK_FILE_H
#define YOLK_FILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <yolk/sync.h>
#include <yolk/waitq.h>

#define FD_MAX 1024 /* descriptors in the table, 0-2 included (a server with hundreds of clients) */

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
	/* POLLIN/POLLOUT/POLLHUP... ready now; see file_notify() for the wakeup. */
	short (*poll)(struct file *f);
	/* What the file's state changes are announced with (file_notify_key); without it f->priv. */
	const void *(*poll_key)(struct file *f);
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
/* Writes to f at its position (as write() does), for a caller holding a reference. */
ssize_t file_write(struct file *f, const void *buf, size_t len);

struct app_run;
/*
 * Gives r, a run not yet started, its standard streams: fd i is the
 * caller's fd io[i] (io NULL: the caller's own 0-2, closed ones staying
 * closed). 0, or -EBADF if an io[i] is not open (r then has none).
 */
int fd_inherit(struct app_run *r, const int io[3]);
/*
 * Closes app run r's 0-2 and the descriptors its threads installed;
 * called when its last thread has ended.
 */
void fd_close_run(struct app_run *r);

/*
 * poll() and select() sleep until a file they watch may have changed:
 * whoever changes a file's poll state calls file_notify_key(key), key being
 * what the file's poll_key op (or, without one, its priv) gives, and only
 * the pollers watching a file with that key wake. file_notify() wakes every
 * poller (for a change no key names, such as console input). Both take
 * file_poll_lock: call them holding no spinlock of a rank above it
 * (yolk/lock_order.h), e.g. not from under a driver's lock. file_poll_lock
 * also protects file_poll_gen and the list of sleeping pollers (core/poll.c).
 */
extern struct spinlock file_poll_lock;
void file_notify(void);
void file_notify_key(const void *key);
/* Whether any thread sleeps in poll() or select() now (an unlocked look). */
int file_pollers_waiting(void);

/*
 * Called at the start of every poll() and select(), when set: an
 * event-driven program's pass over its ready files ends there, so a network
 * stack that left the frames of nonblocking sends queued (one NIC doorbell
 * for the whole pass, not one per send) hands them to the device now.
 */
extern void (*file_poll_enter_hook)(void);

#endif
