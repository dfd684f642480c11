/* The shell's cpuinfo: the CPUs yolk found, what CPUID says they are, and which run. */
#include <stdio.h>
#include <yolk/cpu.h>
#include "shell.h"

int sh_cpuinfo(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct cpu_ident id;
	static char flags[1024];
	cpu_identify(&id);
	cpu_feature_names(flags, sizeof(flags));
	printf("cpus: %u found, %u online\n", cpu_count_found(), cpu_count_online());
	printf("vendor: %s\n", id.vendor);
	printf("model name: %s\n", id.brand[0] ? id.brand : "(none)");
	printf("family: %u model: %u stepping: %u\n", id.family, id.model, id.stepping);
	printf("flags: %s\n", flags);
	printf("tsc: %llu MHz\n", (unsigned long long)(cpu_tsc_hz() / 1000000));
	for (unsigned i = 0; i < cpu_count_found(); i++)
		printf("cpu %u: apic id %u, %s\n", i, cpu_apic_id(i),
		       cpu_is_online(i) ? "online" : "offline");
	return 0;
}
