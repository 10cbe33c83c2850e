/* --where conditions: parsing, matching, and what CloudWatch can filter. */
#include "engine/where.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/buf.h"
#include "aws/error.h"
#include "aws/xalloc.h"
#include "engine/suggest.h"

#define ALLOWED                                                                                    \
	"use FIELD=VALUE or FIELD!=VALUE with a field of the log format: action=REJECT, "          \
	"srcaddr=10.0.0.0/8 (a CIDR on address fields), dstport=1024-65535 (a range on numbers), " \
	"protocol=tcp"

static const struct {
	const char *alias, *field;
} aliases[] = {
    {"src", "srcaddr"},          {"dst", "dstaddr"},    {"interface", "interface-id"},
    {"instance", "instance-id"}, {"vpc", "vpc-id"},     {"subnet", "subnet-id"},
    {"account", "account-id"},   {"proto", "protocol"},
};

static const struct logformat_field *find_field(const char *name)
{
	const struct logformat_field *f = logformat_field(name);

	for (size_t i = 0; !f && i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].alias, name) == 0)
			f = logformat_field(aliases[i].field);
	return f;
}

static int unknown_field(const char *expr, const char *name, struct aws_error *err)
{
	const char **names = xcalloc(logformat_field_count + 1, sizeof(*names));
	const char *near;
	int rc;

	for (size_t i = 0; i < logformat_field_count; i++)
		names[i] = logformat_fields[i].name;
	near = suggest_nearest(name, names);
	if (near)
		rc = error_set(err, ERR_INVALID,
		               "--where '%s': unknown field '%s'; did you mean '%s'? (" ALLOWED ")",
		               expr, name, near);
	else
		rc = error_set(err, ERR_INVALID, "--where '%s': unknown field '%s' (" ALLOWED ")",
		               expr, name);
	free(names);
	return rc;
}

/* A decimal number that fills s; -1 otherwise. */
static int parse_number(const char *s, size_t len, uint64_t *out)
{
	struct record_value v = {s, (uint32_t)len};

	if (len == 0 || (len == 1 && *s == '-'))
		return -1;
	return record_u64(&v, out) == 0 ? 0 : -1;
}

/* "N" or "LO-HI". */
static int parse_range(const char *s, uint64_t *lo, uint64_t *hi)
{
	const char *dash = strchr(s, '-');

	if (!dash)
		return parse_number(s, strlen(s), lo) < 0 ? -1 : (*hi = *lo, 0);
	if (parse_number(s, (size_t)(dash - s), lo) < 0 ||
	    parse_number(dash + 1, strlen(dash + 1), hi) < 0 || *lo > *hi)
		return -1;
	return 0;
}

