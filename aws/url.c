/* Percent-decoding (see url.h). */
#include "aws/url.h"

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

char *url_decode(char *s, enum url_plus plus)
{
	char *r = s, *w = s;
	int hi, lo;

	for (; *r; r++) {
		if (*r == '+' && plus == URL_PLUS_SPACE) {
			*w++ = ' ';
		} else if (*r == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return s;
}
