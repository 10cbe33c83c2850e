/* Flow records from bytes: line splitting, gzip, header lines and saved
 * CloudWatch output. */
#include "engine/logreader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/error.h"
#include "aws/xalloc.h"
#include "engine/parallel.h"

#define ZOUT_SIZE  (256 * 1024)
#define READ_SIZE  (4 * 1024 * 1024)
#define LINE_MAX_  (1024 * 1024)
#define JSON_LIMIT ((size_t)1 << 31)
#define SPLIT_MIN  ((off_t)64 * 1024 * 1024)
#define PIECE_SIZE ((size_t)16 * 1024 * 1024)

void logreader_init(struct logreader *r, const struct record_layout *base, logreader_fn fn,
                    void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->base = *base;
	r->layout = *base;
	r->on_record = fn;
	r->ctx = ctx;
	buf_init(&r->carry, LINE_MAX_);
}

static void end_gzip(struct logreader *r)
{
	if (r->gzip) {
		inflateEnd(&r->z);
		r->gzip = 0;
	}
}

void logreader_release(struct logreader *r)
{
	end_gzip(r);
	free(r->zout);
	free(r->name);
	free(r->first_malformed);
	buf_release(&r->carry);
	memset(r, 0, sizeof(*r));
}

void logreader_begin(struct logreader *r, const char *name)
{
	end_gzip(r);
	free(r->name);
	r->name = xstrdup(name ? name : "-");
	r->layout = r->base;
	r->started = 0;
	r->stream_line = 0;
	r->bad_line = 0;
	buf_reset(&r->carry);
}

static void malformed(struct logreader *r)
{
	r->malformed++;
	if (!r->bad_line)
		r->bad_line = r->stream_line;
	if (!r->first_malformed)
		r->first_malformed =
		    xasprintf("%s line %llu", r->name, (unsigned long long)r->stream_line);
}

/* One line of the stream. */
static int do_line(struct logreader *r, const char *line, size_t len, int64_t event_ms)
{
	struct record_layout next;
	unsigned char c;

	r->lines++;
	r->stream_line++;
	if (len && line[len - 1] == '\r')
		len--;
	if (!len)
		return 0;
	c = (unsigned char)line[0];
	if (c >= 'a' && c <= 'z' && record_layout_from_header(&next, line, len)) {
		if (next.n != r->layout.n ||
		    memcmp(next.fields, r->layout.fields, next.n * sizeof(*next.fields)) != 0)
			r->layout_changes++;
		r->layout = next;
		return 0;
	}
	if (record_parse(&r->rec, &r->layout, line, len) != 0) {
		malformed(r);
		return 0;
	}
	r->rec.event_ms = event_ms;
	r->records++;
	return r->on_record(r->ctx, &r->rec);
}

/* Splits text into lines, keeping an unfinished one in carry. */
static int feed_text(struct logreader *r, const char *p, size_t len)
{
	const char *end = p + len, *nl;
	int rc;

	if (r->carry.len) {
		nl = memchr(p, '\n', len);
		if (buf_add(&r->carry, p, nl ? (size_t)(nl - p) : len) < 0) {
			malformed(r); /* a line longer than any record */
			buf_reset(&r->carry);
		}
		if (!nl)
			return 0;
		rc = do_line(r, r->carry.data, r->carry.len, 0);
		buf_reset(&r->carry);
		if (rc)
			return rc;
		p = nl + 1;
	}
	while (p < end) {
		size_t n;

		if ((size_t)(end - p) >= RECORD_NEXT_READ &&
		    record_parse_next(&r->rec, &r->layout, p, &n) == 0) {
			r->lines++;
			r->stream_line++;
			r->records++;
			if ((rc = r->on_record(r->ctx, &r->rec)))
				return rc;
			p += n + 1;
			continue;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			if (buf_add(&r->carry, p, (size_t)(end - p)) < 0)
				malformed(r);
			break;
		}
		if ((rc = do_line(r, p, (size_t)(nl - p), 0)))
			return rc;
		p = nl + 1;
	}
	return 0;
}

