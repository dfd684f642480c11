/*
 * yolk.httpGet(url): an HTTP/1.0 GET over the socket API (net/lwip), for
 * http:// URLs. It blocks the script until the server closes the connection
 * (or 30 s pass without data) and returns {status, statusText, headers, body}:
 * headers by lower-case name, body as a string. Failures throw an Error
 * naming the URL and the reason.
 */
#include <yolk-config/app-js.h>
#ifdef CONFIG_APP_JS_HTTP
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "js.h"

#define HTTP_MAX_RESPONSE (16u << 20)

struct url {
	char host[256];
	char port[8];
	const char *path;
};

/* http://HOST[:PORT][/PATH]; 0, or -1 if it is not such a URL. */
static int parse_url(const char *s, struct url *u)
{
	if (strncmp(s, "http://", 7) != 0)
		return -1;
	s += 7;
	size_t n = strcspn(s, ":/");
	if (n == 0 || n >= sizeof(u->host))
		return -1;
	memcpy(u->host, s, n);
	u->host[n] = '\0';
	s += n;
	strcpy(u->port, "80");
	if (*s == ':') {
		size_t p = strspn(++s, "0123456789");
		if (p == 0 || p >= sizeof(u->port) || (s[p] && s[p] != '/'))
			return -1;
		memcpy(u->port, s, p);
		u->port[p] = '\0';
		s += p;
	}
	u->path = *s ? s : "/";
	return 0;
}

/* A connected socket, or -1 with *why set. */
static int http_connect(const struct url *u, const char **why)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
	int err = getaddrinfo(u->host, u->port, &hints, &ai);
	if (err) {
		*why = gai_strerror(err);
		return -1;
	}
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	struct timeval tv = {.tv_sec = 30};
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		*why = strerror(errno);
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* Sends the request and reads the whole response into *out (NUL-terminated); its length, or -1. */
static long http_exchange(int fd, const struct url *u, char **out, const char **why)
{
	char req[512 + sizeof(u->host)];
	int n = snprintf(req, sizeof(req),
	                 "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: yolk-js\r\n"
	                 "Connection: close\r\n\r\n",
	                 u->path, u->host);
	if (n < 0 || (size_t)n >= sizeof(req) || send(fd, req, (size_t)n, 0) != n) {
		*why = n < 0 || (size_t)n >= sizeof(req) ? "URL too long" : strerror(errno);
		return -1;
	}
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap);
	for (ssize_t got = 1; buf && got > 0;) {
		if (cap - len < 4096 + 1) {
			char *more = cap < HTTP_MAX_RESPONSE ? realloc(buf, cap * 2) : NULL;
			if (more == NULL) {
				free(buf);
				*why = cap < HTTP_MAX_RESPONSE ? "out of memory" : "response over 16 MiB";
				return -1;
			}
			buf = more;
			cap *= 2;
		}
		got = recv(fd, buf + len, cap - len - 1, 0);
		if (got < 0) {
			*why = errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : strerror(errno);
			free(buf);
			return -1;
		}
		len += (size_t)got;
	}
	if (buf == NULL) {
		*why = "out of memory";
		return -1;
	}
	buf[len] = '\0';
	*out = buf;
	return (long)len;
}

/* Header lines "Name: value" up to the blank line, into obj by lower-case name. */
static void set_headers(JSContext *ctx, JSValue obj, char *p, char *end)
{
	while (p < end) {
		char *eol = strstr(p, "\r\n");
		if (eol == NULL || eol > end)
			eol = end;
		*eol = '\0';
		char *colon = strchr(p, ':');
		if (colon) {
			*colon = '\0';
			for (char *c = p; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			char *v = colon + 1 + strspn(colon + 1, " \t");
			JS_SetPropertyStr(ctx, obj, p, JS_NewString(ctx, v));
		}
		p = eol + 2;
	}
}

/* The response as {status, statusText, headers, body}, or an exception if it is not HTTP. */
static JSValue http_result(JSContext *ctx, char *buf, size_t len, const char *url)
{
	char *head_end = strstr(buf, "\r\n\r\n");
	int status, text_at = 0;
	if (head_end == NULL || sscanf(buf, "HTTP/%*d.%*d %3d %n", &status, &text_at) < 1 || !text_at)
		return JS_ThrowTypeError(ctx, "httpGet %s: the answer is not HTTP", url);
	char *line_end = strstr(buf, "\r\n");
	*line_end = '\0';
	JSValue r = JS_NewObject(ctx), headers = JS_NewObject(ctx);
	JS_SetPropertyStr(ctx, r, "status", JS_NewInt32(ctx, status));
	JS_SetPropertyStr(ctx, r, "statusText", JS_NewString(ctx, buf + text_at));
	set_headers(ctx, headers, line_end + 2, head_end);
	JS_SetPropertyStr(ctx, r, "headers", headers);
	char *body = head_end + 4;
	JS_SetPropertyStr(ctx, r, "body", JS_NewStringLen(ctx, body, len - (size_t)(body - buf)));
	if (JS_HasException(ctx)) {
		JS_FreeValue(ctx, r);
		return JS_EXCEPTION;
	}
	return r;
}

JSValue js_yolk_http_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
	(void)this_val, (void)argc;
	const char *url = JS_ToCString(ctx, argv[0]);
	if (url == NULL)
		return JS_EXCEPTION;
	struct url u;
	const char *why = NULL;
	char *buf = NULL;
	long len = -1;
	JSValue r;
	if (parse_url(url, &u)) {
		why = "not an http://HOST[:PORT][/PATH] URL";
	} else {
		int fd = http_connect(&u, &why);
		if (fd >= 0) {
			len = http_exchange(fd, &u, &buf, &why);
			close(fd);
		}
	}
	if (len < 0)
		r = JS_ThrowTypeError(ctx, "httpGet %s: %s", url, why);
	else
		r = http_result(ctx, buf, (size_t)len, url);
	free(buf);
	JS_FreeCString(ctx, url);
	return r;
}
#else
typedef int app_js_no_http; /* no network stack: no yolk.httpGet */
#endif
