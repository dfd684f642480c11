/*
 * stdin, stdout and stderr. picolibc and every app hold these three FILE
 * addresses, so they stay put, one each for the image; what they hold is
 * per app run (core/apprun.h): each call goes to the calling thread's run,
 * to its buffers and its fds 0-2. A command a shell sent to a file or a pipe
 * prints there while the shell, a background job or another session prints
 * to their own; two runs printing at once never share a buffer or wait for
 * each other's lock (the FILE's lock stands for the run's, core/libc_lock.h).
 *
 * Buffering as in glibc: stdout by lines on a terminal, by STDIO_BUF bytes
 * otherwise (and when main returns and when the run ends); stderr at the
 * end of every call; stdout is flushed before stdin waits for input.
 * picolibc's own per-FILE state stays shared: the EOF and error flags
 * (feof, ferror) are the image's, not the run's; ungetc's byte is handed
 * back to the run's buffer as the call that pushed it returns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yolk/app.h>
#include "apprun.h"
#include "libc_lock.h"

#define STDIO_BUF 1024

struct stdio_stream {
	struct kmutex lock; /* recursive: what flockfile() on the shared FILE takes */
	size_t len;         /* bytes in buf: output waiting, or input read */
	size_t pos;         /* input: the next byte to hand out */
	int by_line;        /* output: flush at '\n' (a terminal); decided as buf starts filling */
	char *buf;          /* STDIO_BUF bytes */
};

struct stdio_run {
	struct stdio_stream s[3]; /* stdin, stdout, stderr */
};

/*
 * For threads of no run (boot, drivers, the image's main program): the first
 * 0-2. Zeroed memory that stdio_init() fills in, like std_locks and std_files
 * below: their locks start non-zero, which would put their initial values
 * (650 bytes) and 3 KiB of buffers in the image's .data.
 */
static char no_run_buf[3][STDIO_BUF];
static struct stdio_run no_run;

static struct stdio_run *stdio_run_new(void)
{
	/* The buffers follow the streams in the same allocation. */
	struct stdio_run *sr = malloc(sizeof(*sr) + 3 * STDIO_BUF);
	if (sr == NULL)
		return NULL;
	for (int i = 0; i < 3; i++) {
		sr->s[i].lock = (struct kmutex)KMUTEX_RECURSIVE_INIT;
		sr->s[i].len = sr->s[i].pos = 0;
		sr->s[i].buf = (char *)(sr + 1) + i * STDIO_BUF;
	}
	return sr;
}

