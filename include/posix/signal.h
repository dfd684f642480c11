/*
 * picolibc's <signal.h>, with pthread_sigmask(), which POSIX declares here
 * and picolibc only for RTEMS-like targets (core/signal.c implements it).
 */
#pragma GCC system_header /* #include_next is a GCC extension */
#include_next <signal.h>

#ifndef YOLK_POSIX_SIGNAL_H
#define YOLK_POSIX_SIGNAL_H
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old);
#endif
