/* --since / --until parsing. The ISO-8601 forms and the civil time are
 * aws/isotime.c's; this file adds "now" and durations back from now. */
#include "engine/timerange.h"

#include <ctype.h>
#include <string.h>

#include "aws/error.h"
#include "aws/isotime.h"

#define FORMS                                                                                      \
	"use a duration back from now (30s, 15m, 2h, 3d, 1w), 'now', or an ISO-8601 time "         \
	"(2026-11-27, 2026-11-27T10:00Z, 2026-11-27T10:00:05+02:00)"

int64_t timerange_from_civil(int year, int month, int day, int hour, int min, int sec)
{
	return isotime_from_civil(year, month, day, hour, min, sec);
}

void timerange_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec)
{
	isotime_to_civil(t, year, month, day, hour, min, sec);
}

void timerange_format(char *out, int64_t t)
{
	isotime_format(out, t);
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
		if (isotime_parse(out_ms, text, ISOTIME_PARTIAL) == 0)
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
