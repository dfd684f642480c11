/*
 * What httpd answers: GET/HEAD only; /hello is built in, every other path
 * is a file under the document root (a directory gives its index.html).
 * No Date header: RFC 9110 6.6.1 says an origin server without a reliable
 * clock must not send one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "httpd.h"

#define HELLO_BODY "hello yolk\n"

static const char *content_type(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
		{".txt", "text/plain; charset=utf-8"}, {".css", "text/css"},
		{".js", "text/javascript"},            {".json", "application/json"},
		{".svg", "image/svg+xml"},             {".png", "image/png"},
		{".jpg", "image/jpeg"},                {".jpeg", "image/jpeg"},
		{".gif", "image/gif"},                 {".ico", "image/x-icon"},
		{".wasm", "application/wasm"},         {".pdf", "application/pdf"},
	};
	const char *dot = strrchr(path, '.');
	if (dot != NULL && strchr(dot, '/') == NULL)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot, types[i][0]) == 0)
				return types[i][1];
	return "application/octet-stream";
}

/*
 * The Connection header: close, or nothing for HTTP/1.1 (persistent unless
 * said otherwise), or keep-alive for an HTTP/1.0 client that asked for it.
 */
static const char *connection(int close, int minor)
{
	return close ? "Connection: close\r\n" : minor == 0 ? "Connection: keep-alive\r\n" : "";
}

/*
 * Response heads are built with copies, not snprintf: on /hello under load,
 * printf's format parsing was a tenth of the guest's time (tools/qemu-prof).
 * *at counts what would be written, so an overflow shows as *at >= cap.
 */
static void put(char *out, size_t cap, size_t *at, const char *s, size_t n)
{
	if (*at + n < cap)
		memcpy(out + *at, s, n);
	*at += n;
}

static void put_str(char *out, size_t cap, size_t *at, const char *s)
{
	put(out, cap, at, s, strlen(s));
}

static void put_num(char *out, size_t cap, size_t *at, unsigned long long v)
{
	char digits[20];
	size_t n = sizeof(digits);
	do
		digits[--n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	put(out, cap, at, digits + n, sizeof(digits) - n);
}

/* The head of a response with a body of len bytes; extra is more header lines. 0 if it does not fit. */
static size_t head(char *out, size_t cap, int status, const char *type, long long len, const char *conn,
		   const char *extra)
{
	size_t at = 0;
	put_str(out, cap, &at, "HTTP/1.1 ");
	put_num(out, cap, &at, (unsigned)status);
	put_str(out, cap, &at, " ");
	put_str(out, cap, &at, http_reason(status));
	put_str(out, cap, &at, "\r\nServer: yolk\r\nContent-Type: ");
	put_str(out, cap, &at, type);
	put_str(out, cap, &at, "\r\nContent-Length: ");
	put_num(out, cap, &at, (unsigned long long)len);
	put_str(out, cap, &at, "\r\n");
	put_str(out, cap, &at, conn);
	put_str(out, cap, &at, extra);
	put_str(out, cap, &at, "\r\n");
	return at < cap ? at : 0;
}

static void reply_text(int status, const char *body, int head_only, int close, int minor, const char *extra,
		       char *out, size_t cap, struct reply *r)
{
	size_t blen = strlen(body);
	r->len = head(out, cap, status, "text/plain; charset=utf-8", (long long)blen, connection(close, minor),
		      extra);
	if (!head_only && r->len + blen <= cap) {
		memcpy(out + r->len, body, blen);
		r->len += blen;
	}
	r->file = -1;
	r->file_len = 0;
	r->close = close;
	r->status = status;
}

void serve_text(const struct http_request *req, const char *body, char *out, size_t cap, struct reply *r)
{
	reply_text(200, body, req->method == HTTP_HEAD, !req->keep_alive, req->minor, "", out, cap, r);
}

void serve_error(int status, int head_only, char *out, size_t cap, struct reply *r)
{
	char body[64];
	snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));
	reply_text(status, body, head_only, 1, 1, status == 405 ? "Allow: GET, HEAD\r\n" : "", out, cap, r);
}

static int status_of_errno(int e)
{
	return e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG ? 404 : e == EACCES || e == EPERM ? 403 : 500;
}

/* A file (or a directory's index.html) under root. */
static void serve_file(const struct http_request *req, const char *root, const char *path, char *out,
		       size_t cap, struct reply *r)
{
	int head_only = req->method == HTTP_HEAD, close = !req->keep_alive;
	char full[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", root, path) >= sizeof(full) - sizeof("index.html")) {
		serve_error(414, head_only, out, cap, r);
		return;
	}
	if (stat(full, &st) != 0) {
		serve_error(status_of_errno(errno), head_only, out, cap, r);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		size_t n = strlen(full);
		if (full[n - 1] != '/') {
			/* Relative links in the index resolve against the directory. */
			char location[PATH_MAX + 16];
			const char *query = memchr(req->target, '?', req->target_len);
			size_t plen = query != NULL ? (size_t)(query - req->target) : req->target_len;
			if ((size_t)snprintf(location, sizeof(location), "Location: %.*s/\r\n", (int)plen, req->target) >=
			    sizeof(location)) {
				serve_error(414, head_only, out, cap, r); /* the target, not the path, is too long */
				return;
			}
			reply_text(301, "301 Moved Permanently\n", head_only, close, req->minor, location, out, cap, r);
			return;
		}
		strcpy(full + n, "index.html");
		if (stat(full, &st) != 0) {
			serve_error(errno == ENOENT ? 403 : status_of_errno(errno), head_only, out, cap, r);
			return;
		}
	}
	if (!S_ISREG(st.st_mode)) {
		serve_error(403, head_only, out, cap, r);
		return;
	}
	int fd = head_only ? -1 : open(full, O_RDONLY);
	if (!head_only && fd < 0) {
		serve_error(status_of_errno(errno), head_only, out, cap, r);
		return;
	}
	r->len = head(out, cap, 200, content_type(full), (long long)st.st_size, connection(close, req->minor), "");
	r->file = fd;
	r->file_len = head_only ? 0 : (long long)st.st_size;
	r->close = close;
	r->status = 200;
}

void serve_request(const struct http_request *req, const char *root, char *out, size_t cap, struct reply *r)
{
	int head_only = req->method == HTTP_HEAD;
	char path[PATH_MAX / 2];

	if (req->method == HTTP_OTHER) {
		serve_error(405, 0, out, cap, r);
		return;
	}
	int status = http_decode_path(req->target, req->target_len, path, sizeof(path));
	if (status != 0) {
		serve_error(status, head_only, out, cap, r);
		return;
	}
	if (strcmp(path, "/hello") == 0) {
		reply_text(200, HELLO_BODY, head_only, !req->keep_alive, req->minor, "", out, cap, r);
		return;
	}
	serve_file(req, root, path, out, cap, r);
}
