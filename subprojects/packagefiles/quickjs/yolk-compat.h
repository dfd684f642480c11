/*
 * Force-included (-include) into QuickJS's sources when they are built for
 * the yolk image: what they expect from a Unix libc that picolibc spells
 * differently. The sources themselves stay as shipped.
 */
#ifndef QUICKJS_YOLK_COMPAT_H
#define QUICKJS_YOLK_COMPAT_H

/* quickjs.c calls malloc_usable_size() but includes <malloc.h> only on Linux. */
#include <malloc.h>

/*
 * Date's local time offset comes from the BSD/GNU struct tm member
 * tm_gmtoff. picolibc's struct tm has it only when __TM_GMTOFF names it,
 * and its localtime_r() does not fill it: QuickJS's view of struct tm gets
 * the member (picolibc writes the fields in front of it), and localtime_r
 * fills it from the broken-down local time, for whatever TZ picolibc applied.
 */
#define __TM_GMTOFF tm_gmtoff
#include <time.h>
#include <yolk/civil.h>

static inline struct tm *quickjs_localtime_r(const time_t *t, struct tm *tm)
{
	if (localtime_r(t, tm) == NULL)
		return NULL;
	tm->tm_gmtoff = (long)(civil_to_epoch(tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday,
					      tm->tm_hour, tm->tm_min, tm->tm_sec) - *t);
	return tm;
}
#define localtime_r quickjs_localtime_r

#endif
