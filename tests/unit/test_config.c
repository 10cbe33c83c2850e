/* The shared config and credentials files: the INI reader (as botocore's
 * configloader reads), profile mapping, precedence of the two files, region and
 * profile selection, loading from HOME and the permissions warning. */
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

#include "aws/buf.h"
#include "aws/config.h"
#include "aws/env.h"
#include "aws/error.h"

/* Parses config and credentials texts (either may be NULL); fails the test on error. */
static struct config *parse_ok(const char *config_text, const char *credentials_text)
{
	struct aws_error err;
	struct config *c = NULL;

	error_clear(&err);
	if (config_parse(&c, config_text, config_text ? strlen(config_text) : 0, credentials_text,
	                 credentials_text ? strlen(credentials_text) : 0, &err) != 0)
		fail_msg("parse failed: %s", err.message);
	return c;
}

/* Parses a config text that must fail; returns the message. */
static const char *parse_error(struct aws_error *err, const char *config_text)
{
	struct config *c = NULL;

	error_clear(err);
	assert_int_equal(config_parse(&c, config_text, strlen(config_text), NULL, 0, err),
	                 ERR_CONFIG);
	assert_null(c);
	return err->message;
}

static void test_comments_and_whitespace(void **state)
{
	struct config *c = parse_ok("# top comment\n"
	                            "; another\n"
	                            "[default]\n"
	                            "   region   =   us-west-2   \n"
	                            "\t# indented comment\n"
	                            "output=json\n"
	                            "\n"
	                            "cli_pager = less # not a comment: the CLI keeps it\n"
	                            "Retry_Mode: standard\n",
	                            NULL);

	assert_string_equal(config_get(c, "default", "region"), "us-west-2");
	assert_string_equal(config_get(c, "default", "output"), "json");
	assert_string_equal(config_get(c, "default", "cli_pager"),
	                    "less # not a comment: the CLI keeps it");
	assert_string_equal(config_get(c, "default", "retry_mode"), "standard");
	assert_null(config_get(c, "default", "# indented comment"));
	config_free(c);
}

static void test_line_endings(void **state)
{
	struct config *c = parse_ok("[default]\r\nregion = eu-west-1\r\n[profile a]\rregion = "
	                            "eu-west-2\r[profile b]\nregion = eu-west-3",
	                            NULL);

	assert_string_equal(config_get(c, "default", "region"), "eu-west-1");
	assert_string_equal(config_get(c, "a", "region"), "eu-west-2");
	assert_string_equal(config_get(c, "b", "region"), "eu-west-3");
	config_free(c);
}

static void test_nested_settings(void **state)
{
	struct config *c = parse_ok("[profile p]\n"
	                            "s3 =\n"
	                            "  max_concurrent_requests = 10\n"
	                            "\n"
	                            "  # a comment inside\n"
	                            "  addressing_style = path\n"
	                            "region = eu-central-1\n"
	                            "note = first\n"
	                            "   second line\n",
	                            NULL);

	assert_string_equal(config_get(c, "p", "s3.max_concurrent_requests"), "10");
	assert_string_equal(config_get(c, "p", "s3.addressing_style"), "path");
	assert_null(config_get(c, "p", "s3"));
	assert_string_equal(config_get(c, "p", "region"), "eu-central-1");
	assert_string_equal(config_get(c, "p", "note"), "first\nsecond line");
	config_free(c);
}

static void test_credentials_file_wins(void **state)
{
	struct config *c = parse_ok("[profile a]\nregion = r1\naws_access_key_id = FROMCONFIG\n",
	                            "[a]\naws_access_key_id = FROMCREDS\n");

	assert_string_equal(config_get(c, "a", "aws_access_key_id"), "FROMCREDS");
	assert_string_equal(config_get(c, "a", "region"), "r1");
	assert_string_equal(config_get_from(c, CONFIG_FILE_CONFIG, "a", "aws_access_key_id"),
	                    "FROMCONFIG");
	assert_null(config_get_from(c, CONFIG_FILE_CREDENTIALS, "a", "region"));
	assert_true(config_has_profile(c, "a"));
	config_free(c);
}

