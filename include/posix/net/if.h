/* Interface names (Linux's IF_NAMESIZE). */
#ifndef _NET_IF_H
#define _NET_IF_H

#define IF_NAMESIZE 16
#define IFNAMSIZ IF_NAMESIZE

/* The interface's index, or 0 (ENXIO): net/lwip answers. */
unsigned if_nametoindex(const char *name);

#endif