/* The calling thread's buffers, made on the run's first use; NULL if out of memory. */
static struct stdio_run *stdio_current(void)
{
	struct app_run *r = app_run_current();
	if (r == NULL)
		return &no_run;
	struct stdio_run *sr = __atomic_load_n(&r->stdio, __ATOMIC_ACQUIRE), *none = NULL;
	if (sr)
		return sr;
	sr = stdio_run_new();
	/* Two threads of one run may get here at once: the first one's buffers win. */
	if (sr && !__atomic_compare_exchange_n(&r->stdio, &none, sr, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		free(sr);
		sr = none;
	}
	return sr;
}

static int stream_no(FILE *f);

static struct stdio_stream *stream_of(FILE *f)
{
	struct stdio_run *sr = stdio_current();
	return sr ? &sr->s[stream_no(f)] : NULL;
}

/* Writes out s's buffer to fd: 0, or -1 (the bytes are dropped, as a failed write's are). */
static int stream_flush(struct stdio_stream *s, int fd)
{
	const char *p = s->buf;
	size_t left = s->len;
	s->len = 0;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n <= 0)
			return -1;
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

static int std_put(char c, FILE *f)
{
	struct stdio_stream *s = stream_of(f);
	int fd = stream_no(f);
	if (s == NULL)
		return _FDEV_ERR;
	if (s->len == 0) {
		int saved = errno; /* isatty() sets it for a file: printf must not */
		s->by_line = fd == 2 || isatty(fd);
		errno = saved;
	}
	s->buf[s->len++] = c;
	if (s->len == STDIO_BUF || (s->by_line && c == '\n'))
		return stream_flush(s, fd) ? _FDEV_ERR : (unsigned char)c;
	return (unsigned char)c;
}

static int std_flush(FILE *f)
{
	struct stdio_stream *s = stream_of(f);
	return s == NULL ? _FDEV_ERR : s->len ? stream_flush(s, stream_no(f)) : 0;
}

static int std_get(FILE *f)
{
	(void)f; /* only stdin reads */
	struct stdio_run *sr = stdio_current();
	if (sr == NULL)
		return _FDEV_ERR;
	struct stdio_stream *s = &sr->s[0];
	if (s->pos == s->len) {
		/* A prompt printed without a newline shows before the read waits. */
		struct stdio_stream *out = &sr->s[1];
		kmutex_lock(&out->lock, WAIT_FOREVER);
		if (out->len)
			stream_flush(out, 1);
		kmutex_unlock(&out->lock);
		ssize_t n = read(0, s->buf, STDIO_BUF);
		if (n <= 0)
			return n == 0 ? _FDEV_EOF : _FDEV_ERR;
		s->pos = 0;
		s->len = (size_t)n;
	}
	return (unsigned char)s->buf[s->pos++];
}

static struct kmutex *std_lock_which(struct __lock *l);
static void std_unlocking(struct __lock *l);

static struct __lock std_locks[3];
static struct __file std_files[3];

void stdio_init(void)
{
	for (int i = 0; i < 3; i++) {
		no_run.s[i].lock = (struct kmutex)KMUTEX_RECURSIVE_INIT;
		no_run.s[i].buf = no_run_buf[i];
		std_locks[i].m = (struct kmutex)KMUTEX_RECURSIVE_INIT;
		std_locks[i].which = std_lock_which;
		std_locks[i].unlocking = std_unlocking;
		std_files[i].lock = &std_locks[i];
		std_files[i].flags = i == 0 ? __SRD : __SWR;
		std_files[i].put = i == 0 ? NULL : std_put;
		std_files[i].flush = i == 0 ? NULL : std_flush;
	}
	std_files[0].get = std_get;
}

FILE *const stdin = &std_files[0];
FILE *const stdout = &std_files[1];
FILE *const stderr = &std_files[2];

static int stream_no(FILE *f) { return (int)(f - std_files); }

/* The run's own lock; without buffers (out of memory) the shared one, which does no harm. */
static struct kmutex *std_lock_which(struct __lock *l)
{
	struct stdio_run *sr = stdio_current();
	return sr ? &sr->s[l - std_locks].lock : &l->m;
}

/*
 * The outermost call on a stream is returning. stderr goes out now; a byte
 * ungetc() left in the shared FILE goes back into the run's own buffer
 * (it is the byte just read, so there is room), where no other run reads it.
 */
static void std_unlocking(struct __lock *l)
{
	int no = (int)(l - std_locks);
	struct stdio_run *sr = stdio_current();
	if (sr == NULL)
		return;
	struct stdio_stream *s = &sr->s[no];
	if (no == 2 && s->len)
		stream_flush(s, 2);
	if (no == 0 && std_files[0].unget && s->pos > 0) {
		__ungetc_t u = __atomic_exchange_n(&std_files[0].unget, 0, __ATOMIC_RELAXED);
		if (u)
			s->buf[--s->pos] = (char)(u - 1);
	}
}

/* fileno() knows only picolibc's own buffered files (-Wl,--wrap=fileno, meson.build). */
int __real_fileno(FILE *f);
int __wrap_fileno(FILE *f)
{
	if (f >= std_files && f < std_files + 3)
		return stream_no(f);
	return __real_fileno(f);
}

/* The image's main program returning, or exit(): what it printed goes out (picolibc's own stdout did this). */
__attribute__((destructor(101))) static void stdio_exit(void)
{
	fflush(stdout);
	fflush(stderr);
}

/* Straight to the run's files: its threads are gone, and so is the calling thread's run. */
static void stream_end(struct stdio_stream *s, struct file *f)
{
	for (size_t done = 0; f && done < s->len;) {
		ssize_t n = file_write(f, s->buf + done, s->len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
}

void stdio_run_end(struct app_run *r)
{
	struct stdio_run *sr = r->stdio;
	if (sr == NULL)
		return;
	stream_end(&sr->s[1], r->std[1]);
	stream_end(&sr->s[2], r->std[2]);
	r->stdio = NULL;
	free(sr);
}