static void test_profile_section_names(void **state)
{
	struct config *c = parse_ok("[x]\nregion = not-a-profile\n"
	                            "[profile \"with space\"]\nregion = quoted\n"
	                            "[profile   spaced]\nregion = spaced\n"
	                            "[profile a b]\nregion = three-words\n"
	                            "[sso-session corp]\nsso_start_url = https://corp/start\n"
	                            "[default]\nregion = d\n",
	                            "[profile y]\naws_access_key_id = K\n");

	assert_false(config_has_profile(c, "x"));
	assert_null(config_get(c, "x", "region"));
	assert_string_equal(config_get(c, "with space", "region"), "quoted");
	assert_string_equal(config_get(c, "spaced", "region"), "spaced");
	assert_false(config_has_profile(c, "a b"));
	assert_string_equal(config_get(c, "default", "region"), "d");
	/* in the credentials file the section name is the profile name */
	assert_false(config_has_profile(c, "y"));
	assert_true(config_has_profile(c, "profile y"));
	assert_string_equal(config_sso_session_get(c, "corp", "sso_start_url"),
	                    "https://corp/start");
	assert_false(config_has_profile(c, "corp"));
	config_free(c);
}

static void test_default_section_inherited(void **state)
{
	struct config *c = parse_ok("[DEFAULT]\nregion = from-defaults\n[profile a]\noutput = "
	                            "json\n[profile b]\nregion = own\n",
	                            NULL);

	assert_string_equal(config_get(c, "a", "region"), "from-defaults");
	assert_string_equal(config_get(c, "b", "region"), "own");
	assert_false(config_has_profile(c, "DEFAULT"));
	config_free(c);
}

static void test_malformed_lines(void **state)
{
	struct aws_error err;

	assert_non_null(
	    strstr(parse_error(&err, "[default]\nregion = a\nthis is not valid\n"), "line 3"));
	assert_non_null(strstr(parse_error(&err, "region = a\n[default]\n"), "line 1"));
	assert_non_null(strstr(parse_error(&err, "[default]\n = value\n"), "line 2"));
	assert_non_null(
	    strstr(parse_error(&err, "[a]\nk = 1\n[b]\nk = 2\n[a]\nj = 3\n"), "line 5"));
	assert_non_null(strstr(parse_error(&err, "[a]\nk = 1\nK = 2\n"), "appears twice"));
	assert_non_null(strstr(parse_error(&err, "[a]\ns3 =\n  no equals sign\n"), "line 3"));
	assert_non_null(strstr(parse_error(&err, "[a]\nk = 1\nbad\n"), "config file: line 3"));
}

static void test_nul_and_bounds(void **state)
{
	static const char text[] = "[default]\nregion = a\0b\n";
	const char *limited = "[default]\nregion = abcdef";
	struct aws_error err;
	struct config *c = NULL;
	char *exact;

	error_clear(&err);
	assert_int_equal(config_parse(&c, text, sizeof(text) - 1, NULL, 0, &err), ERR_CONFIG);
	assert_non_null(strstr(err.message, "line 2"));
	/* exactly len bytes, not NUL-terminated: ASan catches any read past them */
	exact = malloc(22);
	memcpy(exact, limited, 22);
	assert_int_equal(config_parse(&c, exact, 22, NULL, 0, &err), 0);
	assert_string_equal(config_get(c, "default", "region"), "abc");
	config_free(c);
	free(exact);
}

static void test_long_line(void **state)
{
	struct buf text = BUF_INIT;
	struct config *c;

	buf_addstr(&text, "[default]\nlong = ");
	for (int i = 0; i < 200000; i++)
		buf_addch(&text, 'a' + i % 26);
	buf_addstr(&text, "\nregion = x\n");
	c = parse_ok(text.data, NULL);
	assert_int_equal(strlen(config_get(c, "default", "long")), 200000);
	assert_string_equal(config_get(c, "default", "region"), "x");
	config_free(c);
	buf_release(&text);
}

struct seen {
	int n;
	int stop_at;
	char last[128];
};

static int count_cb(void *ctx, const char *section, const char *key, const char *value, int line)
{
	struct seen *s = ctx;

	s->n++;
	snprintf(s->last, sizeof(s->last), "%s/%s=%s@%d", section, key, value, line);
	return s->n == s->stop_at ? 42 : 0;
}

