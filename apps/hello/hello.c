#include <stdio.h>

int main(void)
{
	printf("hello yolk\n");
	return 0;
}
