/* Calendar arithmetic (pure, host-tested). */
#ifndef YOLK_CIVIL_H
#define YOLK_CIVIL_H

#include <stdint.h>

/* Seconds since 1970-01-01T00:00:00Z for a proleptic Gregorian UTC date. */
int64_t civil_to_epoch(int year, int month, int day, int hour, int min, int sec);

#endif
