/*
 * mmap() and friends (<sys/mman.h>): anonymous memory from the heap, page
 * aligned and zeroed, and unmapped whole. The image has one address space
 * and no page faults that could load or write back a file's pages, so a
 * file is mapped only privately (MAP_PRIVATE): a copy of its bytes read at
 * mmap() time, the rest of the last page zero. POSIX leaves unspecified
 * whether later writes to the file show through a private mapping, and
 * writes to the mapping never reach the file, so the copy is exact.
 * MAP_SHARED of a file fails with ENODEV instead of giving memory that
 * silently stops matching the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <yolk/sync.h>

#define MMAN_PAGE 4096

struct mapping {
	void *addr;
	size_t len;
	struct mapping *next;
};

static struct mapping *mappings;
static struct kmutex mappings_lock = KMUTEX_INIT;

int getpagesize(void)
{
	return MMAN_PAGE;
}

/*
 * Fills a private mapping with the file's bytes from off (fewer past its
 * end: they stay zero, as the part of a page beyond a file's end reads).
 * Returns 0, or -1 with errno EBADF for a bad fd, EACCES for a file not
 * open for reading (POSIX asks read access for any mapping), ENODEV for a
 * pipe or socket, which pread() refuses with ESPIPE.
 */
static int mman_read_file(int fd, void *p, size_t len, off_t off)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	if ((fl & O_ACCMODE) == O_WRONLY) {
		errno = EACCES;
		return -1;
	}
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(fd, (char *)p + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == ESPIPE)
				errno = ENODEV;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	(void)addr, (void)prot;
	int share = flags & (MAP_SHARED | MAP_PRIVATE);
	if (len == 0 || (share != MAP_SHARED && share != MAP_PRIVATE) || (off & (MMAN_PAGE - 1))) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (!(flags & MAP_ANONYMOUS) && share == MAP_SHARED) {
		errno = ENODEV; /* see above: no shared file mappings */
		return MAP_FAILED;
	}
	if (flags & MAP_FIXED) {
		errno = ENOTSUP; /* the heap decides where memory is */
		return MAP_FAILED;
	}
	size_t bytes = (len + MMAN_PAGE - 1) & ~(size_t)(MMAN_PAGE - 1);
	struct mapping *m = malloc(sizeof(*m));
	void *p = bytes < len ? NULL : aligned_alloc(MMAN_PAGE, bytes);
	if (m == NULL || p == NULL) {
		free(m);
		free(p);
		errno = ENOMEM;
		return MAP_FAILED;
	}
	memset(p, 0, bytes);
	if (!(flags & MAP_ANONYMOUS) && mman_read_file(fd, p, len, off) < 0) {
		int e = errno;
		free(m);
		free(p);
		errno = e;
		return MAP_FAILED;
	}
	*m = (struct mapping){p, bytes, NULL};
	kmutex_lock(&mappings_lock, WAIT_FOREVER);
	m->next = mappings;
	mappings = m;
	kmutex_unlock(&mappings_lock);
	return p;
}

/* Only a whole mapping goes (what programs that map anonymous buffers do); a part of one is EINVAL. */
int munmap(void *addr, size_t len)
{
	size_t bytes = (len + MMAN_PAGE - 1) & ~(size_t)(MMAN_PAGE - 1);
	struct mapping *found = NULL;
	kmutex_lock(&mappings_lock, WAIT_FOREVER);
	for (struct mapping **p = &mappings; *p; p = &(*p)->next)
		if ((*p)->addr == addr && (*p)->len == bytes) {
			found = *p;
			*p = found->next;
			break;
		}
	kmutex_unlock(&mappings_lock);
	if (found == NULL) {
		errno = EINVAL;
		return -1;
	}
	free(found->addr);
	free(found);
	return 0;
}

/* Memory is always readable and writable here; asking for less is refused rather than ignored. */
int mprotect(void *addr, size_t len, int prot)
{
	(void)addr, (void)len;
	if ((prot & (PROT_READ | PROT_WRITE)) != (PROT_READ | PROT_WRITE)) {
		errno = ENOTSUP;
		return -1;
	}
	return 0;
}

/* No mapping has a file behind it to write to (private ones never write back). */
int msync(void *addr, size_t len, int flags)
{
	(void)addr, (void)len;
	if ((flags & MS_SYNC) && (flags & MS_ASYNC)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
