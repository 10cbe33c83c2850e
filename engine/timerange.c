/* --since / --until parsing, and UTC civil time without the C library's
 * time zone state (Howard Hinnant's days-from-civil algorithms). */
#include "engine/timerange.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "aws/error.h"

#define FORMS                                                                                      \
	"use a duration back from now (30s, 15m, 2h, 3d, 1w), 'now', or an ISO-8601 time "         \
	"(2026-11-27, 2026-11-27T10:00Z, 2026-11-27T10:00:05+02:00)"

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t timerange_from_civil(int year, int month, int day, int hour, int min, int sec)
{
	return days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 +
	       min * 60 + sec;
}

void timerange_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec)
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

void timerange_format(char *out, int64_t t)
{
	char tmp[80];
	int y, mo, d, h, mi, s;

	timerange_to_civil(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, mo, d, h, mi, s);
	memcpy(out, tmp, 20);
	out[20] = '\0';
}

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

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* "+02:00", "-0530", "+02", "Z" or "" into seconds east of UTC. */
static int parse_zone(const char *p, int *out)
{
	int sign, h, m = 0;

	*out = 0;
	if (!*p || ((*p == 'Z' || *p == 'z') && !p[1]))
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &h) < 0 || h > 23)
		return -1;
	if (*p == ':')
		p++;
	if (*p && (digits(&p, 2, &m) < 0 || m > 59))
		return -1;
	if (*p)
		return -1;
	*out = sign * (h * 3600 + m * 60);
	return 0;
}

static int parse_iso(int64_t *out_ms, const char *text)
{
	const char *p = text;
	int y, mo, d, h = 0, mi = 0, s = 0, ms = 0, zone;

	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &s) < 0)
				return -1;
			if (*p == '.' || *p == ',') {
				int scale = 100;

				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				for (; isdigit((unsigned char)*p); p++, scale /= 10)
					ms += (*p - '0') * scale;
			}
		}
		if (h > 23 || mi > 59 || s > 60)
			return -1;
	}
	if (parse_zone(p, &zone) < 0)
		return -1;
	*out_ms = (timerange_from_civil(y, mo, d, h, mi, s) - zone) * 1000 + ms;
	return 0;
}

int timerange_parse(int64_t *out_ms, const char *text, int64_t now_ms, struct aws_error *err)
{
	const char *p = text;
	int64_t n = 0, unit;

	if (strcmp(text, "now") == 0) {
		*out_ms = now_ms;
		return 0;
	}
	if (strlen(text) >= 10 && text[4] == '-') {
		if (parse_iso(out_ms, text) == 0)
			return 0;
		return error_set(err, ERR_INVALID, "'%s' is not a valid time: " FORMS, text);
	}
	for (; isdigit((unsigned char)*p) && n < 100000000; p++)
		n = n * 10 + (*p - '0');
	switch (p > text && *p && p[1] == '\0' ? *p : 0) {
	case 's':
		unit = 1000;
		break;
	case 'm':
		unit = 60 * 1000;
		break;
	case 'h':
		unit = 3600 * 1000;
		break;
	case 'd':
		unit = 86400 * 1000;
		break;
	case 'w':
		unit = 7 * 86400 * 1000;
		break;
	default:
		return error_set(err, ERR_INVALID, "'%s' is not a time: " FORMS, text);
	}
	*out_ms = now_ms - n * unit;
	return 0;
}
