/*
 * libFuzzer harness: apps/httpd's request head parser and path decoder
 * (apps/httpd/http_parse.c), the first code a network peer's bytes reach.
 *
 * Every prefix the connection loop would hand over is parsed as it grows
 * (the loop reparses after each recv), with the real head limit; a
 * finished head must lie inside the bytes given, its target inside the
 * head, and the decoded path must be a NUL-terminated string that fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/httpd/http_parse.h"

#define HEAD_MAX 8192 /* CONFIG_APP_HTTPD_HEAD_MAX's default */

static void check_done(const char *buf, size_t len, const struct http_request *r)
{
	if (r->head_len == 0 || r->head_len > len || r->head_len > HEAD_MAX || r->target < buf ||
	    r->target_len == 0 || r->target + r->target_len > buf + r->head_len || r->minor < 0 ||
	    r->minor > 9)
		abort();
	char path[2048];
	memset(path, 0x55, sizeof(path));
	int s = http_decode_path(r->target, r->target_len, path, sizeof(path));
	if (s == 0 && (memchr(path, '\0', sizeof(path)) == NULL || path[0] != '/'))
		abort();
	if (s != 0 && s != 400 && s != 414)
		abort();
	if (http_reason(s ? s : 200) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy, so ASan sees a read one past the end. */
	char *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	for (size_t len = size < 64 ? 1 : size - 64; len <= size; len++) {
		struct http_request r;
		int s = http_parse_request(buf, len, HEAD_MAX, &r);
		if (s == HTTP_PARSE_DONE)
			check_done(buf, len, &r);
		else if (s != HTTP_PARSE_MORE && s != 400 && s != 431 && s != 501 && s != 505)
			abort();
		else if (s == HTTP_PARSE_MORE && len >= HEAD_MAX)
			abort(); /* a head that cannot fit must be refused, not waited for */
	}
	/* The path decoder on raw bytes too, into a small buffer. */
	char small[16];
	int s = http_decode_path(buf, size, small, sizeof(small));
	if (s == 0 && memchr(small, '\0', sizeof(small)) == NULL)
		abort();
	free(buf);
	return 0;
}
