/* The credentials chain without a network: environment, static profile keys
 * (and which file wins), credential_process, the expiry parser, refresh with a
 * fake clock, the chain's order and stickiness, and the errors people see
 * (nothing found, missing profile, source_profile loops, SSO login needed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "aws/config.h"
#include "aws/creds.h"
#include "aws/creds_provider.h"
#include "aws/env.h"
#include "aws/error.h"

/* ---- fixtures ---- */

struct fake_time {
	int64_t now;
};

static int64_t fake_now(void *ctx)
{
	return ((struct fake_time *)ctx)->now;
}

static void fake_sleep(void *ctx, int64_t ms)
{
	((struct fake_time *)ctx)->now += ms;
}

static double fake_random(void *ctx)
{
	return 0.5;
}

/* 2029-12-31T23:00:00Z */
#define T_2029_12_31_23H 1893452400000LL

/* A temporary directory for HOME and scripts. */
struct tmp {
	char dir[64];
	char home_var[128];
};

static void tmp_init(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/vpcflow-creds-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->home_var, sizeof(t->home_var), "HOME=%s", t->dir);
}

static void tmp_release(struct tmp *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

/* Writes name under the temporary directory with mode; returns the path. */
static char *tmp_write(const struct tmp *t, const char *name, const char *text, mode_t mode)
{
	char *path = malloc(strlen(t->dir) + strlen(name) + 2);
	FILE *f;

	sprintf(path, "%s/%s", t->dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static int count_lines(const struct tmp *t, const char *name)
{
	char path[256];
	int c, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	if (!(f = fopen(path, "r")))
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* A chain over fixed env and config texts. */
struct chain_fixture {
	struct env_fixed fixed;
	struct env env;
	struct fake_time time;
	struct clock clock;
	struct config *config;
	struct creds_context ctx;
	struct creds_provider *p;
};

static int chain_open(struct chain_fixture *f, const char *const *vars, const char *config_text,
                      const char *credentials_text, const char *profile, int from_flag,
                      struct aws_error *err)
{
	memset(f, 0, sizeof(*f));
	f->fixed.vars = vars;
	f->env.get = env_fixed_get;
	f->env.ctx = &f->fixed;
	f->time.now = T_2029_12_31_23H;
	f->clock.now_ms = fake_now;
	f->clock.sleep_ms = fake_sleep;
	f->clock.random = fake_random;
	f->clock.ctx = &f->time;
	error_clear(err);
	assert_int_equal(config_parse(&f->config, config_text,
	                              config_text ? strlen(config_text) : 0, credentials_text,
	                              credentials_text ? strlen(credentials_text) : 0, err),
	                 0);
	f->ctx.env = &f->env;
	f->ctx.clock = &f->clock;
	f->ctx.config = f->config;
	f->ctx.profile = profile ? profile : config_profile_name(&f->env, NULL);
	f->ctx.profile_from_flag = from_flag;
	return creds_chain_new(&f->p, &f->ctx, err);
}

static void chain_close(struct chain_fixture *f)
{
	creds_provider_free(f->p);
	config_free(f->config);
}

/* Resolves once; returns creds_get's code. */
static int resolve(const char *const *vars, const char *config_text, const char *credentials_text,
                   const char *profile, struct creds *out, struct aws_error *err)
{
	struct chain_fixture f;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = chain_open(&f, vars, config_text, credentials_text, profile, 0, err);
	if (rc == 0)
		rc = creds_get(f.p, out, err);
	chain_close(&f);
	return rc;
}

/* ---- the expiry parser ---- */

static void test_parse_time(void **state)
{
	static const struct {
		const char *text;
		int ok;
		int64_t ms;
	} cases[] = {
	    {"2024-05-01T12:00:00Z", 1, 1714564800000LL},
	    {"2024-05-01T12:00:00.123Z", 1, 1714564800123LL},
	    {"2024-05-01T12:00:00.5+00:00", 1, 1714564800500LL},
	    {"2024-05-01T12:00:00.123456789Z", 1, 1714564800123LL},
	    {"2024-05-01T14:00:00+02:00", 1, 1714564800000LL},
	    {"2024-05-01T07:00:00-0500", 1, 1714564800000LL},
	    {"2024-05-01 12:00:00UTC", 1, 1714564800000LL},
	    {"2024-05-01t12:00:00z", 1, 1714564800000LL},
	    {"1970-01-01T00:00:00Z", 1, 0},
	    {"1969-12-31T23:59:59Z", 1, -1000},
	    {"2024-02-29T00:00:00Z", 1, 1709164800000LL},
	    {"2023-02-29T00:00:00Z", 0, 0},
	    {"2024-13-01T00:00:00Z", 0, 0},
	    {"2024-04-31T00:00:00Z", 0, 0},
	    {"2024-05-01T24:00:00Z", 0, 0},
	    {"2024-05-01T12:00:00", 0, 0},
	    {"2024-05-01T12:00:00Zjunk", 0, 0},
	    {"2024-05-01T12:00:00.Z", 0, 0},
	    {"2024-05-01", 0, 0},
	    {"", 0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t ms = 0;
		int rc = creds_parse_time(&ms, cases[i].text);

		if (cases[i].ok != (rc == 0))
			fail_msg("'%s': expected %s", cases[i].text, cases[i].ok ? "ok" : "error");
		if (cases[i].ok && ms != cases[i].ms)
			fail_msg("'%s': %lld != %lld", cases[i].text, (long long)ms,
			         (long long)cases[i].ms);
	}
	assert_int_equal(creds_parse_time(&(int64_t){0}, NULL), ERR_PARSE);
}

/* ---- the cache: refresh with a fake clock ---- */

struct counting {
	int fetches;
	int64_t lifetime_ms; /* 0: does not expire */
	const struct clock *clock;
};

static int counting_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	struct counting *c = self->data;

	c->fetches++;
	out->access_key_id = strdup("ASIACOUNT");
	out->secret_access_key = strdup("secret");
	out->session_token = strdup("token");
	out->expires_ms = c->lifetime_ms ? clock_now_ms(c->clock) + c->lifetime_ms : 0;
	out->source = "static";
	return 0;
}

static void test_refresh_before_expiry(void **state)
{
	struct fake_time t = {T_2029_12_31_23H};
	struct clock clock = {fake_now, fake_sleep, fake_random, &t};
	struct counting counter = {0, 60 * 60 * 1000, &clock};
	struct creds_provider *p = creds_provider_new(counting_fetch, NULL, &counter, &clock);
	struct aws_error err;
	struct creds c;

	error_clear(&err);
	assert_int_equal(creds_get(p, &c, &err), 0);
	assert_string_equal(c.access_key_id, "ASIACOUNT");
	creds_release(&c);
	assert_int_equal(creds_get(p, &c, &err), 0);
	creds_release(&c);
	assert_int_equal(counter.fetches, 1);
	t.now += 54 * 60 * 1000; /* 6 minutes left: still served from the cache */
	assert_int_equal(creds_get(p, &c, &err), 0);
	creds_release(&c);
	assert_int_equal(counter.fetches, 1);
	t.now += 2 * 60 * 1000; /* 4 minutes left: refreshed */
	assert_int_equal(creds_get(p, &c, &err), 0);
	assert_int_equal(c.expires_ms, t.now + 60 * 60 * 1000);
	creds_release(&c);
	assert_int_equal(counter.fetches, 2);
	creds_provider_free(p);

	counter.fetches = 0;
	counter.lifetime_ms = 0;
	p = creds_provider_new(counting_fetch, NULL, &counter, &clock);
	for (int i = 0; i < 3; i++, t.now += 86400000LL) {
		assert_int_equal(creds_get(p, &c, &err), 0);
		creds_release(&c);
	}
	assert_int_equal(counter.fetches, 1);
	creds_provider_free(p);
}

/* ---- environment ---- */

static void test_env_credentials(void **state)
{
	const char *vars[] = {"AWS_ACCESS_KEY_ID=AKIAENV", "AWS_SECRET_ACCESS_KEY=envsecret",
	                      "AWS_SESSION_TOKEN=envtoken", "AWS_EC2_METADATA_DISABLED=true", NULL};
	struct aws_error err;
	struct creds c;

	assert_int_equal(resolve(vars, NULL, NULL, NULL, &c, &err), 0);
	assert_string_equal(c.source, "environment");
	assert_string_equal(c.access_key_id, "AKIAENV");
	assert_string_equal(c.secret_access_key, "envsecret");
	assert_string_equal(c.session_token, "envtoken");
	assert_int_equal(c.expires_ms, 0);
	creds_release(&c);
}

static void test_env_partial_is_an_error(void **state)
{
	const char *only_key[] = {"AWS_ACCESS_KEY_ID=AKIAENV", "AWS_EC2_METADATA_DISABLED=true",
	                          NULL};
	const char *only_secret[] = {"AWS_SECRET_ACCESS_KEY=s", "AWS_EC2_METADATA_DISABLED=true",
	                             NULL};
	struct aws_error err;
	struct creds c;

	assert_int_equal(resolve(only_key, NULL, NULL, NULL, &c, &err), ERR_CREDENTIALS);
	assert_non_null(strstr(err.message, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY"));
	assert_int_equal(resolve(only_secret, NULL, NULL, NULL, &c, &err), ERR_CREDENTIALS);
	assert_non_null(strstr(err.message, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID"));
}

static void test_env_beats_profile_unless_flag(void **state)
{
	const char *vars[] = {"AWS_ACCESS_KEY_ID=AKIAENV", "AWS_SECRET_ACCESS_KEY=envsecret",
	                      "AWS_PROFILE=p", "AWS_EC2_METADATA_DISABLED=true", NULL};
	const char *creds_text = "[p]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = "
	                         "ps\n";
	struct chain_fixture f;
	struct aws_error err;
	struct creds c;

	assert_int_equal(resolve(vars, NULL, creds_text, "p", &c, &err), 0);
	assert_string_equal(c.source, "environment");
	creds_release(&c);
	/* --profile p: the CLI skips environment keys */
	assert_int_equal(chain_open(&f, vars, NULL, creds_text, "p", 1, &err), 0);
	assert_int_equal(creds_get(f.p, &c, &err), 0);
	assert_string_equal(c.source, "profile");
	assert_string_equal(c.access_key_id, "AKIAPROFILE");
	creds_release(&c);
	chain_close(&f);
}

/* ---- profiles ---- */

static void test_static_profile(void **state)
{
	const char *vars[] = {"AWS_EC2_METADATA_DISABLED=true", NULL};
	struct aws_error err;
	struct creds c;

	assert_int_equal(resolve(vars, "[default]\nregion = us-east-1\n",
	                         "[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = "
	                         "defsecret\naws_session_token = deftoken\n",
	                         NULL, &c, &err),
	                 0);
	assert_string_equal(c.source, "profile");
	assert_string_equal(c.access_key_id, "AKIADEF");
	assert_string_equal(c.session_token, "deftoken");
	creds_release(&c);
	/* keys in the config file work too */
	assert_int_equal(resolve(vars,
	                         "[profile cfg]\naws_access_key_id = AKIACFG\n"
	                         "aws_secret_access_key = cfgsecret\n",
	                         NULL, "cfg", &c, &err),
	                 0);
	assert_string_equal(c.access_key_id, "AKIACFG");
	assert_null(c.session_token);
	creds_release(&c);
	/* a key without its secret names what is missing */
	assert_int_equal(
	    resolve(vars, NULL, "[default]\naws_access_key_id = AKIA\n", NULL, &c, &err),
	    ERR_CREDENTIALS);
	assert_non_null(strstr(err.message, "has aws_access_key_id but no aws_secret_access_key"));
}

static void test_explicit_profile_must_exist(void **state)
{
	const char *vars[] = {"AWS_PROFILE=nope", "AWS_ACCESS_KEY_ID=A", "AWS_SECRET_ACCESS_KEY=S",
	                      NULL};
	struct chain_fixture f;
	struct aws_error err;

	assert_int_equal(chain_open(&f, vars, "[profile other]\nregion = x\n", NULL, NULL, 0, &err),
	                 ERR_CONFIG);
	assert_null(f.p);
	assert_non_null(
	    strstr(err.message, "profile 'nope' not found in ~/.aws/config or ~/.aws/credentials"));
	chain_close(&f);
}

static void test_nothing_found(void **state)
{
	struct tmp t;
	const char *vars[] = {t.home_var, "AWS_EC2_METADATA_DISABLED=true", NULL};
	struct aws_error err;
	struct creds c;

	tmp_init(&t);
	assert_int_equal(resolve(vars, NULL, NULL, NULL, &c, &err), ERR_CREDENTIALS);
	assert_string_equal(err.message,
	                    "no AWS credentials found: tried environment, profile 'default', "
	                    "container, instance metadata; set AWS_ACCESS_KEY_ID and "
	                    "AWS_SECRET_ACCESS_KEY or configure a profile");
	tmp_release(&t);
}

static void test_source_profile_loop(void **state)
{
	const char *vars[] = {"AWS_EC2_METADATA_DISABLED=true", NULL};
	const char *config_text = "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\n"
	                          "source_profile = b\n"
	                          "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\n"
	                          "source_profile = c\n"
	                          "[profile c]\nrole_arn = arn:aws:iam::123456789012:role/c\n"
	                          "source_profile = a\n";
	struct aws_error err;
	struct creds c;

	assert_int_equal(resolve(vars, config_text, NULL, "a", &c, &err), ERR_CONFIG);
	assert_non_null(
	    strstr(err.message, "source_profile settings form a loop: a -> b -> c -> a"));
	/* a profile naming itself without keys of its own loops too */
	assert_int_equal(resolve(vars,
	                         "[profile s]\nrole_arn = arn:aws:iam::123456789012:role/s\n"
	                         "source_profile = s\n",
	                         NULL, "s", &c, &err),
	                 ERR_CONFIG);
	assert_non_null(strstr(err.message, "loop: s -> s"));
}

static void test_assume_role_config_errors(void **state)
{
	const char *vars[] = {"AWS_EC2_METADATA_DISABLED=true", NULL};
	static const struct {
		const char *config;
		int code;
		const char *message;
	} cases[] = {
	    {"[profile r]\nrole_arn = arn:aws:iam::1:role/x\n", ERR_CONFIG,
	     "has role_arn but neither source_profile nor credential_source"},
	    {"[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = ghost\n", ERR_CONFIG,
	     "source_profile 'ghost' of profile 'r' does not exist"},
	    {"[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = r\n"
	     "credential_source = Environment\n",
	     ERR_CONFIG, "has both source_profile and credential_source"},
	    {"[profile r]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Laptop\n",
	     ERR_CONFIG, "credential_source 'Laptop' of profile 'r' is not valid"},
	    {"[profile r]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Environment\n",
	     ERR_CREDENTIALS,
	     "credential_source 'Environment' of profile 'r' provides no credentials"},
	    {"[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = k\n"
	     "mfa_serial = arn:aws:iam::1:mfa/me\n[profile k]\naws_access_key_id = A\n"
	     "aws_secret_access_key = S\n",
	     ERR_CONFIG, "needs an MFA code (mfa_serial)"},
	    {"[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = empty\n"
	     "[profile empty]\nregion = us-east-1\n",
	     ERR_CREDENTIALS, "source profile 'empty' of profile 'r' provides no credentials"},
	};
	struct aws_error err;
	struct creds c;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = resolve(vars, cases[i].config, NULL, "r", &c, &err);

		if (rc != cases[i].code || !strstr(err.message, cases[i].message))
			fail_msg("case %zu: %d '%s'", i, rc, err.message);
	}
}

/* ---- credential_process ---- */

static const char ok_script[] =
    "#!/bin/sh\n"
    "echo run >> \"$(dirname \"$0\")/count\"\n"
    "[ \"$1\" = \"two words\" ] || { echo \"bad argument: $1\" >&2; exit 9; }\n"
    "printf '{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": \"procsecret\", "
    "\"SessionToken\": \"proctoken\", \"Expiration\": \"2030-01-01T00:00:00Z\"}'\n";

static void test_process_provider(void **state)
{
	struct tmp t;
	const char *vars[] = {"AWS_EC2_METADATA_DISABLED=true", NULL};
	char *script, config_text[512];
	struct aws_error err;
	struct creds c;

	tmp_init(&t);
	script = tmp_write(&t, "ok.sh", ok_script, 0755);
	snprintf(config_text, sizeof(config_text),
	         "[profile p]\ncredential_process = %s \"two words\"\n", script);
	assert_int_equal(resolve(vars, config_text, NULL, "p", &c, &err), 0);
	assert_string_equal(c.source, "process");
	assert_string_equal(c.access_key_id, "ASIAPROC");
	assert_string_equal(c.secret_access_key, "procsecret");
	assert_string_equal(c.session_token, "proctoken");
	assert_int_equal(c.expires_ms, 1893456000000LL);
	creds_release(&c);
	assert_int_equal(count_lines(&t, "count"), 1);
	free(script);
	tmp_release(&t);
}

static void test_process_failures(void **state)
{
	static const struct {
		const char *script;
		const char *message;
	} cases[] = {
	    {"#!/bin/sh\necho 'boom: token expired' >&2\necho 'second line' >&2\nexit 3\n",
	     "credential_process of profile 'p' failed with exit status 3: boom: token expired"},
	    {"#!/bin/sh\nexit 4\n", "failed with exit status 4"},
	    {"#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
	     "\"SECRETVALUE\"}'\n",
	     "only \"Version\": 1 is supported"},
	    {"#!/bin/sh\necho 'SECRETVALUE is not json'\n", "did not print valid JSON"},
	    {"#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\"}'\n",
	     "lacks SecretAccessKey"},
	    {"#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
	     "\"SECRETVALUE\", \"Expiration\": \"soon\"}'\n",
	     "Expiration is not an ISO 8601 time"},
	};
	const char *vars[] = {"AWS_EC2_METADATA_DISABLED=true", NULL};
	struct aws_error err;
	struct creds c;
	struct tmp t;

	tmp_init(&t);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *script = tmp_write(&t, "fail.sh", cases[i].script, 0755);
		char config_text[512];
		int rc;

		snprintf(config_text, sizeof(config_text), "[profile p]\ncredential_process = %s\n",
		         script);
		rc = resolve(vars, config_text, NULL, "p", &c, &err);
		if (rc != ERR_CREDENTIALS || !strstr(err.message, cases[i].message))
			fail_msg("case %zu: %d '%s'", i, rc, err.message);
		assert_null(strstr(err.message, "SECRETVALUE"));
		assert_null(strstr(err.message, "second line"));
		free(script);
	}
	tmp_release(&t);
}

/* Credentials-file keys come before credential_process, config-file keys after. */
static void test_profile_order(void **state)
{
	struct tmp t;
	const char *vars[] = {"AWS_EC2_METADATA_DISABLED=true", NULL};
	char *script, config_text[512];
	struct aws_error err;
	struct creds c;

	tmp_init(&t);
	script = tmp_write(&t, "ok.sh", ok_script, 0755);
	snprintf(config_text, sizeof(config_text),
	         "[profile p]\ncredential_process = %s 'two words'\n"
	         "aws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n",
	         script);
	assert_int_equal(resolve(vars, config_text, NULL, "p", &c, &err), 0);
	assert_string_equal(c.source, "process");
	creds_release(&c);
	assert_int_equal(resolve(vars, config_text,
	                         "[p]\naws_access_key_id = AKIACREDS\naws_secret_access_key = s\n",
	                         "p", &c, &err),
	                 0);
	assert_string_equal(c.source, "profile");
	assert_string_equal(c.access_key_id, "AKIACREDS");
	creds_release(&c);
	free(script);
	tmp_release(&t);
}

/* The chain refreshes through the link that worked first, even when an
 * earlier link has become available since, and only near expiry. */
static void test_chain_refresh_sticks(void **state)
{
	struct tmp t;
	const char *vars[] = {"AWS_EC2_METADATA_DISABLED=true", NULL, NULL, NULL};
	char *script, config_text[512];
	struct chain_fixture f;
	struct aws_error err;
	struct creds c;

	tmp_init(&t);
	script = tmp_write(&t, "ok.sh", ok_script, 0755);
	snprintf(config_text, sizeof(config_text),
	         "[default]\ncredential_process = %s 'two words'\n", script);
	assert_int_equal(chain_open(&f, vars, config_text, NULL, NULL, 0, &err), 0);
	assert_int_equal(count_lines(&t, "count"), 0); /* lazy */
	assert_int_equal(creds_get(f.p, &c, &err), 0);
	assert_string_equal(c.source, "process");
	creds_release(&c);
	assert_int_equal(creds_get(f.p, &c, &err), 0);
	creds_release(&c);
	assert_int_equal(count_lines(&t, "count"), 1);
	vars[1] = "AWS_ACCESS_KEY_ID=AKIAENV";
	vars[2] = "AWS_SECRET_ACCESS_KEY=late";
	f.time.now += 56 * 60 * 1000; /* 23:56, four minutes before expiry */
	assert_int_equal(creds_get(f.p, &c, &err), 0);
	assert_string_equal(c.source, "process");
	creds_release(&c);
	assert_int_equal(count_lines(&t, "count"), 2);
	chain_close(&f);
	free(script);
	tmp_release(&t);
}

/* ---- SSO, web identity and container settings (no network reached) ---- */

static void sha1_hex(char out[41], const char *s)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(s, strlen(s), md, &n, EVP_sha1(), NULL);
	for (unsigned int i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

static void test_sso_needs_login(void **state)
{
	struct tmp t;
	const char *vars[] = {t.home_var, "AWS_EC2_METADATA_DISABLED=true", NULL};
	const char *legacy = "[profile s]\nsso_start_url = https://example.awsapps.com/start\n"
	                     "sso_region = us-east-1\nsso_account_id = 123456789012\n"
	                     "sso_role_name = Admin\n";
	const char *session = "[profile s]\nsso_session = corp\nsso_account_id = 123456789012\n"
	                      "sso_role_name = Admin\n[sso-session corp]\n"
	                      "sso_start_url = https://example.awsapps.com/start\n"
	                      "sso_region = us-east-1\n";
	char hex[41], name[128];
	struct aws_error err;
	struct creds c;

	tmp_init(&t);
	assert_int_equal(resolve(vars, legacy, NULL, "s", &c, &err), ERR_CREDENTIALS);
	assert_non_null(strstr(err.message, "no SSO token for profile 's'"));
	assert_non_null(strstr(err.message, "run aws sso login --profile s"));

	assert_int_equal(mkdir(strcat(strcpy(name, t.dir), "/.aws"), 0700), 0);
	assert_int_equal(mkdir(strcat(name, "/sso"), 0700), 0);
	assert_int_equal(mkdir(strcat(name, "/cache"), 0700), 0);
	sha1_hex(hex, "https://example.awsapps.com/start");
	snprintf(name, sizeof(name), ".aws/sso/cache/%s.json", hex);
	free(tmp_write(
	    &t, name, "{\"accessToken\": \"tok\", \"expiresAt\": \"2029-12-31T22:00:00Z\"}", 0600));
	assert_int_equal(resolve(vars, legacy, NULL, "s", &c, &err), ERR_CREDENTIALS);
	assert_non_null(strstr(err.message, "the SSO token for profile 's' expired at "
	                                    "2029-12-31T22:00:00Z: run aws sso login --profile s"));

	/* the sso-session form keys its cache by the session name */
	assert_int_equal(resolve(vars, session, NULL, "s", &c, &err), ERR_CREDENTIALS);
	assert_non_null(strstr(err.message, "no SSO token"));
	sha1_hex(hex, "corp");
	snprintf(name, sizeof(name), ".aws/sso/cache/%s.json", hex);
	free(tmp_write(
	    &t, name, "{\"accessToken\": \"tok\", \"expiresAt\": \"2020-01-01T00:00:00Z\"}", 0600));
	assert_int_equal(resolve(vars, session, NULL, "s", &c, &err), ERR_CREDENTIALS);
	assert_non_null(strstr(err.message, "expired at 2020-01-01T00:00:00Z"));

	assert_int_equal(resolve(vars, "[profile s]\nsso_account_id = 1\nsso_role_name = R\n", NULL,
	                         "s", &c, &err),
	                 ERR_CONFIG);
	assert_non_null(strstr(err.message, "lacks sso_start_url, sso_region"));
	tmp_release(&t);
}

static void test_web_identity_and_container_settings(void **state)
{
	const char *no_role[] = {"AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token",
	                         "AWS_EC2_METADATA_DISABLED=true", NULL};
	const char *bad_host[] = {"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://example.com/creds",
	                          "AWS_EC2_METADATA_DISABLED=true", NULL};
	const char *no_token[] = {"AWS_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token",
	                          "AWS_ROLE_ARN=arn:aws:iam::123456789012:role/wi",
	                          "AWS_EC2_METADATA_DISABLED=true", NULL};
	struct aws_error err;
	struct creds c;

	assert_int_equal(resolve(no_role, NULL, NULL, NULL, &c, &err), ERR_CONFIG);
	assert_non_null(strstr(err.message, "set AWS_ROLE_ARN"));
	assert_int_equal(resolve(no_token, NULL, NULL, NULL, &c, &err), ERR_CREDENTIALS);
	assert_non_null(strstr(err.message, "cannot read web identity token file"));
	assert_int_equal(resolve(bad_host, NULL, NULL, NULL, &c, &err), ERR_CONFIG);
	assert_non_null(strstr(err.message, "host 'example.com' is not allowed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_time),
	    cmocka_unit_test(test_refresh_before_expiry),
	    cmocka_unit_test(test_env_credentials),
	    cmocka_unit_test(test_env_partial_is_an_error),
	    cmocka_unit_test(test_env_beats_profile_unless_flag),
	    cmocka_unit_test(test_static_profile),
	    cmocka_unit_test(test_explicit_profile_must_exist),
	    cmocka_unit_test(test_nothing_found),
	    cmocka_unit_test(test_source_profile_loop),
	    cmocka_unit_test(test_assume_role_config_errors),
	    cmocka_unit_test(test_process_provider),
	    cmocka_unit_test(test_process_failures),
	    cmocka_unit_test(test_profile_order),
	    cmocka_unit_test(test_chain_refresh_sticks),
	    cmocka_unit_test(test_sso_needs_login),
	    cmocka_unit_test(test_web_identity_and_container_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
