/* ktest cases that live outside ktest.c; each takes main's argc/argv. */
#ifndef KTEST_H
#define KTEST_H

#include <stddef.h>
#include <stdint.h>

int ktest_threads(int argc, char **argv);
int ktest_lock(int argc, char **argv);
int ktest_mutex(int argc, char **argv);
int ktest_pingpong(int argc, char **argv);
int ktest_idle_count(int argc, char **argv);
int ktest_select(int argc, char **argv);
int ktest_chan_close(int argc, char **argv);
int ktest_thread_overflow(int argc, char **argv);
int ktest_tls(int argc, char **argv);
int ktest_preempt(int argc, char **argv);
int ktest_ps(int argc, char **argv);
int ktest_sync(int argc, char **argv);
int ktest_apprun(int argc, char **argv);
int ktest_foreground(int argc, char **argv);
int ktest_stdio_runs(int argc, char **argv);
int ktest_console_fds(int argc, char **argv);
int ktest_kill_storm(int argc, char **argv);
int ktest_append(int argc, char **argv);
int ktest_reclock(int argc, char **argv);
int ktest_thread_churn(int argc, char **argv);
int ktest_thread_concurrent(int argc, char **argv);
int ktest_sendmsg(int argc, char **argv);
int ktest_tcp_churn(int argc, char **argv);
int ktest_listen_burst(int argc, char **argv);
int ktest_blk(int argc, char **argv);
int ktest_irqroute(int argc, char **argv);
int ktest_pciirq(int argc, char **argv);
int ktest_posix_cancel(int argc, char **argv);
int ktest_posix_sched(int argc, char **argv);
int ktest_smp(int argc, char **argv);
int ktest_smp_fault(int argc, char **argv);
int ktest_smp_nmi(int argc, char **argv);
int ktest_smp_sched(int argc, char **argv);
int ktest_smp_pingpong(int argc, char **argv);
int ktest_smp_tlb(int argc, char **argv);

int ktest_files(int argc, char **argv);
int ktest_pipe(int argc, char **argv);
int ktest_devfs(int argc, char **argv);
int ktest_tree(int argc, char **argv);
int ktest_fatwrite(int argc, char **argv);
int ktest_fatcrash(int argc, char **argv);

/* CRC-32 (zlib's) of n bytes, continuing from crc (0 to start). */
uint32_t ktest_crc32(uint32_t crc, const unsigned char *p, size_t n);
/* Size and CRC-32 of a whole file; -1 with errno set if it cannot be read. */
int ktest_file_crc(const char *path, uint32_t *crc, long *size);
/* The reference count of the file behind fd (fdrefs.c): 1 when only the fd table holds it. */
unsigned ktest_fd_refs(int fd);

int ktest_net(int argc, char **argv);
int ktest_netdev(int argc, char **argv);
int ktest_nic(int argc, char **argv);

/* Stream checks (echo.c): byte i of a test stream is ktest_pattern(i). */
#define KTEST_ECHO_MAX (1024 * 1024)
unsigned char ktest_pattern(size_t i);
/*
 * Sends `bytes` (at most KTEST_ECHO_MAX) of the pattern on fd from a second
 * thread, then shuts fd's sending side, while reading everything that comes
 * back until EOF: returns the bytes read, *wrong the ones that differ.
 */
size_t ktest_echo_stream(int fd, size_t bytes, size_t *wrong);


/* Checks shared by the case files (check.c): a false one prints "FAIL line N: ..." and counts. */
extern int ktest_failures;
void ktest_check(int ok, const char *what, int line);
/* Prints "NAME: N failures", the line the host tests look for, and returns the case's exit status. */
int ktest_result(const char *name);
/* CLOCK_MONOTONIC in nanoseconds and in milliseconds. */
uint64_t ktest_ns(void);
uint64_t ktest_ms(void);
#define CHECK(c) ktest_check((c) != 0, #c, __LINE__)
#define CHECK_ERR(call, e) ktest_check((call) == -1 && errno == (e), #call " fails with " #e, __LINE__)

#endif
