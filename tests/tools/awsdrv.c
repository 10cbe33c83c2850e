/* awsdrv: every typed call of aws/ec2.h, iam.h, sts.h, logs.h, s3.h and org.h
 * as a subcommand, for the integration tests:
 *
 *   awsdrv SERVICE COMMAND [ARG...] [--region R] [--NAME VALUE]...
 *
 * Results go to stdout as JSON (FilterLogEvents: one JSON object a line, as
 * the events stream in; GetObject: the raw bytes; get-object-stream: the raw
 * bytes, or with --out FILE the bytes in FILE and a JSON summary of the
 * chunks on stdout, failure or not). A failure prints one line
 * "error: <Operation: AwsCode: message>" on stderr and exits 1. Lookups of
 * something absent (ERR_NOT_FOUND) print {"absent": true, "error": "..."} and
 * exit 0. Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, the endpoint from AWS_ENDPOINT_URL, the retry backoff
 * base from VPCFLOW_RETRY_BASE_MS (so that tests need not wait). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/creds.h"
#include "aws/ec2.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/iam.h"
#include "aws/logs.h"
#include "aws/org.h"
#include "aws/s3.h"
#include "aws/sts.h"
#include "aws/xalloc.h"

/* One invocation: the parsed command line and the client. Options are kept
 * as "name" -> every value given, in order. */
struct drv {
	struct client *client;
	struct client *unsigned_client;
	const char *region;
	char **pos;
	int n_pos;
	struct strlist opt_names, opt_values;
	struct aws_error err;
};

/* Every value of --name, in order, into out (borrowed strings). */
static size_t opt_all(const struct drv *d, const char *name, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < d->opt_names.n && n < max; i++)
		if (strcmp(d->opt_names.v[i], name) == 0)
			out[n++] = d->opt_values.v[i];
	return n;
}

/* The last value of --name, or NULL. */
static const char *opt(const struct drv *d, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < d->opt_names.n; i++)
		if (strcmp(d->opt_names.v[i], name) == 0)
			v = d->opt_values.v[i];
	return v;
}

static long long opt_long(const struct drv *d, const char *name)
{
	const char *v = opt(d, name);

	return v ? strtoll(v, NULL, 10) : 0;
}

/* The --tag KEY=VALUE options. */
static void opt_tags(const struct drv *d, struct tag_list *out)
{
	const char *v[64];
	size_t n = opt_all(d, "tag", v, 64);

	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(v[i], '=');
		char *key = xstrndup(v[i], eq ? (size_t)(eq - v[i]) : strlen(v[i]));

		tag_list_add(out, key, eq ? eq + 1 : "");
		free(key);
	}
}

/* Reads a whole file (owned), or NULL. */
static char *read_file(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jtags(const struct tag_list *t)
{
	return tag_list_to_json(t);
}

/* Prints j (stolen) and returns 0. */
static int print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	puts(s ? s : "null");
	free(s);
	json_decref(j);
	return 0;
}

/* The --filter NAME=V1,V2 options as EC2 filters; values live in vals. */
static size_t ec2_filters(const struct drv *d, struct ec2_filter *out, struct strlist *vals,
                          size_t max)
{
	const char *v[16];
	size_t n = opt_all(d, "filter", v, max < 16 ? max : 16), start[16], count[16];

	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(v[i], '=');

		strlist_add_owned(vals, xstrndup(v[i], eq ? (size_t)(eq - v[i]) : strlen(v[i])));
		start[i] = vals->n;
		strlist_split(vals, eq ? eq + 1 : "", ',');
		count[i] = vals->n - start[i];
	}
	for (size_t i = 0; i < n; i++) {
		out[i].name = vals->v[start[i] - 1];
		out[i].values = (const char *const *)vals->v + start[i];
		out[i].n_values = count[i];
	}
	return n;
}

static int cmd_describe_regions(struct drv *d)
{
	struct strlist names;
	struct ec2_region_list regions;
	json_t *j = json_object(), *a = json_array();
	int rc;

	if ((rc = ec2_describe_regions(&names, d->client, d->region, &d->err)))
		return rc;
	if ((rc = ec2_describe_region_list(&regions, d->client, d->region, &d->err))) {
		strlist_release(&names);
		return rc;
	}
	for (size_t i = 0; i < regions.n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o, s:o}", "RegionName",
		                                   jstr(regions.v[i].region_name), "Endpoint",
		                                   jstr(regions.v[i].endpoint), "OptInStatus",
		                                   jstr(regions.v[i].opt_in_status)));
	json_object_set_new(j, "Regions", a);
	a = json_array();
	for (size_t i = 0; i < names.n; i++)
		json_array_append_new(a, json_string(names.v[i]));
	json_object_set_new(j, "Names", a);
	strlist_release(&names);
	ec2_region_list_release(&regions);
	return print_json(j);
}

