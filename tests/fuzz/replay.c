/* The main() of a fuzz target in builds without libFuzzer: runs
 * LLVMFuzzerTestOneInput once over each file named on the command line, and
 * over each file in each directory named (in name order, dot files skipped).
 * It fails when a path cannot be read or when there was no input at all, so a
 * missing or empty corpus is noticed. Each input is copied into a buffer of
 * its exact size, so that AddressSanitizer sees reads past its end. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aws/buf.h"
#include "aws/strlist.h"
#include "aws/xalloc.h"
#include "tests/fuzz/fuzz.h"

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the target once over the file at path. Returns 0, or -1 when the
 * file cannot be read. */
static int replay_file(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	uint8_t *exact = NULL;
	size_t n;
	FILE *f = fopen(path, "rb");
	int rc = -1;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f)) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		goto out;
	}
	exact = xmalloc(b.len ? b.len : 1);
	memcpy(exact, b.data, b.len);
	printf("replay: %s (%zu bytes)\n", path, b.len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(exact, b.len);
	rc = 0;
out:
	if (f)
		fclose(f);
	free(exact);
	buf_release(&b);
	return rc;
}

/* Replays the regular files of directory dir in name order; *count grows by
 * the number replayed. Returns 0, or -1 on the first failure. */
static int replay_dir(const char *dir, size_t *count)
{
	struct strlist names = STRLIST_INIT;
	struct buf path = BUF_INIT;
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);
	int rc = -1;

	if (!d) {
		fprintf(stderr, "replay: cannot open directory '%s': %s\n", dir, strerror(errno));
		goto out;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			strlist_add(&names, e->d_name);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), compare_names);
	for (size_t i = 0; i < names.n; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names.v[i]);
		if (stat(path.data, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path.data) < 0)
			goto out;
		(*count)++;
	}
	rc = 0;
out:
	if (d)
		closedir(d);
	strlist_release(&names);
	buf_release(&path);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	struct stat st;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: cannot read '%s': %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) < 0
		                        : replay_file(argv[i]) < 0)
			return 1;
		if (!S_ISDIR(st.st_mode))
			count++;
	}
	if (count == 0) {
		fprintf(stderr, "replay: no inputs in %s; a fuzz target needs seeds\n", argv[1]);
		return 1;
	}
	printf("replay: %zu inputs, no crash\n", count);
	return 0;
}
