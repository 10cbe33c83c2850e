/* credsdrv [--profile P] [--region R] [--twice] [--identity] [--debug]:
 * resolves the default credentials chain as vpcflow does and prints
 *   source=<source> access_key_id=<akid> expires=<0|epoch seconds> has_token=<0|1>
 * never the secret. --twice asks twice (the second answer comes from the
 * cache); --identity then calls STS GetCallerIdentity signed with them and
 * prints "identity=<arn>", which proves to a signature-checking emulator that
 * the secret works. On failure prints "error: <message>" and exits 1 (2 for a
 * configuration error). Reads the process environment here only. */
#include <stdio.h>
#include <string.h>

#include "aws/buf.h"
#include "aws/client.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/http.h"
#include "aws/sts.h"

static int fail(const struct aws_error *err)
{
	struct buf line = BUF_INIT;

	error_format(err, &line);
	printf("error: %s\n", line.data);
	buf_release(&line);
	return err->code == ERR_CONFIG ? 2 : 1;
}

int main(int argc, char **argv)
{
	const char *profile_flag = NULL, *region_flag = NULL;
	struct creds_context ctx = {0};
	struct http_options hopt = {0};
	struct creds_provider *provider = NULL;
	struct config *config = NULL;
	struct http *http = NULL;
	struct client_options copt = {0};
	struct client *client = NULL;
	struct sts_identity id = {0};
	struct aws_error err;
	struct creds c = {0};
	int twice = 0, identity = 0, debug = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
			profile_flag = argv[++i];
		} else if (strcmp(argv[i], "--region") == 0 && i + 1 < argc) {
			region_flag = argv[++i];
		} else if (strcmp(argv[i], "--twice") == 0) {
			twice = 1;
		} else if (strcmp(argv[i], "--identity") == 0) {
			identity = 1;
		} else if (strcmp(argv[i], "--debug") == 0) {
			debug = 1;
		} else {
			fprintf(stderr,
			        "usage: credsdrv [--profile P] [--region R] [--twice] [--identity] "
			        "[--debug]\n");
			return 2;
		}
	}
	error_clear(&err);
	if (config_load(&config, &env_process, &err) < 0) {
		rc = fail(&err);
		goto out;
	}
	config_check_permissions(config, stderr);
	http_options_from_env(&hopt, &env_process);
	hopt.debug = debug ? stderr : NULL;
	if (!(http = http_new(&hopt, &err))) {
		rc = fail(&err);
		goto out;
	}
	ctx.env = &env_process;
	ctx.clock = &clock_system;
	ctx.config = config;
	ctx.profile = config_profile_name(&env_process, profile_flag);
	ctx.region = config_region(config, &env_process, ctx.profile, region_flag);
	ctx.http = http;
	ctx.debug = hopt.debug;
	ctx.profile_from_flag = profile_flag != NULL;
	if (creds_chain_new(&provider, &ctx, &err) < 0) {
		rc = fail(&err);
		goto out;
	}
	for (int round = 0; round <= twice; round++) {
		creds_release(&c);
		if (creds_get(provider, &c, &err) < 0) {
			rc = fail(&err);
			goto out;
		}
		printf("source=%s access_key_id=%s expires=%lld has_token=%d\n", c.source,
		       c.access_key_id, (long long)(c.expires_ms / 1000), c.session_token != NULL);
	}
	if (identity) {
		copt.http = http;
		copt.creds = provider;
		copt.env = &env_process;
		copt.clock = &clock_system;
		copt.debug = hopt.debug;
		client = client_new(&copt);
		if (sts_get_caller_identity(&id, client, ctx.region, &err) < 0) {
			rc = fail(&err);
			goto out;
		}
		printf("identity=%s\n", id.arn);
	}
out:
	sts_identity_release(&id);
	client_free(client);
	creds_release(&c);
	creds_provider_free(provider);
	http_free(http);
	config_free(config);
	return rc;
}
