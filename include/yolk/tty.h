/* The console's line discipline (core/tty.c). */
#ifndef YOLK_TTY_H
#define YOLK_TTY_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Cooked read: edits a line with echo (see core/tty.c for the keys) and
 * returns up to n bytes of it, newline included; 0 at end of input (Ctrl-D
 * on an empty line).
 */
ssize_t tty_read(char *buf, size_t n);

#endif
