/* The character device list (include/yolk/chardev.h). */
#include <errno.h>
#include <string.h>
#include <yolk/chardev.h>
#include <yolk/init.h>
#include "console_file.h"

static struct chardev *devices;
static struct kmutex chardev_lock = KMUTEX_INIT;

int chardev_register(struct chardev *d)
{
	kmutex_lock(&chardev_lock, WAIT_FOREVER);
	struct chardev **p = &devices;
	for (; *p; p = &(*p)->next) {
		if (strcmp((*p)->name, d->name) == 0) {
			kmutex_unlock(&chardev_lock);
			return -EEXIST;
		}
	}
	d->next = NULL;
	*p = d;
	kmutex_unlock(&chardev_lock);
	return 0;
}

struct chardev *chardev_find(const char *name, size_t len)
{
	kmutex_lock(&chardev_lock, WAIT_FOREVER);
	struct chardev *d = devices;
	while (d && !(strlen(d->name) == len && memcmp(d->name, name, len) == 0))
		d = d->next;
	kmutex_unlock(&chardev_lock);
	return d;
}

struct chardev *chardev_at(unsigned n)
{
	kmutex_lock(&chardev_lock, WAIT_FOREVER);
	struct chardev *d = devices;
	while (d && n--)
		d = d->next;
	kmutex_unlock(&chardev_lock);
	return d;
}

static struct chardev console_dev = {
	.name = "console", .ops = &console_file_ops, .mode = 0620, .rdev = 0x0501,
};

/* The controlling terminal is the console too: programs open /dev/tty to reach the user. */
static struct chardev tty_dev = {
	.name = "tty", .ops = &console_file_ops, .mode = 0666, .rdev = 0x0500,
};

static int chardev_init(void) { return chardev_register(&console_dev) || chardev_register(&tty_dev); }
YOLK_INIT(YOLK_INIT_FIRMWARE, chardev_init);
