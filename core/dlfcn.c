/*
 * dlopen() and friends: everything is linked into the image, so there is
 * never a shared object to open. Each call fails with a message for
 * dlerror(), which (as POSIX says) returns it once and then NULL.
 */
#include <dlfcn.h>
#include <stdio.h>

static __thread char dl_message[160];
static __thread int dl_pending;

static void dl_fail(const char *what, const char *name)
{
	snprintf(dl_message, sizeof(dl_message),
	         "%s: %s: yolk links everything into one image, "
	         "there are no shared objects",
	         what, name ? name : "(null)");
	dl_pending = 1;
}

void *dlopen(const char *file, int mode)
{
	(void)mode;
	dl_fail("dlopen", file);
	return NULL;
}

void *dlsym(void *handle, const char *name)
{
	(void)handle;
	dl_fail("dlsym", name);
	return NULL;
}

int dlclose(void *handle)
{
	(void)handle;
	dl_fail("dlclose", "handle");
	return -1;
}

char *dlerror(void)
{
	if (!dl_pending)
		return NULL;
	dl_pending = 0;
	return dl_message;
}
