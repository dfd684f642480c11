#include <stdio.h>
#include <time.h>
#include <yolk-config/app-greeter.h>

int main(int argc, char **argv)
{
	struct timespec up;
	clock_gettime(CLOCK_MONOTONIC, &up);
	printf("hello %s from the appliance (%d argument%s, up %ld ms)\n", CONFIG_GREETER_NAME, argc - 1,
	       argc == 2 ? "" : "s", up.tv_sec * 1000 + up.tv_nsec / 1000000);
	for (int i = 1; i < argc; i++)
		printf("  %s\n", argv[i]);
	return 0;
}
