/*
 * The user and group database of a yolk image: one user, root (uid 0, as
 * getuid says), in one group, root (gid 0), and the console as the only
 * terminal. With the _r functions here, picolibc's and yolk's together make
 * POSIX's Thread Safe Functions: results go to the caller's storage, and
 * ERANGE says when it is too small.
 */
#include <errno.h>
#include <stdint.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#define ROOT_NAME "root"
#define ROOT_DIR "/"
#define ROOT_SHELL "/bin/sh"
#define TERMINAL "/dev/console"

/* Copies s into *buf (advancing it, taking from *left): the copy, or NULL when out of room. */
static char *put(const char *s, char **buf, size_t *left)
{
	size_t n = strlen(s) + 1;
	if (n > *left)
		return NULL;
	char *copy = memcpy(*buf, s, n);
	*buf += n;
	*left -= n;
	return copy;
}

/* Fills *pw with root, its strings in buf: 0 or ERANGE. */
static int root_passwd(struct passwd *pw, char *buf, size_t size)
{
	*pw = (struct passwd){.pw_uid = 0, .pw_gid = 0};
	pw->pw_name = put(ROOT_NAME, &buf, &size);
	pw->pw_passwd = put("", &buf, &size);
	pw->pw_comment = pw->pw_gecos = put("", &buf, &size);
	pw->pw_dir = put(ROOT_DIR, &buf, &size);
	pw->pw_shell = put(ROOT_SHELL, &buf, &size);
	return pw->pw_shell ? 0 : ERANGE;
}

static int root_group(struct group *gr, char *buf, size_t size)
{
	/* gr_mem: a NULL-terminated list of members, root, stored in buf too. */
	char *aligned = (char *)(((uintptr_t)buf + sizeof(char *) - 1) & ~(uintptr_t)(sizeof(char *) - 1));
	size_t skip = (size_t)(aligned - buf), list = 2 * sizeof(char *);
	if (size < skip + list)
		return ERANGE;
	char **mem = (char **)aligned;
	buf = aligned + list;
	size -= skip + list;
	*gr = (struct group){.gr_gid = 0, .gr_mem = mem};
	gr->gr_name = mem[0] = put(ROOT_NAME, &buf, &size);
	gr->gr_passwd = put("", &buf, &size);
	mem[1] = NULL;
	return gr->gr_passwd ? 0 : ERANGE;
}

/* Not found is no error (POSIX): 0 with *result NULL. */
static int passwd_result(int found, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	*result = NULL;
	if (!found)
		return 0;
	int err = root_passwd(pw, buf, size);
	if (err == 0)
		*result = pw;
	return err;
}

static int group_result(int found, struct group *gr, char *buf, size_t size, struct group **result)
{
	*result = NULL;
	if (!found)
		return 0;
	int err = root_group(gr, buf, size);
	if (err == 0)
		*result = gr;
	return err;
}

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	return passwd_result(strcmp(name, ROOT_NAME) == 0, pw, buf, size, result);
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **result)
{
	return passwd_result(uid == 0, pw, buf, size, result);
}

int getgrnam_r(const char *name, struct group *gr, char *buf, size_t size, struct group **result)
{
	return group_result(strcmp(name, ROOT_NAME) == 0, gr, buf, size, result);
}

int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **result)
{
	return group_result(gid == 0, gr, buf, size, result);
}

/* The non-_r forms: the same answers in static storage (not thread-safe, as POSIX allows). */
static char pw_buf[64], gr_buf[64];
static struct passwd pw_static;
static struct group gr_static;

struct passwd *getpwnam(const char *name)
{
	struct passwd *r;
	getpwnam_r(name, &pw_static, pw_buf, sizeof(pw_buf), &r);
	return r;
}

struct passwd *getpwuid(uid_t uid)
{
	struct passwd *r;
	getpwuid_r(uid, &pw_static, pw_buf, sizeof(pw_buf), &r);
	return r;
}

struct group *getgrnam(const char *name)
{
	struct group *r;
	getgrnam_r(name, &gr_static, gr_buf, sizeof(gr_buf), &r);
	return r;
}

struct group *getgrgid(gid_t gid)
{
	struct group *r;
	getgrgid_r(gid, &gr_static, gr_buf, sizeof(gr_buf), &r);
	return r;
}

uid_t getuid(void)
{
	return 0;
}
uid_t geteuid(void)
{
	return 0;
}
gid_t getgid(void)
{
	return 0;
}
gid_t getegid(void)
{
	return 0;
}

int getlogin_r(char *name, size_t size)
{
	if (size < sizeof(ROOT_NAME))
		return ERANGE;
	memcpy(name, ROOT_NAME, sizeof(ROOT_NAME));
	return 0;
}

char *getlogin(void)
{
	return ROOT_NAME;
}

/* Every terminal of a yolk image is the console (core/chardev.c). */
int ttyname_r(int fd, char *name, size_t size)
{
	errno = 0;
	if (!isatty(fd))
		return errno == EBADF ? EBADF : ENOTTY;
	if (size < sizeof(TERMINAL))
		return ERANGE;
	memcpy(name, TERMINAL, sizeof(TERMINAL));
	return 0;
}

char *ttyname(int fd)
{
	static char name[sizeof(TERMINAL)];
	int err = ttyname_r(fd, name, sizeof(name));
	if (err) {
		errno = err;
		return NULL;
	}
	return name;
}

/* The machine's name: one image, one name ("yolk"); what `ssh` sessions and logs show. */
int gethostname(char *name, size_t len)
{
	static const char host[] = "yolk";
	if (len < sizeof(host)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, host, sizeof(host));
	return 0;
}
