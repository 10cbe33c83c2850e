/* EC2: the resources flow logs attach to (VPCs, subnets, network interfaces,
 * transit gateways and their attachments). */
#include "aws/ec2.h"

#include <stdlib.h>
#include <string.h>

#include "aws/error.h"
#include "aws/xalloc.h"
#include "aws/xml.h"

/* The most items a page may hold: DescribeVpcs & co. accept 5..1000. */
#define PAGE_MAX 1000

/* The element children called "item" of root's child set_name, one by one:
 * returns the first when prev is NULL, else the one after prev. */
static xmlNodePtr next_item(xmlNodePtr root, const char *set_name, xmlNodePtr prev)
{
	xmlNodePtr n;

	if (prev) {
		n = prev->next;
	} else {
		xmlNodePtr set = xml_child(root, set_name);

		n = set ? set->children : NULL;
	}
	while (n && !xml_is(n, "item"))
		n = n->next;
	return n;
}

/* Sets ERR_PARSE for a missing field of action's answer. */
static int missing(struct aws_error *err, const char *action, const char *what)
{
	error_set(err, ERR_PARSE, "an item without %s", what);
	error_set_operation(err, action);
	return ERR_PARSE;
}

/* Drops the next token of a page that failed to parse. */
static int fail_page(char **next_token, int rc)
{
	if (rc && next_token) {
		free(*next_token);
		*next_token = NULL;
	}
	return rc;
}

/* Reads the tagSet under item into tags. */
static int item_tags(struct tag_list *tags, xmlNodePtr item, const char *action,
                     struct aws_error *err)
{
	if (tag_list_parse_xml(tags, xml_child(item, "tagSet"), "key", "value", err))
		return missing(err, action, "a tag key");
	return 0;
}