/* The Describe commands share one body: filters in, one list out. */
static int cmd_ec2_describe(struct drv *d, const char *what)
{
	struct ec2_filter f[16];
	struct strlist vals = STRLIST_INIT;
	size_t nf = ec2_filters(d, f, &vals, 16);
	json_t *a = json_array();
	int rc = ERR_INVALID;

	if (!strcmp(what, "vpcs")) {
		struct ec2_vpc_list l;

		if (!(rc = ec2_describe_vpcs(&l, d->client, d->region, f, nf, &d->err))) {
			for (size_t i = 0; i < l.n; i++)
				json_array_append_new(
				    a,
				    json_pack("{s:o,s:o,s:o,s:o,s:b,s:o}", "VpcId",
				              jstr(l.v[i].vpc_id), "OwnerId", jstr(l.v[i].owner_id),
				              "CidrBlock", jstr(l.v[i].cidr_block), "State",
				              jstr(l.v[i].state), "IsDefault", l.v[i].is_default,
				              "Tags", jtags(&l.v[i].tags)));
			ec2_vpc_list_release(&l);
		}
	} else if (!strcmp(what, "subnets")) {
		struct ec2_subnet_list l;

		if (!(rc = ec2_describe_subnets(&l, d->client, d->region, f, nf, &d->err))) {
			for (size_t i = 0; i < l.n; i++)
				json_array_append_new(
				    a,
				    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "SubnetId",
				              jstr(l.v[i].subnet_id), "VpcId", jstr(l.v[i].vpc_id),
				              "OwnerId", jstr(l.v[i].owner_id), "AvailabilityZone",
				              jstr(l.v[i].availability_zone), "CidrBlock",
				              jstr(l.v[i].cidr_block), "State", jstr(l.v[i].state),
				              "Tags", jtags(&l.v[i].tags)));
			ec2_subnet_list_release(&l);
		}
	} else if (!strcmp(what, "enis")) {
		struct ec2_eni_list l;

		if (!(rc = ec2_describe_network_interfaces(&l, d->client, d->region, f, nf,
		                                           &d->err))) {
			for (size_t i = 0; i < l.n; i++)
				json_array_append_new(
				    a,
				    json_pack(
				        "{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "NetworkInterfaceId",
				        jstr(l.v[i].network_interface_id), "VpcId",
				        jstr(l.v[i].vpc_id), "SubnetId", jstr(l.v[i].subnet_id),
				        "OwnerId", jstr(l.v[i].owner_id), "InterfaceType",
				        jstr(l.v[i].interface_type), "Description",
				        jstr(l.v[i].description), "Status", jstr(l.v[i].status)));
			ec2_eni_list_release(&l);
		}
	} else if (!strcmp(what, "tgws")) {
		struct ec2_tgw_list l;

		if (!(rc = ec2_describe_transit_gateways(&l, d->client, d->region, f, nf,
		                                         &d->err))) {
			for (size_t i = 0; i < l.n; i++)
				json_array_append_new(
				    a, json_pack("{s:o,s:o,s:o,s:o}", "TransitGatewayId",
				                 jstr(l.v[i].transit_gateway_id), "OwnerId",
				                 jstr(l.v[i].owner_id), "State", jstr(l.v[i].state),
				                 "Tags", jtags(&l.v[i].tags)));
			ec2_tgw_list_release(&l);
		}
	} else if (!strcmp(what, "tgw-attachments")) {
		struct ec2_tgw_attachment_list l;

		if (!(rc = ec2_describe_transit_gateway_attachments(&l, d->client, d->region, f, nf,
		                                                    &d->err))) {
			for (size_t i = 0; i < l.n; i++)
				json_array_append_new(
				    a,
				    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}",
				              "TransitGatewayAttachmentId",
				              jstr(l.v[i].transit_gateway_attachment_id),
				              "TransitGatewayId", jstr(l.v[i].transit_gateway_id),
				              "ResourceType", jstr(l.v[i].resource_type),
				              "ResourceId", jstr(l.v[i].resource_id),
				              "ResourceOwnerId", jstr(l.v[i].resource_owner_id),
				              "State", jstr(l.v[i].state)));
			ec2_tgw_attachment_list_release(&l);
		}
	}
	strlist_release(&vals);
	if (rc) {
		json_decref(a);
		return rc;
	}
	return print_json(a);
}

static int cmd_describe_vpcs(struct drv *d)
{
	return cmd_ec2_describe(d, "vpcs");
}

static int cmd_describe_subnets(struct drv *d)
{
	return cmd_ec2_describe(d, "subnets");
}

static int cmd_describe_enis(struct drv *d)
{
	return cmd_ec2_describe(d, "enis");
}

static int cmd_describe_tgws(struct drv *d)
{
	return cmd_ec2_describe(d, "tgws");
}

static int cmd_describe_tgw_attachments(struct drv *d)
{
	return cmd_ec2_describe(d, "tgw-attachments");
}

