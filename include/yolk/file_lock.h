/*
 * fcntl() record locks on open files (core/file_lock.c), over the lock
 * lists of yolk/reclock.h. A yolk image is one process: every lock belongs
 * to it, whichever fd or thread set it, so the process's own locks never
 * conflict and F_GETLK reports none (POSIX.1-2017 fcntl()); SQLite's unix
 * VFS counts on exactly this and coordinates its connections itself.
 */
#ifndef YOLK_FILE_LOCK_H
#define YOLK_FILE_LOCK_H

#include <fcntl.h>

struct file;

/* fcntl(fd, F_GETLK/F_SETLK/F_SETLKW, fl); returns 0 or -1 with errno. */
int file_lock_fcntl(int fd, int cmd, struct flock *fl);
/* An fd of f was closed (close, dup2 over it, the end of an app run): the process's locks on its file go. */
void file_lock_closed(struct file *f);
/* The number of lock ranges the process holds on fd's file, or -1 (EBADF); for tests. */
int file_lock_count(int fd);

#endif
