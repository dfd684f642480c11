/*
 * HTTP/1.x request heads (RFC 9112 sections 2-3, 5-7 for what a server
 * without request bodies needs). Strict where leniency is a smuggling risk
 * (bare CR, whitespace before the colon, folded lines, two different
 * Content-Lengths, Transfer-Encoding); lenient where the RFC allows it
 * (bare LF line ends, empty lines before the request).
 */
#include "http_parse.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static int is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* s[0..n) equals the word w, ignoring case. */
static int word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static size_t skip_empty_lines(const char *b, size_t len)
{
	size_t i = 0;
	for (;;) {
		if (i < len && b[i] == '\n')
			i += 1;
		else if (i + 1 < len && b[i] == '\r' && b[i + 1] == '\n')
			i += 2;
		else
			return i;
	}
}

/*
 * One line of the head starting at b[*pos]: sets *line and *n to its content
 * without the line end and advances *pos past it. 1, 0 if the line end has
 * not arrived yet, -1 for a CR that does not end the line.
 */
static int next_line(const char *b, size_t len, size_t *pos, const char **line, size_t *n)
{
	const char *start = b + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	if (nl == NULL)
		return 0;
	size_t end = (size_t)(nl - start);
	if (end > 0 && start[end - 1] == '\r')
		end--;
	*line = start;
	*n = end;
	*pos += (size_t)(nl - start) + 1;
	return memchr(start, '\r', end) != NULL ? -1 : 1;
}

static int parse_request_line(const char *l, size_t n, struct http_request *req)
{
	size_t i = 0;
	while (i < n && is_tchar((unsigned char)l[i]))
		i++;
	if (i == 0 || i >= n || l[i] != ' ')
		return 400;
	/* Methods are case-sensitive: "get" is some other method. */
	if (i == 3 && memcmp(l, "GET", 3) == 0)
		req->method = HTTP_GET;
	else if (i == 4 && memcmp(l, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;
	size_t t = ++i;
	while (i < n && (unsigned char)l[i] > ' ' && (unsigned char)l[i] < 0x7f)
		i++;
	if (i == t || i >= n || l[i] != ' ')
		return 400;
	req->target = l + t;
	req->target_len = i - t;
	const char *v = l + i + 1;
	if (n - i - 1 != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' || v[6] != '.' ||
	    v[7] < '0' || v[7] > '9')
		return 400;
	if (v[5] != '1')
		return 505;
	req->minor = v[7] - '0';
	return 0;
}

static int parse_content_length(const char *v, size_t n, long long *out)
{
	long long x = 0;
	if (n == 0)
		return 400;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || x > (1LL << 50))
			return 400;
		x = x * 10 + (v[i] - '0');
	}
	if (*out >= 0 && *out != x)
		return 400;
	*out = x;
	return 0;
}

/* Connection: a comma-separated list of options; close and keep-alive matter. */
static void parse_connection(const char *v, size_t n, struct http_request *req)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		size_t s = i;
		while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
			i++;
		if (word_is(v + s, i - s, "close"))
			req->keep_alive = 0;
		else if (word_is(v + s, i - s, "keep-alive") && req->minor == 0)
			req->keep_alive = 1;
	}
}

/* One field line; *hosts counts Host fields. 0 or a status. */
static int parse_field(const char *l, size_t n, struct http_request *req, int *hosts, int *chunked)
{
	size_t i = 0;
	while (i < n && is_tchar((unsigned char)l[i]))
		i++;
	if (i == 0 || i >= n || l[i] != ':')
		return 400; /* also folded lines and whitespace before the colon */
	size_t name_len = i++;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	size_t end = n;
	while (end > i && (l[end - 1] == ' ' || l[end - 1] == '\t'))
		end--;
	for (size_t k = i; k < end; k++) {
		unsigned char c = (unsigned char)l[k];
		if ((c < ' ' && c != '\t') || c == 0x7f)
			return 400;
	}
	const char *v = l + i;
	size_t vn = end - i;
	if (word_is(l, name_len, "host"))
		++*hosts;
	else if (word_is(l, name_len, "content-length"))
		return parse_content_length(v, vn, &req->content_length);
	else if (word_is(l, name_len, "transfer-encoding"))
		*chunked = 1;
	else if (word_is(l, name_len, "connection"))
		parse_connection(v, vn, req);
	return 0;
}

int http_parse_request(const char *buf, size_t len, size_t max, struct http_request *req)
{
	size_t pos = skip_empty_lines(buf, len);
	const char *line;
	size_t n;
	int hosts = 0, chunked = 0, status = 0;

	memset(req, 0, sizeof(*req));
	req->content_length = -1;
	for (int first = 1;; first = 0) {
		int r = next_line(buf, len, &pos, &line, &n);
		if (r == 0)
			return len >= max ? 431 : HTTP_PARSE_MORE;
		if (pos > max)
			return 431;
		if (n == 0 && !first)
			break;
		/* Keep reading to the end of the head after an error: 431 wins over 400. */
		if (status != 0)
			continue;
		if (r < 0) {
			status = 400;
		} else if (first) {
			status = parse_request_line(line, n, req);
			req->keep_alive = req->minor >= 1;
		} else {
			status = parse_field(line, n, req, &hosts, &chunked);
		}
	}
	if (status != 0)
		return status;
	if (req->minor >= 1 && hosts != 1)
		return 400; /* RFC 9112 3.2: exactly one Host in HTTP/1.1 */
	if (chunked)
		return req->content_length >= 0 ? 400 : 501;
	req->head_len = pos;
	return HTTP_PARSE_DONE;
}

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int http_decode_path(const char *t, size_t len, char *out, size_t out_size)
{
	size_t i = 0, o = 0;
	if (len >= 7 && word_is(t, 7, "http://"))
		i = 7;
	else if (len >= 8 && word_is(t, 8, "https://"))
		i = 8;
	if (i > 0) {
		while (i < len && t[i] != '/' && t[i] != '?')
			i++;
		if (i == len || t[i] == '?') {
			if (out_size < 2)
				return 414;
			strcpy(out, "/");
			return 0;
		}
	}
	if (i >= len || t[i] != '/')
		return 400;
	for (; i < len && t[i] != '?' && t[i] != '#'; i++) {
		int c = (unsigned char)t[i];
		if (c == '%') {
			int hi = i + 2 < len ? hex(t[i + 1]) : -1, lo = hi >= 0 ? hex(t[i + 2]) : -1;
			if (lo < 0 || (hi == 0 && lo == 0))
				return 400;
			c = hi * 16 + lo;
			i += 2;
		}
		if (o + 1 >= out_size)
			return 414;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	/* No ".." segment: the file tree must not be left through the docroot. */
	for (const char *s = out; (s = strstr(s, "..")) != NULL; s += 2)
		if (s[-1] == '/' && (s[2] == '/' || s[2] == '\0'))
			return 400;
	return 0;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}
