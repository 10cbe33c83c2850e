/* --since and --until: points in time written as a duration back from now
 * ("15m", "2h", "3d") or as ISO-8601 ("2026-11-27T10:00Z"). The current time
 * is passed in, so that tests can fix it. */
#ifndef VPCFLOW_ENGINE_TIMERANGE_H
#define VPCFLOW_ENGINE_TIMERANGE_H

#include <stdint.h>

struct aws_error;
struct buf;

/* Parses text into milliseconds since the epoch (UTC):
 *  - "now", or a duration back from now_ms: a whole number with a unit,
 *    s (seconds), m (minutes), h (hours), d (days) or w (weeks): "15m";
 *  - a date "2026-11-27" (midnight UTC);
 *  - a date and time "2026-11-27T10:00", with seconds ("10:00:05") and a
 *    fraction ("10:00:05.250") as wished, 'T' or one space between, then "Z",
 *    an offset ("+02:00", "-0530", "+02") or nothing (UTC).
 * Returns 0, or ERR_INVALID with a message that shows the accepted forms. */
int timerange_parse(int64_t *out_ms, const char *text, int64_t now_ms, struct aws_error *err);

/* The civil-time functions of aws/isotime.h, under the names engine/ has
 * always used. Seconds since the epoch of a UTC civil time (no range checks). */
int64_t timerange_from_civil(int year, int month, int day, int hour, int min, int sec);
/* The UTC civil date of t (seconds since the epoch). */
void timerange_to_civil(int64_t t, int *year, int *month, int *day, int *hour, int *min, int *sec);
/* Writes t (seconds) as "2026-11-27T10:00:05Z" into out (at least 21 bytes). */
void timerange_format(char *out, int64_t t);

#endif