static json_t *flow_log_json(const struct ec2_flow_log *f)
{
	json_t *j = json_pack(
	    "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:o}", "FlowLogId",
	    jstr(f->flow_log_id), "ResourceId", jstr(f->resource_id), "TrafficType",
	    jstr(f->traffic_type), "LogDestinationType", jstr(f->log_destination_type),
	    "LogDestination", jstr(f->log_destination), "LogGroupName", jstr(f->log_group_name),
	    "DeliverLogsStatus", jstr(f->deliver_logs_status), "DeliverLogsErrorMessage",
	    jstr(f->deliver_logs_error_message), "DeliverLogsPermissionArn",
	    jstr(f->deliver_logs_permission_arn), "DeliverCrossAccountRole",
	    jstr(f->deliver_cross_account_role), "FlowLogStatus", jstr(f->flow_log_status),
	    "LogFormat", jstr(f->log_format), "CreationTime", jstr(f->creation_time),
	    "MaxAggregationInterval", f->max_aggregation_interval, "Tags", jtags(&f->tags));

	if (f->file_format)
		json_object_set_new(j, "DestinationOptions",
		                    json_pack("{s:s,s:b,s:b}", "FileFormat", f->file_format,
		                              "HiveCompatiblePartitions",
		                              f->hive_compatible_partitions, "PerHourPartition",
		                              f->per_hour_partition));
	return j;
}

static int cmd_describe_flow_logs(struct drv *d)
{
	struct ec2_filter f[16];
	struct strlist vals = STRLIST_INIT;
	size_t nf = ec2_filters(d, f, &vals, 16);
	struct ec2_flow_log_list l;
	json_t *a;
	int rc = ec2_describe_flow_logs(&l, d->client, d->region, f, nf, &d->err);

	strlist_release(&vals);
	if (rc)
		return rc;
	a = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, flow_log_json(&l.v[i]));
	ec2_flow_log_list_release(&l);
	return print_json(a);
}

static json_t *unsuccessful_json(const struct ec2_unsuccessful_list *u)
{
	json_t *a = json_array();

	for (size_t i = 0; i < u->n; i++)
		json_array_append_new(
		    a, json_pack("{s:o,s:o,s:o}", "ResourceId", jstr(u->v[i].resource_id), "Code",
		                 jstr(u->v[i].code), "Message", jstr(u->v[i].message)));
	return a;
}

static int cmd_create_flow_logs(struct drv *d)
{
	struct ec2_flow_log_request req;
	struct ec2_create_flow_logs_result res;
	struct strlist ids = STRLIST_INIT;
	struct tag_list tags = TAG_LIST_INIT;
	json_t *j, *a;
	int rc;

	memset(&req, 0, sizeof(req));
	strlist_split(&ids, opt(d, "resource-ids") ? opt(d, "resource-ids") : "", ',');
	opt_tags(d, &tags);
	req.resource_ids = (const char *const *)ids.v;
	req.n_resource_ids = ids.n;
	req.resource_type = opt(d, "resource-type");
	req.traffic_type = opt(d, "traffic-type");
	req.log_destination_type = opt(d, "log-destination-type");
	req.log_destination = opt(d, "log-destination");
	req.log_group_name = opt(d, "log-group-name");
	req.deliver_logs_permission_arn = opt(d, "deliver-logs-permission-arn");
	req.deliver_cross_account_role = opt(d, "deliver-cross-account-role");
	req.log_format = opt(d, "log-format");
	req.max_aggregation_interval = (int)opt_long(d, "max-aggregation-interval");
	req.file_format = opt(d, "file-format");
	req.destination_options = req.file_format != NULL;
	req.hive_compatible_partitions = opt_long(d, "hive-compatible-partitions") != 0;
	req.per_hour_partition = opt_long(d, "per-hour-partition") != 0;
	req.tags = &tags;
	req.client_token = opt(d, "client-token");
	rc = ec2_create_flow_logs(&res, d->client, d->region, &req, &d->err);
	strlist_release(&ids);
	tag_list_release(&tags);
	if (rc)
		return rc;
	a = json_array();
	for (size_t i = 0; i < res.flow_log_ids.n; i++)
		json_array_append_new(a, json_string(res.flow_log_ids.v[i]));
	j = json_pack("{s:o,s:o,s:o}", "FlowLogIds", a, "Unsuccessful",
	              unsuccessful_json(&res.unsuccessful), "ClientToken", jstr(res.client_token));
	ec2_create_flow_logs_result_release(&res);
	return print_json(j);
}

static int cmd_delete_flow_logs(struct drv *d)
{
	struct ec2_unsuccessful_list u;
	int rc = ec2_delete_flow_logs(&u, d->client, d->region, (const char *const *)d->pos,
	                              (size_t)d->n_pos, &d->err);

	if (rc)
		return rc;
	rc = print_json(json_pack("{s:o}", "Unsuccessful", unsuccessful_json(&u)));
	ec2_unsuccessful_list_release(&u);
	return rc;
}

