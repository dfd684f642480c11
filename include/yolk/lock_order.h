/*
 * The order spinlocks are taken in: the one table of ranks. A CPU holding a
 * lock may only take locks of a higher rank (further down this list); with
 * CONFIG_DEBUG_LOCKS, taking one of a rank <= the innermost lock it holds
 * panics with both names ("lock order: taking X while holding Y"). Locks of
 * one rank (every pipe's lock, every virtqueue's) are never nested.
 *
 * Sleeping locks (kmutex, the VFS's mount and vnode mutexes, picolibc's
 * stream and malloc locks) come before every spinlock: a thread may take a
 * spinlock while it holds a kmutex, never sleep while it holds a spinlock.
 *
 * Outermost first:
 *   thread handles      core/thread_handle.c: lookups call into the thread (join, cancel, set_sched)
 *   tty                 core/tty.c: line input queue, foreground; kills the foreground (-> sched)
 *   lwip protect        net/lwip/sys_arch.c: lwIP's SYS_ARCH_PROTECT (pools, pbuf counts)
 *   chan                core/chan.c: every channel (a select spans channels)
 *   poll                core/file.c: file_poll_gen and the pollers' wait queue
 *   realtime clock      core/time.c: CLOCK_REALTIME's offset and its sleepers
 *   semaphores          core/sync.c: a ksem's count and waiters
 *   kcond               core/sync.c: a condition variable's waiters (kcond_wait unlocks the mutex under it)
 *   kmutex              core/sync.c: a kmutex's contended path and waiters (not its CAS fast path)
 *   pci irq             core/pci_irq.c: the handler table and INTx line routing
 *   driver              a driver's device state: virtio-blk slots, virtio-net rx, e1000 rings
 *   virtqueue           drivers/virtio: one virtqueue's free list and used index
 *   pci config          core/pci.c: the 0xcf8/0xcfc address-then-data pair
 *   ioapic              arch/x86_64/ioapic.c: the IOREGSEL/IOWIN pair (routes and affinity)
 *   sched               core/sched.c: run queues, thread states, sleepers, the thread list
 *   time wakeup         core/time.c: the timer's next deadline (sched_park asks for one)
 *   console output      core/console.c: one message at a time on every console
 *   console device      a console driver's screen state (vga-text, fbcon)
 *   heap                core/heap.c: sbrk's break
 *   vm                  arch/x86_64/paging.c: page tables, the stack and MMIO regions
 *   tlb                 arch/x86_64/tlb.c: one TLB shootdown at a time (under vm)
 *   pmm                 core/pmm.c: the physical page bitmap
 *
 * Memory comes last because a console maps its screen on first output
 * (vga-text) and drivers translate addresses (vm_phys) under their locks;
 * nothing under the vm or pmm lock prints, except a panic (whose output
 * goes past every lock). The fd table, pipes, the VFS, netdev and blkdev
 * registries and POSIX timers are kmutexes, not spinlocks.
 */
#ifndef YOLK_LOCK_ORDER_H
#define YOLK_LOCK_ORDER_H

enum lock_rank {
	LOCK_RANK_THREAD_HANDLES = 1,
	LOCK_RANK_TTY,
	LOCK_RANK_LWIP,
	LOCK_RANK_CHAN,
	LOCK_RANK_POLL,
	LOCK_RANK_REALTIME,
	LOCK_RANK_SEM,
	LOCK_RANK_KCOND,
	LOCK_RANK_KMUTEX,
	LOCK_RANK_PCI_IRQ,
	LOCK_RANK_DRIVER,
	LOCK_RANK_VIRTQ,
	LOCK_RANK_PCI_CONFIG,
	LOCK_RANK_IOAPIC,
	LOCK_RANK_SCHED,
	LOCK_RANK_TIME_WAKEUP,
	LOCK_RANK_CONSOLE,
	LOCK_RANK_CONSOLE_DEVICE,
	LOCK_RANK_HEAP,
	LOCK_RANK_VM,
	LOCK_RANK_TLB,
	LOCK_RANK_PMM,
	/* Only for ktest's lock-debugging fault cases: outside and inside everything else. */
	LOCK_RANK_TEST_OUTER = 0,
	LOCK_RANK_TEST_INNER = 100,
};

#endif
