/*
 * repl: reads lines and prints the SHA-1 of each (as eggos' repl example),
 * until end of input. The hash covers the line without its newline, so it
 * equals `printf %s LINE | sha1sum`.
 */
#include <stdio.h>
#include <string.h>
#include "sha1.h"

int main(void)
{
	char line[4096];
	for (;;) {
		printf("> ");
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		struct sha1 s;
		uint8_t d[20];
		sha1_init(&s);
		sha1_update(&s, line, strlen(line));
		sha1_final(&s, d);
		for (int i = 0; i < 20; i++)
			printf("%02x", d[i]);
		printf("\n");
	}
	printf("\n");
	return 0;
}
