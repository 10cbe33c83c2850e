/* The flow log field registry and log format parsing. */
#include "engine/logformat.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/error.h"
#include "aws/xalloc.h"
#include "engine/suggest.h"

#define VPC  LOGFORMAT_VPC
#define TGW  LOGFORMAT_TGW
#define BOTH (LOGFORMAT_VPC | LOGFORMAT_TGW)

static const char *const action_values[] = {"ACCEPT", "REJECT", NULL};
static const char *const log_status_values[] = {"OK", "NODATA", "SKIPDATA", NULL};
static const char *const type_values[] = {"IPv4", "IPv6", "EFA", NULL};
static const char *const sublocation_values[] = {"wavelength", "outpost", "localzone", NULL};
static const char *const direction_values[] = {"ingress", "egress", NULL};
static const char *const reject_reason_values[] = {"BPA", NULL};
static const char *const resource_type_values[] = {"TransitGateway", NULL};

const struct logformat_field logformat_fields[] = {
    /* Version 2: the default format. */
    {"version", 2, LOGFORMAT_INT, BOTH, NULL,
     "record version: 2 for the default format, else the highest version of its fields"},
    {"account-id", 2, LOGFORMAT_STRING, BOTH, NULL,
     "AWS account that owns the network interface or transit gateway"},
    {"interface-id", 2, LOGFORMAT_STRING, VPC, NULL, "network interface whose traffic is recorded"},
    {"srcaddr", 2, LOGFORMAT_ADDR, BOTH, NULL,
     "source address; for outgoing traffic, the interface's own address"},
    {"dstaddr", 2, LOGFORMAT_ADDR, BOTH, NULL,
     "destination address; for incoming traffic, the interface's own address"},
    {"srcport", 2, LOGFORMAT_PORT, BOTH, NULL, "source port"},
    {"dstport", 2, LOGFORMAT_PORT, BOTH, NULL, "destination port"},
    {"protocol", 2, LOGFORMAT_INT, BOTH, NULL, "IANA protocol number (1 ICMP, 6 TCP, 17 UDP)"},
    {"packets", 2, LOGFORMAT_INT, BOTH, NULL, "packets transferred during the flow"},
    {"bytes", 2, LOGFORMAT_INT, BOTH, NULL, "bytes transferred during the flow"},
    {"start", 2, LOGFORMAT_TIME, BOTH, NULL, "when the first packet of the flow was seen"},
    {"end", 2, LOGFORMAT_TIME, BOTH, NULL, "when the last packet of the flow was seen"},
    {"action", 2, LOGFORMAT_ENUM, VPC, action_values,
     "whether security groups and network ACLs accepted or rejected the traffic"},
    {"log-status", 2, LOGFORMAT_ENUM, BOTH, log_status_values,
     "logging status: data recorded, no traffic, or records skipped"},
    /* Version 3. */
    {"vpc-id", 3, LOGFORMAT_STRING, VPC, NULL, "VPC of the network interface"},
    {"subnet-id", 3, LOGFORMAT_STRING, VPC, NULL, "subnet of the network interface"},
    {"instance-id", 3, LOGFORMAT_STRING, VPC, NULL,
     "instance the interface is attached to, when the account owns it"},
    {"tcp-flags", 3, LOGFORMAT_INT, BOTH, NULL,
     "bitwise OR of the TCP flags seen (FIN 1, SYN 2, RST 4, SYN-ACK 18)"},
    {"type", 3, LOGFORMAT_ENUM, BOTH, type_values, "type of traffic: IPv4, IPv6 or EFA"},
    {"pkt-srcaddr", 3, LOGFORMAT_ADDR, VPC, NULL, "source address in the packet itself"},
    {"pkt-dstaddr", 3, LOGFORMAT_ADDR, VPC, NULL, "destination address in the packet itself"},
    /* Version 4. */
    {"region", 4, LOGFORMAT_STRING, BOTH, NULL,
     "region of the network interface or transit gateway"},
    {"az-id", 4, LOGFORMAT_STRING, VPC, NULL, "Availability Zone ID of the network interface"},
    {"sublocation-type", 4, LOGFORMAT_ENUM, VPC, sublocation_values,
     "kind of sublocation: Wavelength Zone, Outpost or Local Zone"},
    {"sublocation-id", 4, LOGFORMAT_STRING, VPC, NULL, "ID of the sublocation the interface is in"},
    /* Version 5. */
    {"pkt-src-aws-service", 5, LOGFORMAT_STRING, BOTH, NULL,
     "AWS service the source address belongs to (AMAZON, S3, EC2, ...)"},
    {"pkt-dst-aws-service", 5, LOGFORMAT_STRING, BOTH, NULL,
     "AWS service the destination address belongs to"},
    {"flow-direction", 5, LOGFORMAT_ENUM, BOTH, direction_values,
     "direction of the flow relative to the interface: ingress or egress"},
    {"traffic-path", 5, LOGFORMAT_INT, VPC, NULL,
     "path egress traffic takes to its destination (1 to 8)"},
    /* Version 7: Amazon ECS. */
    {"ecs-cluster-arn", 7, LOGFORMAT_STRING, VPC, NULL, "ARN of the ECS cluster of the task"},
    {"ecs-cluster-name", 7, LOGFORMAT_STRING, VPC, NULL, "name of the ECS cluster of the task"},
    {"ecs-container-instance-arn", 7, LOGFORMAT_STRING, VPC, NULL,
     "ARN of the ECS container instance running the task (EC2 launch type)"},
    {"ecs-container-instance-id", 7, LOGFORMAT_STRING, VPC, NULL,
     "ID of the ECS container instance running the task (EC2 launch type)"},
    {"ecs-container-id", 7, LOGFORMAT_STRING, VPC, NULL,
     "Docker runtime ID of the first container of the task"},
    {"ecs-second-container-id", 7, LOGFORMAT_STRING, VPC, NULL,
     "Docker runtime ID of the second container of the task"},
    {"ecs-service-name", 7, LOGFORMAT_STRING, VPC, NULL, "ECS service the task belongs to"},
    {"ecs-task-definition-arn", 7, LOGFORMAT_STRING, VPC, NULL,
     "ARN of the task definition of the task"},
    {"ecs-task-arn", 7, LOGFORMAT_STRING, VPC, NULL, "ARN of the ECS task"},
    {"ecs-task-id", 7, LOGFORMAT_STRING, VPC, NULL, "ID of the ECS task"},
    /* Version 8 and later. */
    {"reject-reason", 8, LOGFORMAT_ENUM, VPC, reject_reason_values,
     "why traffic was rejected (BPA: VPC Block Public Access)"},
    {"resource-id", 9, LOGFORMAT_STRING, VPC, NULL,
     "resource the traffic belongs to when no interface is (such as a regional NAT gateway)"},
    {"encryption-status", 10, LOGFORMAT_INT, VPC, NULL,
     "whether and how the traffic was encrypted in transit (VPC Encryption Controls)"},
    /* Transit gateway flow logs (version 6). */
    {"resource-type", 6, LOGFORMAT_ENUM, TGW, resource_type_values,
     "type of resource the traffic is recorded on (TransitGateway)"},
    {"tgw-id", 6, LOGFORMAT_STRING, TGW, NULL, "transit gateway the traffic crossed"},
    {"tgw-attachment-id", 6, LOGFORMAT_STRING, TGW, NULL,
     "transit gateway attachment the traffic is recorded on"},
    {"tgw-src-vpc-account-id", 6, LOGFORMAT_STRING, TGW, NULL, "AWS account of the source VPC"},
    {"tgw-dst-vpc-account-id", 6, LOGFORMAT_STRING, TGW, NULL,
     "AWS account of the destination VPC"},
    {"tgw-src-vpc-id", 6, LOGFORMAT_STRING, TGW, NULL, "source VPC"},
    {"tgw-dst-vpc-id", 6, LOGFORMAT_STRING, TGW, NULL, "destination VPC"},
    {"tgw-src-subnet-id", 6, LOGFORMAT_STRING, TGW, NULL, "source subnet"},
    {"tgw-dst-subnet-id", 6, LOGFORMAT_STRING, TGW, NULL, "destination subnet"},
    {"tgw-src-eni", 6, LOGFORMAT_STRING, TGW, NULL,
     "transit gateway network interface the traffic entered through"},
    {"tgw-dst-eni", 6, LOGFORMAT_STRING, TGW, NULL,
     "transit gateway network interface the traffic left through"},
    {"tgw-src-az-id", 6, LOGFORMAT_STRING, TGW, NULL,
     "Availability Zone ID of the source attachment"},
    {"tgw-dst-az-id", 6, LOGFORMAT_STRING, TGW, NULL,
     "Availability Zone ID of the destination attachment"},
    {"tgw-pair-attachment-id", 6, LOGFORMAT_STRING, TGW, NULL,
     "the attachment on the other side of the flow"},
    {"packets-lost-no-route", 6, LOGFORMAT_INT, TGW, NULL,
     "packets dropped because no route matched"},
    {"packets-lost-blackhole", 6, LOGFORMAT_INT, TGW, NULL, "packets dropped by a blackhole route"},
    {"packets-lost-mtu-exceeded", 6, LOGFORMAT_INT, TGW, NULL,
     "packets dropped for exceeding the MTU"},
    {"packets-lost-ttl-expired", 6, LOGFORMAT_INT, TGW, NULL,
     "packets dropped because their time to live expired"},
};

