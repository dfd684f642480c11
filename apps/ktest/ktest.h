/* ktest cases that live outside ktest.c; each takes main's argc/argv. */
#ifndef KTEST_H
#define KTEST_H

int ktest_threads(int argc, char **argv);
int ktest_mutex(int argc, char **argv);
int ktest_pingpong(int argc, char **argv);
int ktest_select(int argc, char **argv);
int ktest_chan_close(int argc, char **argv);
int ktest_thread_overflow(int argc, char **argv);
int ktest_tls(int argc, char **argv);
int ktest_preempt(int argc, char **argv);
int ktest_ps(int argc, char **argv);
int ktest_sync(int argc, char **argv);
int ktest_blk(int argc, char **argv);
int ktest_pciirq(int argc, char **argv);

int ktest_files(int argc, char **argv);
int ktest_pipe(int argc, char **argv);
int ktest_devfs(int argc, char **argv);
int ktest_tree(int argc, char **argv);

int ktest_net(int argc, char **argv);
int ktest_netdev(int argc, char **argv);

#endif
