/*
 * HTTP/1.x request head parser (RFC 9112): request line and header fields,
 * nothing else. Pure: no I/O, no allocation, so the host unit test
 * (tests/unit/test_http_parse.c) runs it under the sanitizers.
 */
#ifndef HTTPD_HTTP_PARSE_H
#define HTTPD_HTTP_PARSE_H

#include <stddef.h>

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
	enum http_method method;
	const char *target; /* request-target as sent (not decoded), inside the buffer */
	size_t target_len;
	int minor;          /* HTTP/1.minor */
	int keep_alive;     /* the connection may stay open after the response */
	long long content_length; /* -1: no body announced */
	size_t head_len;    /* bytes of the head, up to and including the empty line */
};

/* http_parse_request's results besides an HTTP status code (>= 400). */
#define HTTP_PARSE_DONE 0
#define HTTP_PARSE_MORE 1

/*
 * Parses the request head at the start of buf[0..len). Returns
 * HTTP_PARSE_DONE with *req filled, HTTP_PARSE_MORE if the head is not
 * complete yet (and still fits in max bytes), or the status to answer with:
 * 400 (malformed), 431 (head longer than max), 501 (a body in a transfer
 * coding), 505 (not HTTP/1.x). Empty lines before the request line are
 * skipped (and counted in head_len), as RFC 9112 section 2.2 asks.
 */
int http_parse_request(const char *buf, size_t len, size_t max, struct http_request *req);

/*
 * Decodes the path of a request-target (origin-form "/a%20b?q", or
 * absolute-form "http://host/a") into out: %XX decoded, query dropped.
 * Returns 0, 400 (not a path, bad or NUL escape, a ".." segment) or 414 (does
 * not fit in out_size with its NUL).
 */
int http_decode_path(const char *target, size_t len, char *out, size_t out_size);

/* The reason phrase of a status code ("Not Found"). */
const char *http_reason(int status);

#endif
