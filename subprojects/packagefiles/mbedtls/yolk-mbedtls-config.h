/*
 * yolk's changes to Mbed TLS's default configuration (include/mbedtls/
 * mbedtls_config.h), read after it through MBEDTLS_USER_CONFIG_FILE by every
 * file that includes an Mbed TLS header — the library's and libssh's alike,
 * so both see the same structures.
 */
/* libssh runs one thread per session: Mbed TLS's locks are pthread mutexes. */
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_PTHREAD
/*
 * No /dev/urandom or getrandom() probing: the only entropy source is
 * mbedtls_hardware_poll(), which the image provides (apps/sshd/entropy.c:
 * RDSEED/RDRAND with the carry flag checked, an error when the CPU has
 * neither).
 */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
/* Nothing here uses them, and they would reach for sockets and timers. */
#undef MBEDTLS_NET_C
#undef MBEDTLS_TIMING_C
/* PSA persistent keys would be files in the VFS; libssh uses none. */
#undef MBEDTLS_PSA_CRYPTO_STORAGE_C
#undef MBEDTLS_PSA_ITS_FILE_C
/*
 * mbedtls_ms_time() (a millisecond clock for TLS session tickets; nothing
 * here uses it, but platform_util.c needs one with MBEDTLS_HAVE_TIME): yolk is
 * not __unix__ to Mbed TLS, so the image provides it (apps/sshd/entropy.c,
 * CLOCK_MONOTONIC).
 */
#define MBEDTLS_PLATFORM_MS_TIME_ALT
