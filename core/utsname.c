/* uname(): fixed answers, one system and one machine (include/posix/sys/utsname.h). */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

int uname(struct utsname *u)
{
	if (u == NULL) {
		errno = EFAULT;
		return -1;
	}
	memset(u, 0, sizeof(*u));
	strcpy(u->sysname, "yolk");
	strcpy(u->nodename, "yolk");
	strcpy(u->release, "0.1.0"); /* project() in meson.build */
	strcpy(u->version, __DATE__);
	strcpy(u->machine, "x86_64");
	strcpy(u->domainname, "(none)");
	return 0;
}
