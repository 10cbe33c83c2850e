/* --regions: the configured region, a list, or every enabled region. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/strlist.h"
#include "aws/xalloc.h"
#include "cmd/cli.h"

static int valid_region_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return 0;
	return 1;
}

int cli_regions(struct strlist *out, struct context *ctx, const char *regions_arg)
{
	struct aws_error err;
	char *copy, *save = NULL;

	if (!regions_arg) {
		if (!ctx->region) {
			cli_error(ctx, "no region: use --region or --regions, or set AWS_REGION "
			               "(or region in your profile)");
			return -EXIT_USAGE;
		}
		strlist_add(out, ctx->region);
		return 0;
	}
	if (strcmp(regions_arg, "all") == 0) {
		error_clear(&err);
		if (ec2_describe_regions(out, ctx->client, ctx->region ? ctx->region : "us-east-1",
		                         &err) < 0) {
			cli_aws_error(ctx, "list enabled regions", &err);
			return -EXIT_FAILURE_AWS;
		}
		return 0;
	}
	copy = xstrdup(regions_arg);
	for (char *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		while (*r == ' ')
			r++;
		if (!valid_region_name(r)) {
			cli_error(ctx, "--regions: '%s' is not a region name (like eu-west-1)", r);
			free(copy);
			return -EXIT_USAGE;
		}
		if (!strlist_has(out, r))
			strlist_add(out, r);
	}
	free(copy);
	if (out->n == 0) {
		cli_error(ctx, "--regions: no region given; use a list such as "
		               "'us-east-1,eu-west-1', or 'all'");
		return -EXIT_USAGE;
	}
	return 0;
}
