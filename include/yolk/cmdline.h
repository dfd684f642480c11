/* Splitting the kernel command line into main()'s argv. */
#ifndef YOLK_CMDLINE_H
#define YOLK_CMDLINE_H

#include <stddef.h>

/*
 * Splits `line` in place into at most max_args words, shell-like: words are
 * separated by blanks; single quotes keep everything literally; double quotes
 * keep blanks and honour \" and \\; a backslash outside quotes escapes the
 * next character. Returns the number of words, or -EINVAL with *err set to a
 * message for an unterminated quote, a trailing backslash or too many words.
 */
int cmdline_split(char *line, char **argv, int max_args, const char **err);

#endif
