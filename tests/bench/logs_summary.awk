# The --summary of `vpcflow logs` written in awk, as a user would without
# vpcflow: default-format flow records on stdin or in files. Runs in gawk
# and mawk (no gawk-only functions).
#   accepted/rejected records, packets, bytes; top talkers by bytes; top
#   rejected sources; top destination ports; network-ACL-like rejections.
function top(arr, n, title,    k, best, bestv, i, seen) {
	print title
	for (i = 0; i < n; i++) {
		best = ""; bestv = -1
		for (k in arr) if (!(k in seen) && arr[k] + 0 > bestv) { best = k; bestv = arr[k] + 0 }
		if (best == "") break
		seen[best] = 1
		print "  " best, bestv
	}
}
$14 == "NODATA" { nodata++; next }
$14 == "SKIPDATA" { skipdata++; next }
NF == 14 {
	records++
	if ($13 == "ACCEPT") { acc++; accp += $9; accb += $10 }
	else if ($13 == "REJECT") { rej++; rejp += $9; rejb += $10; rejsrc[$4]++ }
	talk[$4 " " $5] += $10
	ports[$8 "/" $7]++
	if ($4 "|" $6 < $5 "|" $7) { key = $4 " " $6 " " $5 " " $7 " " $8; dir = 0 }
	else { key = $5 " " $7 " " $4 " " $6 " " $8; dir = 1 }
	if ($13 == "ACCEPT") acc_dir[key, dir]++
	else if ($13 == "REJECT") rej_dir[key, dir]++
	conv[key] = 1
}
END {
	print "accepted", acc, accp, accb
	print "rejected", rej, rejp, rejb
	print "nodata", nodata, "skipdata", skipdata
	top(talk, 10, "top talkers")
	top(rejsrc, 10, "top rejected sources")
	top(ports, 10, "top destination ports")
	for (k in conv) {
		if (acc_dir[k, 0] && rej_dir[k, 1]) { acl[k] = rej_dir[k, 1]; acln += rej_dir[k, 1] }
		else if (acc_dir[k, 1] && rej_dir[k, 0]) { acl[k] = rej_dir[k, 0]; acln += rej_dir[k, 0] }
	}
	print "network ACL like", acln + 0, "security group like", rej - acln
	top(acl, 10, "network ACL like conversations")
}
