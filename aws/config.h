/* The AWS CLI's shared config and credentials files, read as the CLI reads them:
 * `[profile name]` (and `[default]`) and `[sso-session name]` sections in the
 * config file, `[name]` sections in the credentials file, `#` and `;` comments,
 * whitespace around keys and values, indented continuation lines (nested
 * settings such as `s3 =` sub-keys are kept as "s3.key"). */
#ifndef VPCFLOW_AWS_CONFIG_H
#define VPCFLOW_AWS_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "aws/ini.h"

struct aws_error;
struct env;

struct config;

/* Loads AWS_CONFIG_FILE (default $HOME/.aws/config) and
 * AWS_SHARED_CREDENTIALS_FILE (default $HOME/.aws/credentials). Missing files are
 * not an error; unreadable or malformed ones are. *out is owned by the caller. */
int config_load(struct config **out, const struct env *env, struct aws_error *err);
/* An empty configuration (no files). */
struct config *config_new_empty(void);
/* Parses the two files' contents (either may be NULL); for tests and fuzzing. */
int config_parse(struct config **out, const char *config_text, size_t config_len,
                 const char *credentials_text, size_t credentials_len, struct aws_error *err);
void config_free(struct config *c);

/* The value of key in profile, borrowed. Credentials-file values come before
 * config-file values, as in the AWS CLI. NULL if absent. */
const char *config_get(const struct config *c, const char *profile, const char *key);
/* The value of key in `[sso-session name]`, borrowed, or NULL. */
const char *config_sso_session_get(const struct config *c, const char *name, const char *key);
int config_has_profile(const struct config *c, const char *profile);

/* The profile to use: flag (--profile), else AWS_PROFILE, else "default". */
const char *config_profile_name(const struct env *env, const char *flag);
/* The region: flag, AWS_REGION, AWS_DEFAULT_REGION, the profile's region; NULL
 * when none is set. Borrowed. */
const char *config_region(const struct config *c, const struct env *env, const char *profile,
                          const char *flag);

/* Note: config_profile_name() falls back to AWS_DEFAULT_PROFILE (botocore's legacy
 * name) after AWS_PROFILE. */

/* Additions (credentials chain). The two files, for config_get_from() and
 * config_path(). */
enum config_file { CONFIG_FILE_CREDENTIALS, CONFIG_FILE_CONFIG };

/* The value of key in profile as one file alone has it (the chain reads static
 * keys from the credentials file before credential_process, and those of the
 * config file after it, as botocore does). Borrowed, or NULL. */
const char *config_get_from(const struct config *c, enum config_file which, const char *profile,
                            const char *key);
/* The path a file was (or would have been) read from, borrowed; config_parse()
 * and config_new_empty() give "~/.aws/config" and "~/.aws/credentials". */
const char *config_path(const struct config *c, enum config_file which);
/* path with a leading "~" or "~/" replaced by HOME (else the password
 * database's home directory). Owned by the caller. */
char *config_expand_path(const struct env *env, const char *path);
/* Writes, once per configuration, "vpcflow: warning: credentials file '%s' is
 * readable by other users; run chmod 600 '%s'" to out when the credentials file
 * that config_load() read is readable by group or others. Returns 1 if it
 * warned. main() calls it after config_load(). */
int config_check_permissions(struct config *c, FILE *out);

#endif
