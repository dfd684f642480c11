/* Interface names (Linux's IF_NAMESIZE). */
#ifndef _NET_IF_H
#define _NET_IF_H

#define IF_NAMESIZE 16
#define IFNAMSIZ IF_NAMESIZE

#endif
