/*
 * uname() (core/utsname.c): what system this is, as programs print it in
 * their banners (iperf3's -V and JSON "system_info"). The layout is
 * Linux's (six 65-byte strings), so code written for Linux compiles as is.
 */
#ifndef _SYS_UTSNAME_H
#define _SYS_UTSNAME_H

#define _UTSNAME_LENGTH 65

struct utsname {
	char sysname[_UTSNAME_LENGTH];    /* "yolk" */
	char nodename[_UTSNAME_LENGTH];   /* "yolk": the image has no host name of its own */
	char release[_UTSNAME_LENGTH];    /* yolk's version */
	char version[_UTSNAME_LENGTH];    /* the build's date */
	char machine[_UTSNAME_LENGTH];    /* "x86_64" */
	char domainname[_UTSNAME_LENGTH]; /* "(none)", as Linux says for an unset one */
};

/* Fills *u; 0, or -1 with EFAULT for a NULL u. */
int uname(struct utsname *u);

#endif
