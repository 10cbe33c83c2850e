/* The AWS CLI's shared config and credentials files, on top of the INI reader
 * (aws/ini.c): profiles and sso-sessions, keys lowercased, duplicate sections
 * or keys in one file are errors, as in RawConfigParser's strict mode. */
#include "aws/config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "aws/buf.h"
#include "aws/env.h"
#include "aws/error.h"
#include "aws/xalloc.h"

#define CONFIG_MAX_FILE (64u << 20)

/* ---- a string -> index map (open addressing), so that huge inputs stay linear ---- */

struct strmap {
	char **keys;
	size_t *vals;
	size_t n, size; /* size is 0 or a power of two */
};

static uint64_t strmap_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The value slot of key, or NULL with *pos set to the free slot where it would
 * go (linear probing). */
static size_t *strmap_slot(const struct strmap *m, const char *key, size_t *pos)
{
	size_t i;

	if (!m->size)
		return NULL;
	for (i = strmap_hash(key) & (m->size - 1); m->keys[i]; i = (i + 1) & (m->size - 1))
		if (strcmp(m->keys[i], key) == 0)
			return &m->vals[i];
	*pos = i;
	return NULL;
}

static const size_t *strmap_get(const struct strmap *m, const char *key)
{
	size_t pos;

	return strmap_slot(m, key, &pos);
}

/* Sets key to val, replacing any value. */
static void strmap_put(struct strmap *m, const char *key, size_t val)
{
	size_t pos = 0, *slot;

	if (2 * (m->n + 1) > m->size) {
		struct strmap bigger = {0};

		bigger.size = m->size ? m->size * 2 : 16;
		bigger.keys = xcalloc(bigger.size, sizeof(*bigger.keys));
		bigger.vals = xcalloc(bigger.size, sizeof(*bigger.vals));
		for (size_t i = 0; i < m->size; i++) {
			if (!m->keys[i])
				continue;
			strmap_slot(&bigger, m->keys[i], &pos);
			bigger.keys[pos] = m->keys[i];
			bigger.vals[pos] = m->vals[i];
			bigger.n++;
		}
		free(m->keys);
		free(m->vals);
		*m = bigger;
	}
	slot = strmap_slot(m, key, &pos);
	if (slot) {
		*slot = val;
		return;
	}
	m->keys[pos] = xstrdup(key);
	m->vals[pos] = val;
	m->n++;
}

static void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->size; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- the two files ---- */

struct config_entry {
	char *key;
	char *value;
};

/* One [section] as written in a file; its keys are unique. */
struct config_section {
	char *name;
	struct config_entry *v;
	size_t n, alloc;
};

/* One parsed file. profiles maps a profile name to its section (for the config
 * file after `[profile x]` -> x; a later section wins, as in botocore);
 * keys maps "<section index>\n<key>" to the entry index. */
struct parsed_file {
	char *path;
	int is_credentials;
	int exists;
	unsigned mode; /* permission bits, when exists */
	struct config_section *sections;
	size_t n, alloc;
	size_t default_section; /* [DEFAULT], inherited by every section; SIZE_MAX if none */
	struct strmap section_index;
	struct strmap keys;
	struct strmap options; /* "<section index>\n<option>" seen, for repeats */
	struct strmap profiles;
	struct strmap sso_sessions;
	/* while parsing */
	size_t current;
	struct aws_error *err;
};

/* Invariant: files[0] is the credentials file, files[1] the config file; a
 * credentials-file value wins over a config-file value. */
struct config {
	struct parsed_file files[2];
	int warned;
};

/* Frees a value that may be a secret key. */
static void free_wiped(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static void file_init(struct parsed_file *f, int is_credentials)
{
	memset(f, 0, sizeof(*f));
	f->is_credentials = is_credentials;
	f->default_section = SIZE_MAX;
	f->current = SIZE_MAX;
}

static void file_release(struct parsed_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		for (size_t j = 0; j < f->sections[i].n; j++) {
			free(f->sections[i].v[j].key);
			free_wiped(f->sections[i].v[j].value);
		}
		free(f->sections[i].v);
		free(f->sections[i].name);
	}
	free(f->sections);
	free(f->path);
	strmap_release(&f->section_index);
	strmap_release(&f->keys);
	strmap_release(&f->options);
	strmap_release(&f->profiles);
	strmap_release(&f->sso_sessions);
}

