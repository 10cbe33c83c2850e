/* Percent-decoding (see url.h). */
#include "aws/url.h"

#include <string.h>

#include "aws/buf.h"

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes the len bytes at src into dst and returns how many it wrote. dst may
 * be src: the write position never passes the read position. */
static size_t decode(char *dst, const char *src, size_t len, enum url_plus plus)
{
	size_t r, w = 0;
	int hi, lo;

	for (r = 0; r < len; r++) {
		if (src[r] == '+' && plus == URL_PLUS_SPACE) {
			dst[w++] = ' ';
		} else if (src[r] == '%' && r + 2 < len && (hi = hexval(src[r + 1])) >= 0 &&
		           (lo = hexval(src[r + 2])) >= 0) {
			dst[w++] = (char)(hi * 16 + lo);
			r += 2;
		} else {
			dst[w++] = src[r];
		}
	}
	return w;
}

char *url_decode(char *s, enum url_plus plus)
{
	s[decode(s, s, strlen(s), plus)] = '\0';
	return s;
}

int url_decode_append(struct buf *out, const char *s, size_t len, enum url_plus plus)
{
	size_t start = out->len;

	/* Copied first, then decoded in place: the result is never longer. */
	if (buf_add(out, s, len) < 0)
		return -1;
	buf_truncate(out, start + decode(out->data + start, out->data + start, len, plus));
	return 0;
}
