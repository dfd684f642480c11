/*
 * Directory entries for <dirent.h> (picolibc leaves this header to the
 * system). DIR is opaque: core/dirent.c reads through an fd.
 */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct dirent {
	ino_t d_ino;
	off_t d_off;            /* telldir() value of the next entry */
	unsigned short d_reclen;
	unsigned char d_type;   /* DT_* */
	char d_name[256];
};

typedef struct __yolk_dir DIR;

#endif
