/* ISO-8601 times and UTC civil dates, computed without the C library's time
 * zone state (Howard Hinnant's days-from-civil algorithms, proleptic
 * Gregorian calendar).
 *
 * One parser serves every reader of times. Its strict form is a full
 * date-time with a zone, "2024-05-01T12:00:00Z":
 *
 *   YYYY-MM-DD ('T' | 't' | ' ') hh:mm:ss [('.' | ',') digits]
 *   ('Z' | 'z' | ('+' | '-') hh [[':'] mm])
 *
 * with the day checked against its month (leap years included), hh 0 to 23,
 * mm 0 to 59 and ss 0 to 60 (a leap second counts as the next minute's
 * first). Fraction digits past the third are read and dropped. Each reader
 * widens that form with the flags below. */
#ifndef VPCFLOW_AWS_ISOTIME_H
#define VPCFLOW_AWS_ISOTIME_H

#include <stdint.h>

/* How far isotime_parse() strays from the strict form. */
enum isotime_flags {
	/* The time, its seconds and the zone may be left out: "2024-05-01",
	 * "2024-05-01T10:00" (midnight, :00, UTC). What --since takes. */
	ISOTIME_PARTIAL = 1 << 0,
	/* "UTC" may stand for 'Z'. Credential sources write it. */
	ISOTIME_UTC_NAME = 1 << 1,
};

/* Parses text (NULL allowed) into milliseconds since the epoch, as flags (a
 * set of enum isotime_flags) allow. 0 or ERR_PARSE; *out_ms is only written
 * on success. */
int isotime_parse(int64_t *out_ms, const char *text, unsigned flags);

/* Days from 1970-01-01 to year-month-day. No range checks: days past the
 * month's end, or before its first, count on into the next or previous. */
int64_t isotime_days_from_civil(int64_t year, int month, int day);
/* Seconds since the epoch of a UTC civil time (no range checks). */
int64_t isotime_from_civil(int year, int month, int day, int hour, int min, int sec);
/* The UTC civil time of t (seconds since the epoch). */
void isotime_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec);
/* Writes t (seconds) as "2026-11-27T10:00:05Z" into out (at least 21 bytes);
 * years past 9999 keep their last four digits. */
void isotime_format(char *out, int64_t t);

#endif
