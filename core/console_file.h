/* The console as an open file: fds 0, 1 and 2 at start, /dev/console later. */
#ifndef CORE_CONSOLE_FILE_H
#define CORE_CONSOLE_FILE_H

#include <yolk/file.h>

extern const struct file_ops console_file_ops;
extern struct file console_files[3];

/* Makes console_files[] the console opened for reading (0) and writing (1, 2); fd_init() calls it. */
void console_files_init(void);

#endif
