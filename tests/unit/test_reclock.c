/* core/reclock.c on the host: POSIX record lock rules with several owners. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <yolk/reclock.h>

static int failures;

#define CHECK(cond)                                                                                          \
	do {                                                                                                 \
		if (!(cond)) {                                                                               \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                               \
			failures++;                                                                          \
		}                                                                                            \
	} while (0)

/* The list as text: "owner:type[start,end) ..." in order, for exact checks. */
static const char *show(const struct reclock *l)
{
	static char buf[512];
	int n = 0;
	buf[0] = 0;
	for (; l; l = l->next) {
		char end[24];
		if (l->end == RECLOCK_EOF)
			snprintf(end, sizeof(end), "eof");
		else
			snprintf(end, sizeof(end), "%lld", (long long)l->end);
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%ld:%c[%lld,%s)", n ? " " : "", l->owner,
		              l->type == F_WRLCK ? 'w' : 'r', (long long)l->start, end);
	}
	return buf;
}

static int same(const struct reclock *l, const char *want)
{
	const char *got = show(l);
	for (const char *a = got, *b = want;; a++, b++) {
		if (*a != *b) {
			printf("  got  %s\n  want %s\n", got, want);
			return 0;
		}
		if (!*a)
			return 1;
	}
}

int main(void)
{
	struct reclock *l = NULL;
	/* One owner: locks replace, split and merge; they never conflict. */
	CHECK(reclock_set(&l, 1, F_WRLCK, 0, 100) == 0);
	CHECK(reclock_conflict(l, 1, F_WRLCK, 0, 100) == NULL);
	CHECK(reclock_set(&l, 1, F_RDLCK, 40, 60) == 0);
	CHECK(same(l, "1:w[0,40) 1:r[40,60) 1:w[60,100)"));
	CHECK(reclock_set(&l, 1, F_WRLCK, 40, 60) == 0);
	CHECK(same(l, "1:w[0,100)"));
	CHECK(reclock_set(&l, 1, F_UNLCK, 10, 20) == 0);
	CHECK(same(l, "1:w[0,10) 1:w[20,100)"));
	CHECK(reclock_set(&l, 1, F_WRLCK, 100, RECLOCK_EOF) == 0);
	CHECK(same(l, "1:w[0,10) 1:w[20,eof)"));
	CHECK(reclock_set(&l, 1, F_UNLCK, 0, RECLOCK_EOF) == 0);
	CHECK(l == NULL);

	/* Two owners: read locks share, a write lock conflicts with either kind. */
	CHECK(reclock_set(&l, 1, F_RDLCK, 0, 10) == 0);
	CHECK(reclock_conflict(l, 2, F_RDLCK, 5, 6) == NULL);
	CHECK(reclock_set(&l, 2, F_RDLCK, 5, 15) == 0);
	const struct reclock *c = reclock_conflict(l, 3, F_WRLCK, 8, 9);
	CHECK(c && c->owner == 1 && c->start == 0 && c->end == 10);
	CHECK(reclock_conflict(l, 3, F_WRLCK, 10, 11) && reclock_conflict(l, 3, F_WRLCK, 10, 11)->owner == 2);
	CHECK(reclock_conflict(l, 3, F_WRLCK, 15, 20) == NULL); /* end is exclusive */
	CHECK(reclock_conflict(l, 1, F_WRLCK, 0, 5) == NULL);   /* owner 1 alone there */
	CHECK(reclock_conflict(l, 1, F_WRLCK, 0, 6) != NULL);   /* owner 2 reads byte 5 */
	/* Owner 1 upgrades where it is alone; to EOF conflicts with everything after. */
	CHECK(reclock_set(&l, 1, F_WRLCK, 0, 5) == 0);
	CHECK(same(l, "1:w[0,5) 1:r[5,10) 2:r[5,15)"));
	CHECK(reclock_set(&l, 3, F_WRLCK, 1000, RECLOCK_EOF) == 0);
	CHECK(reclock_conflict(l, 1, F_RDLCK, 1 << 30, (1 << 30) + 1) != NULL);
	/* A close by owner 1 drops its locks only. */
	reclock_release_owner(&l, 1);
	CHECK(same(l, "2:r[5,15) 3:w[1000,eof)"));
	reclock_release_owner(&l, 2);
	reclock_release_owner(&l, 3);
	CHECK(l == NULL);

	/* Many small ranges, then one unlock over all: the list empties. */
	for (int i = 0; i < 1000; i++)
		CHECK(reclock_set(&l, 7, i % 2 ? F_RDLCK : F_WRLCK, 2 * i, 2 * i + 1) == 0);
	CHECK(reclock_set(&l, 7, F_UNLCK, 1, 1999) == 0);
	CHECK(same(l, "7:w[0,1)"));
	CHECK(reclock_set(&l, 7, F_UNLCK, 0, 1) == 0);
	CHECK(l == NULL);
	/* Adjacent ranges of one type become one, in any order. */
	CHECK(reclock_set(&l, 4, F_RDLCK, 20, 30) == 0);
	CHECK(reclock_set(&l, 4, F_RDLCK, 0, 10) == 0);
	CHECK(reclock_set(&l, 4, F_RDLCK, 10, 20) == 0);
	CHECK(same(l, "4:r[0,30)"));
	reclock_release_owner(&l, 4);

	printf("reclock: %d failures\n", failures);
	return failures != 0;
}