static json_t *role_json(const struct iam_role *r)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:o}", "Arn", jstr(r->arn), "RoleName",
	                 jstr(r->role_name), "RoleId", jstr(r->role_id), "Path", jstr(r->path),
	                 "AssumeRolePolicyDocument", jstr(r->assume_role_policy_document),
	                 "Description", jstr(r->description), "CreateDate", jstr(r->create_date),
	                 "MaxSessionDuration", r->max_session_duration, "Tags", jtags(&r->tags));
}

static int cmd_get_role(struct drv *d)
{
	struct iam_role r;
	int rc = iam_get_role(&r, d->client, d->region, d->pos[0], &d->err);

	if (rc)
		return rc;
	print_json(role_json(&r));
	iam_role_release(&r);
	return 0;
}

/* Reads the policy file of argument i; ERR_IO when it cannot. */
static int policy_arg(struct drv *d, int i, char **out)
{
	*out = read_file(d->pos[i]);
	if (!*out)
		return error_set(&d->err, ERR_IO, "cannot read '%s'", d->pos[i]);
	return 0;
}

static int cmd_create_role(struct drv *d)
{
	struct iam_role_request req = {d->pos[0], opt(d, "path"), NULL, opt(d, "description"),
	                               NULL};
	struct tag_list tags = TAG_LIST_INIT;
	struct iam_role r;
	char *doc;
	int rc;

	if ((rc = policy_arg(d, 1, &doc)))
		return rc;
	opt_tags(d, &tags);
	req.assume_role_policy_document = doc;
	req.tags = &tags;
	rc = iam_create_role(&r, d->client, d->region, &req, &d->err);
	free(doc);
	tag_list_release(&tags);
	if (rc)
		return rc;
	print_json(role_json(&r));
	iam_role_release(&r);
	return 0;
}

static int cmd_update_assume_role_policy(struct drv *d)
{
	char *doc;
	int rc;

	if ((rc = policy_arg(d, 1, &doc)))
		return rc;
	rc = iam_update_assume_role_policy(d->client, d->region, d->pos[0], doc, &d->err);
	free(doc);
	return rc ? rc : print_json(json_object());
}

static int cmd_get_role_policy(struct drv *d)
{
	char *doc;
	int rc = iam_get_role_policy(&doc, d->client, d->region, d->pos[0], d->pos[1], &d->err);

	if (rc)
		return rc;
	print_json(json_pack("{s:s}", "PolicyDocument", doc));
	free(doc);
	return 0;
}

static int cmd_put_role_policy(struct drv *d)
{
	char *doc;
	int rc;

	if ((rc = policy_arg(d, 2, &doc)))
		return rc;
	rc = iam_put_role_policy(d->client, d->region, d->pos[0], d->pos[1], doc, &d->err);
	free(doc);
	return rc ? rc : print_json(json_object());
}

static int cmd_delete_role_policy(struct drv *d)
{
	int rc = iam_delete_role_policy(d->client, d->region, d->pos[0], d->pos[1], &d->err);

	return rc ? rc : print_json(json_object());
}

static int cmd_tag_role(struct drv *d)
{
	struct tag_list tags = TAG_LIST_INIT;
	int rc;

	opt_tags(d, &tags);
	rc = iam_tag_role(d->client, d->region, d->pos[0], &tags, &d->err);
	tag_list_release(&tags);
	return rc ? rc : print_json(json_object());
}

static int cmd_delete_role(struct drv *d)
{
	int rc = iam_delete_role(d->client, d->region, d->pos[0], &d->err);

	return rc ? rc : print_json(json_object());
}

static int cmd_get_caller_identity(struct drv *d)
{
	struct sts_identity id;
	int rc = sts_get_caller_identity(&id, d->client, d->region, &d->err);

	if (rc)
		return rc;
	print_json(
	    json_pack("{s:s,s:s,s:s}", "Account", id.account, "Arn", id.arn, "UserId", id.user_id));
	sts_identity_release(&id);
	return 0;
}

static int print_creds(struct creds *cr)
{
	print_json(json_pack("{s:s,s:s,s:o,s:I,s:s}", "AccessKeyId", cr->access_key_id,
	                     "SecretAccessKey", cr->secret_access_key, "SessionToken",
	                     jstr(cr->session_token), "ExpiresMs", (json_int_t)cr->expires_ms,
	                     "Source", cr->source));
	creds_release(cr);
	return 0;
}

static int cmd_assume_role(struct drv *d)
{
	struct sts_assume_role_request req = {d->pos[0], d->pos[1], opt(d, "external-id"),
	                                      (int)opt_long(d, "duration"), NULL};
	struct creds cr;
	int rc = sts_assume_role(&cr, d->client, d->region, &req, &d->err);

	return rc ? rc : print_creds(&cr);
}

