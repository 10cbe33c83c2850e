/* AWS naming rules. */
#include "engine/awsname.h"

#include <stdlib.h>
#include <string.h>

#include "aws/xalloc.h"

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_lower(c) || is_digit(c) || (c >= 'A' && c <= 'Z');
}

static int has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Whether every character of s is alphanumeric or in extra. */
static int only(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!is_alnum(*s) && !strchr(extra, *s))
			return 0;
	return 1;
}

/* "192.168.5.4": four dot-separated groups of digits. */
static int looks_like_ip(const char *s)
{
	int groups = 0;

	while (*s) {
		if (!is_digit(*s))
			return 0;
		while (is_digit(*s))
			s++;
		groups++;
		if (*s == '.')
			s++;
		else if (*s)
			return 0;
	}
	return groups == 4;
}

static int reject(struct buf *why, const char *rule)
{
	buf_addstr(why, rule);
	return -1;
}

int awsname_bucket(const char *name, struct buf *why)
{
	static const char *const bad_prefixes[] = {"xn--", "sthree-", "amzn-s3-demo-", NULL};
	static const char *const bad_suffixes[] = {"-s3alias", "--ol-s3",    ".mrap",
	                                           "--x-s3",   "--table-s3", NULL};
	size_t n = strlen(name);

	if (n < 3 || n > 63)
		return reject(why, "bucket names are 3 to 63 characters long");
	for (const char *p = name; *p; p++)
		if (!is_lower(*p) && !is_digit(*p) && *p != '.' && *p != '-')
			return reject(why, "bucket names hold only lowercase letters, digits, dots "
			                   "and hyphens");
	if (!is_alnum(name[0]) || !is_alnum(name[n - 1]))
		return reject(why, "bucket names begin and end with a letter or digit");
	if (strstr(name, ".."))
		return reject(why, "bucket names may not hold two dots in a row");
	if (looks_like_ip(name))
		return reject(why, "bucket names may not look like an IP address");
	for (int i = 0; bad_prefixes[i]; i++)
		if (has_prefix(name, bad_prefixes[i])) {
			buf_addf(why, "bucket names may not begin with '%s'", bad_prefixes[i]);
			return -1;
		}
	for (int i = 0; bad_suffixes[i]; i++)
		if (has_suffix(name, bad_suffixes[i])) {
			buf_addf(why, "bucket names may not end with '%s'", bad_suffixes[i]);
			return -1;
		}
	return 0;
}

int awsname_log_group(const char *name, struct buf *why)
{
	size_t n = strlen(name);

	if (n < 1 || n > 512)
		return reject(why, "log group names are 1 to 512 characters long");
	if (!only(name, "_-/.#"))
		return reject(why, "log group names hold only letters, digits and _ - / . #");
	if (has_prefix(name, "aws/"))
		return reject(why, "log group names may not begin with 'aws/' (reserved by AWS)");
	return 0;
}

int awsname_role(const char *name, struct buf *why)
{
	size_t n = strlen(name);

	if (n < 1 || n > 64)
		return reject(why, "role names are 1 to 64 characters long");
	if (!only(name, "+=,.@_-"))
		return reject(why, "role names hold only letters, digits and + = , . @ _ -");
	return 0;
}

int awsname_firehose_stream(const char *name, struct buf *why)
{
	size_t n = strlen(name);

	if (n < 1 || n > 64)
		return reject(why, "delivery stream names are 1 to 64 characters long");
	if (!only(name, "_.-"))
		return reject(why, "delivery stream names hold only letters, digits and _ . -");
	return 0;
}

int awsname_region(const char *name, struct buf *why)
{
	const char *p = name;
	int parts = 0;

	/* [a-z]{2}(-[a-z]+)+-[0-9]{1,2} */
	if (!is_lower(p[0]) || !is_lower(p[1]))
		goto bad;
	p += 2;
	while (p[0] == '-' && is_lower(p[1])) {
		p++;
		while (is_lower(*p))
			p++;
		parts++;
	}
	if (!parts || p[0] != '-' || !is_digit(p[1]))
		goto bad;
	p += 2;
	if (is_digit(*p))
		p++;
	if (!*p)
		return 0;
bad:
	return reject(why, "region names look like 'us-east-1'");
}

int awsname_ec2_id(const char *id, const char *prefix, struct buf *why)
{
	size_t n;

	if (!has_prefix(id, prefix))
		goto bad;
	id += strlen(prefix);
	n = strlen(id);
	if (n != 8 && n != 17)
		goto bad;
	for (; *id; id++)
		if (!is_digit(*id) && !(*id >= 'a' && *id <= 'f'))
			goto bad;
	return 0;
bad:
	buf_addf(why, "expected '%s' followed by 8 or 17 lowercase hex digits", prefix);
	return -1;
}

int awsname_partition(const char *name)
{
	/* aws(-[a-z]+)*: aws, aws-cn, aws-us-gov, aws-iso-b, ... */
	if (!has_prefix(name, "aws"))
		return 0;
	for (name += 3; *name;) {
		if (*name++ != '-' || !is_lower(*name))
			return 0;
		while (is_lower(*name))
			name++;
	}
	return 1;
}

int awsname_arn_parse(struct awsname_arn *out, const char *s)
{
	char *fields[6], *p;

	memset(out, 0, sizeof(*out));
	if (!has_prefix(s, "arn:"))
		return -1;
	out->copy = xstrdup(s);
	p = out->copy;
	for (int i = 0; i < 5; i++) {
		char *colon = strchr(p, ':');

		if (!colon) {
			awsname_arn_release(out);
			return -1;
		}
		*colon = '\0';
		fields[i] = p;
		p = colon + 1;
	}
	fields[5] = p;
	if (!awsname_partition(fields[1]) || !*fields[2] || !*fields[5]) {
		awsname_arn_release(out);
		return -1;
	}
	out->partition = fields[1];
	out->service = fields[2];
	out->region = fields[3];
	out->account = fields[4];
	out->resource = fields[5];
	return 0;
}

void awsname_arn_release(struct awsname_arn *arn)
{
	free(arn->copy);
	memset(arn, 0, sizeof(*arn));
}
