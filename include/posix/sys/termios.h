/*
 * The termios subset yolk's console implements (picolibc's <termios.h>
 * includes this): ICANON (edited lines, core/tty.c) or raw bytes, ECHO, ISIG.
 * Values follow Linux's. Only the console (fds 0-2) is a terminal.
 */
#ifndef _SYS_TERMIOS_H
#define _SYS_TERMIOS_H

typedef unsigned int tcflag_t;
typedef unsigned char cc_t;
typedef unsigned int speed_t;

#define NCCS 32
struct termios {
	tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
	cc_t c_line;
	cc_t c_cc[NCCS];
	speed_t c_ispeed, c_ospeed;
};

/* c_iflag */
#define ICRNL 0000400
#define IXON 0002000
/* c_oflag */
#define OPOST 0000001
#define ONLCR 0000004
/* c_cflag */
#define CS8 0000060
#define CREAD 0000200
/*
 * The rest of POSIX's flags, so programs that set or clear them (a raw mode
 * like cfmakeraw's spelled out) compile; the console ignores them: a serial
 * line or keyboard without parity, breaks or flow control.
 */
#define IGNBRK 0000001
#define BRKINT 0000002
#define IGNPAR 0000004
#define PARMRK 0000010
#define INPCK 0000020
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define IXANY 0004000
#define IXOFF 0010000
#define CSIZE 0000060
#define CS5 0000000
#define CS6 0000020
#define CS7 0000040
#define CSTOPB 0000100
#define PARENB 0000400
#define PARODD 0001000
#define HUPCL 0002000
#define CLOCAL 0004000
#define NOFLSH 0000200
#define TOSTOP 0000400
#define IMAXBEL 0020000
#define OCRNL 0000010
#define ONOCR 0000020
#define ONLRET 0000040
#define ECHOCTL 0001000
#define ECHOKE 0004000
/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define IEXTEN 0100000

/* c_cc */
#define VINTR 0
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
/* The other control characters (Linux's slots), for programs that carry terminal modes (an SSH server). */
#define VQUIT 1
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

#define TCSANOW 0
#define TCSADRAIN 1
#define TCSAFLUSH 2

/* Line speeds, Linux's codes: a terminal's speed means nothing to the console, but programs name them. */
#define B0 0000000
#define B50 0000001
#define B75 0000002
#define B110 0000003
#define B134 0000004
#define B150 0000005
#define B200 0000006
#define B300 0000007
#define B600 0000010
#define B1200 0000011
#define B1800 0000012
#define B2400 0000013
#define B4800 0000014
#define B9600 0000015
#define B19200 0000016
#define B38400 0000017
#define B57600 0010001
#define B115200 0010002
#define B230400 0010003

#ifdef __cplusplus
extern "C" {
#endif

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int when, const struct termios *t);
void cfmakeraw(struct termios *t);
speed_t cfgetospeed(const struct termios *t);
speed_t cfgetispeed(const struct termios *t);

#ifdef __cplusplus
}
#endif

#endif
