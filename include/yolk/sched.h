/*
 * Kernel threads: preemptive, priority round-robin, on every CPU. Every thread
 * has its own guarded stack, TLS block (picolibc's errno is per thread) and
 * FPU/SSE state. pthreads (include/posix/pthread.h) are built on these.
 */
#ifndef YOLK_SCHED_H
#define YOLK_SCHED_H

#include <stddef.h>
#include <stdint.h>

#define THREAD_PRIO_LOW 0
#define THREAD_PRIO_NORMAL 1
#define THREAD_PRIO_HIGH 2
#define THREAD_PRIO_REALTIME 3
#define THREAD_NPRIO 4

#define THREAD_NAME_MAX 16

struct thread;
typedef void *(*thread_fn)(void *arg);

/* Makes the running boot context the thread "main" and starts the idle thread. */
void sched_init(void);

/*
 * An application processor joins the scheduler (called once by each, from
 * arch code, on its boot stack [stack_top - stack_size, stack_top)): that
 * context becomes the CPU's idle thread. Waits for sched_init() first.
 */
__attribute__((noreturn)) void sched_cpu_start(void *stack_top, size_t stack_size);

/* 1 once sched_init() has run: blocking primitives may be used. */
int sched_running(void);

struct app_run;

/*
 * Starts fn(arg) in a new thread, in the caller's app run (yolk/app.h).
 * stack_size 0 means the configured default. Returns NULL if memory ran out.
 */
struct thread *thread_create(const char *name, thread_fn fn, void *arg, int prio, size_t stack_size);

/*
 * Starts an app's main thread: the first thread of run, marked as an app
 * (thread_set_app) before it can run. NULL if memory ran out.
 */
struct thread *thread_create_app(struct app_run *run, const char *name, thread_fn fn, void *arg);

/* The app run t belongs to, or NULL. */
struct app_run *thread_app_run(const struct thread *t);

__attribute__((noreturn)) void thread_exit(void *retval);

/*
 * Waits for t to finish, stores its return value and frees t. 0, -EDEADLK
 * (t is the caller), -EINVAL (t is detached or already being joined), or
 * -EINTR (the caller was cancelled at this cancellation point; t stays
 * joinable). A kill's wakeup is not an error here: the join goes on.
 */
int thread_join(struct thread *t, void **retval);

/* t's resources go back by themselves when it finishes. 0, or -EINVAL (already detached or being joined). */
int thread_detach(struct thread *t);

struct thread *thread_self(void);
int thread_id(const struct thread *t);
void thread_set_name(struct thread *t, const char *name);
int thread_get_prio(const struct thread *t);
void thread_set_prio(struct thread *t, int prio);

/* Gives the CPU to another runnable thread of the same or higher priority. */
void thread_yield(void);

/* Blocks until time_monotonic_ns() >= deadline. */
void thread_sleep_until(uint64_t deadline_ns);

/*
 * Marks t as running an application started by yolk_app_run(): exit() in
 * such a thread ends that thread (with the status as its return value), not
 * the machine.
 */
void thread_set_app(struct thread *t, int is_app);
int thread_is_app(const struct thread *t);

/*
 * Asks app thread t to end (Ctrl-C): a blocked t is woken (its wait returns
 * early), and the next timer interrupt that finds t running its own code
 * with no kmutex held ends it with status 130, as a SIGINT would.
 */
void thread_kill(struct thread *t);

/*
 * 1 if the calling thread has been asked to end (killed, or cancelled while
 * inside a cancellation point): a blocking call that sees EINTR from a wait
 * returns -EINTR rather than waiting again.
 */
int thread_kill_pending(void);

/*
 * A cancellation point, as in POSIX: a call on its way back to the app (a
 * blocking one cut short by EINTR, every file call), with no lock or
 * reference left, calls it and a killed thread ends there (status 130).
 * Otherwise, or while the thread holds anything, it returns.
 */
void thread_kill_point(void);

/*
 * The calling thread holds something a kill would leak or leave half-changed
 * (a file reference from fd_file(), an object being unlinked): thread_kill()
 * takes effect only once every thread_hold_begin() has had its
 * thread_hold_end(). kmutex_lock() and kmutex_unlock() count the same way.
 */
void thread_hold_begin(void);
void thread_hold_end(void);

/* For the interrupt return path: 1 if the current thread must end now (holds nothing). */
int sched_kill_due(void);

/* Where a killed thread is sent: ends it with status 130. */
__attribute__((noreturn)) void sched_killed(void);

/*
 * Generation-checked handles (pthread_t, core/thread_handle.c): a handle
 * names one thread for its whole life and never another. Once the thread
 * has been joined, or has ended detached, the calls below return -ESRCH and
 * touch no freed memory. At most THREAD_HANDLES_MAX threads live at once.
 */
#define THREAD_HANDLES_MAX 4096
uint64_t thread_handle(const struct thread *t);

/* thread_join/thread_detach by handle: 0, -ESRCH, -EINVAL or -EDEADLK. */
int thread_join_handle(uint64_t handle, void **retval);
int thread_detach_handle(uint64_t handle);

/*
 * Calls fn(t, arg) on the live thread `handle` holding thread_handle_lock
 * (so t cannot go away meanwhile; fn must not block, and may take only
 * locks after it in yolk/lock_order.h, e.g. sched_lock) and returns what
 * fn does, or -ESRCH if the handle names no live thread.
 */
int thread_with_handle(uint64_t handle, int (*fn)(struct thread *t, void *arg), void *arg);

/*
 * Like thread_create, on the caller's stack [stack, stack + size) (POSIX
 * pthread_attr_setstack): no guard page, and the stack is never freed here.
 */
