/* Shared between the host test driver's files. */
#ifndef FAT_TEST_FATCLI_H
#define FAT_TEST_FATCLI_H

#include <yolk/vfs.h>

extern struct mount cli_mnt;
/* The vnode at path (with a reference), walking lookups from the root. */
int cli_resolve(const char *path, struct vnode **out);
/* path's directory (with a reference) and its last name. */
int cli_parent(const char *path, struct vnode **dir, const char **name);
/* path opened for writing, created or truncated. */
int cli_create(const char *path, struct vnode **out);
const char *cli_errname(int err);
/* Semantic checks through the vnode ops (selftest.c); 0 if all passed. */
int cli_selftest(void);

#endif