void ec2_vpc_list_release(struct ec2_vpc_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ec2_vpc *v = &l->v[i];

		free(v->vpc_id);
		free(v->owner_id);
		free(v->cidr_block);
		free(v->state);
		tag_list_release(&v->tags);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int ec2_parse_vpcs(struct ec2_vpc_list *out, xmlDocPtr doc, char **next_token,
                   struct aws_error *err)
{
	const char *action = "DescribeVpcs";
	xmlNodePtr root = ec2_answer_root(doc, action, next_token, err), n = NULL;
	int rc = 0;

	if (!root)
		return ERR_PARSE;
	while (!rc && (n = next_item(root, "vpcSet", n))) {
		struct ec2_vpc *v;
		char *is_default;

		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		v = memset(&out->v[out->n++], 0, sizeof(*v));
		v->vpc_id = xml_child_text(n, "vpcId");
		v->owner_id = xml_child_text(n, "ownerId");
		v->cidr_block = xml_child_text(n, "cidrBlock");
		v->state = xml_child_text(n, "state");
		is_default = xml_child_text(n, "isDefault");
		v->is_default = is_default && strcmp(is_default, "true") == 0;
		free(is_default);
		if (!v->vpc_id || !*v->vpc_id)
			rc = missing(err, action, "vpcId");
		else
			rc = item_tags(&v->tags, n, action, err);
	}
	return fail_page(next_token, rc);
}

void ec2_subnet_list_release(struct ec2_subnet_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ec2_subnet *s = &l->v[i];

		free(s->subnet_id);
		free(s->vpc_id);
		free(s->owner_id);
		free(s->availability_zone);
		free(s->cidr_block);
		free(s->state);
		tag_list_release(&s->tags);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int ec2_parse_subnets(struct ec2_subnet_list *out, xmlDocPtr doc, char **next_token,
                      struct aws_error *err)
{
	const char *action = "DescribeSubnets";
	xmlNodePtr root = ec2_answer_root(doc, action, next_token, err), n = NULL;
	int rc = 0;

	if (!root)
		return ERR_PARSE;
	while (!rc && (n = next_item(root, "subnetSet", n))) {
		struct ec2_subnet *s;

		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		s = memset(&out->v[out->n++], 0, sizeof(*s));
		s->subnet_id = xml_child_text(n, "subnetId");
		s->vpc_id = xml_child_text(n, "vpcId");
		s->owner_id = xml_child_text(n, "ownerId");
		s->availability_zone = xml_child_text(n, "availabilityZone");
		s->cidr_block = xml_child_text(n, "cidrBlock");
		s->state = xml_child_text(n, "state");
		if (!s->subnet_id || !*s->subnet_id)
			rc = missing(err, action, "subnetId");
		else if (!s->vpc_id)
			rc = missing(err, action, "vpcId");
		else
			rc = item_tags(&s->tags, n, action, err);
	}
	return fail_page(next_token, rc);
}

void ec2_eni_list_release(struct ec2_eni_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ec2_eni *e = &l->v[i];

		free(e->network_interface_id);
		free(e->vpc_id);
		free(e->subnet_id);
		free(e->owner_id);
		free(e->interface_type);
		free(e->description);
		free(e->status);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int ec2_parse_enis(struct ec2_eni_list *out, xmlDocPtr doc, char **next_token,
                   struct aws_error *err)
{
	const char *action = "DescribeNetworkInterfaces";
	xmlNodePtr root = ec2_answer_root(doc, action, next_token, err), n = NULL;
	int rc = 0;

	if (!root)
		return ERR_PARSE;
	while (!rc && (n = next_item(root, "networkInterfaceSet", n))) {
		struct ec2_eni *e;

		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		e = memset(&out->v[out->n++], 0, sizeof(*e));
		e->network_interface_id = xml_child_text(n, "networkInterfaceId");
		e->vpc_id = xml_child_text(n, "vpcId");
		e->subnet_id = xml_child_text(n, "subnetId");
		e->owner_id = xml_child_text(n, "ownerId");
		e->interface_type = xml_child_text(n, "interfaceType");
		e->description = xml_child_text(n, "description");
		e->status = xml_child_text(n, "status");
		if (!e->network_interface_id || !*e->network_interface_id)
			rc = missing(err, action, "networkInterfaceId");
	}
	return fail_page(next_token, rc);
}

void ec2_tgw_list_release(struct ec2_tgw_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].transit_gateway_id);
		free(l->v[i].owner_id);
		free(l->v[i].state);
		tag_list_release(&l->v[i].tags);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int ec2_parse_tgws(struct ec2_tgw_list *out, xmlDocPtr doc, char **next_token,
                   struct aws_error *err)
{
	const char *action = "DescribeTransitGateways";
	xmlNodePtr root = ec2_answer_root(doc, action, next_token, err), n = NULL;
	int rc = 0;

	if (!root)
		return ERR_PARSE;
	while (!rc && (n = next_item(root, "transitGatewaySet", n))) {
		struct ec2_tgw *t;

		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		t = memset(&out->v[out->n++], 0, sizeof(*t));
		t->transit_gateway_id = xml_child_text(n, "transitGatewayId");
		t->owner_id = xml_child_text(n, "ownerId");
		t->state = xml_child_text(n, "state");
		if (!t->transit_gateway_id || !*t->transit_gateway_id)
			rc = missing(err, action, "transitGatewayId");
		else
			rc = item_tags(&t->tags, n, action, err);
	}
	return fail_page(next_token, rc);
}

void ec2_tgw_attachment_list_release(struct ec2_tgw_attachment_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ec2_tgw_attachment *a = &l->v[i];

		free(a->transit_gateway_attachment_id);
		free(a->transit_gateway_id);
		free(a->resource_type);
		free(a->resource_id);
		free(a->resource_owner_id);
		free(a->state);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int ec2_parse_tgw_attachments(struct ec2_tgw_attachment_list *out, xmlDocPtr doc, char **next_token,
                              struct aws_error *err)
{
	const char *action = "DescribeTransitGatewayAttachments";
	xmlNodePtr root = ec2_answer_root(doc, action, next_token, err), n = NULL;
	int rc = 0;

	if (!root)
		return ERR_PARSE;
	while (!rc && (n = next_item(root, "transitGatewayAttachments", n))) {
		struct ec2_tgw_attachment *a;

		ALLOC_GROW(out->v, out->n + 1, out->alloc);
		a = memset(&out->v[out->n++], 0, sizeof(*a));
		a->transit_gateway_attachment_id = xml_child_text(n, "transitGatewayAttachmentId");
		a->transit_gateway_id = xml_child_text(n, "transitGatewayId");
		a->resource_type = xml_child_text(n, "resourceType");
		a->resource_id = xml_child_text(n, "resourceId");
		a->resource_owner_id = xml_child_text(n, "resourceOwnerId");
		a->state = xml_child_text(n, "state");
		if (!a->transit_gateway_attachment_id || !*a->transit_gateway_attachment_id)
			rc = missing(err, action, "transitGatewayAttachmentId");
	}
	return fail_page(next_token, rc);
}

/* Adapters from ec2_describe_pages()' void * to the typed page parsers. */
static int vpcs_page(void *out, xmlDocPtr doc, char **next, struct aws_error *err)
{
	return ec2_parse_vpcs(out, doc, next, err);
}

static int subnets_page(void *out, xmlDocPtr doc, char **next, struct aws_error *err)
{
	return ec2_parse_subnets(out, doc, next, err);
}

static int enis_page(void *out, xmlDocPtr doc, char **next, struct aws_error *err)
{
	return ec2_parse_enis(out, doc, next, err);
}

static int tgws_page(void *out, xmlDocPtr doc, char **next, struct aws_error *err)
{
	return ec2_parse_tgws(out, doc, next, err);
}

static int attachments_page(void *out, xmlDocPtr doc, char **next, struct aws_error *err)
{
	return ec2_parse_tgw_attachments(out, doc, next, err);
}

int ec2_describe_vpcs(struct ec2_vpc_list *out, struct client *c, const char *region,
                      const struct ec2_filter *filters, size_t n_filters, struct aws_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ec2_describe_pages(c, region, "DescribeVpcs", filters, n_filters, PAGE_MAX, vpcs_page,
	                        out, err);
	if (rc)
		ec2_vpc_list_release(out);
	return rc;
}

int ec2_describe_subnets(struct ec2_subnet_list *out, struct client *c, const char *region,
                         const struct ec2_filter *filters, size_t n_filters, struct aws_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ec2_describe_pages(c, region, "DescribeSubnets", filters, n_filters, PAGE_MAX,
	                        subnets_page, out, err);
	if (rc)
		ec2_subnet_list_release(out);
	return rc;
}

int ec2_describe_network_interfaces(struct ec2_eni_list *out, struct client *c, const char *region,
                                    const struct ec2_filter *filters, size_t n_filters,
                                    struct aws_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ec2_describe_pages(c, region, "DescribeNetworkInterfaces", filters, n_filters,
	                        PAGE_MAX, enis_page, out, err);
	if (rc)
		ec2_eni_list_release(out);
	return rc;
}

int ec2_describe_transit_gateways(struct ec2_tgw_list *out, struct client *c, const char *region,
                                  const struct ec2_filter *filters, size_t n_filters,
                                  struct aws_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ec2_describe_pages(c, region, "DescribeTransitGateways", filters, n_filters, PAGE_MAX,
	                        tgws_page, out, err);
	if (rc)
		ec2_tgw_list_release(out);
	return rc;
}

int ec2_describe_transit_gateway_attachments(struct ec2_tgw_attachment_list *out, struct client *c,
                                             const char *region, const struct ec2_filter *filters,
                                             size_t n_filters, struct aws_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ec2_describe_pages(c, region, "DescribeTransitGatewayAttachments", filters, n_filters,
	                        PAGE_MAX, attachments_page, out, err);
	if (rc)
		ec2_tgw_attachment_list_release(out);
	return rc;
}