static size_t file_add_section(struct parsed_file *f, const char *name)
{
	ALLOC_GROW(f->sections, f->n + 1, f->alloc);
	memset(&f->sections[f->n], 0, sizeof(f->sections[f->n]));
	f->sections[f->n].name = xstrdup(name);
	strmap_put(&f->section_index, name, f->n);
	return f->n++;
}

/* A section header: RawConfigParser (strict) refuses a section twice in one
 * file, except its DEFAULT section. */
static int on_section(void *ctx, const char *name, int line)
{
	struct parsed_file *f = ctx;
	const size_t *idx;

	if (strcmp(name, "DEFAULT") == 0) {
		if (f->default_section == SIZE_MAX)
			f->default_section = file_add_section(f, name);
		f->current = f->default_section;
		return 0;
	}
	idx = strmap_get(&f->section_index, name);
	if (idx)
		return error_set(f->err, ERR_CONFIG, "line %d: section [%s] appears twice", line,
		                 name);
	f->current = file_add_section(f, name);
	return 0;
}

/* An option name: twice in one section is an error. */
static int on_option(void *ctx, const char *section, const char *key, int line)
{
	struct parsed_file *f = ctx;
	struct buf k = BUF_INIT;
	int rc = 0;

	buf_addf(&k, "%zu\n%s", f->current, key);
	if (strmap_get(&f->options, k.data))
		rc = error_set(f->err, ERR_CONFIG, "line %d: key '%s' appears twice in [%s]", line,
		               key, section);
	else
		strmap_put(&f->options, k.data, 0);
	buf_release(&k);
	return rc;
}

/* One setting ("s3.addressing_style" for a nested one, where botocore keeps the
 * last of repeated keys). */
static int on_setting(void *ctx, const char *section, const char *key, const char *value, int line)
{
	struct parsed_file *f = ctx;
	struct config_section *s = &f->sections[f->current];
	struct buf k = BUF_INIT;
	const size_t *e;

	buf_addf(&k, "%zu\n%s", f->current, key);
	e = strmap_get(&f->keys, k.data);
	if (e) {
		free_wiped(s->v[*e].value);
		s->v[*e].value = xstrdup(value);
	} else {
		ALLOC_GROW(s->v, s->n + 1, s->alloc);
		s->v[s->n].key = xstrdup(key);
		s->v[s->n].value = xstrdup(value);
		strmap_put(&f->keys, k.data, s->n);
		s->n++;
	}
	buf_release(&k);
	return 0;
}

/* Splits s like Python's shlex.split() (POSIX mode, no comments), which botocore
 * applies to section names. The first words go to w[0], w[1], w[2] (later words
 * are appended to w[2]). Returns the number of words, or -1 for an unclosed
 * quote or a trailing backslash. */
static int shlex_words(const char *s, struct buf w[3])
{
	int n = 0, in_word = 0;
	struct buf *cur = NULL;

	for (; *s; s++) {
		char c = *s;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			in_word = 0;
			continue;
		}
		if (!in_word) {
			in_word = 1;
			cur = &w[n < 3 ? n : 2];
			n++;
		}
		if (c == '\\') {
			if (!*++s)
				return -1;
			buf_addch(cur, *s);
		} else if (c == '\'') {
			for (s++; *s && *s != '\''; s++)
				buf_addch(cur, *s);
			if (!*s)
				return -1;
		} else if (c == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				buf_addch(cur, *s);
			}
			if (!*s)
				return -1;
		} else {
			buf_addch(cur, c);
		}
	}
	return n;
}

/* Maps the config file's sections to profiles and sso-sessions, as botocore's
 * build_profile_map: `[default]`, `[profile x]` (any section starting with
 * "profile" that splits into two words), `[sso-session x]`; others are ignored.
 * The credentials file's sections are profiles by their plain names. */
