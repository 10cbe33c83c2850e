/* Reading flow records from bytes: streams of text (plain or gzip, in chunks
 * of any size), single messages (CloudWatch events), and files (plain,
 * gzip, or CloudWatch output saved as JSON). Lines are split in place and
 * parsed with the layout in force: the one the reader was given, or the
 * header line a stream starts with (S3 objects carry one). Each record goes
 * to the callback; lines that are not records are counted, not fatal. */
#ifndef VPCFLOW_ENGINE_LOGREADER_H
#define VPCFLOW_ENGINE_LOGREADER_H

#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#include "aws/buf.h"
#include "engine/record.h"

struct aws_error;

/* Called for each record; returns 0 to go on, > 0 to stop reading (not an
 * error), < 0 to fail. */
typedef int (*logreader_fn)(void *ctx, struct record *r);

/* Invariants: layout is the base layout until a header line replaces it for
 * the rest of a stream; carry holds the bytes of an unfinished line; z is
 * initialised while gzip is set. */
struct logreader {
	struct record_layout base, layout;
	logreader_fn on_record;
	void *ctx;
	struct buf carry;
	char *name;  /* the stream being read, for messages (owned) */
	int started; /* the first bytes of the stream were seen */
	int gzip;    /* the stream is gzip */
	int zend;    /* the last gzip member ended */
	z_stream z;
	unsigned char *zout;
	struct record rec;
	/* Counters over every stream. */
	uint64_t lines, records, malformed;
	char *first_malformed; /* "NAME line N", owned, or NULL */
	uint64_t stream_line;
	uint64_t bad_line;       /* the stream's line of its first malformed line, 0: none */
	uint64_t layout_changes; /* header lines that changed the layout in force */
};

/* base is copied. */
void logreader_init(struct logreader *r, const struct record_layout *base, logreader_fn fn,
                    void *ctx);
void logreader_release(struct logreader *r);

/* Starts a stream named name (a file or an object key): the layout goes
 * back to the base one, and gzip is recognised by its first bytes. */
void logreader_begin(struct logreader *r, const char *name);
/* Feeds bytes of the stream. Returns 0, > 0 when on_record stopped, or an
 * ERR_* (corrupt gzip, Parquet) with err filled. */
int logreader_feed(struct logreader *r, const char *data, size_t len, struct aws_error *err);
/* Ends the stream (its last line may lack a newline). */
int logreader_end(struct logreader *r, struct aws_error *err);
/* One record line given whole (a CloudWatch event's message), with the
 * time its source gives it (0: none). */
int logreader_line(struct logreader *r, const char *line, size_t len, int64_t event_ms);

/* Reads a file: plain text or gzip, or CloudWatch output saved as JSON
 * ({"events": [{"timestamp": ..., "message": ...}, ...]}, as `aws logs
 * filter-log-events` and `get-log-events` print it, or one such event a
 * line). "-" is standard input. */
int logreader_file(struct logreader *r, const char *path, struct aws_error *err);

/* Reads a large plain-text file (not gzip, not JSON) on n threads, through
 * readers[0..n) (initialised by the caller with their own callbacks, which
 * must be safe to run side by side): the file is cut into pieces of whole
 * lines, each read by whichever reader is free. A header line at the top of
 * the file applies to every piece; the file's first malformed line is named
 * in readers[0], by its line in the file. Returns 1 when the file is not
 * such a file, or has a header line further down that changes the layout
 * (the caller reads it with logreader_file instead, and drops what the
 * readers counted), else as logreader_file. */
int logreader_file_parallel(struct logreader *readers, size_t n, const char *path,
                            struct aws_error *err);

#endif