static int cmd_assume_role_with_web_identity(struct drv *d)
{
	struct sts_web_identity_request req = {d->pos[0], d->pos[1], NULL,
	                                       (int)opt_long(d, "duration")};
	struct creds cr;
	char *token;
	int rc;

	if ((rc = policy_arg(d, 2, &token)))
		return rc;
	req.web_identity_token = token;
	rc = sts_assume_role_with_web_identity(&cr, d->unsigned_client, d->region, &req, &d->err);
	free(token);
	return rc ? rc : print_creds(&cr);
}

static int cmd_create_log_group(struct drv *d)
{
	struct tag_list tags = TAG_LIST_INIT;
	int rc;

	opt_tags(d, &tags);
	rc = logs_create_log_group(d->client, d->region, d->pos[0], &tags, &d->err);
	tag_list_release(&tags);
	return rc ? rc : print_json(json_object());
}

static int cmd_describe_log_groups(struct drv *d)
{
	struct logs_group_list l;
	json_t *a;
	int rc = logs_describe_log_groups(&l, d->client, d->region, d->n_pos ? d->pos[0] : NULL,
	                                  &d->err);

	if (rc)
		return rc;
	a = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(
		    a, json_pack("{s:s,s:o,s:o,s:i,s:I,s:I}", "LogGroupName", l.v[i].name, "Arn",
		                 jstr(l.v[i].arn), "LogGroupArn", jstr(l.v[i].log_group_arn),
		                 "RetentionInDays", l.v[i].retention_in_days, "StoredBytes",
		                 (json_int_t)l.v[i].stored_bytes, "CreationTime",
		                 (json_int_t)l.v[i].creation_time));
	logs_group_list_release(&l);
	return print_json(a);
}

static int cmd_put_retention_policy(struct drv *d)
{
	int rc =
	    logs_put_retention_policy(d->client, d->region, d->pos[0], atoi(d->pos[1]), &d->err);

	return rc ? rc : print_json(json_object());
}

static int cmd_delete_retention_policy(struct drv *d)
{
	int rc = logs_delete_retention_policy(d->client, d->region, d->pos[0], &d->err);

	return rc ? rc : print_json(json_object());
}

static int cmd_tag_resource(struct drv *d)
{
	struct tag_list tags = TAG_LIST_INIT;
	int rc;

	opt_tags(d, &tags);
	rc = logs_tag_resource(d->client, d->region, d->pos[0], &tags, &d->err);
	tag_list_release(&tags);
	return rc ? rc : print_json(json_object());
}

static int cmd_list_tags_for_resource(struct drv *d)
{
	struct tag_list tags;
	int rc = logs_list_tags_for_resource(&tags, d->client, d->region, d->pos[0], &d->err);

	if (rc)
		return rc;
	print_json(jtags(&tags));
	tag_list_release(&tags);
	return 0;
}

static int cmd_delete_log_group(struct drv *d)
{
	int rc = logs_delete_log_group(d->client, d->region, d->pos[0], &d->err);

	return rc ? rc : print_json(json_object());
}

/* Prints each event as one compact JSON line, as it arrives. */
static int print_event(void *ctx, const struct logs_event *ev)
{
	json_t *j =
	    json_pack("{s:s,s:s,s:s,s:I,s:I}", "logStreamName", ev->log_stream_name, "message",
	              ev->message, "eventId", ev->event_id, "timestamp", (json_int_t)ev->timestamp,
	              "ingestionTime", (json_int_t)ev->ingestion_time);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	(void)ctx;
	puts(s ? s : "{}");
	free(s);
	json_decref(j);
	return 0;
}

static int cmd_filter_log_events(struct drv *d)
{
	const char *streams[64];
	struct logs_filter f;

	memset(&f, 0, sizeof(f));
	f.log_group_name = d->pos[0];
	f.log_stream_names = streams;
	f.n_log_stream_names = opt_all(d, "stream", streams, 64);
	f.start_time = opt_long(d, "start");
	f.end_time = opt_long(d, "end");
	f.filter_pattern = opt(d, "pattern");
	f.limit = opt_long(d, "limit");
	return logs_filter_events(d->client, d->region, &f, print_event, NULL, &d->err);
}

static int cmd_create_bucket(struct drv *d)
{
	int rc = s3_create_bucket(d->client, d->region, d->pos[0], &d->err);

	return rc ? rc : print_json(json_object());
}

static int cmd_head_bucket(struct drv *d)
{
	char region[64];
	int rc = s3_head_bucket(region, sizeof(region), d->client, d->region, d->pos[0], &d->err);

	if (rc == ERR_SERVICE && d->err.http_status == 403)
		return print_json(json_pack("{s:b,s:b,s:s,s:s}", "Exists", 1, "Forbidden", 1,
		                            "Error", d->err.aws_code, "BucketRegion", region));
	if (rc == ERR_SERVICE && d->err.http_status == 301)
		return print_json(json_pack("{s:b,s:b,s:s,s:s}", "Exists", 1, "Moved", 1, "Error",
		                            d->err.aws_code, "BucketRegion", region));
	if (rc)
		return rc;
	return print_json(json_pack("{s:b,s:s}", "Exists", 1, "BucketRegion", region));
}

