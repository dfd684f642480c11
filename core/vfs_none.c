/*
 * Without a filesystem (no VFS selected) every path is absent: the POSIX
 * calls exist, so programs link, and answer ENOENT.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>
#include <yolk/vfs.h>

static int absent(void)
{
	errno = ENOENT;
	return -1;
}

int open(const char *path, int flags, ...) { return (void)path, (void)flags, absent(); }
int creat(const char *path, mode_t mode) { return (void)path, (void)mode, absent(); }
int stat(const char *path, struct stat *st) { return (void)path, (void)st, absent(); }
int lstat(const char *path, struct stat *st) { return (void)path, (void)st, absent(); }
int access(const char *path, int mode) { return (void)path, (void)mode, absent(); }
int unlink(const char *path) { return (void)path, absent(); }
int rmdir(const char *path) { return (void)path, absent(); }
int remove(const char *path) { return (void)path, absent(); }
int mkdir(const char *path, mode_t mode) { return (void)path, (void)mode, absent(); }
int rename(const char *from, const char *to) { return (void)from, (void)to, absent(); }
int truncate(const char *path, off_t len) { return (void)path, (void)len, absent(); }
int chdir(const char *path) { return (void)path, absent(); }
char *realpath(const char *path, char *out) { return (void)path, (void)out, absent(), NULL; }
ssize_t readlink(const char *path, char *buf, size_t n) { return (void)path, (void)buf, (void)n, absent(); }
int symlink(const char *target, const char *path) { return (void)target, (void)path, absent(); }
int utimes(const char *path, const struct timeval t[2]) { return (void)path, (void)t, absent(); }
int utime(const char *path, const struct utimbuf *t) { return (void)path, (void)t, absent(); }
void sync(void) {}

DIR *opendir(const char *path)
{
	absent();
	(void)path;
	return NULL;
}

struct dirent *readdir(DIR *d)
{
	(void)d;
	errno = EBADF;
	return NULL;
}

/* No directory is ever open here (Thread Safe Functions needs the name). */
int readdir_r(DIR *d, struct dirent *ent, struct dirent **result)
{
	(void)d, (void)ent;
	*result = NULL;
	return EBADF;
}

DIR *fdopendir(int fd)
{
	(void)fd;
	errno = EBADF;
	return NULL;
}

int scandir(const char *path, struct dirent ***list, int (*keep)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **))
{
	(void)path, (void)list, (void)keep, (void)cmp;
	return absent();
}

void rewinddir(DIR *d) { (void)d; }

int closedir(DIR *d)
{
	(void)d;
	errno = EBADF;
	return -1;
}

char *getcwd(char *buf, size_t size)
{
	if (buf == NULL || size < 2) {
		errno = ERANGE;
		return NULL;
	}
	return strcpy(buf, "/");
}

/* Files of the VFS never exist here, so nothing ever holds a vnode. */
void vnode_put(struct vnode *vn) { (void)vn; }

int vfs_mount(const char *path, const char *type, const char *source, const char *options)
{
	(void)path, (void)type, (void)source, (void)options;
	return -ENODEV;
}

int vfs_unmount(const char *path) { return (void)path, -EINVAL; }
int vfs_sync(void) { return 0; }
void vfs_foreach_mount(void (*visit)(const struct mount *m, void *arg), void *arg) { (void)visit, (void)arg; }