static void file_index(struct parsed_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const char *name = f->sections[i].name;
		struct buf w[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
		int is_profile = strncmp(name, "profile", 7) == 0;
		int is_session = strncmp(name, "sso-session", 11) == 0;

		if (i == f->default_section)
			continue;
		if (f->is_credentials) {
			strmap_put(&f->profiles, name, i);
			continue;
		}
		if ((is_profile || is_session) && shlex_words(name, w) == 2)
			strmap_put(is_profile ? &f->profiles : &f->sso_sessions, w[1].data, i);
		else if (!is_profile && !is_session && strcmp(name, "default") == 0)
			strmap_put(&f->profiles, name, i);
		for (int j = 0; j < 3; j++)
			buf_release(&w[j]);
	}
}

/* Parses one file's text into f and indexes its profiles and sso-sessions. */
static int file_parse(struct parsed_file *f, const char *text, size_t len, struct aws_error *err)
{
	static const struct ini_hooks hooks = {on_section, on_option};
	int rc;

	f->err = err;
	rc = ini_read(text, len, on_setting, &hooks, f, err);
	f->err = NULL;
	if (rc < 0)
		return rc;
	file_index(f);
	return 0;
}

/* The value of key in section sec, else in the file's [DEFAULT]. */
static const char *section_get(const struct parsed_file *f, size_t sec, const char *key)
{
	struct buf k = BUF_INIT;
	const size_t *e;
	const char *v = NULL;

	buf_addf(&k, "%zu\n%s", sec, key);
	e = strmap_get(&f->keys, k.data);
	if (e) {
		v = f->sections[sec].v[*e].value;
	} else if (f->default_section != SIZE_MAX && sec != f->default_section) {
		buf_reset(&k);
		buf_addf(&k, "%zu\n%s", f->default_section, key);
		e = strmap_get(&f->keys, k.data);
		if (e)
			v = f->sections[f->default_section].v[*e].value;
	}
	buf_release(&k);
	return v;
}

static const char *file_get(const struct parsed_file *f, const struct strmap *names,
                            const char *name, const char *key)
{
	const size_t *sec = name ? strmap_get(names, name) : NULL;

	return sec ? section_get(f, *sec, key) : NULL;
}

struct config *config_new_empty(void)
{
	struct config *c = xcalloc(1, sizeof(*c));

	file_init(&c->files[CONFIG_FILE_CREDENTIALS], 1);
	file_init(&c->files[CONFIG_FILE_CONFIG], 0);
	c->files[CONFIG_FILE_CREDENTIALS].path = xstrdup("~/.aws/credentials");
	c->files[CONFIG_FILE_CONFIG].path = xstrdup("~/.aws/config");
	return c;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	file_release(&c->files[0]);
	file_release(&c->files[1]);
	free(c);
}

int config_parse(struct config **out, const char *config_text, size_t config_len,
                 const char *credentials_text, size_t credentials_len, struct aws_error *err)
{
	struct config *c = config_new_empty();
	int rc = 0;

	*out = NULL;
	if (config_text) {
		rc = file_parse(&c->files[CONFIG_FILE_CONFIG], config_text, config_len, err);
		if (rc < 0) {
			error_prefix(err, "config file");
			goto out;
		}
	}
	if (credentials_text) {
		rc = file_parse(&c->files[CONFIG_FILE_CREDENTIALS], credentials_text,
		                credentials_len, err);
		if (rc < 0) {
			error_prefix(err, "credentials file");
			goto out;
		}
	}
out:
	if (rc < 0)
		config_free(c);
	else
		*out = c;
	return rc;
}

char *config_expand_path(const struct env *env, const char *path)
{
	const char *home;

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
		return xstrdup(path);
	home = env_get(env, "HOME");
	if (!home) {
		struct passwd *pw = getpwuid(getuid());

		home = pw && pw->pw_dir ? pw->pw_dir : "";
	}
	return xasprintf("%s%s", home, path + 1);
}

/* Reads and parses one file. A missing file, or something that is not a
 * regular file (botocore's isfile check), leaves f empty. */
