/* Percent-decoding of the URL-encoded text AWS answers hold: IAM's policy
 * documents ("%XX" escapes only) and S3's keys and prefixes under
 * encoding-type=url (form encoding, where '+' is a space as well). */
#ifndef VPCFLOW_AWS_URL_H
#define VPCFLOW_AWS_URL_H

enum url_plus {
	URL_PLUS_KEEP,  /* '+' stays '+' (RFC 3986: IAM) */
	URL_PLUS_SPACE, /* '+' is a space (forms: S3's encoding-type=url) */
};

/* Decodes s in place (the text only ever shrinks) and returns it. A '%' that
 * is not followed by two hex digits stays as it is; "%00" ends the result. */
char *url_decode(char *s, enum url_plus plus);

#endif
