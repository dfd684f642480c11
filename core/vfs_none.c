/* Without a filesystem (no VFS selected) every path is absent. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yolk/vfs.h>

static int absent(void)
{
	errno = ENOENT;
	return -1;
}

int open(const char *path, int flags, ...)
{
	(void)path, (void)flags;
	return absent();
}

int stat(const char *path, struct stat *st)
{
	(void)path, (void)st;
	return absent();
}

int unlink(const char *path)
{
	(void)path;
	return absent();
}

int mkdir(const char *path, mode_t mode)
{
	(void)path, (void)mode;
	return absent();
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
