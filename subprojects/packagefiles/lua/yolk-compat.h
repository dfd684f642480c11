/*
 * Force-included (-include) into Lua's sources when they are built for the
 * yolk image. The sources themselves stay as shipped; yolk's libc and
 * headers provide what LUA_USE_POSIX asks for (README: Porting a C program).
 */
#ifndef LUA_YOLK_COMPAT_H
#define LUA_YOLK_COMPAT_H
#endif
