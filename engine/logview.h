/* How flow records are shown one by one: a table row for people (time,
 * interface, source -> destination with ports, protocol name, action,
 * packets, bytes), a CSV row, or a JSON object. Text taken from records is
 * printed with control characters replaced, so that a record cannot drive the
 * terminal. */
#ifndef VPCFLOW_ENGINE_LOGVIEW_H
#define VPCFLOW_ENGINE_LOGVIEW_H

#include <stdio.h>

#include <jansson.h>

#include "engine/record.h"

/* With color, the header is bold and the action green (ACCEPT) or red
 * (REJECT); widths are those of the plain text. */
void logview_table_header(FILE *f, int color);
void logview_table_row(FILE *f, const struct record *r, int color);
void logview_csv_header(FILE *f);
void logview_csv_row(FILE *f, const struct record *r);
/* Every field of the record's layout by name (numbers as numbers, "-" as
 * null), with "protocolName" and, when the source gave one, "timestamp" (ms).
 * New reference. */
json_t *logview_json(const struct record *r);

#endif
