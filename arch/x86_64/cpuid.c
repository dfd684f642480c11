/*
 * What CPUID says about this CPU, for the shell's cpuinfo: vendor, brand
 * string, family/model/stepping (Intel SDM vol. 2A, CPUID leaf 1: the
 * extended fields count for family 0xf, and for model when family is 6
 * or 0xf), and feature flags spelled as Linux's /proc/cpuinfo does.
 */
#include <stdint.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/timer.h>
#include <yolk/cpu.h>

enum reg { L1_EDX, L1_ECX, L7_EBX, L7_ECX, X1_EDX, X1_ECX, NREGS };

/* clang-format off */
static const struct {
	uint8_t reg, bit;
	const char *name;
} features[] = {
	{L1_EDX, 0, "fpu"}, {L1_EDX, 1, "vme"}, {L1_EDX, 2, "de"}, {L1_EDX, 3, "pse"}, {L1_EDX, 4, "tsc"},
	{L1_EDX, 5, "msr"}, {L1_EDX, 6, "pae"}, {L1_EDX, 7, "mce"}, {L1_EDX, 8, "cx8"}, {L1_EDX, 9, "apic"},
	{L1_EDX, 11, "sep"}, {L1_EDX, 12, "mtrr"}, {L1_EDX, 13, "pge"}, {L1_EDX, 14, "mca"}, {L1_EDX, 15, "cmov"},
	{L1_EDX, 16, "pat"}, {L1_EDX, 17, "pse36"}, {L1_EDX, 19, "clflush"}, {L1_EDX, 23, "mmx"},
	{L1_EDX, 24, "fxsr"}, {L1_EDX, 25, "sse"}, {L1_EDX, 26, "sse2"}, {L1_EDX, 27, "ss"}, {L1_EDX, 28, "ht"},
	{X1_EDX, 11, "syscall"}, {X1_EDX, 20, "nx"}, {X1_EDX, 26, "pdpe1gb"}, {X1_EDX, 27, "rdtscp"},
	{X1_EDX, 29, "lm"},
	{L1_ECX, 0, "pni"}, {L1_ECX, 1, "pclmulqdq"}, {L1_ECX, 3, "monitor"}, {L1_ECX, 9, "ssse3"},
	{L1_ECX, 12, "fma"}, {L1_ECX, 13, "cx16"}, {L1_ECX, 19, "sse4_1"}, {L1_ECX, 20, "sse4_2"},
	{L1_ECX, 21, "x2apic"}, {L1_ECX, 22, "movbe"}, {L1_ECX, 23, "popcnt"}, {L1_ECX, 24, "tsc_deadline_timer"},
	{L1_ECX, 25, "aes"}, {L1_ECX, 26, "xsave"}, {L1_ECX, 28, "avx"}, {L1_ECX, 29, "f16c"},
	{L1_ECX, 30, "rdrand"}, {L1_ECX, 31, "hypervisor"},
	{X1_ECX, 0, "lahf_lm"}, {X1_ECX, 5, "abm"}, {X1_ECX, 6, "sse4a"}, {X1_ECX, 8, "3dnowprefetch"},
	{L7_EBX, 0, "fsgsbase"}, {L7_EBX, 3, "bmi1"}, {L7_EBX, 4, "hle"}, {L7_EBX, 5, "avx2"}, {L7_EBX, 7, "smep"},
	{L7_EBX, 8, "bmi2"}, {L7_EBX, 9, "erms"}, {L7_EBX, 10, "invpcid"}, {L7_EBX, 11, "rtm"},
	{L7_EBX, 16, "avx512f"}, {L7_EBX, 18, "rdseed"}, {L7_EBX, 19, "adx"}, {L7_EBX, 20, "smap"},
	{L7_EBX, 23, "clflushopt"}, {L7_EBX, 24, "clwb"}, {L7_EBX, 29, "sha_ni"},
	{L7_ECX, 2, "umip"}, {L7_ECX, 3, "pku"}, {L7_ECX, 9, "vaes"}, {L7_ECX, 10, "vpclmulqdq"},
	{L7_ECX, 22, "rdpid"},
};
/* clang-format on */

static uint32_t max_leaf(uint32_t base)
{
	uint32_t r[4];
	cpuid(base, 0, r);
	return r[0];
}

void cpu_identify(struct cpu_ident *id)
{
	uint32_t r[4];
	memset(id, 0, sizeof(*id));
	cpuid(0, 0, r);
	memcpy(id->vendor, &r[1], 4); /* EBX, EDX, ECX spell it */
	memcpy(id->vendor + 4, &r[3], 4);
	memcpy(id->vendor + 8, &r[2], 4);
	cpuid(1, 0, r);
	unsigned family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
	id->stepping = r[0] & 0xf;
	id->family = family == 0xf ? family + ((r[0] >> 20) & 0xff) : family;
	id->model = family == 6 || family == 0xf ? model + (((r[0] >> 16) & 0xf) << 4) : model;
	if (max_leaf(0x80000000) >= 0x80000004) {
		for (unsigned i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(id->brand + 16 * i, r, 16);
		}
		char *s = id->brand;
		while (*s == ' ')
			s++;
		memmove(id->brand, s, strlen(s) + 1);
		for (size_t n = strlen(id->brand); n > 0 && id->brand[n - 1] == ' '; n--)
			id->brand[n - 1] = 0;
	}
}

static void read_regs(uint32_t regs[NREGS])
{
	uint32_t r[4];
	memset(regs, 0, NREGS * sizeof(uint32_t));
	cpuid(1, 0, r);
	regs[L1_EDX] = r[3], regs[L1_ECX] = r[2];
	if (max_leaf(0) >= 7) {
		cpuid(7, 0, r);
		regs[L7_EBX] = r[1], regs[L7_ECX] = r[2];
	}
	if (max_leaf(0x80000000) >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		regs[X1_EDX] = r[3], regs[X1_ECX] = r[2];
	}
}

void cpu_feature_names(char *buf, size_t len)
{
	uint32_t regs[NREGS];
	size_t used = 0;
	read_regs(regs);
	if (len == 0)
		return;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		size_t n = strlen(features[i].name);
		if (!(regs[features[i].reg] >> features[i].bit & 1) || used + n + 2 > len)
			continue;
		if (used)
			buf[used++] = ' ';
		memcpy(buf + used, features[i].name, n + 1);
		used += n;
	}
}

uint64_t cpu_tsc_hz(void) { return tsc_hz(); }