const size_t logformat_field_count = sizeof(logformat_fields) / sizeof(logformat_fields[0]);

static const char vpc_default[] = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} "
                                  "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} "
                                  "${end} ${action} ${log-status}";

static const char tgw_default[] =
    "${version} ${resource-type} ${account-id} ${tgw-id} ${tgw-attachment-id} "
    "${tgw-src-vpc-account-id} ${tgw-dst-vpc-account-id} ${tgw-src-vpc-id} ${tgw-dst-vpc-id} "
    "${tgw-src-subnet-id} ${tgw-dst-subnet-id} ${tgw-src-eni} ${tgw-dst-eni} ${tgw-src-az-id} "
    "${tgw-dst-az-id} ${tgw-pair-attachment-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${log-status} ${type} "
    "${packets-lost-no-route} ${packets-lost-blackhole} ${packets-lost-mtu-exceeded} "
    "${packets-lost-ttl-expired} ${tcp-flags} ${region} ${flow-direction} "
    "${pkt-src-aws-service} ${pkt-dst-aws-service}";

/* Short names that stand for one or more fields. */
struct alias {
	const char *name;
	const char *fields[3]; /* NULL-terminated */
};

static const struct alias aliases[] = {
    {"port", {"srcport", "dstport", NULL}},
    {"src", {"srcaddr", NULL}},
    {"dst", {"dstaddr", NULL}},
    {"instance", {"instance-id", NULL}},
    {"interface", {"interface-id", NULL}},
    {"vpc", {"vpc-id", NULL}},
    {"subnet", {"subnet-id", NULL}},
    {"account", {"account-id", NULL}},
};

