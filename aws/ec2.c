/* EC2: the paginated Describe plumbing, regions and flow logs. */
#include "aws/ec2.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/endpoint.h"
#include "aws/error.h"
#include "aws/query.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

/* The most items a DescribeFlowLogs page may hold. */
#define FLOW_LOGS_PAGE 1000

xmlNodePtr ec2_answer_root(xmlDocPtr doc, const char *action, char **next_token,
                           struct aws_error *err)
{
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	char want[96];

	if (next_token)
		*next_token = NULL;
	snprintf(want, sizeof(want), "%sResponse", action);
	if (!root || !xml_is(root, want)) {
		error_set(err, ERR_PARSE, "expected a <%s> answer, got <%s>", want,
		          root ? (const char *)root->name : "nothing");
		error_set_operation(err, action);
		return NULL;
	}
	if (next_token) {
		*next_token = xml_child_text(root, "nextToken");
		if (*next_token && !**next_token) {
			free(*next_token);
			*next_token = NULL;
		}
	}
	return root;
}

/* Sets the ERR_PARSE of a bad item in action's answer; returns ERR_PARSE. */
static int bad_item(struct aws_error *err, const char *action, const char *what)
{
	error_set(err, ERR_PARSE, "%s", what);
	error_set_operation(err, action);
	return ERR_PARSE;
}

/* Reads an integer child; *out is left alone when the child is absent. */
static int child_int(int *out, xmlNodePtr node, const char *name)
{
	char *text = xml_child_text(node, name), *end;
	long v;
	int rc = 0;

	if (!text)
		return 0;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < INT_MIN || v > INT_MAX)
		rc = ERR_PARSE;
	else
		*out = (int)v;
	free(text);
	return rc;
}

/* Whether the child called name says "true". */
static int child_bool(xmlNodePtr node, const char *name)
{
	char *text = xml_child_text(node, name);
	int v = text && strcmp(text, "true") == 0;

	free(text);
	return v;
}

/* Every page of one request whose filters are within EC2_FILTER_VALUES. */
static int describe_one(struct client *c, const char *region, const char *action,
                        const struct ec2_filter *filters, size_t n_filters, int max_results,
                        int (*parse_page)(void *out, xmlDocPtr doc, char **next_token,
                                          struct aws_error *err),
                        void *out, struct aws_error *err)
{
	struct query_params p;
	xmlDocPtr doc = NULL;
	char *token = NULL, *next = NULL;
	char max[16];
	int rc;

	query_params_init(&p);
	snprintf(max, sizeof(max), "%d", max_results);
	for (;;) {
		query_params_release(&p);
		for (size_t i = 0; i < n_filters; i++)
			query_params_add_filter(&p, filters[i].name, filters[i].values,
			                        filters[i].n_values);
		if (max_results > 0)
			query_params_add(&p, "MaxResults", max);
		if (token)
			query_params_add(&p, "NextToken", token);
		rc = query_call(c, SVC_EC2, region, action, EC2_API_VERSION, &p, &doc, err);
		if (rc)
			goto out;
		rc = parse_page(out, doc, &next, err);
		xmlFreeDoc(doc);
		doc = NULL;
		if (rc || !next)
			goto out;
		if (token && strcmp(token, next) == 0) {
			rc = bad_item(err, action, "the same NextToken came back twice");
			goto out;
		}
		free(token);
		token = next;
		next = NULL;
	}
out:
	query_params_release(&p);
	free(token);
	free(next);
	return rc;
}

/* Sets batch to the values of filters from at[] on, at most EC2_FILTER_VALUES
 * each. */
static void filter_batch(struct ec2_filter *batch, const struct ec2_filter *filters,
                         size_t n_filters, const size_t *at)
{
	for (size_t i = 0; i < n_filters; i++) {
		size_t left = filters[i].n_values - at[i];

		batch[i] = filters[i];
		batch[i].values = filters[i].values ? filters[i].values + at[i] : NULL;
		batch[i].n_values = left < EC2_FILTER_VALUES ? left : EC2_FILTER_VALUES;
	}
}

/* Moves at[] to the next combination of batches, the first filter's
 * fastest; 0 when every combination was sent. */
static int filter_next(size_t *at, const struct ec2_filter *filters, size_t n_filters)
{
	for (size_t i = 0; i < n_filters; i++) {
		at[i] += EC2_FILTER_VALUES;
		if (at[i] < filters[i].n_values)
			return 1;
		at[i] = 0;
	}
	return 0;
}

/* Filters are ANDed and the values of one filter ORed, so the union of the
 * answers to every combination of batches is the answer to the whole lists. */
