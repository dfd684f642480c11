/*
 * Boot-time mounts: the root filesystem (root=TYPE or root=DEVICE:TYPE,
 * default CONFIG_VFS_ROOT), /dev when devfs is linked, then every
 * mount=PATH:DEVICE:TYPE[:OPTIONS] of the kernel command line and of
 * CONFIG_VFS_MOUNTS. A ramfs root gets an empty /tmp. A mount that fails is reported and start-up goes on:
 * the program then finds the directory empty rather than the machine dead.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <yolk/console.h>
#include <yolk/init.h>
#include <yolk/param.h>
#include <yolk/vfs.h>
#include <yolk-config/core.h>
#include "vfs_internal.h"

#define BOOT_MOUNTS 8

struct boot_mount {
	char path[128], source[32], type[16], options[32];
};

static struct boot_mount root = {"/", "", "", ""};
static struct boot_mount extra[BOOT_MOUNTS];
static int nextra;

/* Copies the next ':'-separated field of *s into out; NULL if it does not fit. */
static const char *field(const char **s, char *out, size_t size)
{
	size_t n = strcspn(*s, ":");
	if (n >= size)
		return NULL;
	memcpy(out, *s, n);
	out[n] = '\0';
	*s += n + ((*s)[n] == ':');
	return out;
}

/* "DEVICE:TYPE", or just "TYPE" for a filesystem without a device (ramfs). */
static const char *parse_root(const char *v)
{
	struct boot_mount m = {"/", "", "", ""};
	const char *colon = strchr(v, ':');
	if ((colon && !field(&v, m.source, sizeof(m.source))) || !field(&v, m.type, sizeof(m.type)) ||
	    m.type[0] == '\0' || *v)
		return "expected root=TYPE or root=DEVICE:TYPE (e.g. root=vda1:fat)";
	if (vfs_find_type(m.type) == NULL)
		return "no such filesystem type linked in";
	root = m;
	return NULL;
}

static const char *parse_mount(const char *v)
{
	struct boot_mount m = {0};
	if (nextra == BOOT_MOUNTS)
		return "too many mounts (at most 8)";
	if (!field(&v, m.path, sizeof(m.path)) || m.path[0] != '/' || !field(&v, m.source, sizeof(m.source)) ||
	    !field(&v, m.type, sizeof(m.type)) || !field(&v, m.options, sizeof(m.options)) || m.type[0] == '\0' ||
	    *v)
		return "expected mount=/PATH:DEVICE:TYPE[:OPTIONS] (e.g. mount=/data:vda1:fat)";
	if (vfs_find_type(m.type) == NULL)
		return "no such filesystem type linked in";
	extra[nextra++] = m;
	return NULL;
}
YOLK_PARAM(root, parse_root);
YOLK_PARAM(mount, parse_mount);

static void report(const struct boot_mount *m, int r)
{
	if (r)
		klog(KLOG_ERR, "mount %s (%s%s%s) failed: %s\n", m->path, m->source, m->source[0] ? " " : "", m->type,
		     strerror(-r));
	else
		klog(KLOG_NOTICE, "mounted %s on %s%s%s\n", m->type, m->path, m->source[0] ? " from " : "", m->source);
}

static int mount_one(const struct boot_mount *m)
{
	/* A missing mountpoint is made on the way (the root is a fresh ramfs). */
	if (strcmp(m->path, "/") != 0)
		mkdir(m->path, 0755);
	int r = vfs_mount(m->path, m->type, m->source, m->options);
	report(m, r);
	return r;
}

/* 1 if / is a fresh ramfs (the default root, or the fallback). */
static int mount_root(void)
{
	if (root.type[0] == '\0') {
		const char *v = CONFIG_VFS_ROOT;
		if (v[0] == '\0' || parse_root(v) != NULL)
			return 0;
	}
	int r = mount_one(&root);
	if (r != 0 && strcmp(root.type, "ramfs") != 0 && vfs_find_type("ramfs")) {
		klog(KLOG_ERR, "falling back to an empty ramfs as /\n");
		return mount_one(&(struct boot_mount){"/", "", "ramfs", ""}) == 0;
	}
	return r == 0 && strcmp(root.type, "ramfs") == 0;
}

static int vfs_boot(void)
{
	char cfg[] = CONFIG_VFS_MOUNTS;
	for (char *save, *w = strtok_r(cfg, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		const char *err = parse_mount(w);
		if (err)
			klog(KLOG_ERR, "CONFIG_VFS_MOUNTS: %s: %s\n", w, err);
	}
	/* A fresh root gets the /tmp that programs expect (mkstemp("/tmp/..."), Lua's os.tmpname). */
	if (mount_root())
		mkdir("/tmp", 01777);
	if (vfs_find_type("devfs"))
		mount_one(&(struct boot_mount){"/dev", "", "devfs", ""});
	for (int i = 0; i < nextra; i++)
		mount_one(&extra[i]);
	return 0;
}
YOLK_INIT(YOLK_INIT_FS, vfs_boot);