#define N_ALIASES       (sizeof(aliases) / sizeof(aliases[0]))
#define MAX_SUGGESTIONS 3

const struct logformat_field *logformat_field(const char *name)
{
	for (size_t i = 0; i < logformat_field_count; i++)
		if (strcmp(logformat_fields[i].name, name) == 0)
			return &logformat_fields[i];
	return NULL;
}

const char *logformat_default(unsigned scope)
{
	return scope == LOGFORMAT_TGW ? tgw_default : vpc_default;
}

const char *logformat_type_name(enum logformat_type type)
{
	switch (type) {
	case LOGFORMAT_INT:
		return "int";
	case LOGFORMAT_ADDR:
		return "address";
	case LOGFORMAT_PORT:
		return "port";
	case LOGFORMAT_TIME:
		return "time";
	case LOGFORMAT_STRING:
		return "string";
	case LOGFORMAT_ENUM:
		return "enum";
	}
	return "string";
}

static void add_error(struct logformat_errors *errs, size_t offset, char *message)
{
	error_scrub(message);
	ALLOC_GROW(errs->v, errs->n + 1, errs->alloc);
	errs->v[errs->n].offset = offset;
	errs->v[errs->n].message = message;
	errs->n++;
}

static const struct alias *find_alias(const char *name)
{
	for (size_t i = 0; i < N_ALIASES; i++)
		if (strcmp(aliases[i].name, name) == 0)
			return &aliases[i];
	return NULL;
}

