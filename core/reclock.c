/*
 * Record lock lists (yolk/reclock.h): the rules of POSIX fcntl() locks on
 * one file, with no kernel in sight so the host unit test runs them as is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <yolk/reclock.h>

static int overlaps(const struct reclock *l, off_t start, off_t end)
{
	return l->start < end && start < l->end;
}

const struct reclock *reclock_conflict(const struct reclock *list, long owner, int type, off_t start,
                                       off_t end)
{
	for (const struct reclock *l = list; l; l = l->next)
		if (l->owner != owner && overlaps(l, start, end) && (type == F_WRLCK || l->type == F_WRLCK))
			return l;
	return NULL;
}

static void insert_sorted(struct reclock **list, struct reclock *n)
{
	while (*list && (*list)->start < n->start)
		list = &(*list)->next;
	n->next = *list;
	*list = n;
}

/* Takes [start, end) out of owner's locks; a lock around the whole range is split using *spare. */
static void carve(struct reclock **list, long owner, off_t start, off_t end, struct reclock **spare)
{
	for (struct reclock **p = list; *p;) {
		struct reclock *l = *p;
		if (l->owner != owner || !overlaps(l, start, end)) {
			p = &l->next;
			continue;
		}
		if (l->start < start && l->end > end) {
			/* Owner's locks never overlap, so at most one lock surrounds the range. */
			struct reclock *tail = *spare;
			*spare = NULL;
			*tail = (struct reclock){end, l->end, l->type, owner, NULL};
			l->end = start;
			insert_sorted(list, tail);
			return;
		}
		if (l->start < start) {
			l->end = start;
		} else if (l->end > end) {
			*p = l->next; /* its start moves: put it back in order */
			l->start = end;
			insert_sorted(list, l);
			continue;
		} else {
			*p = l->next;
			free(l);
			continue;
		}
		p = &l->next;
	}
}

/* Joins owner's locks of n's type that touch n into n. */
static void merge(struct reclock **list, struct reclock *n)
{
	for (struct reclock **p = list; *p;) {
		struct reclock *l = *p;
		if (l != n && l->owner == n->owner && l->type == n->type &&
		    (l->end == n->start || l->start == n->end)) {
			if (l->start < n->start)
				n->start = l->start;
			if (l->end > n->end)
				n->end = l->end;
			*p = l->next;
			free(l);
			continue;
		}
		p = &l->next;
	}
	/* n's start may have moved down: re-sort it. */
	for (struct reclock **p = list; *p; p = &(*p)->next)
		if (*p == n) {
			*p = n->next;
			break;
		}
	insert_sorted(list, n);
}

int reclock_set(struct reclock **list, long owner, int type, off_t start, off_t end)
{
	/* Both nodes up front: once the list changes, nothing can fail. */
	struct reclock *spare = malloc(sizeof(*spare));
	struct reclock *n = type == F_UNLCK ? NULL : malloc(sizeof(*n));
	if (spare == NULL || (type != F_UNLCK && n == NULL)) {
		free(spare);
		free(n);
		return -ENOLCK;
	}
	carve(list, owner, start, end, &spare);
	free(spare);
	if (n) {
		*n = (struct reclock){start, end, (short)type, owner, NULL};
		insert_sorted(list, n);
		merge(list, n);
	}
	return 0;
}

void reclock_release_owner(struct reclock **list, long owner)
{
	for (struct reclock **p = list; *p;) {
		struct reclock *l = *p;
		if (l->owner == owner) {
			*p = l->next;
			free(l);
		} else {
			p = &l->next;
		}
	}
}
