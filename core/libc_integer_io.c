/*
 * CONFIG_LIBC_INTEGER_IO: vfprintf and vfscanf are picolibc's integer ('l')
 * variants, so printf, snprintf, sscanf ... (which all call these two) never
 * link the float conversions. Functions rather than --defsym aliases: the
 * linker pulls __l_vfscanf only if something scans, and picolibc's own
 * vfprintf.o (the float variant) is never pulled because the name is defined.
 */
#include <stdarg.h>
#include <stdio.h>

int __l_vfprintf(FILE *stream, const char *fmt, va_list ap);
int __l_vfscanf(FILE *stream, const char *fmt, va_list ap);

int vfprintf(FILE *stream, const char *fmt, va_list ap) { return __l_vfprintf(stream, fmt, ap); }

int vfscanf(FILE *stream, const char *fmt, va_list ap) { return __l_vfscanf(stream, fmt, ap); }
