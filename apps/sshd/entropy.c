/*
 * Mbed TLS's only entropy source (yolk-mbedtls-config.h sets
 * MBEDTLS_ENTROPY_HARDWARE_ALT and MBEDTLS_NO_PLATFORM_ENTROPY): the CPU's
 * RDSEED, else RDRAND. Each instruction reports failure in the carry flag
 * (the generator was momentarily drained); a word is only used with the
 * carry set, a few retries are allowed, and a CPU with neither instruction
 * gives no entropy at all, so key generation fails instead of using
 * something guessable (yolk's getentropy() falls back to the TSC).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <arch/cpu.h>
#include "sshd.h"

#define MBEDTLS_ERR_ENTROPY_SOURCE_FAILED -0x003C

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

static int have_rdseed(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	if (r[0] < 7)
		return 0;
	cpuid(7, 0, r);
	return (r[1] >> 18) & 1;
}

static int rdseed(uint64_t *out)
{
	/* RDSEED may fail often under load: Intel suggests retrying with a pause. */
	for (int tries = 0; tries < 100; tries++) {
		unsigned char ok;
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
		if (ok)
			return 1;
		__asm__ volatile("pause");
	}
	return 0;
}

static int source(void)
{
	static int which = -1; /* 0 none, 1 RDSEED, 2 RDRAND */
	if (which < 0) {
		uint64_t v;
		which = have_rdseed() && rdseed(&v) ? 1 : cpu_rdrand(&v) ? 2 : 0;
	}
	return which;
}

const char *sshd_entropy_source(void)
{
	static const char *const names[] = {NULL, "RDSEED", "RDRAND"};
	return names[source()];
}

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
	(void)data;
	int which = source();
	size_t done = 0;
	while (done < len) {
		uint64_t v;
		if (!(which == 1 ? rdseed(&v) : which == 2 ? cpu_rdrand(&v) : 0))
			break;
		size_t n = len - done < sizeof(v) ? len - done : sizeof(v);
		memcpy(output + done, &v, n);
		done += n;
	}
	*olen = done;
	return done == len ? 0 : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}

/* Mbed TLS's millisecond clock (MBEDTLS_PLATFORM_MS_TIME_ALT in yolk-mbedtls-config.h). */
int64_t mbedtls_ms_time(void);
int64_t mbedtls_ms_time(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
