/*
 * DOS timestamps: date = (year - 1980) << 9 | month << 5 | day, time =
 * hour << 11 | minute << 5 | seconds / 2, taken as UTC (as Linux does
 * without a tz= option). They cover 1980..2107; times outside are clamped.
 */
#include <time.h>
#include <yolk/civil.h>
#include "fat.h"

struct fat_stamp fat_time_now(void)
{
	struct fat_stamp s;
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	time_t t = ts.tv_sec;
	gmtime_r(&t, &tm);
	if (tm.tm_year < 80) { /* before 1980 (a clock that was never set): the epoch of FAT */
		return (struct fat_stamp){1 << 5 | 1, 0, 0};
	}
	if (tm.tm_year > 207) {
		tm = (struct tm){.tm_year = 207, .tm_mon = 11, .tm_mday = 31, .tm_hour = 23,
				 .tm_min = 59, .tm_sec = 58};
		ts.tv_nsec = 0;
	}
	s.date = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	s.time = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	/* Creation time's extra byte: hundredths within the two-second step. */
	s.tenth = (uint8_t)((tm.tm_sec & 1) * 100 + ts.tv_nsec / 10000000);
	return s;
}

int64_t fat_time_to_unix(uint16_t date, uint16_t time)
{
	int day = date & 31, mon = date >> 5 & 15;
	if (day < 1 || mon < 1 || mon > 12)
		return civil_to_epoch(1980, 1, 1, 0, 0, 0); /* 0 or garbage: the oldest FAT time */
	return civil_to_epoch(1980 + (date >> 9), mon, day, time >> 11, time >> 5 & 63,
			      (time & 31) * 2);
}
