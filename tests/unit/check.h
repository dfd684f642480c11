/* A minimal test harness for host unit tests: CHECK() counts and reports. */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H

#include <stdio.h>

static int checks_run, checks_failed;

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		checks_run++;                                                                 \
		if (!(cond)) {                                                                \
			checks_failed++;                                                      \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                             \
	} while (0)

static inline int check_report(void)
{
	printf("%d passed, %d failed\n", checks_run - checks_failed, checks_failed);
	return checks_failed != 0;
}

#endif
