/* The checks of one flow log configuration of a spec. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/xalloc.h"
#include "engine/awsname.h"
#include "engine/logformat.h"
#include "engine/spec_parse.h"
#include "engine/suggest.h"

static const char *const config_keys[] = {
    "resourceType",
    "resourceIds",
    "regions",
    "destination",
    "logGroup",
    "retentionDays",
    "bucket",
    "prefix",
    "fileFormat",
    "hiveCompatiblePartitions",
    "perHourPartition",
    "deliveryStream",
    "logFormat",
    "iamRole",
    "trafficType",
    "maxAggregationInterval",
    "tags",
    NULL,
};

static const char *const resource_types[] = {
    "VPC", "Subnet", "NetworkInterface", "TransitGateway", "TransitGatewayAttachment", NULL,
};
static const char *const destinations[] = {"CloudWatchLogs", "S3", "KinesisFirehose", NULL};
static const char *const destinations_api[] = {"cloud-watch-logs", "s3", "kinesis-data-firehose",
                                               NULL};
static const char *const traffic_types[] = {"ALL", "ACCEPT", "REJECT", NULL};
static const char *const file_formats[] = {"plain-text", "parquet", NULL};

#define MAX_TAGS 50

const char *spec_config_key_path(struct spec_checker *c, const char *key)
{
	buf_reset(&c->kp);
	buf_addstr(&c->kp, c->path);
	if (key)
		jsonpos_path_key(&c->kp, key);
	return c->kp.data;
}

void spec_config_error(struct spec_checker *c, const char *key, enum spec_where where,
                       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	spec_source_verror(c->src, spec_config_key_path(c, key), where, 0, fmt, ap);
	va_end(ap);
}

const char *spec_config_nearest(const char *word, const char *const *names)
{
	const char *near = suggest_nearest(word, names);
	size_t len = strlen(word);

	for (size_t i = 0; !near && len >= 3 && names[i]; i++)
		if (strncasecmp(names[i], word, len) == 0)
			near = names[i];
	return near;
}

const char *spec_config_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "a value";
}

static void join(struct buf *b, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		buf_addf(b, "%s%s", i ? ", " : "", names[i]);
}

const char *spec_config_string(struct spec_checker *c, const char *key, json_t *v)
{
	if (!json_is_string(v)) {
		spec_config_error(c, key, SPEC_AT_VALUE, "must be a string, not %s",
		                  spec_config_kind(v));
		return NULL;
	}
	if (!*json_string_value(v)) {
		spec_config_error(c, key, SPEC_AT_VALUE, "must not be empty");
		return NULL;
	}
	return json_string_value(v);
}

int spec_config_enum(struct spec_checker *c, const char *key, json_t *v, const char *const *names,
                     const char *const *alt, int *out)
{
	const char *s, *near, *all[16];
	struct buf b = BUF_INIT;
	size_t n = 0;

	for (size_t i = 0; names[i]; i++)
		all[n++] = names[i];
	for (size_t i = 0; alt && alt[i]; i++)
		all[n++] = alt[i];
	all[n] = NULL;
	join(&b, names);
	if (!json_is_string(v)) {
		spec_config_error(c, key, SPEC_AT_VALUE, "must be one of %s, not %s", b.data,
		                  spec_config_kind(v));
		goto fail;
	}
	s = json_string_value(v);
	for (int i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0 || (alt && strcmp(s, alt[i]) == 0)) {
			*out = i;
			buf_release(&b);
			return 0;
		}
	near = spec_config_nearest(s, all);
	if (near)
		spec_config_error(c, key, SPEC_AT_VALUE,
		                  "'%s' is not one of %s; did you mean '%s'?", s, b.data, near);
	else
		spec_config_error(c, key, SPEC_AT_VALUE, "'%s' is not one of %s", s, b.data);
fail:
	buf_release(&b);
	return -1;
}

int spec_config_int(struct spec_checker *c, const char *key, json_t *v, long long *out)
{
	double d;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	/* JSON has one kind of number: 30.0 is 30, as in JSON Schema. */
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (d > -1e15 && d < 1e15 && d == (double)(long long)d) {
			*out = (long long)d;
			return 0;
		}
	}
	if (json_is_real(v))
		spec_config_error(c, key, SPEC_AT_VALUE, "must be a whole number, not %g",
		                  json_real_value(v));
	else
		spec_config_error(c, key, SPEC_AT_VALUE, "must be a whole number, not %s",
		                  spec_config_kind(v));
	return -1;
}

