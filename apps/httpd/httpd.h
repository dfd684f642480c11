/* apps/httpd's parts: the connection loop (httpd.c) asks serve.c for responses. */
#ifndef HTTPD_HTTPD_H
#define HTTPD_HTTPD_H

#include <stddef.h>

#include "http_parse.h"

/* A response: its head (and a small body) in a buffer, then maybe a file. */
struct reply {
	size_t len;          /* bytes of head (+ body) written to the buffer */
	int file;            /* open file to send after them, or -1 */
	long long file_len;  /* bytes of it to send */
	int close;           /* close the connection after this response */
	int status;
};

/*
 * The response to a complete, well-formed request: the built-in /hello or
 * a file under root. Fills out[0..cap) and *r.
 */
void serve_request(const struct http_request *req, const char *root, char *out, size_t cap, struct reply *r);

/* A 200 text/plain response with body (httpd's own /status page). */
void serve_text(const struct http_request *req, const char *body, char *out, size_t cap, struct reply *r);

/* An error response (status >= 400) that closes the connection. */
void serve_error(int status, int head_only, char *out, size_t cap, struct reply *r);

#endif
