/*
 * Character devices by name ("console", "fb0"): what /dev shows. A driver
 * registers its file_ops; opening /dev/NAME makes a file with those ops
 * and priv. Core keeps the list, so devfs and drivers never know each other.
 */
#ifndef YOLK_CHARDEV_H
#define YOLK_CHARDEV_H

#include <sys/types.h>
#include <yolk/file.h>

struct chardev {
	const char *name;
	const struct file_ops *ops;
	void *priv;
	mode_t mode;   /* permission bits shown by stat */
	dev_t rdev;    /* major << 8 | minor, as Linux numbers it, for stat */
	struct chardev *next;
};

/* Adds d (which must stay valid); -EEXIST if the name is taken. */
int chardev_register(struct chardev *d);
struct chardev *chardev_find(const char *name, size_t len);
/* The n-th device in registration order, or NULL past the end. */
struct chardev *chardev_at(unsigned n);

#endif
