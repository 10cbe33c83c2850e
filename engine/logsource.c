/* Flow records from CloudWatch Logs and from S3. */
#include "engine/logsource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/env.h"
#include "aws/error.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "aws/xalloc.h"
#include "engine/timerange.h"

#define SLACK_S       3600 /* partitions are by delivery time, which lags capture */
#define MAX_DAYS      400
#define SLEEP_STEP_MS 200

/* --- CloudWatch --- */

static int on_event(void *ctx, const struct logs_event *ev)
{
	struct logreader *r = ctx;

	return logreader_line(r, ev->message, strlen(ev->message), ev->timestamp);
}

int logsource_cloudwatch_read(struct client *c, const struct logsource_cw *q, struct logreader *r,
                              struct aws_error *err)
{
	struct logs_filter f;

	memset(&f, 0, sizeof(f));
	f.log_group_name = q->log_group;
	f.start_time = q->since_ms;
	f.end_time = q->until_ms;
	f.filter_pattern = q->filter_pattern && *q->filter_pattern ? q->filter_pattern : NULL;
	logreader_begin(r, q->log_group);
	return logs_filter_events(c, q->region, &f, on_event, r, err);
}

/* One poll of --follow: what was seen at the newest timestamp. */
struct follow {
	struct logreader *r;
	int64_t start;         /* the poll reads from here */
	struct strlist seen;   /* IDs of events at start already handed over */
	int64_t newest;        /* newest timestamp of this poll */
	struct strlist at_new; /* IDs of this poll's events at newest */
};

static int on_follow_event(void *ctx, const struct logs_event *ev)
{
	struct follow *f = ctx;

	if (ev->timestamp < f->start ||
	    (ev->timestamp == f->start && strlist_has(&f->seen, ev->event_id)))
		return 0;
	if (ev->timestamp > f->newest) {
		f->newest = ev->timestamp;
		strlist_release(&f->at_new);
	}
	if (ev->timestamp == f->newest)
		strlist_add(&f->at_new, ev->event_id);
	return logreader_line(f->r, ev->message, strlen(ev->message), ev->timestamp);
}

int logsource_cloudwatch_follow(struct client *c, const struct clock *clock,
                                const struct logsource_cw *q, int64_t interval_ms,
                                volatile sig_atomic_t *stop, void (*on_poll)(void *ctx),
                                void *poll_ctx, struct logreader *r, struct aws_error *err)
{
	struct follow f;
	struct logs_filter lf;
	int rc = 0;

	memset(&f, 0, sizeof(f));
	memset(&lf, 0, sizeof(lf));
	f.r = r;
	f.start = q->since_ms;
	lf.log_group_name = q->log_group;
	lf.filter_pattern = q->filter_pattern && *q->filter_pattern ? q->filter_pattern : NULL;
	logreader_begin(r, q->log_group);
	while (!*stop) {
		f.newest = f.start;
		strlist_release(&f.at_new);
		lf.start_time = f.start;
		rc = logs_filter_events(c, q->region, &lf, on_follow_event, &f, err);
		if (rc)
			break;
		if (f.newest > f.start) {
			strlist_release(&f.seen);
			f.seen = f.at_new;
			memset(&f.at_new, 0, sizeof(f.at_new));
			f.start = f.newest;
		} else {
			for (size_t i = 0; i < f.at_new.n; i++)
				strlist_add(&f.seen, f.at_new.v[i]);
		}
		if (on_poll)
			on_poll(poll_ctx);
		for (int64_t slept = 0; slept < interval_ms && !*stop; slept += SLEEP_STEP_MS)
			clock_sleep_ms(clock, interval_ms - slept < SLEEP_STEP_MS
			                          ? interval_ms - slept
			                          : SLEEP_STEP_MS);
	}
	strlist_release(&f.seen);
	strlist_release(&f.at_new);
	return rc > 0 ? 0 : rc;
}

/* --- S3 --- */

/* The last segment of a "a/b/c/" prefix, without "name=" when hive. */
static const char *segment(const char *prefix, char *out, size_t size)
{
	size_t len = strlen(prefix);
	const char *start, *eq;

	if (len && prefix[len - 1] == '/')
		len--;
	start = prefix + len;
	while (start > prefix && start[-1] != '/')
		start--;
	eq = memchr(start, '=', (size_t)(prefix + len - start));
	if (eq)
		start = eq + 1;
	snprintf(out, size, "%.*s", (int)(prefix + len - start), start);
	return out;
}

static int list_prefixes(struct strlist *out, struct client *c, const struct logsource_s3 *q,
                         const char *prefix, struct aws_error *err)
{
	struct s3_object_list l;
	int rc = s3_list_objects(&l, c, q->region, q->bucket, prefix, "/", err);

	if (rc)
		return rc;
	for (size_t i = 0; i < l.common_prefixes.n; i++)
		strlist_add(out, l.common_prefixes.v[i]);
	s3_object_list_release(&l);
	return 0;
}

/* Adds the objects of one day partition, and of its hour partitions inside
 * [lo, hi] (seconds). */
static int list_day(struct strlist *out, struct client *c, const struct logsource_s3 *q,
                    const char *day_prefix, int64_t day_start, int64_t lo, int64_t hi,
                    struct aws_error *err)
{
	struct s3_object_list l;
	char hh[16];
	int rc = s3_list_objects(&l, c, q->region, q->bucket, day_prefix, "/", err);