/* One candidate for "did you mean", ranked by score (lower is nearer). */
struct candidate {
	const char *name;
	size_t score;
};

static void consider(struct candidate *best, size_t *n, const char *word, const char *name)
{
	size_t len = strlen(word), name_len = strlen(name), d;
	size_t limit = len < 3 ? 1 : len / 3 + 1;
	size_t score;

	if (limit > 3)
		limit = 3;
	if (len >= 3 && len <= name_len && strncasecmp(word, name, len) == 0)
		score = 1; /* a prefix of the name: "ecs-task" */
	else if ((len > name_len ? len - name_len : name_len - len) <= limit &&
	         (d = suggest_distance(word, name)) <= limit)
		score = 2 * d; /* (lengths further apart than limit cannot be near) */
	else
		return;
	/* Insertion into the sorted, bounded list; ties keep registry order. */
	for (size_t i = 0; i < MAX_SUGGESTIONS; i++) {
		if (i == *n || score < best[i].score) {
			size_t last = *n < MAX_SUGGESTIONS ? *n : MAX_SUGGESTIONS - 1;

			memmove(&best[i + 1], &best[i], (last - i) * sizeof(*best));
			best[i].name = name;
			best[i].score = score;
			if (*n < MAX_SUGGESTIONS)
				(*n)++;
			return;
		}
	}
}

/* "unknown log format field 'x'; did you mean 'a', 'b' or 'c'?" */
static char *unknown_message(const char *word, unsigned scope)
{
	struct candidate best[MAX_SUGGESTIONS + 1];
	struct buf b = BUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < logformat_field_count; i++)
		if (logformat_fields[i].scope & scope)
			consider(best, &n, word, logformat_fields[i].name);
	for (size_t i = 0; i < N_ALIASES; i++)
		if (logformat_field(aliases[i].fields[0])->scope & scope)
			consider(best, &n, word, aliases[i].name);
	/* Keep only names within one edit of the nearest. */
	while (n > 1 && best[n - 1].score > best[0].score + 2)
		n--;
	buf_addf(&b, "unknown log format field '%s'", word);
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s'%s'",
		         i == 0       ? "; did you mean "
		         : i + 1 == n ? " or "
		                      : ", ",
		         best[i].name);
	if (n)
		buf_addch(&b, '?');
	return buf_detach(&b, NULL);
}

static char *via_alias(const char *token, const char *field)
{
	const struct alias *a = find_alias(token);

	if (!a)
		return xstrdup("");
	if (!a->fields[1])
		return xasprintf(" ('%s' stands for %s)", token, field);
	return xasprintf(" ('%s' stands for %s %s)", token, a->fields[0], a->fields[1]);
}

/* Adds one resolved field, checking its scope and that it is new. */
static void add_field(struct logformat *out, const struct logformat_field *f, const char *token,
                      size_t offset, unsigned scope, struct logformat_errors *errs)
{
	char *why;

	if (!(f->scope & scope)) {
		why = via_alias(token, f->name);
		if (f->scope == LOGFORMAT_TGW)
			add_error(errs, offset,
			          xasprintf("field '%s'%s is recorded only by transit gateway flow "
			                    "logs",
			                    f->name, why));
		else
			add_error(errs, offset,
			          xasprintf("field '%s'%s is not recorded by transit gateway flow "
			                    "logs",
			                    f->name, why));
		free(why);
		return;
	}
	if (logformat_index(out, f->name) >= 0) {
		why = via_alias(token, f->name);
		add_error(errs, offset, xasprintf("field '%s'%s is listed twice", f->name, why));
		free(why);
		return;
	}
	ALLOC_GROW(out->fields, out->n + 1, out->alloc);
	out->fields[out->n++] = f;
}

