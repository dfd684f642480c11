/*
 * Named POSIX semaphores: a list of names, each with the semaphore and how
 * many sem_open calls have not been closed yet. sem_unlink takes the name
 * away at once; the semaphore itself goes with the last sem_close.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yolk/sync.h>
#include "semaphore_internal.h"

struct named_sem {
	sem_t sem; /* first: sem_close finds the entry from the sem_t * */
	unsigned opens;
	int unlinked;
	struct named_sem *next;
	char name[];
};

static struct named_sem *named; /* named and unlinked-but-open ones */
static struct kmutex named_lock = KMUTEX_INIT;

/* 0, or the errno a bad name gets: "/x" with no other slash, at most NAME_MAX bytes. */
static int name_error(const char *name)
{
	size_t len = strlen(name);
	if (len > NAME_MAX)
		return ENAMETOOLONG;
	if (len < 2 || name[0] != '/' || strchr(name + 1, '/'))
		return EINVAL;
	return 0;
}

/* The entry still called name, or NULL. named_lock held. */
static struct named_sem *find(const char *name)
{
	for (struct named_sem *n = named; n; n = n->next)
		if (!n->unlinked && strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

static void drop(struct named_sem *gone)
{
	for (struct named_sem **pp = &named; *pp; pp = &(*pp)->next) {
		if (*pp == gone) {
			*pp = gone->next;
			free(gone);
			return;
		}
	}
}

static struct named_sem *create(const char *name, unsigned value)
{
	struct named_sem *n = malloc(sizeof(*n) + strlen(name) + 1);
	if (n == NULL)
		return NULL;
	sem_setup(&n->sem, value);
	n->opens = 0;
	n->unlinked = 0;
	strcpy(n->name, name);
	n->next = named;
	named = n;
	return n;
}

/* The semaphore to open, or NULL with *err set. named_lock held. */
static struct named_sem *open_locked(const char *name, int oflag, unsigned value, int *err)
{
	struct named_sem *n = find(name);
	if (n) {
		if ((oflag & O_CREAT) && (oflag & O_EXCL)) {
			*err = EEXIST;
			return NULL;
		}
		return n;
	}
	if (!(oflag & O_CREAT))
		*err = ENOENT;
	else if (value > SEM_VALUE_MAX)
		*err = EINVAL;
	else if ((n = create(name, value)) == NULL)
		*err = ENOSPC;
	return n;
}

sem_t *sem_open(const char *name, int oflag, ...)
{
	unsigned value = 0;
	if (oflag & O_CREAT) {
		va_list ap;
		va_start(ap, oflag);
		(void)va_arg(ap, int); /* mode_t mode (promoted): yolk has no permissions */
		value = va_arg(ap, unsigned);
		va_end(ap);
	}
	int err = name_error(name);
	if (err) {
		errno = err;
		return SEM_FAILED;
	}
	kmutex_lock(&named_lock, WAIT_FOREVER);
	struct named_sem *n = open_locked(name, oflag, value, &err);
	if (n)
		n->opens++;
	kmutex_unlock(&named_lock);
	if (n == NULL)
		errno = err;
	return n ? &n->sem : SEM_FAILED;
}

int sem_close(sem_t *sem)
{
	int err = EINVAL;
	kmutex_lock(&named_lock, WAIT_FOREVER);
	for (struct named_sem *n = named; n; n = n->next) {
		if (&n->sem == sem && n->opens) {
			err = 0;
			if (--n->opens == 0 && n->unlinked)
				drop(n);
			break;
		}
	}
	kmutex_unlock(&named_lock);
	return err ? (errno = err, -1) : 0;
}

int sem_unlink(const char *name)
{
	int err = strlen(name) > NAME_MAX ? ENAMETOOLONG : ENOENT;
	kmutex_lock(&named_lock, WAIT_FOREVER);
	struct named_sem *n = err == ENOENT ? find(name) : NULL;
	if (n) {
		err = 0;
		n->unlinked = 1;
		if (n->opens == 0)
			drop(n);
	}
	kmutex_unlock(&named_lock);
	return err ? (errno = err, -1) : 0;
}
