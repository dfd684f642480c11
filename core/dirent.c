/* opendir() and friends, over an fd and the file's readdir op. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yolk/file.h>

struct __yolk_dir {
	int fd;
	off_t pos;
	struct dirent ent;
};

DIR *fdopendir(int fd)
{
	struct stat st;
	if (fstat(fd, &st))
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	DIR *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->fd = fd;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (d == NULL)
		close(fd);
	return d;
}

struct dirent *readdir(DIR *d)
{
	struct file *f = fd_file(d->fd);
	if (f == NULL)
		return NULL;
	int r = f->ops->readdir ? f->ops->readdir(f, &d->pos, &d->ent) : -ENOTDIR;
	fd_put(f);
	if (r < 0)
		errno = -r;
	return r > 0 ? &d->ent : NULL;
}

int readdir_r(DIR *d, struct dirent *ent, struct dirent **result)
{
	int saved = errno;
	errno = 0;
	struct dirent *e = readdir(d);
	int err = errno;
	errno = saved;
	if (e == NULL) {
		*result = NULL;
		return err;
	}
	*ent = *e;
	*result = ent;
	return 0;
}

void rewinddir(DIR *d) { d->pos = 0; }
long telldir(DIR *d) { return (long)d->pos; }
void seekdir(DIR *d, long pos) { d->pos = pos; }
int dirfd(DIR *d) { return d->fd; }

int closedir(DIR *d)
{
	int r = close(d->fd);
	free(d);
	return r;
}


int alphasort(const struct dirent **a, const struct dirent **b) { return strcoll((*a)->d_name, (*b)->d_name); }

int scandir(const char *path, struct dirent ***list, int (*keep)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **))
{
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	struct dirent **v = NULL, *e;
	size_t n = 0, cap = 0;
	while ((e = readdir(d)) != NULL) {
		if (keep && !keep(e))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct dirent **nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL)
				goto fail;
			v = nv;
		}
		if ((v[n] = malloc(sizeof(*e))) == NULL)
			goto fail;
		*v[n++] = *e;
	}
	closedir(d);
	if (cmp)
		qsort(v, n, sizeof(*v), (int (*)(const void *, const void *))cmp);
	*list = v;
	return (int)n;
fail:
	while (n)
		free(v[--n]);
	free(v);
	closedir(d);
	errno = ENOMEM;
	return -1;
}
