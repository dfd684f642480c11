/* ioctl() and the requests yolk's files answer (Linux numbers). */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H

#define TCGETS 0x5401     /* isatty() asks this: 0 from terminals */
#define TIOCGWINSZ 0x5413 /* struct winsize */
#define FIONREAD 0x541B   /* int: bytes ready to read */
#define FIONBIO 0x5421    /* int: nonzero sets O_NONBLOCK */

struct winsize {
	unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};

#ifdef __cplusplus
extern "C" {
#endif
int ioctl(int fd, unsigned long req, ...);
#ifdef __cplusplus
}
#endif

#endif