static int cmd_get_bucket_location(struct drv *d)
{
	char *region;
	int rc = s3_get_bucket_location(&region, d->client, d->region, d->pos[0], &d->err);

	if (rc)
		return rc;
	print_json(json_pack("{s:s}", "LocationConstraint", region));
	free(region);
	return 0;
}

static int cmd_get_bucket_policy(struct drv *d)
{
	char *policy;
	int rc = s3_get_bucket_policy(&policy, d->client, d->region, d->pos[0], &d->err);

	if (rc)
		return rc;
	print_json(json_pack("{s:s}", "Policy", policy));
	free(policy);
	return 0;
}

static int cmd_put_bucket_policy(struct drv *d)
{
	char *policy;
	int rc;

	if ((rc = policy_arg(d, 1, &policy)))
		return rc;
	rc = s3_put_bucket_policy(d->client, d->region, d->pos[0], policy, &d->err);
	free(policy);
	return rc ? rc : print_json(json_object());
}

static int cmd_put_public_access_block(struct drv *d)
{
	int rc = s3_put_public_access_block(d->client, d->region, d->pos[0], &d->err);

	return rc ? rc : print_json(json_object());
}

static int cmd_put_bucket_encryption(struct drv *d)
{
	int rc = s3_put_bucket_encryption(d->client, d->region, d->pos[0], &d->err);

	return rc ? rc : print_json(json_object());
}

static int print_lifecycle(const struct s3_lifecycle *lc)
{
	json_t *a = json_array();

	for (size_t i = 0; i < lc->n; i++)
		json_array_append_new(a, json_pack("{s:o,s:o,s:o,s:i,s:o}", "ID", jstr(lc->v[i].id),
		                                   "Status", jstr(lc->v[i].status), "Prefix",
		                                   jstr(lc->v[i].prefix), "ExpirationDays",
		                                   lc->v[i].expiration_days, "RawXml",
		                                   jstr(lc->v[i].raw_xml)));
	return print_json(json_pack("{s:o}", "Rules", a));
}

static int cmd_get_lifecycle(struct drv *d)
{
	struct s3_lifecycle lc;
	int rc = s3_get_bucket_lifecycle(&lc, d->client, d->region, d->pos[0], &d->err);

	if (rc)
		return rc;
	print_lifecycle(&lc);
	s3_lifecycle_release(&lc);
	return 0;
}

/* put-lifecycle BUCKET DAYS PREFIX [--id ID]: merges one expiration rule into
 * the bucket's rules, as apply does. */
static int cmd_put_lifecycle(struct drv *d)
{
	struct s3_lifecycle lc;
	const char *id = opt(d, "id") ? opt(d, "id") : "vpcflow-expiration";
	int rc = s3_get_bucket_lifecycle(&lc, d->client, d->region, d->pos[0], &d->err);

	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	s3_lifecycle_set_rule(&lc, id, d->pos[2], atoi(d->pos[1]));
	rc = s3_put_bucket_lifecycle(d->client, d->region, d->pos[0], &lc, &d->err);
	if (!rc)
		print_lifecycle(&lc);
	s3_lifecycle_release(&lc);
	return rc;
}

static int cmd_delete_lifecycle(struct drv *d)
{
	int rc = s3_delete_bucket_lifecycle(d->client, d->region, d->pos[0], &d->err);

	return rc ? rc : print_json(json_object());
}

static int cmd_put_bucket_tagging(struct drv *d)
{
	struct tag_list tags = TAG_LIST_INIT;
	int rc;

	opt_tags(d, &tags);
	rc = s3_put_bucket_tagging(d->client, d->region, d->pos[0], &tags, &d->err);
	tag_list_release(&tags);
	return rc ? rc : print_json(json_object());
}

static int cmd_list_objects(struct drv *d)
{
	struct s3_object_list l;
	json_t *a, *p;
	int rc = s3_list_objects(&l, d->client, d->region, d->pos[0], opt(d, "prefix"),
	                         opt(d, "delimiter"), &d->err);

	if (rc)
		return rc;
	a = json_array();
	p = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, json_pack("{s:s,s:I,s:o,s:o}", "Key", l.v[i].key, "Size",
		                                   (json_int_t)l.v[i].size, "LastModified",
		                                   jstr(l.v[i].last_modified), "ETag",
		                                   jstr(l.v[i].etag)));
	for (size_t i = 0; i < l.common_prefixes.n; i++)
		json_array_append_new(p, json_string(l.common_prefixes.v[i]));
	s3_object_list_release(&l);
	return print_json(json_pack("{s:o,s:o}", "Contents", a, "CommonPrefixes", p));
}

static int cmd_get_object(struct drv *d)
{
	struct buf body = BUF_INIT;
	int rc = s3_get_object(&body, d->client, d->region, d->pos[0], d->pos[1], &d->err);

	if (!rc)
		fwrite(body.data, 1, body.len, stdout);
	buf_release(&body);
	return rc;
}

