/*
 * Names on FAT: which long names are allowed, their UTF-16 form, and the
 * 8.3 short names every entry also has. Case folding is ASCII-only (as the
 * short names themselves, which use '_' for anything outside ASCII).
 */
#include <errno.h>
#include <string.h>
#include "fat.h"

static int fat_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int fat_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Characters allowed in a short name besides A-Z and 0-9 (and bytes >= 0x80, which we never make). */
static int fat_short_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("$%'-_@~`!(){}^#&", c);
}

int fat_name_check(const char *name, size_t *len)
{
	size_t n = *len;
	if (n > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || (c && strchr("\"*/:<>?\\|", c)))
			return -EINVAL;
	}
	while (n && (name[n - 1] == '.' || name[n - 1] == ' '))
		n--;
	if (n == 0)
		return -EINVAL;
	*len = n;
	return 0;
}

/* One code point from UTF-8 at s[*i] (strict: no overlongs, surrogates or > U+10FFFF), or -1. */
static long fat_utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char c = s[(*i)++];
	int more = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
	static const long min[] = {0, 0x80, 0x800, 0x10000};
	if (more < 0 || *i + (size_t)more > len)
		return -1;
	long cp = more ? c & (0x3f >> more) : c;
	for (int k = 0; k < more; k++) {
		unsigned char d = s[(*i)++];
		if ((d & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (d & 0x3f);
	}
	if (cp < min[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

int fat_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		long cp = fat_utf8_next((const unsigned char *)s, len, &i);
		if (cp < 0)
			return -EINVAL;
		if (n + (cp > 0xffff ? 2 : 1) > max)
			return -ENAMETOOLONG;
		if (cp > 0xffff) {
			cp -= 0x10000;
			out[n++] = (uint16_t)(0xd800 | cp >> 10);
			out[n++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
		} else {
			out[n++] = (uint16_t)cp;
		}
	}
	return (int)n;
}

int fat_utf16_to_utf8(const uint16_t *u, size_t n, char *out, size_t max)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t cp = u[i];
		if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n && u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff)
			cp = 0x10000 + ((cp - 0xd800) << 10 | (u[++i] - 0xdc00));
		else if (cp >= 0xd800 && cp <= 0xdfff)
			return -EINVAL; /* an unpaired surrogate */
		size_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (o + k + 1 > max)
			return -ENAMETOOLONG;
		if (k == 1) {
			out[o++] = (char)cp;
			continue;
		}
		out[o++] = (char)((0xf00 >> k) | (cp >> (6 * (k - 1))));
		for (size_t j = k - 1; j-- > 0;)
			out[o++] = (char)(0x80 | ((cp >> (6 * j)) & 0x3f));
	}
	out[o] = '\0';
	return (int)o;
}

int fat_name_is_short(const char *name, size_t len, uint8_t sn[11])
{
	size_t dot = len, i;
	for (i = 0; i < len; i++)
		if (name[i] == '.') {
			if (dot != len)
				return 0;
			dot = i;
		}
	if (dot == 0 || dot > 8 || (dot < len && (len - dot - 1 == 0 || len - dot - 1 > 3)))
		return 0;
	memset(sn, ' ', 11);
	for (i = 0; i < len; i++) {
		if (i == dot)
			continue;
		if (!fat_short_char((unsigned char)name[i]))
			return 0;
		sn[i < dot ? i : 8 + (i - dot - 1)] = (uint8_t)name[i];
	}
	return 1;
}

/* The next character of a long name as a short-name character ('_' if not allowed). */
static uint8_t fat_short_of(const char *name, size_t len, size_t *i)
{
	unsigned char c = (unsigned char)name[*i];
	(*i)++;
	if (c >= 0x80) { /* one '_' per code point */
		while (*i < len && ((unsigned char)name[*i] & 0xc0) == 0x80)
			(*i)++;
		return '_';
	}
	c = (unsigned char)fat_upper(c);
	return fat_short_char(c) ? c : '_';
}

/* Windows' basis name: upper case, no spaces, no leading dots, base up to the last dot. */
void fat_short_basis(const char *name, size_t len, uint8_t sn[11])
{
	size_t start = 0, last = len, n = 0;
	while (start < len && name[start] == '.')
		start++;
	for (size_t i = start; i < len; i++)
		if (name[i] == '.')
			last = i;
	memset(sn, ' ', 11);
	for (size_t i = start; i < last && n < 8;) {
		if (name[i] == ' ' || name[i] == '.') {
			i++;
			continue;
		}
		sn[n++] = fat_short_of(name, last, &i);
	}
	n = 8;
	for (size_t i = last + 1; i < len && n < 11;) {
		if (name[i] == ' ') {
			i++;
			continue;
		}
		sn[n++] = fat_short_of(name, len, &i);
	}
	if (sn[0] == ' ')
		sn[0] = '_';
}

/*
 * Candidate n for a short name: "BASIS~n" for n = 1..4, as Windows and
 * Linux make them; then two basis characters, four hex digits of a hash of
 * the long name and ~1..~9, which finds a free name in few tries even in
 * directories with thousands of similar names.
 */
void fat_short_tail(const uint8_t basis[11], const char *name, size_t len, unsigned n,
		    uint8_t sn[11])
{
	char tail[8];
	size_t blen = 0, tlen, keep;
	while (blen < 8 && basis[blen] != ' ')
		blen++;
	memcpy(sn, basis, 11);
	if (n <= 4) {
		tail[0] = '~';
		tail[1] = (char)('0' + n);
		tlen = 2;
		keep = blen < 8 - tlen ? blen : 8 - tlen;
	} else {
		uint16_t h = 0;
		for (size_t i = 0; i < len; i++)
			h = (uint16_t)(h * 37 + (unsigned char)name[i]);
		h = (uint16_t)(h + (n - 5) / 9);
		keep = blen < 2 ? blen : 2;
		for (int i = 0; i < 4; i++)
			tail[i] = "0123456789ABCDEF"[(h >> (12 - 4 * i)) & 15];
		tail[4] = '~';
		tail[5] = (char)('1' + (n - 5) % 9);
		tlen = 6;
	}
	memset(sn + keep, ' ', 8 - keep);
	memcpy(sn + keep, tail, tlen);
}

size_t fat_short_display(const struct fat_dirent *de, char *out)
{
	size_t n = 0;
	for (int i = 0; i < 8 && de->name[i] != ' '; i++) {
		int c = i == 0 && de->name[0] == FAT_SLOT_E5 ? 0xe5 : de->name[i];
		c = c >= 0x80 ? '_' : c;
		out[n++] = (char)(de->ntres & FAT_NT_LOWER_BASE ? fat_lower(c) : c);
	}
	if (de->name[8] != ' ') {
		out[n++] = '.';
		for (int i = 8; i < 11 && de->name[i] != ' '; i++) {
			int c = de->name[i] >= 0x80 ? '_' : de->name[i];
			out[n++] = (char)(de->ntres & FAT_NT_LOWER_EXT ? fat_lower(c) : c);
		}
	}
	out[n] = '\0';
	return n;
}

uint8_t fat_lfn_csum(const uint8_t sn[11])
{
	uint8_t sum = 0;
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sn[i]);
	return sum;
}

int fat_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (fat_upper((unsigned char)a[i]) != fat_upper((unsigned char)b[i]))
			return 0;
	return 1;
}