/* Resolves one token (a name, an alias or "default") into fields. */
static void add_token(struct logformat *out, const char *name, int braced, size_t offset,
                      unsigned scope, struct logformat_errors *errs)
{
	const struct logformat_field *f;
	const struct alias *a;

	if (!braced && strcasecmp(name, "default") == 0) {
		struct logformat def = LOGFORMAT_INIT;
		struct logformat_errors none = LOGFORMAT_ERRORS_INIT;

		logformat_parse(&def, logformat_default(scope), scope, &none);
		for (size_t i = 0; i < def.n; i++)
			add_field(out, def.fields[i], name, offset, scope, errs);
		logformat_release(&def);
		logformat_errors_release(&none);
	} else if ((f = logformat_field(name))) {
		add_field(out, f, name, offset, scope, errs);
	} else if ((a = find_alias(name))) {
		size_t n = 0, listed = 0;

		for (; a->fields[n]; n++)
			listed += logformat_index(out, a->fields[n]) >= 0;
		if (n > 1 && listed == n)
			add_error(errs, offset,
			          xasprintf("'%s' stands for %s %s, which are listed already", name,
			                    a->fields[0], a->fields[1]));
		else
			for (size_t i = 0; i < n; i++)
				add_field(out, logformat_field(a->fields[i]), name, offset, scope,
				          errs);
	} else {
		add_error(errs, offset, unknown_message(name, scope));
	}
}

int logformat_parse(struct logformat *out, const char *text, unsigned scope,
                    struct logformat_errors *errs)
{
	size_t before = errs->n, i = 0, len = strlen(text);
	int tokens = 0;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		size_t start, end;
		char *name;
		int braced = 0;

		if (isspace((unsigned char)text[i])) {
			i++;
			continue;
		}
		start = i;
		if (text[i] == '$' && text[i + 1] == '{') {
			const char *close = strchr(text + i + 2, '}');

			if (!close) {
				add_error(errs, start,
				          xasprintf("'${' is not closed by '}' in the log format"));
				break;
			}
			braced = 1;
			name = xstrndup(text + i + 2, (size_t)(close - (text + i + 2)));
			i = (size_t)(close - text) + 1;
		} else {
			end = i;
			while (end < len && !isspace((unsigned char)text[end]) &&
			       !(text[end] == '$' && text[end + 1] == '{'))
				end++;
			name = xstrndup(text + i, end - i);
			i = end;
		}
		tokens++;
		if (!*name)
			add_error(errs, start, xasprintf("'${}' names no field"));
		else
			add_token(out, name, braced, start, scope, errs);
		free(name);
	}
	if (!tokens && errs->n == before)
		add_error(errs, 0,
		          xasprintf("the log format is empty; write \"default\" or the fields to "
		                    "record"));
	if (errs->n > before) {
		logformat_release(out);
		return -1;
	}
	return 0;
}

void logformat_render(const struct logformat *f, struct buf *out)
{
	for (size_t i = 0; i < f->n; i++)
		buf_addf(out, "%s${%s}", i ? " " : "", f->fields[i]->name);
}

int logformat_version(const struct logformat *f)
{
	int v = 2;

	for (size_t i = 0; i < f->n; i++)
		if (f->fields[i]->version > v)
			v = f->fields[i]->version;
	return v;
}

int logformat_index(const struct logformat *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i]->name, name) == 0)
			return (int)i;
	return -1;
}

void logformat_release(struct logformat *f)
{
	free(f->fields);
	memset(f, 0, sizeof(*f));
}

void logformat_errors_release(struct logformat_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		free(errs->v[i].message);
	free(errs->v);
	memset(errs, 0, sizeof(*errs));
}