static int parse_cidr(const char *s, struct record_addr *addr, int *bits)
{
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	struct record_value v = {s, (uint32_t)len};
	uint64_t n;

	if (record_addr_parse(&v, addr) != 0)
		return -1;
	if (!slash) {
		*bits = 128;
		return 0;
	}
	if (parse_number(slash + 1, strlen(slash + 1), &n) < 0 || n > (addr->v4 ? 32u : 128u))
		return -1;
	*bits = (int)n + (addr->v4 ? 96 : 0);
	/* Clear host bits so that comparisons are by prefix only. */
	for (int i = *bits; i < 128; i++)
		addr->b[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	return 0;
}

static int bad_value(const char *expr, const struct logformat_field *f, struct aws_error *err)
{
	struct buf allowed = BUF_INIT;
	int rc;

	switch (f->type) {
	case LOGFORMAT_ADDR:
		buf_addstr(&allowed, "an address or a CIDR (10.0.0.5, 10.0.0.0/8, 2001:db8::/32)");
		break;
	case LOGFORMAT_PORT:
		buf_addstr(&allowed, "a port or a range (443, 1024-65535)");
		break;
	case LOGFORMAT_TIME:
		buf_addstr(&allowed, "seconds since the epoch or a range of them");
		break;
	case LOGFORMAT_INT:
		if (strcmp(f->name, "protocol") == 0)
			buf_addstr(&allowed, "a protocol number or name (6, tcp, udp, icmp, ...)");
		else
			buf_addstr(&allowed, "a whole number or a range (10, 10-20)");
		break;
	case LOGFORMAT_ENUM:
		buf_addstr(&allowed, "one of");
		for (size_t i = 0; f->values && f->values[i]; i++)
			buf_addf(&allowed, "%s %s", i ? "," : "", f->values[i]);
		break;
	case LOGFORMAT_STRING:
		buf_addstr(&allowed, "a value");
		break;
	}
	rc = error_set(err, ERR_INVALID, "--where '%s': %s takes %s, or - for no value", expr,
	               f->name, allowed.data);
	buf_release(&allowed);
	return rc;
}

/* Reads value into c by the field's type. */
static int parse_value(struct where_cond *c, const char *expr, const char *value,
                       struct aws_error *err)
{
	const struct logformat_field *f = c->field;
	int proto;

	if (strcmp(value, "-") == 0) {
		c->kind = WHERE_MISSING;
		return 0;
	}
	switch (f->type) {
	case LOGFORMAT_ADDR:
		c->kind = WHERE_CIDR;
		return parse_cidr(value, &c->addr, &c->bits) < 0 ? bad_value(expr, f, err) : 0;
	case LOGFORMAT_INT:
	case LOGFORMAT_PORT:
	case LOGFORMAT_TIME:
		c->kind = WHERE_RANGE;
		if (strcmp(f->name, "protocol") == 0 &&
		    (proto = record_protocol_number(value)) >= 0) {
			c->lo = c->hi = (uint64_t)proto;
			return 0;
		}
		if (parse_range(value, &c->lo, &c->hi) < 0 ||
		    (f->type == LOGFORMAT_PORT && c->hi > 65535))
			return bad_value(expr, f, err);
		return 0;
	case LOGFORMAT_ENUM:
		c->kind = WHERE_TEXT;
		for (size_t i = 0; f->values && f->values[i]; i++) {
			if (strcasecmp(f->values[i], value) == 0) {
				free(c->text);
				c->text = xstrdup(f->values[i]);
				c->text_len = strlen(c->text);
				return 0;
			}
		}
		return bad_value(expr, f, err);
	case LOGFORMAT_STRING:
		c->kind = WHERE_TEXT;
		return *value ? 0 : bad_value(expr, f, err);
	}
	return bad_value(expr, f, err);
}

int where_add(struct where *w, const char *expr, struct aws_error *err)
{
	struct where_cond c;
	const char *eq = strchr(expr, '='), *name_end;
	char *name = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	if (!eq || eq == expr || (eq == expr + 1 && expr[0] == '!'))
		return error_set(err, ERR_INVALID, "--where '%s' is not a condition: " ALLOWED,
		                 expr);
	name_end = eq;
	if (eq[-1] == '!') {
		c.negate = 1;
		name_end--;
	}
	while (name_end > expr && name_end[-1] == ' ')
		name_end--;
	while (*expr == ' ' && expr < name_end)
		expr++;
	name = xstrndup(expr, (size_t)(name_end - expr));
	c.field = find_field(name);
	if (!c.field) {
		rc = unknown_field(expr, name, err);
		free(name);
		return rc;
	}
	free(name);
	c.reg = (size_t)(c.field - logformat_fields);
	eq++;
	while (*eq == ' ')
		eq++;
	c.text = xstrdup(eq);
	c.text_len = strlen(c.text);
	while (c.text_len && c.text[c.text_len - 1] == ' ')
		c.text[--c.text_len] = '\0';
	if (!c.text_len) {
		free(c.text);
		return bad_value(expr, c.field, err);
	}
	if ((rc = parse_value(&c, expr, c.text, err)) < 0) {
		free(c.text);
		return rc;
	}
	ALLOC_GROW(w->v, w->n + 1, w->alloc);
	w->v[w->n++] = c;
	return 0;
}

void where_release(struct where *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].text);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* Whether a present value meets c (not counting negation). */
static int value_meets(const struct where_cond *c, const struct record_value *v)
{
	uint64_t n;
	struct record_addr a;

	switch (c->kind) {
	case WHERE_MISSING:
		return record_missing(v);
	case WHERE_TEXT:
		if (c->field->type == LOGFORMAT_ENUM)
			return v->len == c->text_len && strncasecmp(v->s, c->text, v->len) == 0;
		return v->len == c->text_len && memcmp(v->s, c->text, v->len) == 0;
	case WHERE_RANGE:
		return record_u64(v, &n) == 0 && n >= c->lo && n <= c->hi;
	case WHERE_CIDR:
		if (record_addr_parse(v, &a) != 0)
			return 0;
		for (int i = 0; i < c->bits; i += 8) {
			unsigned char mask =
			    c->bits - i >= 8 ? 0xff : (unsigned char)(0xff00u >> (c->bits - i));

			if ((a.b[i / 8] & mask) != c->addr.b[i / 8])
				return 0;
		}
		return 1;
	}
	return 0;
}

int where_match(const struct where *w, const struct record *r)
{
	static const struct record_value none = {"-", 1};

	for (size_t i = 0; i < w->n; i++) {
		const struct where_cond *c = &w->v[i];
		const struct record_value *v = record_at(r, r->layout->pos[c->reg]);
		int meets;

		if (!v)
			v = &none;
		if (c->kind != WHERE_MISSING && record_missing(v))
			meets = 0;
		else
			meets = value_meets(c, v);
		if (meets == c->negate)
			return 0;
	}
	return 1;
}

/* The condition on column reg that CloudWatch can say, or NULL. */
static const struct where_cond *expressible(const struct where *w, size_t reg)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct where_cond *c = &w->v[i];

		if (c->reg != reg)
			continue;
		if (c->kind == WHERE_TEXT && !strpbrk(c->text, "\"\\*"))
			return c;
		if (c->kind == WHERE_CIDR && c->bits == 128 && c->addr.v4 && !c->negate)
			return c;
		if (c->kind == WHERE_RANGE && c->lo == c->hi && !c->negate)
			return c;
	}
	return NULL;
}

void where_filter_pattern(const struct where *w, const struct record_layout *layout,
                          struct buf *out)
{
	struct buf b = BUF_INIT;
	int any = 0;

	buf_addch(&b, '[');
	for (size_t i = 0; i < layout->n; i++) {
		const struct logformat_field *f = layout->fields[i];
		const struct where_cond *c;
		char addr[46];

		if (!f) {
			buf_release(&b);
			return;
		}
		if (i)
			buf_addstr(&b, ", ");
		for (const char *p = f->name; *p; p++)
			buf_addch(&b, *p == '-' ? '_' : *p);
		c = expressible(w, (size_t)(f - logformat_fields));
		if (!c)
			continue;
		any = 1;
		buf_addstr(&b, c->negate ? "!=" : "=");
		if (c->kind == WHERE_TEXT) {
			buf_addf(&b, "\"%s\"", c->text);
		} else if (c->kind == WHERE_CIDR) {
			record_addr_format(&c->addr, addr);
			buf_addf(&b, "\"%s\"", addr);
		} else {
			buf_addf(&b, "%llu", (unsigned long long)c->lo);
		}
	}
	buf_addch(&b, ']');
	if (any)
		buf_add(out, b.data, b.len);
	buf_release(&b);
}
