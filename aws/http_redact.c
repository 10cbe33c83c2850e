/* Redaction for the --debug wire log: what a header or a body may show. */
#include "aws/http.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "aws/buf.h"

/* Field names whose values never reach a log, compared case-insensitively. */
static const char *const secret_fields[] = {
    "SecretAccessKey",
    "SessionToken",
    "WebIdentityToken",
    "Token",
    "AccessToken",
    "RefreshToken",
    "ClientSecret",
    "Password",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    "SignatureProvided", /* S3 echoes the request's signature in SignatureDoesNotMatch */
    NULL,
};

static int contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

void http_redact_header(struct buf *out, const char *name, const char *value)
{
	const char *sig;
	const char *rest;

	if (strcasecmp(name, "Authorization") == 0 ||
	    strcasecmp(name, "Proxy-Authorization") == 0) {
		sig = strncmp(value, "AWS4-", 5) == 0 ? strstr(value, "Signature=") : NULL;
		if (!sig) {
			buf_addstr(out, strncmp(value, "AWS4-", 5) == 0 ? value : "<redacted>");
			return;
		}
		sig += strlen("Signature=");
		buf_add(out, value, (size_t)(sig - value));
		buf_addstr(out, "<redacted>");
		rest = strchr(sig, ',');
		if (rest)
			buf_addstr(out, rest);
		return;
	}
	if (contains_ci(name, "token") || contains_ci(name, "secret") ||
	    strcasecmp(name, "Cookie") == 0 || strcasecmp(name, "Set-Cookie") == 0) {
		buf_addstr(out, "<redacted>");
		return;
	}
	buf_addstr(out, value);
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':';
}

/* Whether name (len bytes, possibly "prefix:Name") is a secret field. */
static int is_secret_name(const char *name, size_t len)
{
	for (size_t i = len; i > 0; i--) {
		if (name[i - 1] == ':') {
			name += i;
			len -= i;
			break;
		}
	}
	for (const char *const *f = secret_fields; *f; f++)
		if (strlen(*f) == len && strncasecmp(*f, name, len) == 0)
			return 1;
	return 0;
}

static size_t skip_space(const char *s, size_t i, size_t len)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* Finds the value of a secret field whose name runs from ns to ne, opened by
 * the delimiter d: <Name>value<, "Name": "value", or [?&]Name=value. Sets
 * [*vs, *ve) and returns 1 when the syntax matches. An unterminated value runs
 * to the end, so that a cut-off body never shows part of a secret. */
static int secret_value(const char *s, size_t len, char d, size_t ne, size_t *vs, size_t *ve)
{
	size_t j;

	if (d == '<' && ne < len && (s[ne] == '>' || s[ne] == ' ')) {
		for (j = ne; j < len && s[j] != '>'; j++)
			;
		*vs = j < len ? j + 1 : len;
		for (j = *vs; j < len && s[j] != '<'; j++)
			;
		*ve = j;
		return 1;
	}
	if (d == '"' && ne < len && s[ne] == '"') {
		j = skip_space(s, ne + 1, len);
		if (j >= len || s[j] != ':')
			return 0;
		j = skip_space(s, j + 1, len);
		if (j >= len || s[j] != '"')
			return 0;
		*vs = ++j;
		while (j < len && s[j] != '"')
			j += s[j] == '\\' && j + 1 < len ? 2 : 1;
		*ve = j < len ? j : len;
		return 1;
	}
	if ((d == '&' || d == '?' || d == '\0') && ne < len && s[ne] == '=') {
		*vs = ne + 1;
		for (j = *vs; j < len && s[j] != '&'; j++)
			;
		*ve = j;
		return 1;
	}
	return 0;
}

/* Copies body with the values of secret fields replaced by "<redacted>", in
 * XML (<SecretAccessKey>..</SecretAccessKey>), JSON ("SessionToken": "..")
 * and form or query strings (WebIdentityToken=..). */
void http_redact_body(struct buf *out, const char *body, size_t len)
{
	size_t i = 0, copied = 0, ns, ne, vs, ve;
	char d;

	while (i < len) {
		d = body[i];
		if (d == '<' || d == '"' || d == '&' || d == '?')
			ns = i + 1;
		else if (i == 0) {
			ns = 0;
			d = '\0';
		} else {
			i++;
			continue;
		}
		for (ne = ns; ne < len && is_name_char((unsigned char)body[ne]); ne++)
			;
		if (ne > ns && is_secret_name(body + ns, ne - ns) &&
		    secret_value(body, len, d, ne, &vs, &ve) && ve > vs) {
			buf_add(out, body + copied, vs - copied);
			buf_addstr(out, "<redacted>");
			copied = i = ve;
			continue;
		}
		i++;
	}
	buf_add(out, body + copied, len - copied);
}
