/* apps/httpd's request head parser and path decoder (apps/httpd/http_parse.c). */
#include <string.h>

#include "../../apps/httpd/http_parse.h"
#include "check.h"

static int parse(const char *s, struct http_request *r)
{
	return http_parse_request(s, strlen(s), 8192, r);
}

static int status_of(const char *s)
{
	struct http_request r;
	return parse(s, &r);
}

static void good(void)
{
	struct http_request r;
	const char *s = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /next";
	CHECK(parse(s, &r) == HTTP_PARSE_DONE);
	CHECK(r.method == HTTP_GET && r.minor == 1 && r.keep_alive && r.content_length == -1);
	CHECK(r.target_len == 6 && memcmp(r.target, "/hello", 6) == 0);
	CHECK(r.head_len == strlen("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));

	/* Bare LF line ends, leading empty lines, HEAD, HTTP/1.0 closes by default. */
	CHECK(parse("\r\n\nHEAD /a HTTP/1.0\nUser-Agent: t\n\n", &r) == HTTP_PARSE_DONE);
	CHECK(r.method == HTTP_HEAD && r.minor == 0 && !r.keep_alive && r.head_len == 35);
	CHECK(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) == 0 && r.keep_alive);
	CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n", &r) == 0 && !r.keep_alive);
	CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n", &r) == 0 &&
	      r.content_length == 12);
	CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", &r) == 0);
	CHECK(parse("POST / HTTP/1.1\r\nHost: h\r\n\r\n", &r) == 0 && r.method == HTTP_OTHER);
	CHECK(parse("get / HTTP/1.1\r\nHost: h\r\n\r\n", &r) == 0 && r.method == HTTP_OTHER);
	CHECK(parse("GET / HTTP/1.1\r\nHost:\th \t\r\nX-Empty:\r\n\r\n", &r) == 0);
}

static void incomplete(void)
{
	const char *full = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
	struct http_request r;
	for (size_t n = 0; n < strlen(full); n++)
		CHECK(http_parse_request(full, n, 8192, &r) == HTTP_PARSE_MORE);
	CHECK(status_of("") == HTTP_PARSE_MORE);
	CHECK(status_of("\r\n\r\n") == HTTP_PARSE_MORE);
}

static void malformed(void)
{
	const char *bad400[] = {
		"GET /\r\nHost: h\r\n\r\n",                       /* no version */
		"GET  / HTTP/1.1\r\nHost: h\r\n\r\n",             /* two spaces */
		"GET / HTTP/1.1 \r\nHost: h\r\n\r\n",             /* trailing space */
		"GET / HTTP/1.1\r\nHost : h\r\n\r\n",             /* space before the colon */
		"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",   /* obs-fold */
		"GET / HTTP/1.1\r\nNoColon\r\nHost: h\r\n\r\n",   /* no colon */
		"GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",        /* bare CR */
		"GET / HTTP/1.1\r\nHost: a\x01b\r\n\r\n",         /* control character */
		"GET / HTTP/1.1\r\n\r\n",                         /* no Host in HTTP/1.1 */
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",   /* two Hosts */
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
		"GET /\xff HTTP/1.1\r\nHost: h\r\n\r\n",          /* non-ASCII target */
		"GET / HTTP/x.1\r\nHost: h\r\n\r\n",
		"G(T / HTTP/1.1\r\nHost: h\r\n\r\n",              /* not a token */
		" GET / HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET / HTTP/1.1\r\n: empty name\r\nHost: h\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad400) / sizeof(bad400[0]); i++) {
		int s = status_of(bad400[i]);
		CHECK(s == 400);
		if (s != 400)
			fprintf(stderr, "  case %zu gave %d\n", i, s);
	}
	CHECK(status_of("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == 505);
	CHECK(status_of("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n") == 501);
}

static void oversized(void)
{
	static char big[20000];
	struct http_request r;
	strcpy(big, "GET / HTTP/1.1\r\nHost: h\r\nX: ");
	size_t n = strlen(big);
	memset(big + n, 'a', 9000);
	/* Without the end of the head: 431 once max bytes are in, more before that. */
	CHECK(http_parse_request(big, 8192, 8192, &r) == 431);
	CHECK(http_parse_request(big, 4000, 8192, &r) == HTTP_PARSE_MORE);
	strcpy(big + n + 9000, "\r\n\r\n");
	CHECK(http_parse_request(big, strlen(big), 8192, &r) == 431);
	CHECK(http_parse_request(big, strlen(big), 16384, &r) == HTTP_PARSE_DONE);
	/* A malformed line inside an oversized head is still 431. */
	big[30] = ' ';
	big[31] = '\r';
	CHECK(http_parse_request(big, strlen(big), 8192, &r) == 431);
}

static void paths(void)
{
	char out[32];
	CHECK(http_decode_path("/a%20b?x=1", 10, out, sizeof(out)) == 0 && strcmp(out, "/a b") == 0);
	CHECK(http_decode_path("/", 1, out, sizeof(out)) == 0 && strcmp(out, "/") == 0);
	CHECK(http_decode_path("http://host:8000/x/y", 20, out, sizeof(out)) == 0 && strcmp(out, "/x/y") == 0);
	CHECK(http_decode_path("HTTP://host", 11, out, sizeof(out)) == 0 && strcmp(out, "/") == 0);
	CHECK(http_decode_path("/a/..b/c..", 10, out, sizeof(out)) == 0);
	CHECK(http_decode_path("/a/./b#frag", 11, out, sizeof(out)) == 0 && strcmp(out, "/a/./b") == 0);
	const char *bad[] = {"/..", "/a/../b", "/%2e%2e/x", "/a/%2E%2E", "x", "*", "/%00", "/%4", "/%zz", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(http_decode_path(bad[i], strlen(bad[i]), out, sizeof(out)) == 400);
	const char *longp = "/0123456789012345678901234567890123456789";
	CHECK(http_decode_path(longp, strlen(longp), out, sizeof(out)) == 414);
	CHECK(strcmp(http_reason(431), "Request Header Fields Too Large") == 0);
}

int main(void)
{
	good();
	incomplete();
	malformed();
	oversized();
	paths();
	return check_report();
}