int spec_config_bool(struct spec_checker *c, const char *key, json_t *v, int *out)
{
	if (!json_is_boolean(v)) {
		spec_config_error(c, key, SPEC_AT_VALUE, "must be true or false, not %s",
		                  spec_config_kind(v));
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return 1;
	return 0;
}

static void unknown_keys(struct spec_checker *c)
{
	const char *key, *near;
	json_t *v;

	json_object_foreach(c->obj, key, v)
	{
		int known = 0;

		for (size_t i = 0; config_keys[i]; i++)
			known |= strcmp(key, config_keys[i]) == 0;
		if (known)
			continue;
		near = spec_config_nearest(key, config_keys);
		if (near) {
			spec_config_error(c, key, SPEC_AT_KEY,
			                  "unknown key '%s'; did you mean '%s'?", key, near);
		} else {
			struct buf b = BUF_INIT;

			join(&b, config_keys);
			spec_config_error(c, key, SPEC_AT_KEY, "unknown key '%s'; the keys are %s",
			                  key, b.data);
			buf_release(&b);
		}
	}
}

/* The resource type an ID's prefix names, or -1. */
static int type_of_id(const char *id)
{
	if (strncmp(id, "tgw-attach-", 11) == 0)
		return SPEC_TRANSIT_GATEWAY_ATTACHMENT;
	for (int t = SPEC_VPC; t <= SPEC_TRANSIT_GATEWAY; t++) {
		const char *p = spec_resource_id_prefix((enum spec_resource_type)t);

		if (strncmp(id, p, strlen(p)) == 0)
			return t;
	}
	return -1;
}

static void check_resource_ids(struct spec_checker *c, json_t *v, int type, struct spec_config *out)
{
	const char *noun =
	    type >= 0 ? spec_resource_type_noun((enum spec_resource_type)type) : NULL;
	struct buf path = BUF_INIT, why = BUF_INIT;
	size_t i;
	json_t *id;

	if (!json_is_array(v)) {
		spec_config_error(c, "resourceIds", SPEC_AT_VALUE,
		                  "must be a list of IDs, not %s (leave it out for every %s)",
		                  spec_config_kind(v), noun ? noun : "resource");
		return;
	}
	if (!json_array_size(v)) {
		spec_config_error(c, "resourceIds", SPEC_AT_VALUE,
		                  "lists no IDs; leave it out for every %s in each region",
		                  noun ? noun : "resource");
		return;
	}
	json_array_foreach(v, i, id)
	{
		const char *s;
		int t;

		buf_reset(&path);
		buf_reset(&why);
		buf_addstr(&path, spec_config_key_path(c, "resourceIds"));
		jsonpos_path_index(&path, i);
		if (!json_is_string(id)) {
			spec_source_error(c->src, path.data, SPEC_AT_VALUE, 0,
			                  "must be an ID string, not %s", spec_config_kind(id));
			continue;
		}
		s = json_string_value(id);
		t = type_of_id(s);
		if (type >= 0 && t >= 0 && t != type)
			spec_source_error(c->src, path.data, SPEC_AT_VALUE, 0,
			                  "'%s' is a %s ID, but resourceType is %s (%s IDs begin "
			                  "with '%s')",
			                  s, spec_resource_type_noun((enum spec_resource_type)t),
			                  resource_types[type], noun,
			                  spec_resource_id_prefix((enum spec_resource_type)type));
		else if (type < 0 && t < 0)
			spec_source_error(
			    c->src, path.data, SPEC_AT_VALUE, 0,
			    "'%s' is not a resource ID: IDs begin with vpc-, subnet-, "
			    "eni-, tgw- or tgw-attach-",
			    s);
		else if (awsname_ec2_id(s,
		                        spec_resource_id_prefix(
		                            (enum spec_resource_type)(type >= 0 ? type : t)),
		                        &why) < 0)
			spec_source_error(
			    c->src, path.data, SPEC_AT_VALUE, 0, "'%s' is not a %s ID: %s", s,
			    noun ? noun : spec_resource_type_noun((enum spec_resource_type)t),
			    why.data);
		else if (strlist_has(&out->resource_ids, s))
			spec_source_error(c->src, path.data, SPEC_AT_VALUE, 0,
			                  "'%s' is listed twice", s);
		else
			strlist_add(&out->resource_ids, s);
	}
	buf_release(&path);
	buf_release(&why);
}

static void check_regions(struct spec_checker *c, json_t *v, struct spec_config *out)
{
	struct buf path = BUF_INIT, why = BUF_INIT;
	size_t i;
	json_t *r;

	if (json_is_string(v) && strcmp(json_string_value(v), "all") == 0) {
		out->regions_kind = SPEC_REGIONS_ALL;
		return;
	}
	if (json_is_string(v)) {
		spec_config_error(c, "regions", SPEC_AT_VALUE,
		                  "must be \"all\" or a list of region names, such as [\"%s\"]",
		                  json_string_value(v));
		return;
	}
	if (!json_is_array(v)) {
		spec_config_error(c, "regions", SPEC_AT_VALUE,
		                  "must be \"all\" or a list of region names, not %s",
		                  spec_config_kind(v));
		return;
	}
	if (!json_array_size(v)) {
		spec_config_error(c, "regions", SPEC_AT_VALUE,
		                  "lists no regions; leave it out for the configured region, or "
		                  "write \"all\"");
		return;
	}
	out->regions_kind = SPEC_REGIONS_LIST;
	json_array_foreach(v, i, r)
	{
		const char *s;

		buf_reset(&path);
		buf_reset(&why);
		buf_addstr(&path, spec_config_key_path(c, "regions"));
		jsonpos_path_index(&path, i);
		s = json_is_string(r) ? json_string_value(r) : NULL;
		if (!s)
			spec_source_error(c->src, path.data, SPEC_AT_VALUE, 0,
			                  "must be a region name, not %s", spec_config_kind(r));
		else if (strcmp(s, "all") == 0)
			spec_source_error(c->src, path.data, SPEC_AT_VALUE, 0,
			                  "'all' stands alone: write \"regions\": \"all\"");
		else if (awsname_region(s, &why) < 0)
			spec_source_error(c->src, path.data, SPEC_AT_VALUE, 0,
			                  "'%s' is not a region name: %s", s, why.data);
		else if (strlist_has(&out->regions, s))
			spec_source_error(c->src, path.data, SPEC_AT_VALUE, 0,
			                  "'%s' is listed twice", s);
		else
			strlist_add(&out->regions, s);
	}
	buf_release(&path);
	buf_release(&why);
}

static void check_log_format(struct spec_checker *c, json_t *v, int type, struct spec_config *out)
{
	struct logformat_errors errs = LOGFORMAT_ERRORS_INIT;
	struct logformat f = LOGFORMAT_INIT;
	struct buf b = BUF_INIT;
	unsigned scope;

	if (!json_is_string(v)) {
		spec_config_error(c, "logFormat", SPEC_AT_VALUE,
		                  "must be a string (\"default\" or field names), not %s",
		                  spec_config_kind(v));
		return;
	}
	/* Without a resource type, check the fields of both kinds of flow log. */
	scope = type >= 0 ? spec_logformat_scope((enum spec_resource_type)type)
	                  : LOGFORMAT_VPC | LOGFORMAT_TGW;
	if (logformat_parse(&f, json_string_value(v), scope, &errs) < 0) {
		for (size_t i = 0; i < errs.n; i++)
			spec_source_error(c->src, spec_config_key_path(c, "logFormat"),
			                  SPEC_AT_STRING_BYTE, errs.v[i].offset, "%s",
			                  errs.v[i].message);
	} else {
		logformat_render(&f, &b);
		free(out->log_format);
		out->log_format = buf_detach(&b, NULL);
	}
	logformat_release(&f);
	logformat_errors_release(&errs);
}

static void check_tags(struct spec_checker *c, json_t *v, struct spec_config *out)
{
	struct buf path = BUF_INIT;
	const char *key;
	json_t *val;

	if (!json_is_object(v)) {
		spec_config_error(c, "tags", SPEC_AT_VALUE,
		                  "must be an object of tag names and string values, not %s",
		                  spec_config_kind(v));
		return;
	}
	if (json_object_size(v) > MAX_TAGS) {
		spec_config_error(c, "tags", SPEC_AT_VALUE, "holds %zu tags; AWS allows at most %d",
		                  json_object_size(v), MAX_TAGS);
		return;
	}
	json_object_foreach(v, key, val)
	{
		buf_reset(&path);
		buf_addstr(&path, spec_config_key_path(c, "tags"));
		jsonpos_path_key(&path, key);
		if (!*key || utf8_length(key) > 128 || has_control(key))
			spec_source_error(c->src, path.data, SPEC_AT_KEY, 0,
			                  "tag keys are 1 to 128 characters, without control "
			                  "characters");
		else if (strncasecmp(key, "aws:", 4) == 0)
			spec_source_error(c->src, path.data, SPEC_AT_KEY, 0,
			                  "tag keys beginning with 'aws:' are reserved for AWS");
		else if (!json_is_string(val))
			spec_source_error(c->src, path.data, SPEC_AT_VALUE, 0,
			                  "tag values must be strings, not %s",
			                  spec_config_kind(val));
		else if (utf8_length(json_string_value(val)) > 256 ||
		         has_control(json_string_value(val)))
			spec_source_error(c->src, path.data, SPEC_AT_VALUE, 0,
			                  "tag values are at most 256 characters, without control "
			                  "characters");
		else {
			ALLOC_GROW(out->tags, out->n_tags + 1, out->alloc_tags);
			out->tags[out->n_tags].key = xstrdup(key);
			out->tags[out->n_tags].value = xstrdup(json_string_value(val));
			out->n_tags++;
		}
	}
	buf_release(&path);
}

static void check_traffic(struct spec_checker *c, int type, struct spec_config *out)
{
	json_t *v;
	long long secs;
	int i, transit = type >= 0 && spec_is_transit((enum spec_resource_type)type);

	out->traffic_type = SPEC_TRAFFIC_ALL;
	if ((v = json_object_get(c->obj, "trafficType")) &&
	    spec_config_enum(c, "trafficType", v, traffic_types, NULL, &i) == 0) {
		if (transit && i != SPEC_TRAFFIC_ALL)
			spec_config_error(
			    c, "trafficType", SPEC_AT_VALUE,
			    "transit gateway flow logs record all traffic; use ALL or leave "
			    "trafficType out");
		else
			out->traffic_type = (enum spec_traffic_type)i;
	}
	out->max_aggregation_interval = transit ? 60 : 600;
	if (!(v = json_object_get(c->obj, "maxAggregationInterval")) ||
	    spec_config_int(c, "maxAggregationInterval", v, &secs) < 0)
		return;
	if (secs != 60 && secs != 600)
		spec_config_error(c, "maxAggregationInterval", SPEC_AT_VALUE,
		                  "%lld is not 60 or 600 (seconds)", secs);
	else if (transit && secs != 60)
		spec_config_error(
		    c, "maxAggregationInterval", SPEC_AT_VALUE,
		    "transit gateway flow logs aggregate over 60 seconds; use 60 or leave "
		    "maxAggregationInterval out");
	else
		out->max_aggregation_interval = (int)secs;
}

int spec_config_parse(struct spec_config *out, json_t *obj, const char *path,
                      struct spec_source *src)
{
	struct spec_checker c = {src, obj, path, BUF_INIT};
	size_t before = src->errs->n;
	const struct jsonpos_entry *where = jsonpos_find(&src->index, path);
	int type = -1, dest = SPEC_CLOUDWATCH_LOGS, dest_ok = 1;
	json_t *v;

	memset(out, 0, sizeof(*out));
	out->line = where ? where->line : 1;
	out->column = where ? where->column : 1;
	if (!json_is_object(obj)) {
		spec_config_error(
		    &c, NULL, SPEC_AT_VALUE,
		    "must be an object with resourceType, destination and the other keys of one "
		    "flow log configuration, not %s",
		    spec_config_kind(obj));
		goto out;
	}
	unknown_keys(&c);
	if (!(v = json_object_get(obj, "resourceType")))
		spec_config_error(
		    &c, NULL, SPEC_AT_VALUE,
		    "resourceType is missing: it is one of VPC, Subnet, NetworkInterface, "
		    "TransitGateway, TransitGatewayAttachment");
	else if (spec_config_enum(&c, "resourceType", v, resource_types, NULL, &type) == 0)
		out->resource_type = (enum spec_resource_type)type;
	if ((v = json_object_get(obj, "destination")))
		dest_ok = spec_config_enum(&c, "destination", v, destinations, destinations_api,
		                           &dest) == 0;
	out->destination = (enum spec_destination)dest;

	if ((v = json_object_get(obj, "resourceIds")))
		check_resource_ids(&c, v, type, out);
	if ((v = json_object_get(obj, "regions")))
		check_regions(&c, v, out);
	if (dest_ok)
		spec_destination_check(&c, out);
	if (type >= 0)
		out->log_format =
		    xstrdup(logformat_default(spec_logformat_scope((enum spec_resource_type)type)));
	if ((v = json_object_get(obj, "logFormat")))
		check_log_format(&c, v, type, out);
	check_traffic(&c, type, out);
	if ((v = json_object_get(obj, "tags")))
		check_tags(&c, v, out);
out:
	buf_release(&c.kp);
	if (src->errs->n > before) {
		spec_config_release(out);
		return -1;
	}
	return 0;
}

void spec_config_release(struct spec_config *c)
{
	strlist_release(&c->resource_ids);
	strlist_release(&c->regions);
	free(c->log_group);
	free(c->iam_role);
	free(c->bucket);
	free(c->prefix);
	free(c->delivery_stream);
	free(c->log_format);
	for (size_t i = 0; i < c->n_tags; i++) {
		free(c->tags[i].key);
		free(c->tags[i].value);
	}
	free(c->tags);
	memset(c, 0, sizeof(*c));
}

static json_t *string_list(const struct strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

json_t *spec_config_to_json(const struct spec_config *c)
{
	json_t *o = json_object(), *tags = json_object();

	json_object_set_new(o, "resourceType", json_string(resource_types[c->resource_type]));
	if (c->resource_ids.n)
		json_object_set_new(o, "resourceIds", string_list(&c->resource_ids));
	if (c->regions_kind == SPEC_REGIONS_ALL)
		json_object_set_new(o, "regions", json_string("all"));
	else if (c->regions_kind == SPEC_REGIONS_LIST)
		json_object_set_new(o, "regions", string_list(&c->regions));
	json_object_set_new(o, "destination", json_string(destinations[c->destination]));
	switch (c->destination) {
	case SPEC_CLOUDWATCH_LOGS:
		json_object_set_new(o, "logGroup", json_string(c->log_group));
		json_object_set_new(o, "retentionDays", json_integer(c->retention_days));
		json_object_set_new(o, "iamRole", json_string(c->iam_role));
		break;
	case SPEC_S3:
		json_object_set_new(o, "bucket", json_string(c->bucket));
		if (c->prefix)
			json_object_set_new(o, "prefix", json_string(c->prefix));
		json_object_set_new(o, "fileFormat", json_string(file_formats[c->file_format]));
		json_object_set_new(o, "hiveCompatiblePartitions",
		                    json_boolean(c->hive_compatible_partitions));
		json_object_set_new(o, "perHourPartition", json_boolean(c->per_hour_partition));
		json_object_set_new(o, "retentionDays", json_integer(c->retention_days));
		break;
	case SPEC_KINESIS_FIREHOSE:
		json_object_set_new(o, "deliveryStream", json_string(c->delivery_stream));
		break;
	}
	json_object_set_new(o, "logFormat", json_string(c->log_format));
	if (!spec_is_transit(c->resource_type))
		json_object_set_new(o, "trafficType", json_string(traffic_types[c->traffic_type]));
	json_object_set_new(o, "maxAggregationInterval", json_integer(c->max_aggregation_interval));
	for (size_t i = 0; i < c->n_tags; i++)
		json_object_set_new(tags, c->tags[i].key, json_string(c->tags[i].value));
	json_object_set_new(o, "tags", tags);
	return o;
}
