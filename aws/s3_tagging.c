/* S3 bucket tags: reading them (GetBucketTagging). */
#include <stdlib.h>
#include <string.h>

#include "aws/error.h"
#include "aws/http.h"
#include "aws/s3.h"
#include "aws/xml.h"

int s3_parse_tagging(struct tag_list *out, const char *body, size_t len, struct aws_error *err)
{
	xmlDocPtr doc = xml_parse(body, len, "GetBucketTagging", err);
	xmlNodePtr root;
	int rc;

	if (!doc)
		return err->code;
	root = xmlDocGetRootElement(doc);
	if (!root || !xml_is(root, "Tagging")) {
		xmlFreeDoc(doc);
		error_set_operation(err, "GetBucketTagging");
		return error_set(err, ERR_PARSE, "answer is not a <Tagging> document");
	}
	rc = tag_list_parse_xml(out, xml_child(root, "TagSet"), "Key", "Value", err);
	xmlFreeDoc(doc);
	return rc;
}

int s3_get_bucket_tagging(struct tag_list *out, struct client *c, const char *region,
                          const char *bucket, struct aws_error *err)
{
	struct http_response resp;
	struct s3_request req = {
	    .operation = "GetBucketTagging", .method = "GET", .bucket = bucket, .query = "tagging"};
	int rc;

	rc = s3_send(&resp, c, region, &req, err);
	if (rc == 0)
		rc = s3_parse_tagging(out, resp.body.data, resp.body.len, err);
	else if (error_is(err, "NoSuchTagSet"))
		rc = err->code = ERR_NOT_FOUND;
	http_response_release(&resp);
	return rc;
}