static void test_ini_parse_callback(void **state)
{
	const char *text = "[a b]\nk1 = v1\nk2 = v2\nk3 = v3\n";
	struct aws_error err;
	struct seen s = {0, 0, ""};

	error_clear(&err);
	assert_int_equal(ini_parse(text, strlen(text), count_cb, &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.last, "a b/k3=v3@4");
	s.n = 0;
	s.stop_at = 2;
	assert_int_equal(ini_parse(text, strlen(text), count_cb, &s, &err), 42);
	assert_int_equal(s.n, 2);
}

static void test_region_precedence(void **state)
{
	const char *all[] = {"AWS_REGION=env-region", "AWS_DEFAULT_REGION=default-region", NULL};
	const char *legacy[] = {"AWS_DEFAULT_REGION=default-region", NULL};
	const char *none[] = {NULL};
	struct env_fixed f_all = {all}, f_legacy = {legacy}, f_none = {none};
	struct env e_all = {env_fixed_get, &f_all}, e_legacy = {env_fixed_get, &f_legacy},
	           e_none = {env_fixed_get, &f_none};
	struct config *c =
	    parse_ok("[profile p]\nregion = profile-region\n[default]\nregion =\n", NULL);

	assert_string_equal(config_region(c, &e_all, "p", "flag-region"), "flag-region");
	assert_string_equal(config_region(c, &e_all, "p", NULL), "env-region");
	assert_string_equal(config_region(c, &e_legacy, "p", NULL), "default-region");
	assert_string_equal(config_region(c, &e_none, "p", NULL), "profile-region");
	assert_null(config_region(c, &e_none, "default", NULL));
	assert_null(config_region(c, &e_none, "missing", NULL));
	config_free(c);
}

static void test_profile_name_precedence(void **state)
{
	const char *both[] = {"AWS_PROFILE=env", "AWS_DEFAULT_PROFILE=legacy", NULL};
	const char *legacy[] = {"AWS_DEFAULT_PROFILE=legacy", NULL};
	const char *none[] = {NULL};
	struct env_fixed f_both = {both}, f_legacy = {legacy}, f_none = {none};
	struct env e_both = {env_fixed_get, &f_both}, e_legacy = {env_fixed_get, &f_legacy},
	           e_none = {env_fixed_get, &f_none};

	assert_string_equal(config_profile_name(&e_both, "flag"), "flag");
	assert_string_equal(config_profile_name(&e_both, NULL), "env");
	assert_string_equal(config_profile_name(&e_legacy, NULL), "legacy");
	assert_string_equal(config_profile_name(&e_none, NULL), "default");
}

/* A temporary HOME with .aws/config and .aws/credentials. */
static char *make_home(const char *config_text, const char *credentials_text, mode_t cred_mode)
{
	char tmpl[] = "/tmp/vpcflow-config-XXXXXX";
	char path[512];
	FILE *f;

	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/.aws", tmpl);
	assert_int_equal(mkdir(path, 0700), 0);
	if (config_text) {
		snprintf(path, sizeof(path), "%s/.aws/config", tmpl);
		assert_non_null(f = fopen(path, "w"));
		fputs(config_text, f);
		fclose(f);
	}
	if (credentials_text) {
		snprintf(path, sizeof(path), "%s/.aws/credentials", tmpl);
		assert_non_null(f = fopen(path, "w"));
		fputs(credentials_text, f);
		fclose(f);
		chmod(path, cred_mode);
	}
	return strdup(tmpl);
}

static void remove_home(char *home)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/.aws/config", home);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.aws/credentials", home);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.aws", home);
	rmdir(path);
	rmdir(home);
	free(home);
}

