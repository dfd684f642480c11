/*
 * picolibc's <stdio.h>, with what POSIX declares there and picolibc leaves
 * out: popen() and pclose() (core/process.c: they fail, yolk starts no
 * processes). Without them a caller compiled without warnings would take
 * popen's pointer as an int.
 */
#pragma GCC system_header /* #include_next is a GCC extension */
#include_next <stdio.h>

#ifndef YOLK_POSIX_STDIO_H
#define YOLK_POSIX_STDIO_H
FILE *popen(const char *command, const char *mode);
int pclose(FILE *stream);
#endif