int ec2_describe_pages(struct client *c, const char *region, const char *action,
                       const struct ec2_filter *filters, size_t n_filters, int max_results,
                       int (*parse_page)(void *out, xmlDocPtr doc, char **next_token,
                                         struct aws_error *err),
                       void *out, struct aws_error *err)
{
	struct ec2_filter *batch;
	size_t *at;
	int rc;

	if (!n_filters)
		return describe_one(c, region, action, NULL, 0, max_results, parse_page, out, err);
	batch = xcalloc(n_filters, sizeof(*batch));
	at = xcalloc(n_filters, sizeof(*at));
	do {
		filter_batch(batch, filters, n_filters, at);
		rc = describe_one(c, region, action, batch, n_filters, max_results, parse_page, out,
		                  err);
	} while (rc == 0 && filter_next(at, filters, n_filters));
	free(batch);
	free(at);
	return rc;
}

void ec2_region_list_release(struct ec2_region_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].region_name);
		free(l->v[i].endpoint);
		free(l->v[i].opt_in_status);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int ec2_parse_regions(struct ec2_region_list *out, xmlDocPtr doc, struct aws_error *err)
{
	xmlNodePtr root = ec2_answer_root(doc, "DescribeRegions", NULL, err), set;

	if (!root)
		return ERR_PARSE;
	set = xml_child(root, "regionInfo");
	for (xmlNodePtr n = set ? set->children : NULL; n; n = n->next) {
		struct ec2_region *r;

		if (!xml_is(n, "item"))
			continue;
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		r = &out->v[out->n];
		r->region_name = xml_child_text(n, "regionName");
		r->endpoint = xml_child_text(n, "regionEndpoint");
		r->opt_in_status = xml_child_text(n, "optInStatus");
		out->n++;
		if (!r->region_name || !*r->region_name)
			return bad_item(err, "DescribeRegions", "a region without regionName");
	}
	return 0;
}

int ec2_describe_region_list(struct ec2_region_list *out, struct client *c, const char *region,
                             struct aws_error *err)
{
	struct query_params p;
	xmlDocPtr doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	query_params_init(&p);
	query_params_add(&p, "AllRegions", "false");
	rc = query_call(c, SVC_EC2, region, "DescribeRegions", EC2_API_VERSION, &p, &doc, err);
	if (rc)
		goto out;
	rc = ec2_parse_regions(out, doc, err);
out:
	if (rc)
		ec2_region_list_release(out);
	xmlFreeDoc(doc);
	query_params_release(&p);
	return rc;
}

int ec2_describe_regions(struct strlist *out, struct client *c, const char *region,
                         struct aws_error *err)
{
	struct ec2_region_list regions;
	int rc;

	strlist_init(out);
	rc = ec2_describe_region_list(&regions, c, region, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < regions.n; i++) {
		const struct ec2_region *r = &regions.v[i];
		const char *partition = endpoint_partition(r->region_name);

		if (r->opt_in_status && strcmp(r->opt_in_status, "not-opted-in") == 0)
			continue;
		if (region && partition && endpoint_partition(region) &&
		    strcmp(partition, endpoint_partition(region)) != 0)
			continue;
		strlist_add(out, r->region_name);
	}
	ec2_region_list_release(&regions);
	return 0;
}

void ec2_flow_log_release(struct ec2_flow_log *f)
{
	char **strings[] = {&f->flow_log_id,
	                    &f->resource_id,
	                    &f->traffic_type,
	                    &f->log_destination_type,
	                    &f->log_destination,
	                    &f->log_group_name,
	                    &f->deliver_logs_status,
	                    &f->deliver_logs_error_message,
	                    &f->deliver_logs_permission_arn,
	                    &f->flow_log_status,
	                    &f->log_format,
	                    &f->creation_time,
	                    &f->deliver_cross_account_role,
	                    &f->file_format};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		free(*strings[i]);
	tag_list_release(&f->tags);
	memset(f, 0, sizeof(*f));
}