static void test_load_from_home(void **state)
{
	char *home = make_home("[profile a]\nregion = r\n", "[a]\naws_access_key_id = K\n", 0600);
	char home_var[600], creds_path[600];
	const char *vars[] = {home_var, NULL};
	struct env_fixed fixed = {vars};
	struct env env = {env_fixed_get, &fixed};
	struct aws_error err;
	struct config *c = NULL;
	char *out = NULL;
	size_t out_len = 0;
	FILE *warn;

	snprintf(home_var, sizeof(home_var), "HOME=%s", home);
	snprintf(creds_path, sizeof(creds_path), "%s/.aws/credentials", home);
	error_clear(&err);
	assert_int_equal(config_load(&c, &env, &err), 0);
	assert_string_equal(config_get(c, "a", "region"), "r");
	assert_string_equal(config_get(c, "a", "aws_access_key_id"), "K");
	assert_string_equal(config_path(c, CONFIG_FILE_CREDENTIALS), creds_path);
	warn = open_memstream(&out, &out_len);
	assert_int_equal(config_check_permissions(c, warn), 0);
	config_free(c);

	/* readable by others: one warning */
	chmod(creds_path, 0644);
	assert_int_equal(config_load(&c, &env, &err), 0);
	assert_int_equal(config_check_permissions(c, warn), 1);
	assert_int_equal(config_check_permissions(c, warn), 0);
	fclose(warn);
	assert_non_null(strstr(out, "vpcflow: warning: credentials file '"));
	assert_non_null(strstr(out, "is readable by other users; run chmod 600 '"));
	assert_non_null(strstr(out, creds_path));
	assert_null(strstr(strchr(out, '\n') + 1, "warning"));
	free(out);
	config_free(c);
	remove_home(home);
}

static void test_load_missing_and_env_paths(void **state)
{
	char *home = make_home("[profile b]\nregion = from-home\n", NULL, 0600);
	char home_var[600];
	const char *vars[] = {home_var, "AWS_CONFIG_FILE=~/.aws/config",
	                      "AWS_SHARED_CREDENTIALS_FILE=~/nowhere/credentials", NULL};
	const char *bad_vars[] = {home_var, "AWS_CONFIG_FILE=~/.aws", NULL};
	struct env_fixed fixed = {vars}, bad_fixed = {bad_vars};
	struct env env = {env_fixed_get, &fixed}, bad_env = {env_fixed_get, &bad_fixed};
	struct aws_error err;
	struct config *c = NULL;
	char *expanded;

	snprintf(home_var, sizeof(home_var), "HOME=%s", home);
	error_clear(&err);
	assert_int_equal(config_load(&c, &env, &err), 0);
	assert_string_equal(config_get(c, "b", "region"), "from-home");
	assert_false(config_has_profile(c, "default"));
	config_free(c);
	/* a directory where the file should be is ignored, as the CLI's isfile() */
	assert_int_equal(config_load(&c, &bad_env, &err), 0);
	assert_false(config_has_profile(c, "b"));
	config_free(c);
	expanded = config_expand_path(&env, "~/x");
	assert_string_equal(expanded + strlen(expanded) - 2, "/x");
	assert_memory_equal(expanded, home, strlen(home));
	free(expanded);
	remove_home(home);
}

static void test_load_malformed_names_file(void **state)
{
	char *home = make_home("[default]\nregion = a\nbroken\n", NULL, 0600);
	char home_var[600];
	const char *vars[] = {home_var, NULL};
	struct env_fixed fixed = {vars};
	struct env env = {env_fixed_get, &fixed};
	struct aws_error err;
	struct config *c = NULL;

	snprintf(home_var, sizeof(home_var), "HOME=%s", home);
	error_clear(&err);
	assert_int_equal(config_load(&c, &env, &err), ERR_CONFIG);
	assert_null(c);
	assert_non_null(strstr(err.message, "/.aws/config"));
	assert_non_null(strstr(err.message, "line 3"));
	remove_home(home);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_comments_and_whitespace),
	    cmocka_unit_test(test_line_endings),
	    cmocka_unit_test(test_nested_settings),
	    cmocka_unit_test(test_credentials_file_wins),
	    cmocka_unit_test(test_profile_section_names),
	    cmocka_unit_test(test_default_section_inherited),
	    cmocka_unit_test(test_malformed_lines),
	    cmocka_unit_test(test_nul_and_bounds),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_ini_parse_callback),
	    cmocka_unit_test(test_region_precedence),
	    cmocka_unit_test(test_profile_name_precedence),
	    cmocka_unit_test(test_load_from_home),
	    cmocka_unit_test(test_load_missing_and_env_paths),
	    cmocka_unit_test(test_load_malformed_names_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
