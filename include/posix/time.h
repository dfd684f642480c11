/*
 * picolibc's <time.h>, which declares clock_getcpuclockid(pid_t, ...) when
 * _POSIX_CPUTIME is set (yolk sets it) but does not declare pid_t itself:
 * <sys/types.h> first, so <time.h> alone compiles, as POSIX requires.
 */
#pragma GCC system_header /* #include_next is a GCC extension */
#include <sys/types.h>
#include_next <time.h>