/* What get-object-stream saw: the chunks, and where to put them. */
struct stream_sink {
	FILE *f;
	long long stop_after; /* stop once this many bytes came; 0: never */
	long long bytes;
	long long chunks;
	long long max_chunk;
};

static int sink_chunk(void *ctx, const char *data, size_t len)
{
	struct stream_sink *s = ctx;

	if (fwrite(data, 1, len, s->f) != len)
		return -1;
	s->bytes += (long long)len;
	s->chunks++;
	if ((long long)len > s->max_chunk)
		s->max_chunk = (long long)len;
	return s->stop_after > 0 && s->bytes >= s->stop_after ? 1 : 0;
}

/* get-object-stream BUCKET KEY [--out FILE] [--stop-after N] */
static int cmd_get_object_stream(struct drv *d)
{
	struct stream_sink s = {stdout, opt_long(d, "stop-after"), 0, 0, 0};
	const char *path = opt(d, "out");
	int rc;

	if (path && !(s.f = fopen(path, "wb")))
		return error_set(&d->err, ERR_IO, "cannot write '%s'", path);
	rc = s3_get_object_stream(d->client, d->region, d->pos[0], d->pos[1], sink_chunk, &s,
	                          &d->err);
	if (path) {
		fclose(s.f);
		print_json(json_pack("{s:I,s:I,s:I,s:s}", "Bytes", (json_int_t)s.bytes, "Chunks",
		                     (json_int_t)s.chunks, "MaxChunk", (json_int_t)s.max_chunk,
		                     "Code", error_code_name(rc)));
	}
	return rc;
}

static int cmd_delete_bucket(struct drv *d)
{
	int rc = s3_delete_bucket(d->client, d->region, d->pos[0], &d->err);

	return rc ? rc : print_json(json_object());
}

static int cmd_list_accounts(struct drv *d)
{
	struct org_account_list l;
	json_t *a;
	int rc = org_list_accounts(&l, d->client, NULL, &d->err);

	if (rc)
		return rc;
	a = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:o,s:o}", "Id", l.v[i].id, "Arn",
		                                   jstr(l.v[i].arn), "Name", jstr(l.v[i].name),
		                                   "Email", jstr(l.v[i].email), "Status",
		                                   jstr(l.v[i].status)));
	org_account_list_release(&l);
	return print_json(a);
}

/* The subcommands: service, name, positional arguments needed, usage. */
static const struct command {
	const char *service, *name;
	int min_args;
	const char *usage;
	int (*run)(struct drv *d);
} commands[] = {
    {"ec2", "describe-regions", 0, "", cmd_describe_regions},
    {"ec2", "describe-vpcs", 0, "[--filter N=V,..]", cmd_describe_vpcs},
    {"ec2", "describe-subnets", 0, "[--filter N=V,..]", cmd_describe_subnets},
    {"ec2", "describe-network-interfaces", 0, "[--filter N=V,..]", cmd_describe_enis},
    {"ec2", "describe-transit-gateways", 0, "[--filter N=V,..]", cmd_describe_tgws},
    {"ec2", "describe-transit-gateway-attachments", 0, "[--filter N=V,..]",
     cmd_describe_tgw_attachments},
    {"ec2", "describe-flow-logs", 0, "[--filter N=V,..]", cmd_describe_flow_logs},
    {"ec2", "create-flow-logs", 0, "--resource-ids A,B --resource-type T [--OPTION V]..",
     cmd_create_flow_logs},
    {"ec2", "delete-flow-logs", 1, "FLOW_LOG_ID..", cmd_delete_flow_logs},
    {"iam", "get-role", 1, "NAME", cmd_get_role},
    {"iam", "create-role", 2, "NAME POLICYFILE [--path P] [--description D] [--tag K=V]",
     cmd_create_role},
    {"iam", "update-assume-role-policy", 2, "NAME POLICYFILE", cmd_update_assume_role_policy},
    {"iam", "get-role-policy", 2, "ROLE POLICY", cmd_get_role_policy},
    {"iam", "put-role-policy", 3, "ROLE POLICY POLICYFILE", cmd_put_role_policy},
    {"iam", "delete-role-policy", 2, "ROLE POLICY", cmd_delete_role_policy},
    {"iam", "tag-role", 1, "ROLE --tag K=V..", cmd_tag_role},
    {"iam", "delete-role", 1, "ROLE", cmd_delete_role},
    {"sts", "get-caller-identity", 0, "", cmd_get_caller_identity},
    {"sts", "assume-role", 2, "ARN SESSION [--external-id X] [--duration S]", cmd_assume_role},
    {"sts", "assume-role-with-web-identity", 3, "ARN SESSION TOKENFILE [--duration S]",
     cmd_assume_role_with_web_identity},
    {"logs", "create-log-group", 1, "NAME [--tag K=V]", cmd_create_log_group},
    {"logs", "describe-log-groups", 0, "[PREFIX]", cmd_describe_log_groups},
    {"logs", "put-retention-policy", 2, "NAME DAYS", cmd_put_retention_policy},
    {"logs", "delete-retention-policy", 1, "NAME", cmd_delete_retention_policy},
    {"logs", "tag-resource", 1, "ARN --tag K=V..", cmd_tag_resource},
    {"logs", "list-tags-for-resource", 1, "ARN", cmd_list_tags_for_resource},
    {"logs", "delete-log-group", 1, "NAME", cmd_delete_log_group},
    {"logs", "filter-log-events", 1,
     "GROUP [--stream S].. [--start MS] [--end MS] [--pattern P] [--limit N]",
     cmd_filter_log_events},
    {"s3", "create-bucket", 1, "BUCKET", cmd_create_bucket},
    {"s3", "head-bucket", 1, "BUCKET", cmd_head_bucket},
    {"s3", "get-bucket-location", 1, "BUCKET", cmd_get_bucket_location},
    {"s3", "get-bucket-policy", 1, "BUCKET", cmd_get_bucket_policy},
    {"s3", "put-bucket-policy", 2, "BUCKET POLICYFILE", cmd_put_bucket_policy},
    {"s3", "put-public-access-block", 1, "BUCKET", cmd_put_public_access_block},
    {"s3", "put-bucket-encryption", 1, "BUCKET", cmd_put_bucket_encryption},
    {"s3", "get-lifecycle", 1, "BUCKET", cmd_get_lifecycle},
    {"s3", "put-lifecycle", 3, "BUCKET DAYS PREFIX [--id ID]", cmd_put_lifecycle},
    {"s3", "delete-lifecycle", 1, "BUCKET", cmd_delete_lifecycle},
    {"s3", "put-bucket-tagging", 1, "BUCKET --tag K=V..", cmd_put_bucket_tagging},
    {"s3", "list-objects", 1, "BUCKET [--prefix P] [--delimiter D]", cmd_list_objects},
    {"s3", "get-object", 2, "BUCKET KEY", cmd_get_object},
    {"s3", "get-object-stream", 2, "BUCKET KEY [--out FILE] [--stop-after N]",
     cmd_get_object_stream},
    {"s3", "delete-bucket", 1, "BUCKET", cmd_delete_bucket},
    {"org", "list-accounts", 0, "", cmd_list_accounts},
};

