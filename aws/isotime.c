/* ISO-8601 times and UTC civil dates (aws/isotime.h). */
#include "aws/isotime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "aws/error.h"

/* ---- civil dates ---- */

int64_t isotime_days_from_civil(int64_t year, int month, int day)
{
	int64_t era, yoe, doy, doe;

	/* Count years from March, so that a leap day ends its year. */
	year -= month <= 2;
	era = (year >= 0 ? year : year - 399) / 400;
	yoe = year - era * 400;
	doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t isotime_from_civil(int year, int month, int day, int hour, int min, int sec)
{
	return isotime_days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}

void isotime_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec)
{
	int64_t z = (t >= 0 ? t : t - 86399) / 86400, era, y;
	int64_t secs = t - z * 86400;
	unsigned doe, yoe, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*day = (int)d;
	*hour = (int)(secs / 3600);
	*min = (int)(secs / 60 % 60);
	*sec = (int)(secs % 60);
}

void isotime_format(char *out, int64_t t)
{
	char tmp[80]; /* room for any int, so the compiler sees no truncation */
	int y, mo, d, h, mi, s;

	isotime_to_civil(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, mo, d, h, mi, s);
	memcpy(out, tmp, 20);
	out[20] = '\0';
}

/* ---- the parser ---- */

/* Reads exactly n digits at *p into *out and moves past them. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* Moves past c when *p is c. */
static int skip(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* "YYYY-MM-DD" at *p. */
static int parse_date(const char **p, unsigned flags, int *y, int *mo, int *d)
{
	if (digits(p, 4, y) < 0 || skip(p, '-') < 0 || digits(p, 2, mo) < 0 || skip(p, '-') < 0 ||
	    digits(p, 2, d) < 0)
		return -1;
	if (*mo < 1 || *mo > 12 || *d < 1)
		return -1;
	return *d > days_in_month(*y, *mo) ? -1 : 0;
}

/* The fraction after the seconds, if any, into milliseconds. */
static int parse_fraction(const char **p, int *ms)
{
	int scale = 100;

	*ms = 0;
	if (**p != '.' && **p != ',')
		return 0;
	(*p)++;
	if (!isdigit((unsigned char)**p))
		return -1;
	for (; isdigit((unsigned char)**p); (*p)++, scale /= 10)
		*ms += (**p - '0') * scale;
	return 0;
}

/* "hh:mm:ss" with its fraction at *p; ":ss" may be left out when partial. */
static int parse_clock(const char **p, unsigned flags, int *h, int *mi, int *s, int *ms)
{
	if (digits(p, 2, h) < 0 || skip(p, ':') < 0 || digits(p, 2, mi) < 0)
		return -1;
	if (skip(p, ':') == 0) {
		if (digits(p, 2, s) < 0 || parse_fraction(p, ms) < 0)
			return -1;
	} else if (!(flags & ISOTIME_PARTIAL)) {
		return -1;
	}
	return *h > 23 || *mi > 59 || *s > 60 ? -1 : 0;
}

/* The zone that ends the text, into seconds east of UTC. */
static int parse_zone(const char *p, unsigned flags, int *out)
{
	int sign, h, m = 0;

	*out = 0;
	if ((*p == 'Z' || *p == 'z') && !p[1])
		return 0;
	if (!*p)
		return flags & ISOTIME_PARTIAL ? 0 : -1;
	if ((flags & ISOTIME_UTC_NAME) && strcmp(p, "UTC") == 0)
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &h) < 0 || h > 23)
		return -1;
	skip(&p, ':');
	if (*p && (digits(&p, 2, &m) < 0 || m > 59))
		return -1;
	if (*p)
		return -1;
	*out = sign * (h * 3600 + m * 60);
	return 0;
}

int isotime_parse(int64_t *out_ms, const char *text, unsigned flags)
{
	const char *p = text;
	int y, mo, d, h = 0, mi = 0, s = 0, ms = 0, zone;

	if (!text || parse_date(&p, flags, &y, &mo, &d) < 0)
		return ERR_PARSE;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (parse_clock(&p, flags, &h, &mi, &s, &ms) < 0)
			return ERR_PARSE;
	} else if (!(flags & ISOTIME_PARTIAL)) {
		return ERR_PARSE;
	}
	if (parse_zone(p, flags, &zone) < 0)
		return ERR_PARSE;
	*out_ms = (isotime_from_civil(y, mo, d, h, mi, s) - zone) * 1000 + ms;
	return 0;
}
