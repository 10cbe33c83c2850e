#!/bin/sh
# What a user would write with the AWS CLI to see flow-log coverage: per
# region, one after the other, list VPCs, subnets, flow logs and log groups
# (the CLI follows every page itself).
#   tests/bench/audit_cli.sh ENDPOINT_URL REGION...
set -e
endpoint=$1
shift
for region in "$@"; do
	aws ec2 describe-vpcs --region "$region" --endpoint-url "$endpoint" --output json >/dev/null
	aws ec2 describe-subnets --region "$region" --endpoint-url "$endpoint" --output json >/dev/null
	aws ec2 describe-flow-logs --region "$region" --endpoint-url "$endpoint" --output json >/dev/null
	aws logs describe-log-groups --region "$region" --endpoint-url "$endpoint" --output json >/dev/null
done