static int gzip_error(struct logreader *r, const char *what, struct aws_error *err)
{
	return error_set(err, ERR_PARSE, "'%s' is not valid gzip: %s", r->name, what);
}

static int feed_gzip(struct logreader *r, const char *data, size_t len, struct aws_error *err)
{
	int zrc, rc;

	r->z.next_in = (unsigned char *)(uintptr_t)data;
	r->z.avail_in = (unsigned)len;
	while (r->z.avail_in) {
		r->z.next_out = r->zout;
		r->z.avail_out = ZOUT_SIZE;
		r->zend = 0;
		zrc = inflate(&r->z, Z_NO_FLUSH);
		if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR)
			return gzip_error(r, r->z.msg ? r->z.msg : "corrupt data", err);
		if ((rc = feed_text(r, (const char *)r->zout, ZOUT_SIZE - r->z.avail_out)))
			return rc;
		if (zrc == Z_STREAM_END) {
			/* Another member may follow (concatenated gzip files). */
			if (inflateReset(&r->z) != Z_OK)
				return gzip_error(r, "reset failed", err);
			r->zend = 1;
		} else if (zrc == Z_BUF_ERROR && r->z.avail_out) {
			break;
		}
	}
	return 0;
}

int logreader_feed(struct logreader *r, const char *data, size_t len, struct aws_error *err)
{
	if (!len)
		return 0;
	if (!r->started) {
		r->started = 1;
		if (len >= 4 && memcmp(data, "PAR1", 4) == 0) {
			return error_set(err, ERR_INVALID,
			                 "'%s' is Parquet; parquet is not supported yet (read "
			                 "plain-text flow logs, or query Parquet with Athena)",
			                 r->name);
		}
		if ((unsigned char)data[0] == 0x1f && (len < 2 || (unsigned char)data[1] == 0x8b)) {
			memset(&r->z, 0, sizeof(r->z));
			if (inflateInit2(&r->z, 15 + 32) != Z_OK)
				return error_set(err, ERR_IO, "zlib: cannot start inflating");
			if (!r->zout)
				r->zout = xmalloc(ZOUT_SIZE);
			r->gzip = 1;
		}
	}
	return r->gzip ? feed_gzip(r, data, len, err) : feed_text(r, data, len);
}

int logreader_end(struct logreader *r, struct aws_error *err)
{
	int rc = 0;

	if (r->gzip && !r->zend)
		rc = gzip_error(r, "unexpected end of data (truncated?)", err);
	if (!rc && r->carry.len) {
		rc = do_line(r, r->carry.data, r->carry.len, 0);
		buf_reset(&r->carry);
	}
	end_gzip(r);
	return rc;
}

int logreader_line(struct logreader *r, const char *line, size_t len, int64_t event_ms)
{
	const char *nl = memchr(line, '\n', len);

	if (nl)
		len = (size_t)(nl - line);
	return do_line(r, line, len, event_ms);
}

/* One CloudWatch event object. */
static int json_event(struct logreader *r, json_t *ev, struct aws_error *err)
{
	json_t *msg = json_object_get(ev, "message"), *ts = json_object_get(ev, "timestamp");

	if (!json_is_string(msg)) {
		malformed(r);
		return 0;
	}
	return logreader_line(r, json_string_value(msg), json_string_length(msg),
	                      json_is_integer(ts) ? json_integer_value(ts) : 0);
}

/* Saved CloudWatch output: a document with "events", an array of events,
 * or one event a line. */
static int read_json(struct logreader *r, const char *text, size_t len, struct aws_error *err)
{
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, 0, &jerr), *events;
	const char *p = text, *end = text + len;
	size_t i;
	json_t *ev;
	int rc = 0;

	if (doc) {
		events = json_is_array(doc) ? doc : json_object_get(doc, "events");
		if (!json_is_array(events)) {
			json_decref(doc);
			return error_set(err, ERR_PARSE,
			                 "'%s' is JSON without \"events\": save CloudWatch output "
			                 "with 'aws logs filter-log-events --output json'",
			                 r->name);
		}
		json_array_foreach(events, i, ev)
		{
			r->stream_line = i + 1;
			if ((rc = json_event(r, ev, err)))
				break;
		}
		json_decref(doc);
		return rc;
	}
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		r->stream_line++;
		if (n && (ev = json_loadb(p, n, 0, &jerr))) {
			rc = json_event(r, ev, err);
			json_decref(ev);
		} else if (n) {
			r->stream_line--;
			malformed(r);
			r->stream_line++;
		}
		p += n + 1;
	}
	return rc;
}

