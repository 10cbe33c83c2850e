/* The AWS CLI's shared config and credentials files (aws/config.h) on
 * arbitrary bytes. The input is the config file up to its first NUL byte and
 * the credentials file after it; an input without a NUL byte is read as each
 * file in turn. The raw INI reader runs too, and the names it reports are
 * looked up in the parsed configuration, the way the credential chain does. */
#include <string.h>

#include "aws/config.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/strlist.h"
#include "tests/fuzz/fuzz.h"

/* The sections and keys ini_parse reported (a few of each). */
struct seen {
	struct strlist sections, keys;
};

static int on_setting(void *ctx, const char *section, const char *key, const char *value, int line)
{
	struct seen *s = ctx;

	FUZZ_CHECK(section && key && value && line >= 1);
	if (s->sections.n < 8 && !strlist_has(&s->sections, section))
		strlist_add(&s->sections, section);
	if (s->keys.n < 8 && !strlist_has(&s->keys, key))
		strlist_add(&s->keys, key);
	return 0;
}

/* The profile name a config-file section stands for ("profile x" -> "x"). */
static const char *profile_of(const char *section)
{
	return strncmp(section, "profile ", 8) == 0 ? section + 8 : section;
}

/* Looks up every seen name in c, as the credential chain would. */
static void query(const struct config *c, const struct seen *s)
{
	static const char *const vars[] = {"AWS_PROFILE=default", NULL};
	const struct env_fixed fixed = {vars};
	const struct env env = {env_fixed_get, (void *)&fixed};
	static const char *const common[] = {
	    "region", "role_arn", "source_profile", "credential_process", "sso_session", NULL};

	for (size_t i = 0; i < s->sections.n; i++) {
		const char *p = profile_of(s->sections.v[i]);

		config_has_profile(c, p);
		config_region(c, &env, p, NULL);
		for (size_t k = 0; k < s->keys.n; k++) {
			config_get(c, p, s->keys.v[k]);
			config_get_from(c, CONFIG_FILE_CREDENTIALS, p, s->keys.v[k]);
			config_sso_session_get(c, p, s->keys.v[k]);
		}
		for (const char *const *k = common; *k; k++)
			config_get(c, p, *k);
	}
	config_region(c, &env, config_profile_name(&env, NULL), NULL);
	FUZZ_CHECK(config_path(c, CONFIG_FILE_CONFIG) != NULL);
}

/* Parses one pair of file texts (either may be NULL). */
static void parse_pair(const char *config_text, size_t config_len, const char *cred_text,
                       size_t cred_len)
{
	struct config *c = NULL;
	struct aws_error err;
	struct seen s = {STRLIST_INIT, STRLIST_INIT};

	error_clear(&err);
	if (config_text)
		ini_parse(config_text, config_len, on_setting, &s, &err);
	error_clear(&err);
	if (cred_text)
		ini_parse(cred_text, cred_len, on_setting, &s, &err);
	error_clear(&err);
	if (config_parse(&c, config_text, config_len, cred_text, cred_len, &err) == 0) {
		FUZZ_CHECK(c != NULL);
		query(c, &s);
		config_free(c);
	} else {
		FUZZ_CHECK(c == NULL);
		FUZZ_CHECK(err.code != 0 && err.message[0] && FUZZ_TERMINATED(err.message));
		FUZZ_CHECK_ONE_LINE(err.message);
	}
	strlist_release(&s.sections);
	strlist_release(&s.keys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);

	if (nul) {
		parse_pair(text, (size_t)(nul - text), nul + 1, size - (size_t)(nul - text) - 1);
	} else {
		parse_pair(text, size, NULL, 0);
		parse_pair(NULL, 0, text, size);
	}
	return 0;
}
