/*
 * Included first in every libssh file (the overlay's -include): what
 * picolibc spells differently. O_NDELAY is the old name of O_NONBLOCK
 * (getpass.c, for a client's terminal prompt).
 */
#include <fcntl.h>
#ifndef O_NDELAY
#define O_NDELAY O_NONBLOCK
#endif