	if (rc)
		return rc;
	for (size_t i = 0; i < l.n; i++)
		strlist_add(out, l.v[i].key);
	for (size_t i = 0; i < l.common_prefixes.n && !rc; i++) {
		const char *hp = l.common_prefixes.v[i];
		char *end;
		long h = strtol(segment(hp, hh, sizeof(hh)), &end, 10);
		int64_t hs = day_start + h * 3600;
		struct s3_object_list hl;

		if (*end || h < 0 || h > 23 || hs + 3600 <= lo || hs > hi)
			continue;
		if ((rc = s3_list_objects(&hl, c, q->region, q->bucket, hp, NULL, err)))
			break;
		for (size_t k = 0; k < hl.n; k++)
			strlist_add(out, hl.v[k].key);
		s3_object_list_release(&hl);
	}
	s3_object_list_release(&l);
	return rc;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int logsource_s3_keys(struct strlist *out, struct client *c, const struct logsource_s3 *q,
                      struct aws_error *err)
{
	struct strlist accounts = STRLIST_INIT, regions = STRLIST_INIT;
	struct buf base = BUF_INIT, p = BUF_INIT;
	int64_t lo = q->since_ms / 1000 - SLACK_S, hi = q->until_ms / 1000 + SLACK_S;
	int64_t first = lo - ((lo % 86400) + 86400) % 86400;
	char name[256];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((hi - first) / 86400 > MAX_DAYS)
		return error_set(err, ERR_INVALID,
		                 "a time range of more than %d days; narrow it with --since and "
		                 "--until",
		                 MAX_DAYS);
	if (q->prefix && *q->prefix) {
		const char *s = q->prefix;

		while (*s == '/')
			s++;
		buf_addstr(&base, s);
		while (base.len && base.data[base.len - 1] == '/')
			buf_truncate(&base, base.len - 1);
		if (base.len)
			buf_addch(&base, '/');
	}
	buf_addstr(&base, "AWSLogs/");
	if ((rc = list_prefixes(&accounts, c, q, base.data, err)))
		goto out;
	for (size_t a = 0; a < accounts.n && !rc; a++) {
		int hive = strstr(accounts.v[a] + base.len, "aws-account-id=") != NULL;

		strlist_release(&regions);
		buf_reset(&p);
		buf_addf(&p, "%s%s", accounts.v[a],
		         hive ? "aws-service=vpcflowlogs/" : "vpcflowlogs/");
		if ((rc = list_prefixes(&regions, c, q, p.data, err)))
			break;
		for (size_t r = 0; r < regions.n && !rc; r++) {
			segment(regions.v[r], name, sizeof(name));
			if (q->regions && q->regions->n && !strlist_has(q->regions, name))
				continue;
			for (int64_t day = first; day <= hi && !rc; day += 86400) {
				int y, mo, d, h, mi, s;

				timerange_to_civil(day, &y, &mo, &d, &h, &mi, &s);
				buf_reset(&p);
				if (hive)
					buf_addf(&p, "%syear=%04d/month=%02d/day=%02d/",
					         regions.v[r], y, mo, d);
				else
					buf_addf(&p, "%s%04d/%02d/%02d/", regions.v[r], y, mo, d);
				rc = list_day(out, c, q, p.data, day, lo, hi, err);
			}
		}
	}
	if (!rc && out->n)
		qsort(out->v, out->n, sizeof(*out->v), key_cmp);
out:
	if (rc)
		strlist_release(out);
	strlist_release(&accounts);
	strlist_release(&regions);
	buf_release(&base);
	buf_release(&p);
	return rc;
}

struct object_read {
	struct logreader *r;
	struct aws_error *err;
	int rc;
};

static int on_data(void *ctx, const char *data, size_t len)
{
	struct object_read *o = ctx;

	o->rc = logreader_feed(o->r, data, len, o->err);
	return o->rc;
}

/* Streams one object into the reader. */
static int read_object(struct client *c, const struct logsource_s3 *q, const char *key,
                       struct logreader *r, struct aws_error *err)
{
	struct object_read o = {r, err, 0};
	struct aws_error call_err;
	int rc;

	error_clear(&call_err);
	logreader_begin(r, key);
	rc = s3_get_object_stream(c, q->region, q->bucket, key, on_data, &o, &call_err);
	if (o.rc)
		return o.rc; /* the reader's own failure or stop, err already filled */
	if (rc) {
		*err = call_err;
		return rc;
	}
	return logreader_end(r, err);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int logsource_s3_read(struct client *c, const struct logsource_s3 *q, struct logreader *r,
                      struct aws_error *err)
{
	struct strlist keys;
	int rc = logsource_s3_keys(&keys, c, q, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < keys.n && !rc; i++) {
		if (ends_with(keys.v[i], ".parquet"))
			rc =
			    error_set(err, ERR_INVALID,
			              "'s3://%s/%s' is Parquet; parquet is not supported yet (read "
			              "plain-text flow logs, or query Parquet with Athena)",
			              q->bucket, keys.v[i]);
	}
	for (size_t i = 0; i < keys.n && !rc; i++)
		if (!ends_with(keys.v[i], "/"))
			rc = read_object(c, q, keys.v[i], r, err);
	strlist_release(&keys);
	return rc > 0 ? 0 : rc;
}
