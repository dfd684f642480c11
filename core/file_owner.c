/*
 * fchmod() and fchown(): permissions and owners of an open file. Like
 * chmod() (core/vfs_posix.c) they keep nothing: there is one user, root
 * (core/users.c), and the filesystems store no modes or owners. fchown()
 * to anyone but root fails as it does on a FAT mount under Linux.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

int fchmod(int fd, mode_t mode)
{
	(void)mode;
	struct stat st;
	return fstat(fd, &st); /* EBADF for a closed fd */
}

int fchown(int fd, uid_t owner, gid_t group)
{
	struct stat st;
	if (fstat(fd, &st))
		return -1;
	if ((owner != (uid_t)-1 && owner != 0) || (group != (gid_t)-1 && group != 0)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