static int file_load(struct parsed_file *f, const char *path, struct aws_error *err)
{
	const char *what = f->is_credentials ? "credentials" : "config";
	struct buf text;
	struct stat st;
	char chunk[65536];
	int fd = -1;
	int rc = 0;

	buf_init(&text, CONFIG_MAX_FILE);
	free(f->path);
	f->path = xstrdup(path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			rc = error_set(err, ERR_IO, "cannot read %s file '%s': %s", what, path,
			               strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		rc = error_set(err, ERR_IO, "cannot read %s file '%s': %s", what, path,
		               strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode))
		goto out;
	f->exists = 1;
	f->mode = (unsigned)st.st_mode & 07777u;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = error_set(err, ERR_IO, "cannot read %s file '%s': %s", what, path,
			               strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_add(&text, chunk, (size_t)n) < 0) {
			rc = error_set(err, ERR_CONFIG, "%s file '%s' is larger than %u MiB", what,
			               path, CONFIG_MAX_FILE >> 20);
			goto out;
		}
	}
	rc = file_parse(f, text.data, text.len, err);
	if (rc < 0)
		error_prefix(err, "%s file '%s'", what, path);
out:
	if (fd >= 0)
		close(fd);
	OPENSSL_cleanse(chunk, sizeof(chunk));
	OPENSSL_cleanse(text.data, text.len);
	buf_release(&text);
	return rc;
}

int config_load(struct config **out, const struct env *env, struct aws_error *err)
{
	struct config *c = config_new_empty();
	const char *v;
	char *config_path = NULL, *credentials_path = NULL;
	int rc;

	*out = NULL;
	v = env_get(env, "AWS_CONFIG_FILE");
	config_path = config_expand_path(env, v ? v : "~/.aws/config");
	v = env_get(env, "AWS_SHARED_CREDENTIALS_FILE");
	credentials_path = config_expand_path(env, v ? v : "~/.aws/credentials");
	rc = file_load(&c->files[CONFIG_FILE_CONFIG], config_path, err);
	if (rc == 0)
		rc = file_load(&c->files[CONFIG_FILE_CREDENTIALS], credentials_path, err);
	free(config_path);
	free(credentials_path);
	if (rc < 0)
		config_free(c);
	else
		*out = c;
	return rc;
}

const char *config_get_from(const struct config *c, enum config_file which, const char *profile,
                            const char *key)
{
	const struct parsed_file *f = &c->files[which];

	return file_get(f, &f->profiles, profile, key);
}

const char *config_get(const struct config *c, const char *profile, const char *key)
{
	const char *v = config_get_from(c, CONFIG_FILE_CREDENTIALS, profile, key);

	return v ? v : config_get_from(c, CONFIG_FILE_CONFIG, profile, key);
}

const char *config_sso_session_get(const struct config *c, const char *name, const char *key)
{
	const struct parsed_file *f = &c->files[CONFIG_FILE_CONFIG];

	return file_get(f, &f->sso_sessions, name, key);
}

int config_has_profile(const struct config *c, const char *profile)
{
	return strmap_get(&c->files[CONFIG_FILE_CREDENTIALS].profiles, profile) ||
	       strmap_get(&c->files[CONFIG_FILE_CONFIG].profiles, profile);
}

const char *config_path(const struct config *c, enum config_file which)
{
	return c->files[which].path;
}

int config_check_permissions(struct config *c, FILE *out)
{
	const struct parsed_file *f = &c->files[CONFIG_FILE_CREDENTIALS];

	if (c->warned || !f->exists || !(f->mode & (S_IRGRP | S_IROTH)))
		return 0;
	c->warned = 1;
	fprintf(out,
	        "vpcflow: warning: credentials file '%s' is readable by other users; "
	        "run chmod 600 '%s'\n",
	        f->path, f->path);
	return 1;
}

const char *config_profile_name(const struct env *env, const char *flag)
{
	const char *v;

	if (flag && *flag)
		return flag;
	if ((v = env_get(env, "AWS_PROFILE")))
		return v;
	if ((v = env_get(env, "AWS_DEFAULT_PROFILE")))
		return v;
	return "default";
}

const char *config_region(const struct config *c, const struct env *env, const char *profile,
                          const char *flag)
{
	const char *v;

	if (flag && *flag)
		return flag;
	if ((v = env_get(env, "AWS_REGION")))
		return v;
	if ((v = env_get(env, "AWS_DEFAULT_REGION")))
		return v;
	if (!c)
		return NULL;
	v = config_get(c, profile ? profile : "default", "region");
	return v && *v ? v : NULL;
}
