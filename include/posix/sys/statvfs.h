/* File system statistics (POSIX <sys/statvfs.h>), Linux's layout. core/statvfs.c answers. */
#ifndef _SYS_STATVFS_H
#define _SYS_STATVFS_H

#include <sys/types.h> /* fsblkcnt_t, fsfilcnt_t */

struct statvfs {
	unsigned long f_bsize;   /* block size */
	unsigned long f_frsize;  /* fragment size: the unit of f_blocks */
	fsblkcnt_t f_blocks, f_bfree, f_bavail;
	fsfilcnt_t f_files, f_ffree, f_favail;
	unsigned long f_fsid;
	unsigned long f_flag;
	unsigned long f_namemax;
};

#define ST_RDONLY 1
#define ST_NOSUID 2

#ifdef __cplusplus
extern "C" {
#endif

int statvfs(const char *path, struct statvfs *st);
int fstatvfs(int fd, struct statvfs *st);

#ifdef __cplusplus
}
#endif

#endif
