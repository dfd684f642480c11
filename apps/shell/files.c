/* The shell's file commands: ls, cd, pwd, mkdir, rm, mv, cp, touch, mount, umount, sync. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yolk/vfs.h>
#include "shell.h"

static int fail(const char *cmd, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", cmd, what, strerror(errno));
	return 1;
}

static char type_char(mode_t m)
{
	return S_ISDIR(m) ? 'd' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : '-';
}

static void ls_long(const char *path, const char *name)
{
	struct stat st;
	if (stat(path, &st)) {
		fail("ls", path);
		return;
	}
	char when[32], perm[10];
	struct tm tm;
	gmtime_r(&st.st_mtime, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	for (int i = 0; i < 9; i++)
		perm[i] = (st.st_mode & (0400 >> i)) ? "rwxrwxrwx"[i] : '-';
	perm[9] = '\0';
	printf("%c%s %10lld %s %s%s\n", type_char(st.st_mode), perm, (long long)st.st_size, when, name,
	       S_ISDIR(st.st_mode) ? "/" : "");
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Lists one directory, sorted; dot files only with -a. */
static int ls_dir(const char *dir, int lng, int all)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return fail("ls", dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && !all)
			continue;
		if (n == cap && (names = realloc(names, (cap = cap ? 2 * cap : 32) * sizeof(*names))) == NULL)
			break;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (lng) {
			ls_long(path, names[i]);
		} else {
			struct stat st;
			int isdir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
			printf("%s%s\n", names[i], isdir ? "/" : "");
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

static int sh_ls(int argc, char **argv)
{
	int lng = 0, all = 0, i = 1, status = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		lng |= strchr(argv[i], 'l') != NULL;
		all |= strchr(argv[i], 'a') != NULL;
	}
	if (i == argc)
		return ls_dir(".", lng, all);
	for (; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st))
			status = fail("ls", argv[i]);
		else if (S_ISDIR(st.st_mode))
			status |= ls_dir(argv[i], lng, all);
		else if (lng)
			ls_long(argv[i], argv[i]);
		else
			printf("%s\n", argv[i]);
	}
	return status;
}

static int sh_cd(int argc, char **argv) { return chdir(argc > 1 ? argv[1] : "/") ? fail("cd", argc > 1 ? argv[1] : "/") : 0; }

static int sh_pwd(int argc, char **argv)
{
	(void)argc, (void)argv;
	char buf[1024];
	if (getcwd(buf, sizeof(buf)) == NULL)
		return fail("pwd", ".");
	printf("%s\n", buf);
	return 0;
}

/* mkdir -p: every missing directory on the way. */
static int mkdir_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(path, 0755);
		*p = '/';
		if (r && errno != EEXIST)
			return -1;
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

static int sh_mkdir(int argc, char **argv)
{
	int parents = argc > 1 && strcmp(argv[1], "-p") == 0, status = 0;
	for (int i = 1 + parents; i < argc; i++)
		if (parents ? mkdir_parents(argv[i]) : mkdir(argv[i], 0755))
			status = fail("mkdir", argv[i]);
	return status;
}

static int remove_tree(const char *path)
{
	struct stat st;
	if (stat(path, &st))
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	struct dirent *e;
	int r = 0;
	while (r == 0 && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		r = remove_tree(sub);
		if (r == 0)
			rewinddir(d); /* the directory changed under the listing */
	}
	closedir(d);
	return r ? r : rmdir(path);
}

static int sh_rm(int argc, char **argv)
{
	int recursive = argc > 1 && (!strcmp(argv[1], "-r") || !strcmp(argv[1], "-rf")), status = 0;
	for (int i = 1 + recursive; i < argc; i++)
		if (recursive ? remove_tree(argv[i]) : unlink(argv[i]))
			status = fail("rm", argv[i]);
	return status;
}

static int sh_rmdir(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++)
		if (rmdir(argv[i]))
			status = fail("rmdir", argv[i]);
	return status;
}

static int sh_mv(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mv FROM TO\n");
		return 2;
	}
	return rename(argv[1], argv[2]) ? fail("mv", argv[1]) : 0;
}

static int sh_cp(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: cp FROM TO\n");
		return 2;
	}
	int in = open(argv[1], O_RDONLY);
	if (in < 0)
		return fail("cp", argv[1]);
	int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		close(in);
		return fail("cp", argv[2]);
	}
	static char buf[16384];
	ssize_t n;
	int status = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			status = fail("cp", argv[2]);
			break;
		}
	if (n < 0)
		status = fail("cp", argv[1]);
	close(in);
	if (close(out))
		status = fail("cp", argv[2]);
	return status;
}

static int sh_touch(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			status = fail("touch", argv[i]);
		else
			close(fd);
	}
	return status;
}

static void print_mount(const struct mount *m, void *arg)
{
	(void)arg;
	printf("%-10s on %-16s type %s\n", m->source[0] ? m->source : "none", m->path, m->type->name);
}

static int sh_mount(int argc, char **argv)
{
	if (argc == 1) {
		vfs_foreach_mount(print_mount, NULL);
		return 0;
	}
	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: mount [TYPE DIR [DEVICE [OPTIONS]]]   e.g. mount fat /data vda1\n");
		return 2;
	}
	int r = vfs_mount(argv[2], argv[1], argc > 3 ? argv[3] : "", argc > 4 ? argv[4] : "");
	if (r) {
		fprintf(stderr, "mount: %s: %s\n", argv[2], strerror(-r));
		return 1;
	}
	return 0;
}

static int sh_umount(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: umount DIR\n");
		return 2;
	}
	int r = vfs_unmount(argv[1]);
	if (r)
		fprintf(stderr, "umount: %s: %s\n", argv[1], strerror(-r));
	return r ? 1 : 0;
}

static int sh_sync(int argc, char **argv)
{
	(void)argc, (void)argv;
	sync();
	return 0;
}

const struct builtin shell_file_builtins[] = {
	{"ls", "ls [-la] [PATH...]", "list directories", sh_ls},
	{"cd", "cd [DIR]", "change the current directory", sh_cd},
	{"pwd", "pwd", "print the current directory", sh_pwd},
	{"mkdir", "mkdir [-p] DIR...", "make directories", sh_mkdir},
	{"rm", "rm [-r] PATH...", "remove files (-r: directories too)", sh_rm},
	{"rmdir", "rmdir DIR...", "remove empty directories", sh_rmdir},
	{"mv", "mv FROM TO", "rename or move", sh_mv},
	{"cp", "cp FROM TO", "copy a file", sh_cp},
	{"touch", "touch FILE...", "create empty files", sh_touch},
	{"mount", "mount [TYPE DIR [DEV]]", "list or add mounts", sh_mount},
	{"umount", "umount DIR", "unmount", sh_umount},
	{"sync", "sync", "write cached data to disks", sh_sync},
	{0, 0, 0, 0},
};
