#include "aws/creds_provider.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/env.h"
#include "aws/error.h"
#include "aws/xalloc.h"

static void free_secret(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

void creds_release(struct creds *c)
{
	free(c->access_key_id);
	free_secret(c->secret_access_key);
	free_secret(c->session_token);
	memset(c, 0, sizeof(*c));
}

void creds_copy(struct creds *dst, const struct creds *src)
{
	dst->access_key_id = src->access_key_id ? xstrdup(src->access_key_id) : NULL;
	dst->secret_access_key = src->secret_access_key ? xstrdup(src->secret_access_key) : NULL;
	dst->session_token = src->session_token ? xstrdup(src->session_token) : NULL;
	dst->expires_ms = src->expires_ms;
	dst->source = src->source;
}

struct creds_provider *
creds_provider_new(int (*fetch)(struct creds_provider *, struct creds *, struct aws_error *),
                   void (*destroy)(struct creds_provider *), void *data, const struct clock *clock)
{
	struct creds_provider *p = xcalloc(1, sizeof(*p));

	p->fetch = fetch;
	p->destroy = destroy;
	p->data = data;
	p->clock = clock;
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

/* Whether cached credentials can still be handed out. */
static int cache_fresh(const struct creds_provider *p)
{
	const struct clock *clock = p->clock ? p->clock : &clock_system;

	if (!p->have_cached)
		return 0;
	if (!p->cached.expires_ms)
		return 1;
	return clock_now_ms(clock) + CREDS_REFRESH_MS < p->cached.expires_ms;
}

int creds_get(struct creds_provider *p, struct creds *out, struct aws_error *err)
{
	struct creds fresh = {0};
	int rc = 0;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&p->lock);
	if (!cache_fresh(p)) {
		rc = p->fetch(p, &fresh, err);
		if (rc == 0) {
			creds_release(&p->cached);
			p->cached = fresh;
			p->have_cached = 1;
		}
	}
	if (rc == 0)
		creds_copy(out, &p->cached);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void creds_provider_free(struct creds_provider *p)
{
	if (!p)
		return;
	if (p->destroy)
		p->destroy(p);
	creds_release(&p->cached);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int static_fetch(struct creds_provider *self, struct creds *out, struct aws_error *err)
{
	creds_copy(out, self->data);
	return 0;
}

static void static_destroy(struct creds_provider *self)
{
	creds_release(self->data);
	free(self->data);
}

struct creds_provider *creds_static_new(const char *access_key_id, const char *secret_access_key,
                                        const char *session_token)
{
	struct creds *c = xcalloc(1, sizeof(*c));

	c->access_key_id = xstrdup(access_key_id);
	c->secret_access_key = xstrdup(secret_access_key);
	c->session_token = session_token && *session_token ? xstrdup(session_token) : NULL;
	c->source = "static";
	return creds_provider_new(static_fetch, static_destroy, c, NULL);
}
