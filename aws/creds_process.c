/* credential_process: runs the profile's command through /bin/sh -c and reads
 * the JSON it prints on stdout (Version 1: AccessKeyId, SecretAccessKey, and
 * optionally SessionToken and Expiration). Nothing secret goes on its command
 * line; its stdout never appears in messages, its stderr's first line does
 * when it fails. */
#include "aws/creds_provider.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "aws/buf.h"
#include "aws/config.h"
#include "aws/error.h"
#include "aws/xalloc.h"

extern char **environ;

#define PROCESS_STDOUT_MAX (1u << 20)
#define PROCESS_STDERR_MAX (64u << 10)

struct process {
	const struct creds_context *ctx;
	char *profile;
};

/* Reads both pipes until both are closed, so that a chatty stderr cannot block
 * the child. Output past a buffer's cap is read and dropped. */
static int drain(int out_fd, int err_fd, struct buf *out, struct buf *errtext, int *too_big)
{
	struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
	char chunk[4096];
	int open_fds = 2;

	while (open_fds > 0) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[i].fd = -1;
				open_fds--;
				continue;
			}
			if (buf_add(i == 0 ? out : errtext, chunk, (size_t)n) < 0 && i == 0)
				*too_big = 1;
		}
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	return 0;
}

/* Runs command with /bin/sh -c; fills out and errtext and *status (waitpid's). */
static int run_command(const char *command, struct buf *out, struct buf *errtext, int *status,
                       int *too_big, struct aws_error *err)
{
	int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	char *argv[] = {"sh", "-c", (char *)command, NULL};
	pid_t pid = -1;
	int rc = 0, e;

	posix_spawn_file_actions_init(&fa);
	if (pipe(out_pipe) < 0 || pipe(err_pipe) < 0) {
		rc = error_set(err, ERR_IO, "cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(out_pipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(err_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	posix_spawn_file_actions_adddup2(&fa, out_pipe[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err_pipe[1], STDERR_FILENO);
	e = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	if (e != 0) {
		pid = -1;
		rc = error_set(err, ERR_IO, "cannot run /bin/sh: %s", strerror(e));
		goto out;
	}
	close(out_pipe[1]);
	close(err_pipe[1]);
	out_pipe[1] = err_pipe[1] = -1;
	if (drain(out_pipe[0], err_pipe[0], out, errtext, too_big) < 0)
		rc = error_set(err, ERR_IO, "cannot read its output: %s", strerror(errno));
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			rc = error_set(err, ERR_IO, "cannot wait for it: %s", strerror(errno));
			break;
		}
	}
out:
	posix_spawn_file_actions_destroy(&fa);
	for (int i = 0; i < 2; i++) {
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
		if (err_pipe[i] >= 0)
			close(err_pipe[i]);
	}
	return rc;
}

/* The first non-empty line of text, at most 200 bytes, into line. */
static void first_line(char *line, size_t size, const char *text)
{
	size_t n;

	while (*text == '\n' || *text == '\r' || *text == ' ' || *text == '\t')
		text++;
	n = strcspn(text, "\r\n");
	if (n > 200)
		n = 200;
	if (n >= size)
		n = size - 1;
	memcpy(line, text, n);
	line[n] = '\0';
}

static int process_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	const struct process *p = self->data;
	const char *command = config_get(p->ctx->config, p->profile, "credential_process");
	struct buf stdout_text, stderr_text;
	char what[160], line[256];
	json_t *doc = NULL, *version;
	json_error_t jerr;
	int status = 0, too_big = 0, rc;

	buf_init(&stdout_text, PROCESS_STDOUT_MAX);
	buf_init(&stderr_text, PROCESS_STDERR_MAX);
	snprintf(what, sizeof(what), "credential_process of profile '%s'", p->profile);
	if (!command) {
		rc = error_set(err, ERR_NOT_FOUND, "no credential_process");
		goto out;
	}
	if (!*command) {
		rc = error_set(err, ERR_CONFIG, "%s is empty", what);
		goto out;
	}
	rc = run_command(command, &stdout_text, &stderr_text, &status, &too_big, err);
	if (rc < 0) {
		error_prefix(err, "%s", what);
		goto out;
	}
	if (WIFSIGNALED(status)) {
		first_line(line, sizeof(line), stderr_text.data);
		rc = error_set(err, ERR_CREDENTIALS, "%s was killed by signal %d%s%s", what,
		               WTERMSIG(status), *line ? ": " : "", line);
		goto out;
	}
	if (WEXITSTATUS(status) != 0) {
		first_line(line, sizeof(line), stderr_text.data);
		rc = error_set(err, ERR_CREDENTIALS, "%s failed with exit status %d%s%s", what,
		               WEXITSTATUS(status), *line ? ": " : "", line);
		goto out;
	}
	if (too_big) {
		rc = error_set(err, ERR_CREDENTIALS, "%s printed more than 1 MiB", what);
		goto out;
	}
	doc = json_loadb(stdout_text.data, stdout_text.len, 0, &jerr);
	if (!doc) {
		rc = error_set(err, ERR_CREDENTIALS,
		               "%s did not print valid JSON (error at line %d, column %d)", what,
		               jerr.line, jerr.column);
		goto out;
	}
	if (!json_is_object(doc)) {
		rc = error_set(err, ERR_CREDENTIALS,
		               "%s did not print a JSON object such as {\"Version\": 1, "
		               "\"AccessKeyId\": ..., \"SecretAccessKey\": ...}",
		               what);
		goto out;
	}
	version = json_object_get(doc, "Version");
	if (!json_is_integer(version) || json_integer_value(version) != 1) {
		rc = error_set(err, ERR_CREDENTIALS,
		               "%s printed %s Version; only \"Version\": 1 is supported", what,
		               version ? "an unsupported" : "no");
		goto out;
	}
	rc = creds_from_json(out, doc, "SessionToken", 1, "process", what, err);
	if (rc < 0)
		err->code = rc = ERR_CREDENTIALS;
out:
	json_decref(doc);
	OPENSSL_cleanse(stdout_text.data, stdout_text.len);
	buf_release(&stdout_text);
	buf_release(&stderr_text);
	return rc;
}

static void process_destroy(struct creds_provider *self)
{
	struct process *p = self->data;

	free(p->profile);
	free(p);
}

struct creds_provider *creds_process_new(const struct creds_context *ctx, const char *profile)
{
	struct process *p = xcalloc(1, sizeof(*p));

	p->ctx = ctx;
	p->profile = xstrdup(profile);
	return creds_provider_new(process_fetch, process_destroy, p, ctx->clock);
}
