/* Percent-decoding of URL-encoded text: IAM's policy documents ("%XX" escapes
 * only), S3's keys and prefixes under encoding-type=url (form encoding, where
 * '+' is a space as well), and the query of a request SigV4 signs. */
#ifndef VPCFLOW_AWS_URL_H
#define VPCFLOW_AWS_URL_H

#include <stddef.h>

struct buf;

enum url_plus {
	URL_PLUS_KEEP,  /* '+' stays '+' (RFC 3986: IAM, SigV4) */
	URL_PLUS_SPACE, /* '+' is a space (forms: S3's encoding-type=url) */
};

/* Decodes s in place (the text only ever shrinks) and returns it. A '%' that
 * is not followed by two hex digits stays as it is; "%00" ends the result. */
char *url_decode(char *s, enum url_plus plus);

/* Appends the len bytes of s (not necessarily NUL-terminated) to out, decoded
 * by url_decode's rules, except that "%00" is a NUL byte kept in the data
 * (out->len counts it) and nothing past s + len is read. Returns -1, adding
 * nothing, when out's cap cannot hold the len bytes undecoded. */
int url_decode_append(struct buf *out, const char *s, size_t len, enum url_plus plus);

#endif
