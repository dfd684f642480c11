/* The configuration test_spinlock.c builds yolk/spinlock.h and core/spinlock.c with. */
#define CONFIG_SMP 1
#define CONFIG_MAX_CPUS 4
#define CONFIG_DEBUG_LOCKS 1
#define CONFIG_DEBUG_ASSERTS 1
