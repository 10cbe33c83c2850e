/* --summary: the analysis of a set of flow records. Accepted against
 * rejected, top talkers, top rejected sources, top destination ports, and
 * the rejections that look like a stateless network ACL (the request
 * accepted, its return rejected) rather than a stateful security group (the
 * request itself rejected).
 *
 * Records are counted into a table of flows as they stream by
 * (summary_add, engine/flowtab.h): one entry per distinct addresses, ports,
 * protocol and action (or, until the report, per distinct text of those
 * fields), so memory grows with distinct flows, not records.
 * The lists are sums over the flows, made by summary_report. Summaries of
 * parts of the input can be merged. */
#ifndef VPCFLOW_ENGINE_SUMMARY_H
#define VPCFLOW_ENGINE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "engine/record.h"

struct summary;

struct summary_counts {
	uint64_t records, packets, bytes;
};

/* One line of a top list; which fields are used depends on the list. */
struct summary_row {
	struct record_addr src, dst;
	unsigned srcport, dstport, protocol;
	uint64_t records, packets, bytes;
	uint64_t accepted, rejected; /* network ACL list: requests, rejected returns */
};

struct summary_rows {
	struct summary_row *v;
	size_t n, alloc;
};

/* The finished analysis. Each list is sorted (largest first, ties by
 * address text, then ports, then protocol) and holds at most top rows. */
struct summary_report {
	uint64_t records;          /* flow records read (every status) */
	uint64_t nodata, skipdata; /* of which NODATA and SKIPDATA */
	struct summary_counts accepted, rejected;
	struct summary_rows talkers;          /* src, dst by bytes */
	struct summary_rows rejected_sources; /* src by rejected records */
	struct summary_rows ports;            /* protocol, dstport by records */
	struct summary_rows acl_like;         /* request src:port -> dst:port, by rejected */
	uint64_t acl_rejected; /* rejected records whose opposite direction was accepted */
	uint64_t sg_rejected;  /* the other rejected records */
};

/* Returns an empty summary owned by the caller. */
struct summary *summary_new(void);
void summary_free(struct summary *s);
/* Counts one record. */
void summary_add(struct summary *s, const struct record *r);
/* Adds everything counted in from into into. */
void summary_merge(struct summary *into, const struct summary *from);
/* Builds the report with at most top rows a list, on two threads. s is not
 * const: the last records added may still wait to go into its table. */
void summary_report(struct summary_report *out, struct summary *s, size_t top);
void summary_report_release(struct summary_report *r);

/* The report as the "summary" object of --output json (new reference). */
json_t *summary_json(const struct summary_report *r);
/* The report for people: sections of aligned tables. */
void summary_print(FILE *f, const struct summary_report *r);
/* The report as CSV: one table a section, each with its header row. */
void summary_print_csv(FILE *f, const struct summary_report *r);

#endif