static void usage(void)
{
	fprintf(stderr, "usage: awsdrv SERVICE COMMAND [ARG..] [--region R]\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  %s %s %s\n", commands[i].service, commands[i].name,
		        commands[i].usage);
}

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	struct client_options copt;
	struct http_options hopt;
	struct http *http = NULL;
	struct creds_provider *creds = NULL;
	struct buf msg = BUF_INIT;
	struct drv d;
	const char *key = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
	int rc = 1;

	memset(&d, 0, sizeof(d));
	for (size_t i = 0; argc >= 3 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].service, argv[1]) && !strcmp(commands[i].name, argv[2]))
			cmd = &commands[i];
	if (!cmd) {
		usage();
		return 2;
	}
	d.pos = xcalloc((size_t)argc, sizeof(char *));
	for (int i = 3; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2) && i + 1 < argc) {
			strlist_add(&d.opt_names, argv[i] + 2);
			strlist_add(&d.opt_values, argv[++i]);
		} else {
			d.pos[d.n_pos++] = argv[i];
		}
	}
	if (d.n_pos < cmd->min_args) {
		usage();
		rc = 2;
		goto out;
	}
	d.region = opt(&d, "region") ? opt(&d, "region") : getenv("AWS_REGION");
	if (!d.region)
		d.region = "us-east-1";
	memset(&hopt, 0, sizeof(hopt));
	http_options_from_env(&hopt, &env_process);
	http = http_new(&hopt, &d.err);
	if (http) {
		memset(&copt, 0, sizeof(copt));
		copt.http = http;
		copt.env = &env_process; /* VPCFLOW_RETRY_BASE_MS too: retry_base_ms() */
		d.unsigned_client = client_new(&copt);
		if (key && secret)
			creds = creds_static_new(key, secret, getenv("AWS_SESSION_TOKEN"));
		copt.creds = creds;
		d.client = client_new(&copt);
		error_clear(&d.err);
		rc = cmd->run(&d);
	}
	error_format(&d.err, &msg);
	if (rc == ERR_NOT_FOUND) {
		print_json(json_pack("{s:b,s:s}", "absent", 1, "error", msg.data));
		rc = 0;
	} else if (rc) {
		fprintf(stderr, "error: %s\n", msg.data);
		rc = 1;
	}
out:
	buf_release(&msg);
	client_free(d.client);
	client_free(d.unsigned_client);
	creds_provider_free(creds);
	http_free(http);
	strlist_release(&d.opt_names);
	strlist_release(&d.opt_values);
	free(d.pos);
	fflush(stdout);
	return rc;
}
