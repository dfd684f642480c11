/* The memory devices every Unix has: null, zero, full, random, urandom. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <yolk/chardev.h>
#include <yolk/init.h>

static ssize_t null_read(struct file *f, void *buf, size_t len)
{
	(void)f, (void)buf, (void)len;
	return 0;
}

static ssize_t sink_write(struct file *f, const void *buf, size_t len)
{
	(void)f, (void)buf;
	return (ssize_t)len;
}

static ssize_t full_write(struct file *f, const void *buf, size_t len)
{
	(void)f, (void)buf, (void)len;
	return -ENOSPC;
}

static ssize_t zero_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	memset(buf, 0, len);
	return (ssize_t)len;
}

/* getentropy() (RDRAND, or a TSC mix) hands out at most 256 bytes a call. */
static ssize_t random_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	for (size_t done = 0; done < len;) {
		size_t k = len - done < 256 ? len - done : 256;
		if (getentropy((char *)buf + done, k))
			return done ? (ssize_t)done : -EIO;
		done += k;
	}
	return (ssize_t)len;
}

static int memdev_fstat(struct file *f, struct stat *st)
{
	st->st_mode = S_IFCHR | 0666;
	st->st_rdev = (dev_t)(uintptr_t)f->priv;
	return 0;
}

static short always_ready(struct file *f)
{
	(void)f;
	return POLLIN | POLLOUT;
}

static const struct file_ops null_ops = {.read = null_read, .write = sink_write, .fstat = memdev_fstat, .poll = always_ready};
static const struct file_ops zero_ops = {.read = zero_read, .write = sink_write, .fstat = memdev_fstat, .poll = always_ready};
static const struct file_ops full_ops = {.read = zero_read, .write = full_write, .fstat = memdev_fstat, .poll = always_ready};
static const struct file_ops random_ops = {.read = random_read, .write = sink_write, .fstat = memdev_fstat, .poll = always_ready};

/* Linux's numbers (major 1), so stat shows what programs expect. */
static struct chardev memdevs[] = {
	{.name = "null", .ops = &null_ops, .priv = (void *)0x103, .mode = 0666, .rdev = 0x103},
	{.name = "zero", .ops = &zero_ops, .priv = (void *)0x105, .mode = 0666, .rdev = 0x105},
	{.name = "full", .ops = &full_ops, .priv = (void *)0x107, .mode = 0666, .rdev = 0x107},
	{.name = "random", .ops = &random_ops, .priv = (void *)0x108, .mode = 0666, .rdev = 0x108},
	{.name = "urandom", .ops = &random_ops, .priv = (void *)0x109, .mode = 0666, .rdev = 0x109},
};

static int memdev_init(void)
{
	for (size_t i = 0; i < sizeof(memdevs) / sizeof(memdevs[0]); i++)
		if (chardev_register(&memdevs[i]))
			return -1;
	return 0;
}
YOLK_INIT(YOLK_INIT_DEVICE, memdev_init);