void ec2_flow_log_list_release(struct ec2_flow_log_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		ec2_flow_log_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Fills f from one <flowLogSet><item>. */
static int parse_flow_log(struct ec2_flow_log *f, xmlNodePtr item, struct aws_error *err)
{
	xmlNodePtr opts = xml_child(item, "destinationOptions");

	f->flow_log_id = xml_child_text(item, "flowLogId");
	f->resource_id = xml_child_text(item, "resourceId");
	f->traffic_type = xml_child_text(item, "trafficType");
	f->log_destination_type = xml_child_text(item, "logDestinationType");
	f->log_destination = xml_child_text(item, "logDestination");
	f->log_group_name = xml_child_text(item, "logGroupName");
	f->deliver_logs_status = xml_child_text(item, "deliverLogsStatus");
	f->deliver_logs_error_message = xml_child_text(item, "deliverLogsErrorMessage");
	f->deliver_logs_permission_arn = xml_child_text(item, "deliverLogsPermissionArn");
	f->deliver_cross_account_role = xml_child_text(item, "deliverCrossAccountRole");
	f->flow_log_status = xml_child_text(item, "flowLogStatus");
	f->log_format = xml_child_text(item, "logFormat");
	f->creation_time = xml_child_text(item, "creationTime");
	if (opts) {
		f->file_format = xml_child_text(opts, "fileFormat");
		f->hive_compatible_partitions = child_bool(opts, "hiveCompatiblePartitions");
		f->per_hour_partition = child_bool(opts, "perHourPartition");
	}
	if (!f->flow_log_id || !*f->flow_log_id)
		return bad_item(err, "DescribeFlowLogs", "a flow log without flowLogId");
	if (child_int(&f->max_aggregation_interval, item, "maxAggregationInterval"))
		return bad_item(err, "DescribeFlowLogs", "maxAggregationInterval is not a number");
	if (tag_list_parse_xml(&f->tags, xml_child(item, "tagSet"), "key", "value", err))
		return bad_item(err, "DescribeFlowLogs", "a flow log tag without key");
	return 0;
}

int ec2_parse_flow_logs(struct ec2_flow_log_list *out, xmlDocPtr doc, char **next_token,
                        struct aws_error *err)
{
	xmlNodePtr root = ec2_answer_root(doc, "DescribeFlowLogs", next_token, err), set;
	int rc = 0;

	if (!root)
		return ERR_PARSE;
	set = xml_child(root, "flowLogSet");
	for (xmlNodePtr n = set ? set->children : NULL; n && !rc; n = n->next) {
		if (!xml_is(n, "item"))
			continue;
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		memset(&out->v[out->n], 0, sizeof(out->v[0]));
		rc = parse_flow_log(&out->v[out->n++], n, err);
	}
	if (rc && next_token) {
		free(*next_token);
		*next_token = NULL;
	}
	return rc;
}

/* ec2_parse_flow_logs() for ec2_describe_pages(). */
static int flow_logs_page(void *out, xmlDocPtr doc, char **next_token, struct aws_error *err)
{
	return ec2_parse_flow_logs(out, doc, next_token, err);
}

int ec2_describe_flow_logs(struct ec2_flow_log_list *out, struct client *c, const char *region,
                           const struct ec2_filter *filters, size_t n_filters,
                           struct aws_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ec2_describe_pages(c, region, "DescribeFlowLogs", filters, n_filters, FLOW_LOGS_PAGE,
	                        flow_logs_page, out, err);
	if (rc)
		ec2_flow_log_list_release(out);
	return rc;
}

void ec2_unsuccessful_list_release(struct ec2_unsuccessful_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].resource_id);
		free(l->v[i].code);
		free(l->v[i].message);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void ec2_create_flow_logs_result_release(struct ec2_create_flow_logs_result *r)
{
	strlist_release(&r->flow_log_ids);
	ec2_unsuccessful_list_release(&r->unsuccessful);
	free(r->client_token);
	r->client_token = NULL;
}

/* Appends the <unsuccessful><item> entries under root. */
static int parse_unsuccessful(struct ec2_unsuccessful_list *out, xmlNodePtr root,
                              const char *action, struct aws_error *err)
{
	xmlNodePtr set = xml_child(root, "unsuccessful");

	for (xmlNodePtr n = set ? set->children : NULL; n; n = n->next) {
		struct ec2_unsuccessful *u;
		xmlNodePtr e;

		if (!xml_is(n, "item"))
			continue;
		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		u = &out->v[out->n++];
		e = xml_child(n, "error");
		u->resource_id = xml_child_text(n, "resourceId");
		u->code = e ? xml_child_text(e, "code") : NULL;
		u->message = e ? xml_child_text(e, "message") : NULL;
		if (!u->resource_id)
			return bad_item(err, action, "an unsuccessful item without resourceId");
	}
	return 0;
}

int ec2_parse_create_flow_logs(struct ec2_create_flow_logs_result *out, xmlDocPtr doc,
                               struct aws_error *err)
{
	xmlNodePtr root = ec2_answer_root(doc, "CreateFlowLogs", NULL, err), set;