struct thread *thread_create_on_stack(const char *name, thread_fn fn, void *arg, int prio, int policy,
                                      int rt_prio, void *stack, size_t size);

/*
 * CPU time in nanoseconds, measured with the TSC at every context switch
 * (interrupt time counts for the thread it interrupted): t's own, and all
 * threads' but idle's, including threads that are gone.
 */
uint64_t thread_cpu_ns(const struct thread *t);
uint64_t sched_process_cpu_ns(void);

/* Per-thread slot for pthread keys (see core/pthread.c). */
void **thread_key_slots(struct thread *t);
#define THREAD_KEYS_MAX 32

struct thread_info {
	int id;
	char name[THREAD_NAME_MAX];
	const char *state;
	int prio;
	uint64_t cpu_ticks;
	size_t stack_size;
	unsigned cpu; /* the CPU it runs or last ran on */
};

/* Calls visit once per thread, in creation order; for the shell's `ps`. */
void thread_list(void (*visit)(const struct thread_info *info, void *arg), void *arg);

/* --- for time and wait queues --- */

/* The timer interrupt: account the tick, wake sleepers, maybe preempt. */
void sched_tick(uint64_t now_ns, int new_tick);

/* Earliest wakeup any sleeping thread wants, or UINT64_MAX. */
uint64_t sched_next_wakeup(void);

/* Called on the way out of an interrupt: switch if a better thread is ready. */
void sched_preempt_point(void);

/* The same from thread context: after waking someone, let them run if they should. */
void sched_preempt_point_voluntary(void);

/* --- POSIX cancellation (core/pthread_cancel.c) --- */

/*
 * Asks t to end as pthread_cancel() does: marks the request and, if t is
 * blocked inside a cancellation point with cancellation enabled, wakes it
 * (its wait ends with EINTR). t must be live: pthread_cancel() reaches it
 * through thread_with_handle(), which answers ESRCH for a thread that is gone.
 */
void thread_cancel(struct thread *t);

/*
 * A POSIX cancellation point (pthread_testcancel()): a pending, enabled
 * cancellation of the calling thread is acted on here (cleanup handlers,
 * key destructors, exit with PTHREAD_CANCELED) when the thread holds no
 * kernel lock or reference, only pthread mutexes of its own; else returns.
 */
void thread_cancel_point(void);

/*
 * Bracket the body of a blocking cancellation point (read(), sleep(),
 * sem_wait() ...): begin acts on a request pending at entry, and while
 * inside, pthread_cancel() cuts the thread's waits short with EINTR; end
 * acts on the request if the call was cut short (cut_short != 0), so a call
 * that did its work returns it and the request stays pending. Called while
 * the thread holds a kernel lock or reference (printf's write() under the
 * stream lock), it is no cancellation point: begin returns 0 and nothing is
 * cut short. Pass begin's result to end.
 */
int thread_cancel_point_begin(void);
void thread_cancel_point_end(int point, int cut_short);

/* Counts the pthread mutexes the calling thread holds (delta +1 or -1). */
void thread_user_hold(int delta);

/* For the interrupt return path: 1 if an asynchronous cancellation must act now. */
int sched_cancel_due(void);

/* Where an asynchronously cancelled thread is sent from an interrupt. */
__attribute__((noreturn)) void sched_cancelled(void);

/* --- SMP --- */

/*
 * t may run only on the CPUs in mask (bit i: CPU i); offline CPUs are
 * ignored. Returns 0, or -EINVAL if no online CPU is in mask. A running t
 * outside its new mask leaves its CPU at its next preemption point: the
 * caller, once it holds no spinlock, calls sched_preempt_point_voluntary()
 * to move at once if t is itself. Takes sched_lock (may be called under
 * thread_handle_lock).
 */
int thread_set_affinity(struct thread *t, uint64_t mask);
/* t's CPUs: its mask, or every online CPU if it has none. */
uint64_t thread_get_affinity(const struct thread *t);
/* The CPU the caller runs on (may be stale once it returns, unless the thread is pinned). */
unsigned sched_this_cpu(void);
/*
 * How many times the caller's CPU has run out of threads to run. Two
 * readings that differ tell a driver the CPU caught up with its work in
 * between: what it does now answers the outside world, which waits for it,
 * rather than work queued behind other work.
 */
uint64_t sched_idle_count(void);

/* --- POSIX scheduling policies (core/sched_policy.c) --- */

/*
 * Real-time priorities (SCHED_FIFO, SCHED_RR) 1..THREAD_RT_PRIO_MAX rank
 * above every ordinary priority: a thread with rt_prio 0 is scheduled by
 * prio alone. SCHED_FIFO threads are not time-sliced.
 */
#define THREAD_RT_PRIO_MAX 32

/* thread_create() with a POSIX policy (SCHED_OTHER/FIFO/RR) and real-time priority from the start. */
struct thread *thread_create_sched(const char *name, thread_fn fn, void *arg, int prio, int policy,
                                   int rt_prio, size_t stack_size);

/*
 * Sets t's policy, ordinary priority and real-time priority (0 for
 * SCHED_OTHER). A runnable t goes to the tail of its new list (to the head if
 * to_head). It does not switch: the caller, once it holds no spinlock (e.g.
 * after thread_with_handle), calls sched_preempt_point_voluntary() to give
 * up the CPU at once if now outranked.
 */
void thread_set_sched(struct thread *t, int policy, int prio, int rt_prio, int to_head);
void thread_get_sched(const struct thread *t, int *policy, int *prio, int *rt_prio);

#endif
