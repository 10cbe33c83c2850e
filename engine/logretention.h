/* The retention periods CloudWatch Logs accepts (PutRetentionPolicy's
 * retentionInDays takes these values and no others): one table for the spec
 * checks, the audit's remedy and `vpcflow retention set`. */
#ifndef VPCFLOW_ENGINE_LOGRETENTION_H
#define VPCFLOW_ENGINE_LOGRETENTION_H

#include <stddef.h>

#include "aws/buf.h"

/* The allowed values, ascending. */
extern const int logretention_days[];
extern const size_t logretention_count;

/* Whether CloudWatch Logs accepts days. When it does not, *below and *above
 * receive the nearest allowed values (0 when there is none on that side);
 * below and above may be NULL. */
int logretention_allowed(long long days, int *below, int *above);
/* The smallest allowed value of at least days (the largest when days is
 * beyond them all). */
int logretention_round_up(int days);
/* Appends the allowed values: "1, 3, 5, ..., 3653". */
void logretention_list(struct buf *out);

#endif