	if (!root)
		return ERR_PARSE;
	free(out->client_token);
	out->client_token = xml_child_text(root, "clientToken");
	set = xml_child(root, "flowLogIdSet");
	for (xmlNodePtr n = set ? set->children : NULL; n; n = n->next) {
		if (!xml_is(n, "item"))
			continue;
		strlist_add_owned(&out->flow_log_ids, xml_text(n));
	}
	return parse_unsuccessful(&out->unsuccessful, root, "CreateFlowLogs", err);
}

/* Adds the TagSpecification of the new flow logs. */
static void add_tag_spec(struct query_params *p, const struct tag_list *tags)
{
	if (!tags || !tags->n)
		return;
	query_params_add(p, "TagSpecification.1.ResourceType", "vpc-flow-log");
	for (size_t i = 0; i < tags->n; i++) {
		query_params_addf(p, tags->v[i].key, "TagSpecification.1.Tag.%zu.Key", i + 1);
		query_params_addf(p, tags->v[i].value, "TagSpecification.1.Tag.%zu.Value", i + 1);
	}
}

/* Adds name = value when value is set. */
static void add_opt(struct query_params *p, const char *name, const char *value)
{
	if (value)
		query_params_add(p, name, value);
}

int ec2_create_flow_logs(struct ec2_create_flow_logs_result *out, struct client *c,
                         const char *region, const struct ec2_flow_log_request *req,
                         struct aws_error *err)
{
	struct query_params p;
	xmlDocPtr doc = NULL;
	char num[16];
	int rc;

	memset(out, 0, sizeof(*out));
	query_params_init(&p);
	for (size_t i = 0; i < req->n_resource_ids; i++)
		query_params_addf(&p, req->resource_ids[i], "ResourceId.%zu", i + 1);
	add_opt(&p, "ResourceType", req->resource_type);
	add_opt(&p, "TrafficType", req->traffic_type);
	add_opt(&p, "LogDestinationType", req->log_destination_type);
	add_opt(&p, "LogDestination", req->log_destination);
	add_opt(&p, "LogGroupName", req->log_group_name);
	add_opt(&p, "DeliverLogsPermissionArn", req->deliver_logs_permission_arn);
	add_opt(&p, "DeliverCrossAccountRole", req->deliver_cross_account_role);
	add_opt(&p, "LogFormat", req->log_format);
	if (req->max_aggregation_interval) {
		snprintf(num, sizeof(num), "%d", req->max_aggregation_interval);
		query_params_add(&p, "MaxAggregationInterval", num);
	}
	if (req->destination_options) {
		add_opt(&p, "DestinationOptions.FileFormat", req->file_format);
		query_params_add(&p, "DestinationOptions.HiveCompatiblePartitions",
		                 req->hive_compatible_partitions ? "true" : "false");
		query_params_add(&p, "DestinationOptions.PerHourPartition",
		                 req->per_hour_partition ? "true" : "false");
	}
	add_tag_spec(&p, req->tags);
	add_opt(&p, "ClientToken", req->client_token);
	rc = query_call(c, SVC_EC2, region, "CreateFlowLogs", EC2_API_VERSION, &p, &doc, err);
	if (rc)
		goto out;
	rc = ec2_parse_create_flow_logs(out, doc, err);
out:
	if (rc)
		ec2_create_flow_logs_result_release(out);
	xmlFreeDoc(doc);
	query_params_release(&p);
	return rc;
}

int ec2_parse_delete_flow_logs(struct ec2_unsuccessful_list *out, xmlDocPtr doc,
                               struct aws_error *err)
{
	xmlNodePtr root = ec2_answer_root(doc, "DeleteFlowLogs", NULL, err);

	if (!root)
		return ERR_PARSE;
	return parse_unsuccessful(out, root, "DeleteFlowLogs", err);
}

int ec2_delete_flow_logs(struct ec2_unsuccessful_list *out, struct client *c, const char *region,
                         const char *const *flow_log_ids, size_t n_ids, struct aws_error *err)
{
	struct query_params p;
	xmlDocPtr doc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	query_params_init(&p);
	for (size_t i = 0; i < n_ids; i++)
		query_params_addf(&p, flow_log_ids[i], "FlowLogId.%zu", i + 1);
	rc = query_call(c, SVC_EC2, region, "DeleteFlowLogs", EC2_API_VERSION, &p, &doc, err);
	if (rc)
		goto out;
	rc = ec2_parse_delete_flow_logs(out, doc, err);
out:
	if (rc)
		ec2_unsuccessful_list_release(out);
	xmlFreeDoc(doc);
	query_params_release(&p);
	return rc;
}
