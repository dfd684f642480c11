/*
 * picolibc's <setjmp.h>, with POSIX's _setjmp() and _longjmp(), which it
 * defines only for Cygwin and RTEMS (Lua's LUA_USE_POSIX build uses them).
 * yolk's setjmp() saves no signal mask (signal masks are per thread and
 * change only through sigprocmask), so they are setjmp() and longjmp().
 */
#pragma GCC system_header /* #include_next is a GCC extension */
#include_next <setjmp.h>

#ifndef _setjmp
#define _setjmp(env) setjmp(env)
#define _longjmp(env, val) longjmp((env), (val))
#endif
