/*
 * POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW) as pure logic: one
 * file's locks, each a byte range [start, end) of one owner (a process),
 * read or write. core/file_lock.c keeps one list per locked file and
 * answers fcntl(); tests/unit/test_reclock.c checks the rules with several
 * owners. An owner's own locks never conflict with each other: a new lock
 * replaces, splits or merges what the owner held on that range.
 * Not thread-safe: the caller serialises calls on one list.
 */
#ifndef YOLK_RECLOCK_H
#define YOLK_RECLOCK_H

#include <stdint.h>
#include <sys/types.h>

#define RECLOCK_EOF INT64_MAX /* end of a range that reaches past any end of file */

struct reclock {
	off_t start, end; /* [start, end), end RECLOCK_EOF for l_len 0 */
	short type;       /* F_RDLCK or F_WRLCK */
	long owner;
	struct reclock *next; /* sorted by start */
};

/*
 * The first lock of another owner on [start, end) that a lock of `type`
 * (F_RDLCK, F_WRLCK) would conflict with, or NULL: ranges overlap and one
 * of the two is a write lock.
 */
const struct reclock *reclock_conflict(const struct reclock *list, long owner, int type, off_t start,
                                       off_t end);
/*
 * Sets owner's lock on [start, end) to type (F_UNLCK removes it), whatever
 * owner held there before; adjacent or overlapping locks of the same owner
 * and type become one. The caller has checked reclock_conflict(). 0, or
 * -ENOLCK when memory runs out (the list is then unchanged).
 */
int reclock_set(struct reclock **list, long owner, int type, off_t start, off_t end);
/* Drops every lock of owner (a close() of any fd of the file, POSIX.1-2017 close()). */
void reclock_release_owner(struct reclock **list, long owner);

#endif