static int read_fd(int fd, char *out, size_t size, size_t *got)
{
	ssize_t n;

	*got = 0;
	while (*got < size) {
		n = read(fd, out + *got, size - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

int logreader_file(struct logreader *r, const char *path, struct aws_error *err)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
	char *chunk = NULL;
	struct buf all = BUF_INIT;
	size_t got, skip = 0;
	int rc = 0;

	if (fd < 0)
		return error_set(err, ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	logreader_begin(r, path);
	chunk = xmalloc(READ_SIZE);
	if (read_fd(fd, chunk, READ_SIZE, &got) < 0) {
		rc = error_set(err, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	while (skip < got && (chunk[skip] == ' ' || chunk[skip] == '\n' || chunk[skip] == '\r' ||
	                      chunk[skip] == '\t'))
		skip++;
	if (skip < got && (chunk[skip] == '{' || chunk[skip] == '[')) {
		buf_init(&all, JSON_LIMIT);
		do {
			if (buf_add(&all, chunk, got) < 0) {
				rc = error_set(err, ERR_IO, "'%s' is too large to read as JSON",
				               path);
				goto out;
			}
			if (got < READ_SIZE)
				break;
			if (read_fd(fd, chunk, READ_SIZE, &got) < 0) {
				rc = error_set(err, ERR_IO, "cannot read '%s': %s", path,
				               strerror(errno));
				goto out;
			}
		} while (got);
		rc = read_json(r, all.data, all.len, err);
		goto out;
	}
	while (got) {
		if ((rc = logreader_feed(r, chunk, got, err)))
			goto out;
		if (got < READ_SIZE)
			break;
		if (read_fd(fd, chunk, READ_SIZE, &got) < 0) {
			rc = error_set(err, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
	}
	rc = logreader_end(r, err);
out:
	if (rc)
		end_gzip(r);
	buf_release(&all);
	free(chunk);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* A piece of a file read in parallel: whole lines, and what reading them
 * found. */
struct piece {
	const char *start;
	size_t len;
	uint64_t lines;    /* lines in the piece */
	uint64_t bad_line; /* the piece's line of its first malformed line, 0: none */
};

/* The pieces of a file, taken in turn by whichever reader is free: a
 * thread that runs slower (the machine's other work) then reads fewer,
 * rather than the rest waiting for it. */
struct part_job {
	struct logreader *readers;
	struct piece *pieces;
	size_t n;
	atomic_size_t next;
	atomic_int failed;
	int *rcs;
};

/* The pages wholly inside [from, to): [*first, *last) (empty when none). */
static void pages_within(const char *from, const char *to, char **first, char **last)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)from + page - 1) & ~(page - 1), b = (uintptr_t)to & ~(page - 1);

	*first = (char *)a;
	*last = (char *)(b > a ? b : a);
}

/* Reads piece p through r, each piece with the layout the reader started
 * with. Its pages are mapped in one call first rather than faulted in one
 * by one, and dropped once read, so that each thread clears its own pages
 * instead of the caller's munmap clearing the whole file at the end. The
 * range stays mapped: unmapped, it could be handed to an allocation that
 * the caller's munmap would then take away. */
static int read_piece(struct logreader *r, struct piece *p)
{
	struct aws_error err;
	char *from, *to;
	int rc;

#ifdef MADV_POPULATE_READ
	{
		uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
		uintptr_t off = (uintptr_t)p->start & (page - 1);

		madvise((void *)(p->start - off), p->len + off, MADV_POPULATE_READ);
	}
#endif
	r->layout = r->base;
	r->stream_line = 0;
	r->bad_line = 0;
	rc = feed_text(r, p->start, p->len);
	if (!rc)
		rc = logreader_end(r, &err);
	pages_within(p->start, p->start + p->len, &from, &to);
	if (to > from)
		madvise(from, (size_t)(to - from), MADV_DONTNEED);
	p->lines = r->stream_line;
	p->bad_line = r->bad_line;
	return rc;
}

static void read_pieces(void *arg, size_t i)
{
	struct part_job *job = arg;

	job->rcs[i] = 0;
	while (!atomic_load(&job->failed)) {
		size_t k = atomic_fetch_add(&job->next, 1);

		if (k >= job->n)
			break;
		if ((job->rcs[i] = read_piece(&job->readers[i], &job->pieces[k]))) {
			atomic_store(&job->failed, 1);
			break;
		}
	}
}

/* Names the file's first malformed line in readers[0], by its line in the
 * file: each reader named the first it met, by its line in a piece. */
static void name_first_malformed(struct logreader *readers, size_t n, const struct piece *pieces,
                                 size_t n_pieces, const char *path)
{
	uint64_t before = 0;

	for (size_t i = 0; i < n; i++) {
		free(readers[i].first_malformed);
		readers[i].first_malformed = NULL;
	}
	for (size_t k = 0; k < n_pieces; k++) {
		if (pieces[k].bad_line) {
			readers[0].first_malformed =
			    xasprintf("%s line %llu", path,
			              (unsigned long long)(before + pieces[k].bad_line));
			return;
		}
		before += pieces[k].lines;
	}
}

int logreader_file_parallel(struct logreader *readers, size_t n, const char *path,
                            struct aws_error *err)
{
	struct part_job job;
	struct stat st;
	struct piece *pieces;
	size_t size, at = 0, n_pieces = 0;
	uint64_t changes = 0;
	int *rcs, fd, rc = 0;
	char *map;

	if (n < 2 || strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY)) < 0)
		return 1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < SPLIT_MIN) {
		close(fd);
		return 1;
	}
	size = (size_t)st.st_size;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 1;
	if ((unsigned char)map[0] == 0x1f || map[0] == '{' || map[0] == '[' ||
	    memcmp(map, "PAR1", 4) == 0) {
		munmap(map, size);
		return 1;
	}
	madvise(map, size, MADV_SEQUENTIAL);
	/* A header line on top sets the layout of every piece. */
	{
		const char *nl = memchr(map, '\n', size);
		size_t len = nl ? (size_t)(nl - map) : size;
		struct record_layout head;

		if (record_layout_from_header(&head, map, len))
			for (size_t i = 0; i < n; i++)
				readers[i].base = readers[i].layout = head;
	}
	/* Pieces of about PIECE_SIZE bytes, each ending with a line. */
	pieces = xcalloc(size / PIECE_SIZE + 1, sizeof(*pieces));
	while (at < size) {
		size_t end = size - at > PIECE_SIZE ? at + PIECE_SIZE : size;
		const char *nl;

		if (end < size)
			end = (nl = memchr(map + end, '\n', size - end)) ? (size_t)(nl - map) + 1
			                                                 : size;
		pieces[n_pieces].start = map + at;
		pieces[n_pieces++].len = end - at;
		at = end;
	}
	rcs = xcalloc(n, sizeof(*rcs));
	for (size_t i = 0; i < n; i++) {
		logreader_begin(&readers[i], path);
		readers[i].layout = readers[i].base;
	}
	job.readers = readers;
	job.pieces = pieces;
	job.n = n_pieces;
	atomic_init(&job.next, 0);
	atomic_init(&job.failed, 0);
	job.rcs = rcs;
	parallel_run(n, (int)n, read_pieces, NULL, &job);
	for (size_t i = 0; i < n; i++) {
		if (rcs[i] < 0 && !rc)
			rc = error_set(err, ERR_IO, "cannot read '%s'", path);
		changes += readers[i].layout_changes;
	}
	name_first_malformed(readers, n, pieces, n_pieces, path);
	munmap(map, size);
	free(pieces);
	free(rcs);
	/* A header line that changes the layout holds for the lines after it
	 * in the file, not for the pieces its reader happens to take next:
	 * such a file is read in one go. */
	if (!rc && changes)
		return 1;
	return rc;
}
